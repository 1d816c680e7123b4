// Stand-ins of the GPU side of UnityEngine, signature for signature from UnityCsReference at tag
// 2021.3.58f1: Runtime/Export/Shaders/ComputeShader.bindings.cs and ComputeShader.cs (ComputeShader),
// Runtime/Export/Graphics/GraphicsBuffer.bindings.cs (GraphicsBuffer), Runtime/Export/Shaders/
// MaterialPropertyBlock.cs (MaterialPropertyBlock), Runtime/Export/Graphics/Graphics.cs and
// Graphics.bindings.cs (Graphics), Runtime/Export/Device/SystemInfo.cs (SystemInfo),
// Runtime/Export/Camera/Camera.bindings.cs (Camera's command buffers and onPreCull),
// Runtime/Export/Graphics/GraphicsRenderers.bindings.cs (Renderer's property blocks),
// Runtime/Export/Resources/Resources.bindings.cs (Resources.Load), Runtime/Export/Graphics/
// RenderingCommandBuffer.bindings.cs and RenderingCommandBuffer.cs (CommandBuffer),
// Runtime/Export/Graphics/GraphicsEnums.cs (CameraEvent), Runtime/Export/RenderPipeline/
// RenderPipelineManager.cs, ScriptableRenderContext.cs, RenderPipelineAsset.cs and
// Runtime/Export/Graphics/GraphicsSettings.bindings.cs; for the linear-space composite,
// Runtime/Export/Graphics/GraphicsEnums.cs (FilterMode, RenderTextureFormat, RenderingPath,
// BuiltinRenderTextureType, RenderTargetIdentifier), Runtime/Export/Graphics/Texture.bindings.cs
// (Texture, RenderTexture.antiAliasing), Runtime/Export/Graphics/GraphicsManagers.bindings.cs
// (QualitySettings.antiAliasing) and Camera.bindings.cs (allowMSAA, actualRenderingPath,
// targetTexture). Only what the package uses, and a few neighbours; every member throws:
// compile only.
using System;
using UnityEngine.Rendering;

namespace UnityEngine
{
    public sealed partial class ComputeShader : Object
    {
        public int FindKernel(string name) => throw StandIn.Absent;
        public bool HasKernel(string name) => throw StandIn.Absent;
        public bool IsSupported(int kernelIndex) => throw StandIn.Absent;
        public void GetKernelThreadGroupSizes(int kernelIndex, out uint x, out uint y, out uint z) => throw StandIn.Absent;
        public void SetInt(int nameID, int val) => throw StandIn.Absent;
        public void SetInt(string name, int val) => throw StandIn.Absent;
        public void SetFloat(int nameID, float val) => throw StandIn.Absent;
        public void SetVector(int nameID, Vector4 val) => throw StandIn.Absent;
        public void SetBuffer(int kernelIndex, int nameID, GraphicsBuffer buffer) => throw StandIn.Absent;
        public void SetBuffer(int kernelIndex, string name, GraphicsBuffer buffer) => throw StandIn.Absent;
        public void Dispatch(int kernelIndex, int threadGroupsX, int threadGroupsY, int threadGroupsZ) => throw StandIn.Absent;
    }

    public sealed class GraphicsBuffer : IDisposable
    {
        [Flags]
        public enum Target
        {
            Vertex = 1 << 0,
            Index = 1 << 1,
            CopySource = 1 << 2,
            CopyDestination = 1 << 3,
            Structured = 1 << 4,
            Raw = 1 << 5,
            Append = 1 << 6,
            Counter = 1 << 7,
            IndirectArguments = 1 << 8,
            Constant = 1 << 9,
        }

        public struct IndirectDrawArgs
        {
            public const int size = 16;
            public uint vertexCountPerInstance { get => throw StandIn.Absent; set => throw StandIn.Absent; }
            public uint instanceCount { get => throw StandIn.Absent; set => throw StandIn.Absent; }
            public uint startVertex { get => throw StandIn.Absent; set => throw StandIn.Absent; }
            public uint startInstance { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        }

        public GraphicsBuffer(Target target, int count, int stride) => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
        public void Release() => throw StandIn.Absent;
        public bool IsValid() => throw StandIn.Absent;
        public int count => throw StandIn.Absent;
        public int stride => throw StandIn.Absent;
        public Target target => throw StandIn.Absent;
        public void SetData(Array data) => throw StandIn.Absent;
        public void SetData(Array data, int managedBufferStartIndex, int graphicsBufferStartIndex, int count) => throw StandIn.Absent;
        public void GetData(Array data) => throw StandIn.Absent;
        public string name { set => throw StandIn.Absent; }
    }

    public sealed partial class MaterialPropertyBlock
    {
        public MaterialPropertyBlock() => throw StandIn.Absent;
        public bool isEmpty => throw StandIn.Absent;
        public void Clear() => throw StandIn.Absent;
        public void SetFloat(string name, float value) => throw StandIn.Absent;
        public void SetFloat(int nameID, float value) => throw StandIn.Absent;
        public void SetInt(int nameID, int value) => throw StandIn.Absent;
        public void SetVector(string name, Vector4 value) => throw StandIn.Absent;
        public void SetVector(int nameID, Vector4 value) => throw StandIn.Absent;
        public void SetMatrix(int nameID, Matrix4x4 value) => throw StandIn.Absent;
        public void SetBuffer(string name, GraphicsBuffer value) => throw StandIn.Absent;
        public void SetBuffer(int nameID, GraphicsBuffer value) => throw StandIn.Absent;
    }

    public partial class Graphics
    {
        public static void ExecuteCommandBuffer(CommandBuffer buffer) => throw StandIn.Absent;

        public static void DrawProceduralIndirect(
            Material material, Bounds bounds, MeshTopology topology, GraphicsBuffer bufferWithArgs, int argsOffset = 0,
            Camera camera = null, MaterialPropertyBlock properties = null, ShadowCastingMode castShadows = ShadowCastingMode.On,
            bool receiveShadows = true, int layer = 0) => throw StandIn.Absent;

        public static void DrawProcedural(
            Material material, Bounds bounds, MeshTopology topology, int vertexCount, int instanceCount = 1,
            Camera camera = null, MaterialPropertyBlock properties = null, ShadowCastingMode castShadows = ShadowCastingMode.On,
            bool receiveShadows = true, int layer = 0) => throw StandIn.Absent;
    }

    public static class SystemInfo
    {
        public static bool supportsComputeShaders => throw StandIn.Absent;
        public static int maxComputeBufferInputsVertex => throw StandIn.Absent;
        public static int maxComputeWorkGroupSize => throw StandIn.Absent;
        public static long maxGraphicsBufferSize => throw StandIn.Absent;
        public static GraphicsDeviceType graphicsDeviceType => throw StandIn.Absent;
    }

    public enum FilterMode
    {
        Point = 0,
        Bilinear = 1,
        Trilinear = 2,
    }

    public enum RenderTextureFormat
    {
        ARGB32 = 0,
        Depth = 1,
        ARGBHalf = 2,
        Shadowmap = 3,
        RGB565 = 4,
        ARGB4444 = 5,
        ARGB1555 = 6,
        Default = 7,
        ARGB2101010 = 8,
        DefaultHDR = 9,
        ARGB64 = 10,
        ARGBFloat = 11,
        RGFloat = 12,
        RGHalf = 13,
        RFloat = 14,
        RHalf = 15,
        R8 = 16,
        ARGBInt = 17,
        RGInt = 18,
        RInt = 19,
        BGRA32 = 20,
        RGB111110Float = 22,
        RG32 = 23,
        RGBAUShort = 24,
        RG16 = 25,
        BGRA10101010_XR = 26,
        BGR101010_XR = 27,
        R16 = 28,
    }

    public enum RenderingPath
    {
        UsePlayerSettings = -1,
        VertexLit = 0,
        Forward = 1,
        DeferredLighting = 2,
        DeferredShading = 3
    }

    public partial class Texture : Object
    {
        public virtual int width { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public virtual int height { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }

    public partial class RenderTexture : Texture
    {
        public int antiAliasing { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }

    public sealed partial class QualitySettings : Object
    {
        public static int antiAliasing { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }

    public sealed partial class Camera : Behaviour
    {
        public RenderingPath actualRenderingPath => throw StandIn.Absent;
        public bool allowMSAA { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public RenderTexture targetTexture { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public delegate void CameraCallback(Camera cam);
        public static CameraCallback onPreCull;
        public static CameraCallback onPreRender;
        public static CameraCallback onPostRender;
        public void AddCommandBuffer(CameraEvent evt, CommandBuffer buffer) => throw StandIn.Absent;
        public void RemoveCommandBuffer(CameraEvent evt, CommandBuffer buffer) => throw StandIn.Absent;
        public void RemoveCommandBuffers(CameraEvent evt) => throw StandIn.Absent;
    }

    public partial class Renderer : Component
    {
        public void SetPropertyBlock(MaterialPropertyBlock properties) => throw StandIn.Absent;
        public void SetPropertyBlock(MaterialPropertyBlock properties, int materialIndex) => throw StandIn.Absent;
        public void GetPropertyBlock(MaterialPropertyBlock properties) => throw StandIn.Absent;
        public void GetPropertyBlock(MaterialPropertyBlock properties, int materialIndex) => throw StandIn.Absent;
    }

    public sealed partial class Resources
    {
        public static Object Load(string path) => throw StandIn.Absent;
        public static T Load<T>(string path) where T : Object => throw StandIn.Absent;
    }
}

namespace UnityEngine.Rendering
{
    public enum CameraEvent
    {
        BeforeDepthTexture = 0,
        AfterDepthTexture,
        BeforeDepthNormalsTexture,
        AfterDepthNormalsTexture,
        BeforeGBuffer,
        AfterGBuffer,
        BeforeLighting,
        AfterLighting,
        BeforeFinalPass,
        AfterFinalPass,
        BeforeForwardOpaque,
        AfterForwardOpaque,
        BeforeImageEffectsOpaque,
        AfterImageEffectsOpaque,
        BeforeSkybox,
        AfterSkybox,
        BeforeForwardAlpha,
        AfterForwardAlpha,
        BeforeImageEffects,
        AfterImageEffects,
        AfterEverything,
        BeforeReflections,
        AfterReflections,
        BeforeHaloAndLensFlares,
        AfterHaloAndLensFlares,
    }

    public enum GraphicsDeviceType
    {
        Direct3D11 = 2,
        Null = 4,
        OpenGLES2 = 8,
        OpenGLES3 = 11,
        PlayStation4 = 13,
        XboxOne = 14,
        Metal = 16,
        OpenGLCore = 17,
        Direct3D12 = 18,
        Vulkan = 21,
        Switch = 22,
        XboxOneD3D12 = 23,
        GameCoreXboxOne = 24,
        GameCoreXboxSeries = 25,
        PlayStation5 = 26,
        PlayStation5NGGC = 27,
    }

    public partial class CommandBuffer : IDisposable
    {
        public CommandBuffer() => throw StandIn.Absent;
        public string name { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public int sizeInBytes => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
        public void Release() => throw StandIn.Absent;
        public void Clear() => throw StandIn.Absent;
        public void BeginSample(string name) => throw StandIn.Absent;
        public void EndSample(string name) => throw StandIn.Absent;
        public void SetComputeIntParam(ComputeShader computeShader, int nameID, int val) => throw StandIn.Absent;
        public void SetComputeIntParam(ComputeShader computeShader, string name, int val) => throw StandIn.Absent;
        public void SetComputeFloatParam(ComputeShader computeShader, int nameID, float val) => throw StandIn.Absent;
        public void SetComputeVectorParam(ComputeShader computeShader, int nameID, Vector4 val) => throw StandIn.Absent;
        public void SetComputeVectorParam(ComputeShader computeShader, string name, Vector4 val) => throw StandIn.Absent;
        public void SetComputeBufferParam(ComputeShader computeShader, int kernelIndex, int nameID, GraphicsBuffer buffer) => throw StandIn.Absent;
        public void SetComputeBufferParam(ComputeShader computeShader, int kernelIndex, string name, GraphicsBuffer buffer) => throw StandIn.Absent;
        public void DispatchCompute(ComputeShader computeShader, int kernelIndex, int threadGroupsX, int threadGroupsY, int threadGroupsZ) => throw StandIn.Absent;
        public void SetBufferData(GraphicsBuffer buffer, Array data) => throw StandIn.Absent;
        public void SetBufferData(GraphicsBuffer buffer, Array data, int managedBufferStartIndex, int graphicsBufferStartIndex, int count) => throw StandIn.Absent;
        public void DrawProceduralIndirect(
            Matrix4x4 matrix, Material material, int shaderPass, MeshTopology topology, GraphicsBuffer bufferWithArgs,
            int argsOffset, MaterialPropertyBlock properties) => throw StandIn.Absent;
        public void DrawProceduralIndirect(
            Matrix4x4 matrix, Material material, int shaderPass, MeshTopology topology, GraphicsBuffer bufferWithArgs,
            int argsOffset) => throw StandIn.Absent;
        public void DrawProcedural(
            Matrix4x4 matrix, Material material, int shaderPass, MeshTopology topology, int vertexCount, int instanceCount,
            MaterialPropertyBlock properties) => throw StandIn.Absent;
        public void DrawProcedural(
            Matrix4x4 matrix, Material material, int shaderPass, MeshTopology topology, int vertexCount, int instanceCount) => throw StandIn.Absent;
        public void DrawProcedural(Matrix4x4 matrix, Material material, int shaderPass, MeshTopology topology, int vertexCount) => throw StandIn.Absent;
        public void GetTemporaryRT(int nameID, int width, int height, int depthBuffer, FilterMode filter, RenderTextureFormat format) => throw StandIn.Absent;
        public void GetTemporaryRT(int nameID, int width, int height, int depthBuffer, FilterMode filter) => throw StandIn.Absent;
        public void GetTemporaryRT(int nameID, int width, int height, int depthBuffer) => throw StandIn.Absent;
        public void GetTemporaryRT(int nameID, int width, int height) => throw StandIn.Absent;
        public void ReleaseTemporaryRT(int nameID) => throw StandIn.Absent;
        public void ClearRenderTarget(bool clearDepth, bool clearColor, Color backgroundColor) => throw StandIn.Absent;
        public void ClearRenderTarget(bool clearDepth, bool clearColor, Color backgroundColor, float depth) => throw StandIn.Absent;
        public void SetRenderTarget(RenderTargetIdentifier rt) => throw StandIn.Absent;
        public void SetRenderTarget(RenderTargetIdentifier color, RenderTargetIdentifier depth) => throw StandIn.Absent;
        public void SetGlobalTexture(string name, RenderTargetIdentifier value) => throw StandIn.Absent;
        public void SetGlobalTexture(int nameID, RenderTargetIdentifier value) => throw StandIn.Absent;
    }

    public enum BuiltinRenderTextureType
    {
        PropertyName = -4,
        BufferPtr = -3,
        RenderTexture = -2,
        BindableTexture = -1,
        None = 0,
        CurrentActive = 1,
        CameraTarget = 2,
        Depth = 3,
        DepthNormals = 4,
        ResolvedDepth = 5,
        PrepassNormalsSpec = 7,
        PrepassLight = 8,
        PrepassLightSpec = 9,
        GBuffer0 = 10,
        GBuffer1 = 11,
        GBuffer2 = 12,
        GBuffer3 = 13,
        Reflections = 14,
        MotionVectors = 15,
        GBuffer4 = 16,
        GBuffer5 = 17,
        GBuffer6 = 18,
        GBuffer7 = 19,
    }

    public struct RenderTargetIdentifier : IEquatable<RenderTargetIdentifier>
    {
        public const int AllDepthSlices = -1;
        public RenderTargetIdentifier(BuiltinRenderTextureType type) => throw StandIn.Absent;
        public RenderTargetIdentifier(string name) => throw StandIn.Absent;
        public RenderTargetIdentifier(int nameID) => throw StandIn.Absent;
        public RenderTargetIdentifier(Texture tex) => throw StandIn.Absent;
        public static implicit operator RenderTargetIdentifier(BuiltinRenderTextureType type) => throw StandIn.Absent;
        public static implicit operator RenderTargetIdentifier(string name) => throw StandIn.Absent;
        public static implicit operator RenderTargetIdentifier(int nameID) => throw StandIn.Absent;
        public static implicit operator RenderTargetIdentifier(Texture tex) => throw StandIn.Absent;
        public bool Equals(RenderTargetIdentifier rhs) => throw StandIn.Absent;
        public override bool Equals(object obj) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
        public static bool operator ==(RenderTargetIdentifier lhs, RenderTargetIdentifier rhs) => throw StandIn.Absent;
        public static bool operator !=(RenderTargetIdentifier lhs, RenderTargetIdentifier rhs) => throw StandIn.Absent;
    }

    public partial struct ScriptableRenderContext : IEquatable<ScriptableRenderContext>
    {
        public void ExecuteCommandBuffer(CommandBuffer commandBuffer) => throw StandIn.Absent;
        public void Submit() => throw StandIn.Absent;
        public bool Equals(ScriptableRenderContext other) => throw StandIn.Absent;
        public override bool Equals(object obj) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
    }

    public static class RenderPipelineManager
    {
        public static event Action<ScriptableRenderContext, Camera> beginCameraRendering
        {
            add => throw StandIn.Absent;
            remove => throw StandIn.Absent;
        }

        public static event Action<ScriptableRenderContext, Camera> endCameraRendering
        {
            add => throw StandIn.Absent;
            remove => throw StandIn.Absent;
        }
    }

    public abstract class RenderPipelineAsset : ScriptableObject
    {
    }

    public sealed partial class GraphicsSettings : Object
    {
        public static RenderPipelineAsset currentRenderPipeline => throw StandIn.Absent;
    }
}
