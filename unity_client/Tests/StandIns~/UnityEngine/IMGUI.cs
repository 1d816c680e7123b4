// Signatures from Unity-Technologies/UnityCsReference at tag 2021.3.58f1:
// Modules/IMGUI/GUI.cs, GUILayout.cs,
// GUILayoutOption.cs, GUILayoutUtility.cs, GUIContent.cs, GUIStyle.cs.
namespace UnityEngine
{
    public partial class GUI
    {
        public static void Label(Rect position, string text) => throw StandIn.Absent;

        public abstract class Scope : System.IDisposable
        {
            public void Dispose() => throw StandIn.Absent;
            protected abstract void CloseScope();
        }
    }

    public partial class GUILayout
    {
        public static bool Button(string text, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static bool Button(GUIContent content, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static bool Button(string text, GUIStyle style, params GUILayoutOption[] options) => throw StandIn.Absent;
        public static GUILayoutOption Width(float width) => throw StandIn.Absent;
        public static GUILayoutOption Height(float height) => throw StandIn.Absent;
    }

    public sealed class GUILayoutOption
    {
        internal GUILayoutOption() => throw StandIn.Absent;
    }

    public partial class GUILayoutUtility
    {
        public static Rect GetRect(float width, float height) => throw StandIn.Absent;
        public static Rect GetRect(float width, float height, GUIStyle style) => throw StandIn.Absent;
    }

    public class GUIContent
    {
        public GUIContent() => throw StandIn.Absent;
        public GUIContent(string text) => throw StandIn.Absent;
        public GUIContent(string text, string tooltip) => throw StandIn.Absent;
        public string text { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public string tooltip { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }

    public sealed partial class GUIStyle
    {
        public GUIStyle() => throw StandIn.Absent;
        public static implicit operator GUIStyle(string str) => throw StandIn.Absent;
    }
}
