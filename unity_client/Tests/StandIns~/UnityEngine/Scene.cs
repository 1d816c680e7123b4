// Signatures from Unity-Technologies/UnityCsReference at tag 2021.3.58f1:
// Runtime/Export/Camera/Camera.bindings.cs,
// Runtime/Export/Graphics/Mesh.cs, Mesh.bindings.cs, GraphicsComponents.bindings.cs,
// GraphicsRenderers.bindings.cs, GraphicsEnums.cs (MeshTopology, CameraType, ColorSpace),
// GraphicsManagers.bindings.cs (QualitySettings); Runtime/Export/Shaders/Material.bindings.cs,
// Material.cs, Shader.bindings.cs. Members taking GraphicsBuffer or MaterialPropertyBlock live
// with those types (GpuRendering.cs), as partial parts of these classes.
namespace UnityEngine
{
    public enum MeshTopology
    {
        Triangles = 0,
        Quads = 2,
        Lines = 3,
        LineStrip = 4,
        Points = 5,
    }

    public enum CameraType
    {
        Game = 1,
        SceneView = 2,
        Preview = 4,
        VR = 8,
        Reflection = 16,
    }

    public enum ColorSpace
    {
        Uninitialized = -1,
        Gamma = 0,
        Linear = 1,
    }

    public sealed partial class QualitySettings : Object
    {
        public static ColorSpace activeColorSpace => throw StandIn.Absent;
    }

    public sealed partial class Camera : Behaviour
    {
        public float fieldOfView { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public float nearClipPlane { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public float farClipPlane { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool orthographic { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool stereoEnabled => throw StandIn.Absent;
        public int cullingMask { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public CameraType cameraType { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public int pixelWidth => throw StandIn.Absent;
        public int pixelHeight => throw StandIn.Absent;
        public Matrix4x4 worldToCameraMatrix { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Matrix4x4 projectionMatrix { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public static Camera main => throw StandIn.Absent;
        public static Camera current => throw StandIn.Absent;
    }

    public sealed partial class Mesh : Object
    {
        public Mesh() => throw StandIn.Absent;
        public Rendering.IndexFormat indexFormat { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public int vertexCount => throw StandIn.Absent;
        public Bounds bounds { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Vector3[] vertices { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Color32[] colors32 { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public void SetIndices(int[] indices, MeshTopology topology, int submesh) => throw StandIn.Absent;
        public void SetIndices(int[] indices, MeshTopology topology, int submesh, bool calculateBounds) => throw StandIn.Absent;
        public void SetIndices(int[] indices, MeshTopology topology, int submesh, bool calculateBounds, int baseVertex) => throw StandIn.Absent;
        public void RecalculateBounds() => throw StandIn.Absent;
    }

    public sealed partial class MeshFilter : Component
    {
        public Mesh sharedMesh { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }

    public partial class Renderer : Component
    {
        public bool enabled { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Rendering.ShadowCastingMode shadowCastingMode { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool receiveShadows { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public Material sharedMaterial { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }

    public partial class MeshRenderer : Renderer
    {
    }

    public sealed partial class Shader : Object
    {
        public static Shader Find(string name) => throw StandIn.Absent;
        public static int PropertyToID(string name) => throw StandIn.Absent;
        public bool isSupported => throw StandIn.Absent;
    }

    public partial class Material : Object
    {
        public Material(Shader shader) => throw StandIn.Absent;
        public Material(Material source) => throw StandIn.Absent;
        public Shader shader { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public int renderQueue { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public void EnableKeyword(string keyword) => throw StandIn.Absent;
        public void DisableKeyword(string keyword) => throw StandIn.Absent;
        public bool SetPass(int pass) => throw StandIn.Absent;
        public void SetInt(string name, int value) => throw StandIn.Absent;
        public void SetInt(int nameID, int value) => throw StandIn.Absent;
        public void SetFloat(string name, float value) => throw StandIn.Absent;
        public void SetFloat(int nameID, float value) => throw StandIn.Absent;
        public void SetColor(string name, Color value) => throw StandIn.Absent;
        public void SetColor(int nameID, Color value) => throw StandIn.Absent;
        public void SetVector(string name, Vector4 value) => throw StandIn.Absent;
        public void SetVector(int nameID, Vector4 value) => throw StandIn.Absent;
        public void SetMatrix(string name, Matrix4x4 value) => throw StandIn.Absent;
        public void SetMatrix(int nameID, Matrix4x4 value) => throw StandIn.Absent;
    }
}
