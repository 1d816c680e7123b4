// Runs the module rules of a compiled rules assembly the way UnrealBuildTool's RulesAssembly
// does (an uninitialised object, Name/Directory/Plugin set, then the constructor with the
// target), once per target read from stdin, and prints what each constructor added as one JSON
// object per line. A target line is tab-separated:
//   engine root, engine version (5.4.3), platform, configuration, target type, plugin root
// Engine module directories come from the <Module>.Build.cs files under the engine root, the
// plugin's from those under <plugin root>/Source, as RulesAssembly finds them.
using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using UnrealBuildTool;

static class RulesRunner
{
	static int Main(string[] Args)
	{
		if (Args.Length != 1)
		{
			Console.Error.WriteLine("usage: mono RulesRunner.exe Rules.dll < targets.tsv");
			return 2;
		}
		Assembly Rules = Assembly.LoadFrom(Args[0]);
		List<Type> ModuleTypes = new List<Type>();
		foreach (Type Candidate in Rules.GetTypes())
		{
			if (Candidate.IsSubclassOf(typeof(ModuleRules)) && !Candidate.IsAbstract)
			{
				ModuleTypes.Add(Candidate);
			}
		}
		ModuleTypes.Sort((A, B) => String.CompareOrdinal(A.Name, B.Name));

		string Line;
		while ((Line = Console.In.ReadLine()) != null)
		{
			if (Line.Trim().Length == 0)
			{
				continue;
			}
			string[] Fields = Line.Split('\t');
			string EngineRoot = Fields[0];
			string[] Version = Fields[1].Split('.');
			string PluginRoot = Fields[5];

			RulesContext.EngineDirectory = Path.Combine(EngineRoot, "Engine");
			Dictionary<string, string> PluginModules = FindModules(Path.Combine(PluginRoot, "Source"));
			RulesContext.ModuleDirectories = FindModules(Path.Combine(EngineRoot, "Engine", "Source"));
			foreach (KeyValuePair<string, string> Module in PluginModules)
			{
				RulesContext.ModuleDirectories[Module.Key] = Module.Value;
			}

			TargetRules Target = new TargetRules();
			Target.Platform = UnrealTargetPlatform.Parse(Fields[2]);
			Target.Configuration = (UnrealTargetConfiguration)Enum.Parse(typeof(UnrealTargetConfiguration), Fields[3]);
			Target.Type = (TargetType)Enum.Parse(typeof(TargetType), Fields[4]);
			Target.bBuildEditor = Target.Type == TargetType.Editor;
			Target.bBuildWithEditorOnlyData = Target.Type == TargetType.Editor;
			// UBT links editor targets modular and game targets monolithic by default.
			Target.LinkType = Target.Type == TargetType.Editor ? TargetLinkType.Modular : TargetLinkType.Monolithic;
			Target.Version.MajorVersion = int.Parse(Version[0]);
			Target.Version.MinorVersion = int.Parse(Version[1]);
			Target.Version.PatchVersion = Version.Length > 2 ? int.Parse(Version[2]) : 0;
			ReadOnlyTargetRules ReadOnlyTarget = new ReadOnlyTargetRules(Target);

			foreach (Type ModuleType in ModuleTypes)
			{
				StringBuilder Json = new StringBuilder("{");
				Field(Json, "engine", Fields[1]);
				Field(Json, "platform", Fields[2]);
				Field(Json, "configuration", Fields[3]);
				Field(Json, "target", Fields[4]);
				Field(Json, "module", ModuleType.Name);
				string ModuleDirectory;
				if (!PluginModules.TryGetValue(ModuleType.Name, out ModuleDirectory))
				{
					Field(Json, "error", "no " + ModuleType.Name + ".Build.cs under the plugin's Source");
				}
				else
				{
					Run(Json, ModuleType, ModuleDirectory, PluginRoot, ReadOnlyTarget);
				}
				Json.Length -= 1;
				Console.WriteLine(Json.Append("}").ToString());
			}
		}
		return 0;
	}

	static Dictionary<string, string> FindModules(string Root)
	{
		Dictionary<string, string> Modules = new Dictionary<string, string>();
		if (Directory.Exists(Root))
		{
			foreach (string RulesFile in Directory.GetFiles(Root, "*.Build.cs", SearchOption.AllDirectories))
			{
				string FileName = Path.GetFileName(RulesFile);
				Modules[FileName.Substring(0, FileName.Length - ".Build.cs".Length)] = Path.GetDirectoryName(RulesFile);
			}
		}
		return Modules;
	}

	static void Run(StringBuilder Json, Type ModuleType, string ModuleDirectory, string PluginRoot, ReadOnlyTargetRules Target)
	{
		ModuleRules Rules = (ModuleRules)FormatterServices.GetUninitializedObject(ModuleType);
		Rules.Name = ModuleType.Name;
		Rules.Directory = ModuleDirectory;
		Rules.PluginRoot = PluginRoot;
		ConstructorInfo Constructor = ModuleType.GetConstructor(new Type[] { typeof(ReadOnlyTargetRules) });
		if (Constructor == null)
		{
			Field(Json, "error", "no constructor taking ReadOnlyTargetRules");
			return;
		}
		try
		{
			Constructor.Invoke(Rules, new object[] { Target });
		}
		catch (TargetInvocationException Exception)
		{
			Field(Json, "error_type", Exception.InnerException.GetType().Name);
			Field(Json, "error", Exception.InnerException.Message);
			return;
		}
		Field(Json, "Type", Rules.Type.ToString());
		Field(Json, "PCHUsage", Rules.PCHUsage.ToString());
		foreach (FieldInfo Member in typeof(ModuleRules).GetFields(BindingFlags.Public | BindingFlags.Instance))
		{
			IEnumerable Values = Member.GetValue(Rules) as List<string>;
			if (Member.FieldType == typeof(ModuleRules.RuntimeDependencyList))
			{
				List<string> Paths = new List<string>();
				foreach (ModuleRules.RuntimeDependency Dependency in ((ModuleRules.RuntimeDependencyList)Member.GetValue(Rules)).Inner)
				{
					Paths.Add(Dependency.Path);
				}
				Values = Paths;
			}
			if (Values != null)
			{
				List(Json, Member.Name, Values);
			}
		}
	}

	static void Field(StringBuilder Json, string Name, string Value)
	{
		Json.Append(Quote(Name)).Append(':').Append(Quote(Value)).Append(',');
	}

	static void List(StringBuilder Json, string Name, IEnumerable Values)
	{
		Json.Append(Quote(Name)).Append(":[");
		bool First = true;
		foreach (object Value in Values)
		{
			Json.Append(First ? "" : ",").Append(Quote(Value.ToString()));
			First = false;
		}
		Json.Append("],");
	}

	static string Quote(string Text)
	{
		StringBuilder Quoted = new StringBuilder("\"");
		foreach (char Character in Text)
		{
			if (Character == '"' || Character == '\\')
			{
				Quoted.Append('\\').Append(Character);
			}
			else if (Character < ' ')
			{
				Quoted.AppendFormat("\\u{0:x4}", (int)Character);
			}
			else
			{
				Quoted.Append(Character);
			}
		}
		return Quoted.Append('"').ToString();
	}
}
