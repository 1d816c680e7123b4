// Stand-in for UnityEditor, to compile the package's Editor assembly against: never run. Every
// member throws. Signatures copied from Unity-Technologies/UnityCsReference at tag 2021.3.58f1:
// Editor/Mono/EditorWindow.cs, MenuItem.cs, EditorPrefs.bindings.cs, EditorGUI.cs,
// EditorGUILayout.cs, GUI/EditorStyles.cs, EditorGUIUtility.bindings.cs (MessageType),
// EditorUtility.bindings.cs, Undo/Undo.bindings.cs, EditorApplication.bindings.cs, BuildTarget.cs,
// BuildPipeline/BuildPipelineInterfaces.cs (IOrderedCallback, IUnityLinkerProcessor: in 2021.3 only
// GenerateAdditionalLinkXmlFile; 2020.3 and 2021.1 also had OnBeforeRun and OnAfterRun),
// BuildPipeline/UnityLinker/UnityLinkerBuildPipelineData.cs;
// Modules/BuildReportingEditor/Managed/BuildReport.bindings.cs;
// Modules/PackageManager/Editor/Managed/PackageInfo.cs.
using System;
using System.Reflection;
using UnityEngine;
using Object = UnityEngine.Object;

namespace UnityEditor
{
    internal static class StandIn
    {
        internal static Exception Absent => new NotImplementedException("UnityEditor stand-in: compile only");
    }

    public partial class EditorWindow : ScriptableObject
    {
        public static T GetWindow<T>() where T : EditorWindow => throw StandIn.Absent;
        public static T GetWindow<T>(string title) where T : EditorWindow => throw StandIn.Absent;
        public void Repaint() => throw StandIn.Absent;
        public void Close() => throw StandIn.Absent;
        public void Show() => throw StandIn.Absent;
        public GUIContent titleContent { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
    public sealed class MenuItem : Attribute
    {
        public MenuItem(string itemName) => throw StandIn.Absent;
        public MenuItem(string itemName, bool isValidateFunction) => throw StandIn.Absent;
        public MenuItem(string itemName, bool isValidateFunction, int priority) => throw StandIn.Absent;
    }

    public sealed class EditorPrefs
    {
        public static void SetString(string key, string value) => throw StandIn.Absent;
        public static string GetString(string key, string defaultValue) => throw StandIn.Absent;
        public static string GetString(string key) => throw StandIn.Absent;
    }

    public enum MessageType
    {
        None = 0,
        Info = 1,
        Warning = 2,
        Error = 3,
    }

    public sealed partial class EditorGUI
    {
        public static void BeginChangeCheck() => throw StandIn.Absent;
        public static bool EndChangeCheck() => throw StandIn.Absent;
        public static void ProgressBar(Rect position, float value, string text) => throw StandIn.Absent;

        public struct DisabledScope : IDisposable
        {
            public DisabledScope(bool disabled) => throw StandIn.Absent;
            public void Dispose() => throw StandIn.Absent;
        }
    }

    public sealed partial class EditorGUILayout
    {
        public static void LabelField(string label, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static void LabelField(string label, GUIStyle style, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static string TextField(string label, string text, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static string TextField(GUIContent label, string text, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static float FloatField(string label, float value, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static float FloatField(GUIContent label, float value, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static void HelpBox(string message, MessageType type) => throw StandIn.Absent;
        public static void Space() => throw StandIn.Absent;
        public static Vector2 BeginScrollView(Vector2 scrollPosition, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static void EndScrollView() => throw StandIn.Absent;

        public class HorizontalScope : GUI.Scope
        {
            public HorizontalScope(params GUILayoutOption[] options) => throw StandIn.Absent;
            protected override void CloseScope() => throw StandIn.Absent;
        }
    }

    public sealed class EditorStyles
    {
        public static GUIStyle boldLabel => throw StandIn.Absent;
        public static GUIStyle label => throw StandIn.Absent;
    }

    public partial class EditorUtility
    {
        public static string OpenFilePanel(string title, string directory, string extension) => throw StandIn.Absent;
        public static void SetDirty(Object target) => throw StandIn.Absent;
    }

    public partial class Undo
    {
        public static void RegisterCreatedObjectUndo(Object objectToUndo, string name) => throw StandIn.Absent;
        public static T AddComponent<T>(GameObject gameObject) where T : Component => throw StandIn.Absent;
        public static void RecordObject(Object objectToUndo, string name) => throw StandIn.Absent;
    }

    public sealed partial class EditorApplication
    {
        public static bool isPlaying { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public static void EnterPlaymode() => throw StandIn.Absent;
        public static void ExitPlaymode() => throw StandIn.Absent;
    }

    public enum BuildTarget
    {
        StandaloneOSX = 2,
        iOS = 9,
        Android = 13,
        StandaloneWindows64 = 19,
        WebGL = 20,
        StandaloneLinux64 = 24,
    }
}

namespace UnityEditor.Build.Reporting
{
    public sealed class BuildReport : UnityEngine.Object
    {
        internal BuildReport() => throw StandIn.Absent;
    }
}

namespace UnityEditor.UnityLinker
{
    public sealed class UnityLinkerBuildPipelineData
    {
        public readonly BuildTarget target;
        public readonly string inputDirectory;
        public UnityLinkerBuildPipelineData(BuildTarget target, string inputDirectory) => throw StandIn.Absent;
    }
}

namespace UnityEditor.Build
{
    public interface IOrderedCallback
    {
        int callbackOrder { get; }
    }

    public interface IUnityLinkerProcessor : IOrderedCallback
    {
        string GenerateAdditionalLinkXmlFile(Reporting.BuildReport report, UnityLinker.UnityLinkerBuildPipelineData data);
    }
}

namespace UnityEditor.PackageManager
{
    public sealed partial class PackageInfo
    {
        internal PackageInfo() => throw StandIn.Absent;
        public string name => throw StandIn.Absent;
        public string version => throw StandIn.Absent;
        public string resolvedPath => throw StandIn.Absent;
        public string assetPath => throw StandIn.Absent;
        public static PackageInfo FindForAssembly(Assembly assembly) => throw StandIn.Absent;
    }
}
