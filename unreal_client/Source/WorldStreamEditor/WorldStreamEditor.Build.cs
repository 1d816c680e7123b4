// The editor module (UncookedOnly): a WorldStream tab to create a world from a photo, list the
// server's worlds and stream one into the editor viewport. It goes through the runtime module's
// Unreal-typed API only, so it needs neither gRPC nor WorldStreamCore's headers.
using UnrealBuildTool;

public class WorldStreamEditor : ModuleRules
{
	public WorldStreamEditor(ReadOnlyTargetRules Target) : base(Target)
	{
		PCHUsage = PCHUsageMode.UseExplicitOrSharedPCHs;

		PrivateDependencyModuleNames.AddRange(new string[]
		{
			"Core",
			"CoreUObject",
			"Engine",
			"Slate",
			"SlateCore",
			"InputCore",
			"UnrealEd",
			"LevelEditor",
			"DesktopPlatform",
			"WorkspaceMenuStructure",
			"Settings",
			"WorldStream",
		});
	}
}
