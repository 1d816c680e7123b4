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

		// FPostProcessingInputs, handed to ISceneViewExtension::PrePostProcessPass_RenderThread,
		// is declared in the renderer's private headers (PostProcess/PostProcessInputs.h).
		PrivateIncludePaths.Add(Path.Combine(GetModuleDirectory("Renderer"), "Private"));
	}
}
