// Stand-in for UnrealBuildTool's ModuleRules (Configuration/ModuleRules.cs) and StagedFileType
// (System/TargetReceipt.cs): the members a module's *.Build.cs can reach that UE 5.3.1
// (realAYAYA/UnrealEngine-ToonLit at 0b4f286) and UE 5.5.1 (lakeone/UE5.51MagicM) both have,
// with their types and defaults. Where UBT resolves something from its rules assemblies
// (EngineDirectory, GetModuleDirectory, the plugin a module belongs to), this reads the
// RulesContext that the test harness fills, the way RulesAssembly sets Name, Directory and
// Plugin on an uninitialised rules object before it runs the constructor.
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("RulesRunner")]

namespace UnrealBuildTool
{
	public enum StagedFileType
	{
		UFS,
		NonUFS,
		DebugNonUFS,
		SystemNonUFS,
	}

	// What RulesAssembly and Unreal.EngineDirectory know in UBT, set by the harness.
	internal static class RulesContext
	{
		internal static string EngineDirectory = "";
		internal static Dictionary<string, string> ModuleDirectories = new Dictionary<string, string>();
	}

	public class ModuleRules
	{
		public enum ModuleType
		{
			CPlusPlus,
			External,
		}

		public enum CodeOptimization
		{
			Never,
			InNonDebugBuilds,
			InShippingBuildsOnly,
			Always,
			Default,
		}

		public enum PCHUsageMode
		{
			Default,
			NoPCHs,
			NoSharedPCHs,
			UseSharedPCHs,
			UseExplicitOrSharedPCHs,
		}

		[Serializable]
		public class RuntimeDependency
		{
			public string Path;
			public string SourcePath;
			public StagedFileType Type;

			public RuntimeDependency(string InPath, StagedFileType InType = StagedFileType.NonUFS)
			{
				Path = InPath;
				Type = InType;
			}

			public RuntimeDependency(string InPath, string InSourcePath, StagedFileType InType = StagedFileType.NonUFS)
			{
				Path = InPath;
				SourcePath = InSourcePath;
				Type = InType;
			}
		}

		[Serializable]
		public class RuntimeDependencyList
		{
			internal List<RuntimeDependency> Inner = new List<RuntimeDependency>();

			public void Add(string InPath)
			{
				Inner.Add(new RuntimeDependency(InPath));
			}

			public void Add(string InPath, StagedFileType InType)
			{
				Inner.Add(new RuntimeDependency(InPath, InType));
			}

			public void Add(string InPath, string InSourcePath, StagedFileType InType = StagedFileType.NonUFS)
			{
				Inner.Add(new RuntimeDependency(InPath, InSourcePath, InType));
			}
		}

		// Set before the constructor runs (no initialisers: the constructor would overwrite them).
		public string Name { get; internal set; }
		internal string Directory { get; set; }
		internal string PluginRoot { get; set; }

		public bool IsPlugin
		{
			get { return PluginRoot != null; }
		}

		public readonly ReadOnlyTargetRules Target;

		public ModuleType Type = ModuleType.CPlusPlus;

		public string BinariesSubFolder = "";

		private CodeOptimization? OptimizeCodeOverride;

		public CodeOptimization OptimizeCode
		{
			get { return OptimizeCodeOverride.HasValue ? OptimizeCodeOverride.Value : CodeOptimization.Default; }
			set { OptimizeCodeOverride = value; }
		}

		public string PrivatePCHHeaderFile;
		public string SharedPCHHeaderFile;
		public string ShortName = null;

		private PCHUsageMode? PCHUsagePrivate;

		// UBT derives the default from the target and build settings; plugin modules of UE5
		// projects come out as UseExplicitOrSharedPCHs.
		public PCHUsageMode PCHUsage
		{
			get { return PCHUsagePrivate.HasValue ? PCHUsagePrivate.Value : PCHUsageMode.UseExplicitOrSharedPCHs; }
			set { PCHUsagePrivate = value; }
		}

		public bool bTreatAsEngineModule;
		public bool bUseRTTI = false;
		public bool bUseAVX = false;
		public bool bEnableBufferSecurityChecks = true;
		public bool bEnableExceptions = false;
		public bool bEnableObjCExceptions = false;
		public bool bEnableUndefinedIdentifierWarnings = true;
		public bool bAddDefaultIncludePaths = true;
		public bool bIgnoreUnresolvedSymbols = false;
		public bool bPrecompile;
		public bool bUsePrecompiled;
		public bool bLegalToDistributeObjectCode = false;
		public bool? bRequiresImplementModule;

		public List<string> PublicIncludePathModuleNames = new List<string>();
		public List<string> PublicDependencyModuleNames = new List<string>();
		public List<string> PrivateIncludePathModuleNames = new List<string>();
		public List<string> PrivateDependencyModuleNames = new List<string>();
		public List<string> CircularlyReferencedDependentModules = new List<string>();
		public List<string> PublicSystemIncludePaths = new List<string>();
		public List<string> PublicIncludePaths = new List<string>();
		public List<string> PrivateIncludePaths = new List<string>();
		public List<string> PublicSystemLibraryPaths = new List<string>();
		public List<string> PrivateRuntimeLibraryPaths = new List<string>();
		public List<string> PublicRuntimeLibraryPaths = new List<string>();
		public List<string> PublicAdditionalLibraries = new List<string>();
		public List<string> PublicPreBuildLibraries = new List<string>();
		public List<string> PublicSystemLibraries = new List<string>();
		public List<string> PublicFrameworks = new List<string>();
		public List<string> PublicWeakFrameworks = new List<string>();
		public List<string> PublicDelayLoadDLLs = new List<string>();
		public List<string> PrivateDefinitions = new List<string>();
		public List<string> PublicDefinitions = new List<string>();
		public List<string> DynamicallyLoadedModuleNames = new List<string>();
		public RuntimeDependencyList RuntimeDependencies = new RuntimeDependencyList();
		public List<string> ExternalDependencies = new List<string>();

		public string GetModuleDirectory(string ModuleName)
		{
			string ModuleDirectoryName;
			if (!RulesContext.ModuleDirectories.TryGetValue(ModuleName, out ModuleDirectoryName))
			{
				throw new BuildException("Could not find a module named '{0}'.", ModuleName);
			}
			return ModuleDirectoryName;
		}

		public void AppendStringToPublicDefinition(string Definition, string Text)
		{
			string WithEquals = Definition + "=";
			for (int Index = 0; Index < PublicDefinitions.Count; Index++)
			{
				if (PublicDefinitions[Index].StartsWith(WithEquals))
				{
					PublicDefinitions[Index] = PublicDefinitions[Index] + Text;
					return;
				}
			}
			PublicDefinitions.Add(Definition + "=" + Text);
		}

		public string EngineDirectory
		{
			get { return RulesContext.EngineDirectory; }
		}

		public string PluginDirectory
		{
			get
			{
				if (PluginRoot == null)
				{
					throw new BuildException("Module '{0}' does not belong to a plugin; PluginDirectory property is invalid.", Name);
				}
				return PluginRoot;
			}
		}

		public string ModuleDirectory
		{
			get { return Directory; }
		}

		public ModuleRules(ReadOnlyTargetRules Target)
		{
			this.Target = Target;
		}

		public void AddEngineThirdPartyPrivateStaticDependencies(ReadOnlyTargetRules Target, params string[] ModuleNames)
		{
			if (!bUsePrecompiled || Target.LinkType == TargetLinkType.Monolithic)
			{
				PrivateDependencyModuleNames.AddRange(ModuleNames);
			}
		}

		public void AddEngineThirdPartyPrivateDynamicDependencies(ReadOnlyTargetRules Target, params string[] ModuleNames)
		{
			if (!bUsePrecompiled || Target.LinkType == TargetLinkType.Monolithic)
			{
				PrivateIncludePathModuleNames.AddRange(ModuleNames);
				DynamicallyLoadedModuleNames.AddRange(ModuleNames);
			}
		}
	}
}
