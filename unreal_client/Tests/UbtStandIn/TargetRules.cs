// Stand-ins for the target side of UnrealBuildTool that module rules see: UnrealTargetConfiguration
// (Configuration/UEBuildTarget.cs), TargetType and TargetLinkType (Configuration/TargetRules.cs),
// ReadOnlyBuildVersion (System/BuildVersion.cs), ReadOnlyWindowsTargetRules and
// ReadOnlyTargetRules (Configuration/ReadOnlyTargetRules.cs, Platform/Windows/UEBuildWindows.cs),
// all of UE 5.5.1. Only members present in UE 5.3 to 5.5 are kept, so a rules file that
// compiles here does not lean on a newer engine. TargetRules itself is reduced to the fields the
// read-only view forwards; a test harness fills it in, as UBT fills it from a *.Target.cs.
using System;

namespace UnrealBuildTool
{
	public enum UnrealTargetConfiguration
	{
		Unknown,
		Debug,
		DebugGame,
		Development,
		Test,
		Shipping,
	}

	[Serializable]
	public enum TargetType
	{
		Game,
		Editor,
		Client,
		Server,
		Program
	}

	[Serializable]
	public enum TargetLinkType
	{
		Default,
		Monolithic,
		Modular,
	}

	public class BuildVersion
	{
		public int MajorVersion;
		public int MinorVersion;
		public int PatchVersion;
		public int Changelist;
		public int CompatibleChangelist;
		public bool IsLicenseeVersion;
		public bool IsPromotedBuild;
		public string BranchName;
	}

	public class ReadOnlyBuildVersion
	{
		readonly BuildVersion Inner;

		public ReadOnlyBuildVersion(BuildVersion Inner)
		{
			this.Inner = Inner;
		}

		public int MajorVersion { get { return Inner.MajorVersion; } }
		public int MinorVersion { get { return Inner.MinorVersion; } }
		public int PatchVersion { get { return Inner.PatchVersion; } }
		public int Changelist { get { return Inner.Changelist; } }
		public int CompatibleChangelist { get { return Inner.CompatibleChangelist; } }
		public bool IsLicenseeVersion { get { return Inner.IsLicenseeVersion; } }
		public bool IsPromotedBuild { get { return Inner.IsPromotedBuild; } }
		public string BranchName { get { return Inner.BranchName; } }
	}

	public class ReadOnlyWindowsTargetRules
	{
		// UEBuildWindows.cs: every supported compiler (VS2022, clang, Intel) reports "2015", the
		// ABI-compatible toolset the engine's third-party libraries are filed under.
		public string GetVisualStudioCompilerVersionName()
		{
			return "2015";
		}

		public UnrealArch Architecture { get { return UnrealArch.X64; } }
	}

	// The writable target, reduced to what ReadOnlyTargetRules forwards (the harness's to fill).
	public class TargetRules
	{
		public string Name = "WorldStreamTest";
		public UnrealTargetPlatform Platform = UnrealTargetPlatform.Win64;
		public UnrealTargetConfiguration Configuration = UnrealTargetConfiguration.Development;
		public UnrealArch Architecture = UnrealArch.X64;
		public TargetType Type = TargetType.Game;
		public TargetLinkType LinkType = TargetLinkType.Modular;
		public bool bBuildEditor;
		public bool bBuildWithEditorOnlyData;
		public bool bDebugBuildsActuallyUseDebugCRT;
		public bool bUseUnityBuild = true;
		public bool bIsEngineInstalled;
		public BuildVersion Version = new BuildVersion();
	}

	public partial class ReadOnlyTargetRules
	{
		readonly TargetRules Inner;

		public ReadOnlyTargetRules(TargetRules inner)
		{
			Inner = inner;
			WindowsPlatform = new ReadOnlyWindowsTargetRules();
			Version = new ReadOnlyBuildVersion(inner.Version);
		}

		public string Name { get { return Inner.Name; } }
		public UnrealTargetPlatform Platform { get { return Inner.Platform; } }
		public UnrealTargetConfiguration Configuration { get { return Inner.Configuration; } }
		public UnrealArch Architecture { get { return Inner.Architecture; } }
		public ReadOnlyBuildVersion Version { get; private set; }
		public TargetType Type { get { return Inner.Type; } }
		public TargetLinkType LinkType { get { return Inner.LinkType; } }
		public bool bBuildEditor { get { return Inner.bBuildEditor; } }
		public bool bBuildWithEditorOnlyData { get { return Inner.bBuildWithEditorOnlyData; } }
		public bool bDebugBuildsActuallyUseDebugCRT { get { return Inner.bDebugBuildsActuallyUseDebugCRT; } }
		public bool bUseUnityBuild { get { return Inner.bUseUnityBuild; } }
		public bool bIsEngineInstalled { get { return Inner.bIsEngineInstalled; } }
		public ReadOnlyWindowsTargetRules WindowsPlatform { get; private set; }

		// Relative, as in UBT: rules combine it with paths UBT resolves from Engine/Source.
		public string UEThirdPartySourceDirectory { get { return "ThirdParty/"; } }

		public bool IsInPlatformGroup(UnrealPlatformGroup group)
		{
			return Platform.IsInGroup(group);
		}
	}
}
