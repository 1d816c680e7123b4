// Signatures from Unity-Technologies/UnityCsReference at tag 2021.3.58f1:
// Runtime/Export/Scripting/UnityEngineObject.bindings.cs,
// Component.bindings.cs, Behaviour.bindings.cs, MonoBehaviour.bindings.cs, GameObject.bindings.cs,
// ScriptableObject.bindings.cs; Runtime/Transform/ScriptBindings/Transform.bindings.cs.
using System;
using System.Collections.Generic;

namespace UnityEngine
{
    public enum HideFlags
    {
        None = 0,
        HideInHierarchy = 1,
        HideInInspector = 2,
        DontSaveInEditor = 4,
        NotEditable = 8,
        DontSaveInBuild = 16,
        DontUnloadUnusedAsset = 32,
        DontSave = 52,
        HideAndDontSave = 61,
    }

    public partial class Object
    {
        public int GetInstanceID() => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
        public override bool Equals(object other) => throw StandIn.Absent;
        public static implicit operator bool(Object exists) => throw StandIn.Absent;
        public string name { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public HideFlags hideFlags { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public static T Instantiate<T>(T original) where T : Object => throw StandIn.Absent;
        public static void Destroy(Object obj, float t) => throw StandIn.Absent;
        public static void Destroy(Object obj) => throw StandIn.Absent;
        public static void DestroyImmediate(Object obj, bool allowDestroyingAssets) => throw StandIn.Absent;
        public static void DestroyImmediate(Object obj) => throw StandIn.Absent;
        public static void DontDestroyOnLoad(Object target) => throw StandIn.Absent;
        public static T[] FindObjectsOfType<T>() where T : Object => throw StandIn.Absent;
        public static T FindObjectOfType<T>() where T : Object => throw StandIn.Absent;
        public static T FindObjectOfType<T>(bool includeInactive) where T : Object => throw StandIn.Absent;
        public override string ToString() => throw StandIn.Absent;
        public static bool operator ==(Object x, Object y) => throw StandIn.Absent;
        public static bool operator !=(Object x, Object y) => throw StandIn.Absent;
    }

    public partial class Component : Object
    {
        public Transform transform => throw StandIn.Absent;
        public GameObject gameObject => throw StandIn.Absent;
        public Component GetComponent(Type type) => throw StandIn.Absent;
        public T GetComponent<T>() => throw StandIn.Absent;
        public bool TryGetComponent<T>(out T component) => throw StandIn.Absent;
        public T GetComponentInChildren<T>() => throw StandIn.Absent;
        public T[] GetComponentsInChildren<T>() => throw StandIn.Absent;
        public T GetComponentInParent<T>() => throw StandIn.Absent;
        public void GetComponents<T>(List<T> results) => throw StandIn.Absent;
        public string tag { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool CompareTag(string tag) => throw StandIn.Absent;
    }

    public class Behaviour : Component
    {
        public bool enabled { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool isActiveAndEnabled => throw StandIn.Absent;
    }

    public class MonoBehaviour : Behaviour
    {
    }

    public class ScriptableObject : Object
    {
        public ScriptableObject() => throw StandIn.Absent;
        public static ScriptableObject CreateInstance(Type type) => throw StandIn.Absent;
        public static T CreateInstance<T>() where T : ScriptableObject => throw StandIn.Absent;
    }

    public sealed partial class GameObject : Object
    {
        public GameObject(string name) => throw StandIn.Absent;
        public GameObject() => throw StandIn.Absent;
        public GameObject(string name, params Type[] components) => throw StandIn.Absent;
        public T GetComponent<T>() => throw StandIn.Absent;
        public Component GetComponent(Type type) => throw StandIn.Absent;
        public T[] GetComponents<T>() => throw StandIn.Absent;
        public bool TryGetComponent<T>(out T component) => throw StandIn.Absent;
        public Component AddComponent(Type componentType) => throw StandIn.Absent;
        public T AddComponent<T>() where T : Component => throw StandIn.Absent;
        public Transform transform => throw StandIn.Absent;
        public int layer { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool activeSelf => throw StandIn.Absent;
        public bool activeInHierarchy => throw StandIn.Absent;
        public void SetActive(bool value) => throw StandIn.Absent;
        public string tag { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool CompareTag(string tag) => throw StandIn.Absent;
    }

    public partial class Transform : Component, System.Collections.IEnumerable
    {
        protected Transform() => throw StandIn.Absent;
        public Vector3 position { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 localPosition { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 eulerAngles { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 localEulerAngles { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 right { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 up { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 forward { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Quaternion rotation { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Quaternion localRotation { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3 localScale { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Transform parent { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Matrix4x4 worldToLocalMatrix => throw StandIn.Absent;
        public Matrix4x4 localToWorldMatrix => throw StandIn.Absent;
        public void SetParent(Transform p) => throw StandIn.Absent;
        public void SetParent(Transform parent, bool worldPositionStays) => throw StandIn.Absent;
        public void SetPositionAndRotation(Vector3 position, Quaternion rotation) => throw StandIn.Absent;
        public Vector3 TransformPoint(Vector3 position) => throw StandIn.Absent;
        public Vector3 InverseTransformPoint(Vector3 position) => throw StandIn.Absent;
        public int childCount => throw StandIn.Absent;
        public Transform GetChild(int index) => throw StandIn.Absent;
        public System.Collections.IEnumerator GetEnumerator() => throw StandIn.Absent;
    }
}
