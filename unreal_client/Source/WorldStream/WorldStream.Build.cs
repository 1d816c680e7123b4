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
		// renderer uses only public ones (RendererInterface.h's post-opaque delegate), which are
		// the same in every supported engine version. (UBT 5.5's UEBuildModule.cs gives an engine
		// module's Internal headers to every dependent, but the post-process inputs moved between
		// Private in 5.3 and Internal from 5.4, and Private headers reach no other module.)
	}
}
