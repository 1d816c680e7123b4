// Signatures from Unity-Technologies/UnityCsReference at tag 2021.3.58f1:
// Runtime/Export/Time/Time.bindings.cs,
// Runtime/Export/Debug/Debug.bindings.cs, Runtime/Export/Scripting/Attributes.cs,
// Runtime/Export/PropertyDrawer/PropertyAttribute.cs, Runtime/Export/Serialization/Serialization.cs,
// Modules/InputLegacy/Input.bindings.cs, Runtime/Export/Input/KeyCode.cs (values as there).
using System;

namespace UnityEngine
{
    public class Time
    {
        public static float time => throw StandIn.Absent;
        public static float deltaTime => throw StandIn.Absent;
        public static float unscaledDeltaTime => throw StandIn.Absent;
        public static int frameCount => throw StandIn.Absent;
        public static float realtimeSinceStartup => throw StandIn.Absent;
        public static double realtimeSinceStartupAsDouble => throw StandIn.Absent;
    }

    public partial class Debug
    {
        public static void Log(object message) => throw StandIn.Absent;
        public static void Log(object message, Object context) => throw StandIn.Absent;
        public static void LogError(object message) => throw StandIn.Absent;
        public static void LogError(object message, Object context) => throw StandIn.Absent;
        public static void LogWarning(object message) => throw StandIn.Absent;
        public static void LogWarning(object message, Object context) => throw StandIn.Absent;
        public static void LogException(Exception exception) => throw StandIn.Absent;
        public static void LogException(Exception exception, Object context) => throw StandIn.Absent;
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    public sealed class DisallowMultipleComponent : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
    public sealed class RequireComponent : Attribute
    {
        public RequireComponent(Type requiredComponent) => throw StandIn.Absent;
        public RequireComponent(Type requiredComponent, Type requiredComponent2) => throw StandIn.Absent;
    }

    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
    public sealed class ExecuteAlways : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class HideInInspector : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public abstract class PropertyAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public class TooltipAttribute : PropertyAttribute
    {
        public readonly string tooltip;
        public TooltipAttribute(string tooltip) => throw StandIn.Absent;
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class RangeAttribute : PropertyAttribute
    {
        public readonly float min;
        public readonly float max;
        public RangeAttribute(float min, float max) => throw StandIn.Absent;
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed class MinAttribute : PropertyAttribute
    {
        public readonly float min;
        public MinAttribute(float min) => throw StandIn.Absent;
    }

    [AttributeUsage(AttributeTargets.Field, Inherited = true, AllowMultiple = false)]
    public sealed partial class SerializeField : Attribute
    {
    }

    public enum KeyCode
    {
        None = 0,
        A = 97,
        D = 100,
        E = 101,
        Q = 113,
        S = 115,
        W = 119,
        LeftShift = 304,
    }

    public class Input
    {
        public static float GetAxis(string axisName) => throw StandIn.Absent;
        public static bool GetMouseButton(int button) => throw StandIn.Absent;
        public static bool GetKey(KeyCode key) => throw StandIn.Absent;
        public static bool GetKey(string name) => throw StandIn.Absent;
    }
}
