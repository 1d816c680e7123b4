// The runtime module: settings, the streaming subsystem and the splat renderer. It talks to the
// server only through WorldStreamCore's plain C++ headers; gRPC and protobuf stay inside the
// static libraries of the WorldStreamGrpc ThirdParty module.
using System.IO;
using UnrealBuildTool;

public class WorldStream : ModuleRules
{
	public WorldStream(ReadOnlyTargetRules Target) : base(Target)
	{
		PCHUsage = PCHUsageMode.UseExplicitOrSharedPCHs;

		PublicDependencyModuleNames.AddRange(new string[]
		{
			"Core",
			"CoreUObject",
			"Engine",
			"DeveloperSettings",
		});

		PrivateDependencyModuleNames.AddRange(new string[]
		{
			"Projects",      // IPluginManager: where the plugin's shaders are
			"RenderCore",
			"Renderer",
			"RHI",
			"WorldStreamGrpc",
		});

		// No include path into the Renderer module's Private or Internal headers: the splat
		// renderer uses only public ones (RendererInterface.h's post-opaque delegate), which the
		// plugin reaches in every engine version wherever it is installed. (UBT gives a module's
		// Internal headers only to dependents in the engine's rules scope, so not to a project
		// plugin, and its Private headers to no other module.)
	}
}
