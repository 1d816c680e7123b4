using System;
using System.Collections.Generic;
using UnityEngine;
using UnityEngine.Rendering;
using WorldStream.Core;

namespace WorldStream.Rendering
{
    /// <summary>
    /// The package's splat renderer. Every resident tile lives in one pooled GPU buffer
    /// (WorldStream.Core.PooledTiles hands out the ranges); once per camera per frame a compute
    /// pass keys every pooled splat by view depth and radix-sorts them all together, and one
    /// instanced draw blends them back to front with premultiplied alpha. Tiles that overlap at
    /// their borders, and a finer level fading in over a coarser one, are therefore drawn in one
    /// order: no seams, no popping. WorldStream.Core.GlobalSplatOrder is the CPU reference of the
    /// keys and the order.
    ///
    /// Tiles are added, replaced and removed in place (each touches only its own range and
    /// slot). Activation (exp, sigmoid, colour) runs on the thread pool; the main thread copies
    /// finished records with partial SetData calls, at most <see cref="uploadSplatsPerFrame"/> a
    /// frame. A tile is drawn once all of it is on the GPU, and a removal waits until the tiles
    /// added before it are drawn, so refining a cell never opens a hole.
    ///
    /// Pipelines: the built-in pipeline sorts and draws from a command buffer on each camera at
    /// CameraEvent.BeforeForwardAlpha; a scriptable pipeline (URP, HDRP) runs the sort from
    /// RenderPipelineManager.beginCameraRendering and draws through Graphics.DrawProceduralIndirect
    /// for that camera, which URP and HDRP render in their transparent pass (the shader's pass
    /// has no LightMode tag: SRPDefaultUnlit).
    ///
    /// Colour: 3DGS blends its sRGB (display) values. A gamma-space project blends them straight
    /// into the camera's target. In a linear-space project the built-in pipeline blends them,
    /// still in display values, into a temporary half-float target tested against the camera's
    /// depth, and a full-screen pass composites it over the camera's colour (the premultiplied
    /// display colour decoded to linear): the trained look wherever the splats cover a pixel
    /// fully, or over black. A multisampled camera (whose depth the temporary target cannot
    /// share), and URP and HDRP, which would need a renderer feature or custom pass for the
    /// composite, draw as before: colours decoded to linear and blended in linear light, so
    /// overlapping translucent splats come out somewhat different from the trained look.
    /// HDRP's exposure is not applied. Orthographic and XR cameras are not drawn.
    /// </summary>
    [DisallowMultipleComponent]
    public sealed class PooledSplatRenderer : MonoBehaviour, ISplatRenderer
    {
        // Resources.Load names of the shaders under Shaders/Resources.
        const string SortShaderResource = "WorldStreamSplatSort";
        const string SplatShaderResource = "WorldStreamSplats";

        static readonly int SplatsId = Shader.PropertyToID("_WsSplats");
        static readonly int TilesId = Shader.PropertyToID("_WsTiles");
        static readonly int OrderId = Shader.PropertyToID("_WsOrder");
        static readonly int CameraPositionId = Shader.PropertyToID("_WsCameraPosition");
        static readonly int CameraRightId = Shader.PropertyToID("_WsCameraRight");
        static readonly int CameraUpId = Shader.PropertyToID("_WsCameraUp");
        static readonly int CameraForwardId = Shader.PropertyToID("_WsCameraForward");
        static readonly int FocalId = Shader.PropertyToID("_WsFocal");
        static readonly int LinearColourId = Shader.PropertyToID("_WsLinearColour");
        static readonly int MinAlphaId = Shader.PropertyToID("_WsMinAlpha");
        static readonly int OffscreenId = Shader.PropertyToID("_WsOffscreen");
        static readonly int SplatTargetId = Shader.PropertyToID("_WsSplatTarget");
        static readonly int CameraTargetId = Shader.PropertyToID("_WsCameraTarget");

        // The passes of WorldStreamSplats.shader.
        const int SplatPass = 0;
        const int CompositePass = 1;

        [Tooltip("Keys and sorts the pooled splats. Empty: Shaders/Resources/WorldStreamSplatSort.compute.")]
        [SerializeField] ComputeShader sortShader;

        [Tooltip("Draws the sorted splats. Empty: Shaders/Resources/WorldStreamSplats.shader.")]
        [SerializeField] Shader splatShader;

        [Tooltip("Splats the GPU pool holds at first; it grows (a GPU copy) when a tile does not fit.")]
        [SerializeField, Min(1)] int initialCapacity = 1 << 20;

        [Tooltip("Splats copied to the GPU per frame at most (64 bytes each); a larger tile takes several frames.")]
        [SerializeField, Min(1)] int uploadSplatsPerFrame = 1 << 18;

        [Tooltip("Fragments fainter than this are discarded.")]
        [SerializeField, Range(0f, 1f)] float minAlpha = 1f / 255f;

        sealed class CameraSplats
        {
            public GraphicsBuffer Order;
            public GraphicsBuffer DrawArgs;
            public CommandBuffer Commands;
            public MaterialPropertyBlock Properties;
            public bool Attached;
        }

        readonly TilePacker packer = new TilePacker();
        readonly List<UploadRange> uploads = new List<UploadRange>();
        readonly Dictionary<Camera, CameraSplats> cameras = new Dictionary<Camera, CameraSplats>();
        readonly List<Camera> gone = new List<Camera>();
        PooledTiles tiles;
        SplatSortPass sort;
        Material material;
        GraphicsBuffer pool;
        GraphicsBuffer tileTable;
        TileGpu[] table = new TileGpu[0];
        int tileCount;
        // The pool's extent as of this frame's uploads: what the GPU buffers describe. A tile
        // added later in the frame (another script's LateUpdate) waits for the next frame.
        int drawExtent;
        bool unusable;
        int reportedDropped, reportedFailedPacks;

        /// <summary>The pool's bookkeeping (ranges, pending uploads, deferred removals), for diagnostics.</summary>
        public PooledTiles Tiles => tiles;

        public void AddTile(int id, DecodedTile tile, float alpha)
        {
            if (tile == null) throw new ArgumentNullException(nameof(tile));
            // Nothing can be drawn on this device (logged once): packing would only hold memory.
            if (unusable) return;
            var request = Bookkeeping().Add(id, tile, alpha);
            if (request != null) packer.Submit(request);
        }

        public void SetTileAlpha(int id, float alpha) => Bookkeeping().SetAlpha(id, alpha);

        public void RemoveTile(int id) => Bookkeeping().Remove(id);

        PooledTiles Bookkeeping()
        {
            if (tiles == null) tiles = new PooledTiles(Math.Min(initialCapacity, SplatPool.MaxCapacity), SplatPool.MaxCapacity);
            return tiles;
        }

        void OnEnable()
        {
            Camera.onPreCull += OnPreCullCamera;
            RenderPipelineManager.beginCameraRendering += OnBeginCameraRendering;
        }

        void OnDisable()
        {
            Camera.onPreCull -= OnPreCullCamera;
            RenderPipelineManager.beginCameraRendering -= OnBeginCameraRendering;
            foreach (var pair in cameras) Detach(pair.Key, pair.Value);
        }

        void OnDestroy()
        {
            foreach (var pair in cameras) Release(pair.Key, pair.Value);
            cameras.Clear();
            sort?.Dispose();
            sort = null;
            pool?.Release();
            pool = null;
            tileTable?.Release();
            tileTable = null;
            if (material != null) Destroy(material);
        }

        // After every Update, so the tiles the session applied this frame are in; before any
        // camera renders.
        void LateUpdate()
        {
            var bookkeeping = Bookkeeping();
            PackedTile packed;
            while (packer.TryTake(out packed))
            {
                if (packed.Error != null) Debug.LogException(packed.Error, this);
                bookkeeping.Packed(packed);
            }
            Report(bookkeeping);
            if (!Ready()) return;
            EnsurePool(bookkeeping.Pool.Capacity);
            bookkeeping.PlanUploads(uploadSplatsPerFrame, uploads);
            foreach (var range in uploads) pool.SetData(range.Source, range.SourceStart, range.Destination, range.Count);
            if (bookkeeping.TableDirty || tileTable == null) UploadTable(bookkeeping);
            drawExtent = Math.Min(bookkeeping.Pool.Extent, pool.count);
            sort.EnsureCapacity(pool.count);
            ForgetDestroyedCameras();
        }

        bool Ready()
        {
            if (sort != null) return true;
            if (unusable) return false;
            string problem = null;
            if (!SystemInfo.supportsComputeShaders) problem = "this device has no compute shaders";
            else if (SystemInfo.maxComputeBufferInputsVertex < 3) problem = "this device's vertex shaders cannot read three structured buffers";
            if (problem == null)
            {
                if (sortShader == null) sortShader = Resources.Load<ComputeShader>(SortShaderResource);
                if (splatShader == null) splatShader = Resources.Load<Shader>(SplatShaderResource);
                if (splatShader == null || !splatShader.isSupported) problem = "the splat shader is missing or not supported";
                else sort = SplatSortPass.Create(sortShader, out problem);
            }
            if (sort == null)
            {
                unusable = true;
                Debug.LogError("PooledSplatRenderer cannot draw: " + problem, this);
                return false;
            }
            material = new Material(splatShader) { name = "WorldStream splats", hideFlags = HideFlags.HideAndDontSave };
            return true;
        }

        void EnsurePool(int capacity)
        {
            capacity = Math.Max(1, capacity);
            if (pool != null && pool.count == capacity) return;
            var grown = new GraphicsBuffer(GraphicsBuffer.Target.Structured, capacity, GpuSplat.Stride) { name = "WorldStream.SplatPool" };
            if (pool != null)
            {
                // Everything held keeps its offset: copy the old buffer whole, before this
                // frame's uploads land in the new one.
                sort.CopyPool(pool, grown, Math.Min(pool.count, capacity));
                pool.Release();
            }
            pool = grown;
        }

        void UploadTable(PooledTiles bookkeeping)
        {
            int slots = Math.Max(1, bookkeeping.SlotCount);
            if (table.Length < slots)
            {
                int length = Math.Max(16, table.Length);
                while (length < slots) length *= 2;
                table = new TileGpu[length];
            }
            if (tileTable == null || tileTable.count < table.Length)
            {
                tileTable?.Release();
                tileTable = new GraphicsBuffer(GraphicsBuffer.Target.Structured, table.Length, TileGpu.Stride) { name = "WorldStream.Tiles" };
            }
            tileCount = bookkeeping.FillTileTable(table);
            tileTable.SetData(table, 0, 0, Math.Max(1, tileCount));
        }

        void Report(PooledTiles bookkeeping)
        {
            if (bookkeeping.Dropped > reportedDropped)
            {
                Debug.LogWarning("PooledSplatRenderer: " + (bookkeeping.Dropped - reportedDropped) + " tile(s) not drawn: the pool is at "
                    + bookkeeping.Pool.Capacity + " splats, the most one sort can take", this);
                reportedDropped = bookkeeping.Dropped;
            }
            if (bookkeeping.FailedPacks > reportedFailedPacks)
            {
                Debug.LogWarning("PooledSplatRenderer: " + (bookkeeping.FailedPacks - reportedFailedPacks) + " tile(s) not drawn: packing failed", this);
                reportedFailedPacks = bookkeeping.FailedPacks;
            }
        }

        bool Draws(Camera camera) =>
            isActiveAndEnabled && sort != null && pool != null && tileTable != null && drawExtent > 0
            && camera.cameraType != CameraType.Preview && !camera.orthographic
            && !camera.stereoEnabled && (camera.cullingMask & (1 << gameObject.layer)) != 0;

        // Built-in pipeline: sort and draw from the camera's own command buffer, before its
        // transparent objects.
        void OnPreCullCamera(Camera camera)
        {
            if (GraphicsSettings.currentRenderPipeline != null) return;
            CameraSplats state;
            if (!Draws(camera))
            {
                if (cameras.TryGetValue(camera, out state)) state.Commands.Clear();
                return;
            }
            state = StateOf(camera);
            var commands = state.Commands;
            commands.Clear();
            bool composite = QualitySettings.activeColorSpace == ColorSpace.Linear && !Multisampled(camera);
            Record(camera, state, composite);
            if (composite)
            {
                // The splats in display values into a half-float target cleared to nothing and
                // tested against the camera's depth (the active depth buffer), then composited
                // over the camera's colour; GetTemporaryRT makes the target the global texture
                // the composite reads. The camera's target as a global texture tells the splat
                // pass whether it is the back buffer (see WorldStreamSplats.shader).
                commands.GetTemporaryRT(SplatTargetId, -1, -1, 0, FilterMode.Point, RenderTextureFormat.ARGBHalf);
                commands.SetRenderTarget(SplatTargetId, BuiltinRenderTextureType.CurrentActive);
                commands.ClearRenderTarget(false, true, Color.clear);
                commands.SetGlobalTexture(CameraTargetId, BuiltinRenderTextureType.CameraTarget);
                commands.DrawProceduralIndirect(Matrix4x4.identity, material, SplatPass, MeshTopology.Triangles, state.DrawArgs, 0, state.Properties);
                commands.SetRenderTarget(BuiltinRenderTextureType.CameraTarget);
                commands.DrawProcedural(Matrix4x4.identity, material, CompositePass, MeshTopology.Triangles, 3, 1);
                commands.ReleaseTemporaryRT(SplatTargetId);
            }
            else
            {
                commands.DrawProceduralIndirect(Matrix4x4.identity, material, SplatPass, MeshTopology.Triangles, state.DrawArgs, 0, state.Properties);
            }
            if (!state.Attached)
            {
                camera.AddCommandBuffer(CameraEvent.BeforeForwardAlpha, state.Commands);
                state.Attached = true;
            }
        }

        // Scriptable pipelines: the sort goes into the camera's context before it renders; the
        // draw is handed to the pipeline for this camera only, which renders it with its
        // transparent objects.
        void OnBeginCameraRendering(ScriptableRenderContext context, Camera camera)
        {
            if (!Draws(camera)) return;
            var state = StateOf(camera);
            state.Commands.Clear();
            Record(camera, state, false);
            context.ExecuteCommandBuffer(state.Commands);
            state.Commands.Clear();
            var bounds = new Bounds(camera.transform.position, Vector3.one * (2f * camera.farClipPlane));
            Graphics.DrawProceduralIndirect(material, bounds, MeshTopology.Triangles, state.DrawArgs, 0, camera, state.Properties,
                ShadowCastingMode.Off, false, gameObject.layer);
        }

        // A multisampled camera target's depth cannot serve a single-sampled temporary target.
        // Built-in pipeline: MSAA applies to forward rendering, from the quality settings or a
        // target texture's own sample count (not read here: a camera with one is taken as
        // multisampled).
        static bool Multisampled(Camera camera) =>
            camera.allowMSAA && camera.actualRenderingPath == RenderingPath.Forward
            && (QualitySettings.antiAliasing > 1 || camera.targetTexture != null);

        // composite: the splats are blended in display values into the composite's target.
        void Record(Camera camera, CameraSplats state, bool composite)
        {
            if (state.Order == null || state.Order.count < pool.count)
            {
                state.Order?.Release();
                state.Order = new GraphicsBuffer(GraphicsBuffer.Target.Structured, pool.count, sizeof(uint)) { name = "WorldStream.Order" };
            }
            var view = SortCameraOf(camera);
            sort.Record(state.Commands, pool, tileTable, tileCount, drawExtent, view, state.Order, state.DrawArgs);
            var properties = state.Properties;
            properties.SetBuffer(SplatsId, pool);
            properties.SetBuffer(TilesId, tileTable);
            properties.SetBuffer(OrderId, state.Order);
            properties.SetVector(CameraPositionId, new Vector4(view.PositionX, view.PositionY, view.PositionZ, 0));
            properties.SetVector(CameraRightId, new Vector4(view.RightX, view.RightY, view.RightZ, 0));
            properties.SetVector(CameraUpId, new Vector4(view.UpX, view.UpY, view.UpZ, 0));
            properties.SetVector(CameraForwardId, new Vector4(view.ForwardX, view.ForwardY, view.ForwardZ, 0));
            var projection = camera.projectionMatrix;
            int width = camera.pixelWidth, height = camera.pixelHeight;
            properties.SetVector(FocalId, new Vector4(
                Math.Abs(projection.m00) * 0.5f * width, Math.Abs(projection.m11) * 0.5f * height, width, height));
            bool linearLight = QualitySettings.activeColorSpace == ColorSpace.Linear && !composite;
            properties.SetFloat(LinearColourId, linearLight ? 1f : 0f);
            properties.SetFloat(OffscreenId, composite ? 1f : 0f);
            properties.SetFloat(MinAlphaId, minAlpha);
        }

        /// <summary>The camera as the keying kernel and GlobalSplatOrder see it.</summary>
        static SortCamera SortCameraOf(Camera camera)
        {
            var t = camera.transform;
            Vector3 p = t.position, r = t.right, u = t.up, f = t.forward;
            var projection = camera.projectionMatrix;
            return new SortCamera
            {
                PositionX = p.x,
                PositionY = p.y,
                PositionZ = p.z,
                RightX = r.x,
                RightY = r.y,
                RightZ = r.z,
                UpX = u.x,
                UpY = u.y,
                UpZ = u.z,
                ForwardX = f.x,
                ForwardY = f.y,
                ForwardZ = f.z,
                Near = Math.Max(camera.nearClipPlane, 1e-4f),
                // ViewToClip [0][0] and [1][1] are the cotangents of the half fields of view.
                CullX = SortCamera.FrustumMargin / Math.Abs(projection.m00),
                CullY = SortCamera.FrustumMargin / Math.Abs(projection.m11),
            };
        }

        CameraSplats StateOf(Camera camera)
        {
            CameraSplats state;
            if (cameras.TryGetValue(camera, out state)) return state;
            state = new CameraSplats
            {
                DrawArgs = new GraphicsBuffer(GraphicsBuffer.Target.IndirectArguments, 4, sizeof(uint)) { name = "WorldStream.DrawArgs" },
                Commands = new CommandBuffer { name = "WorldStream splats" },
                Properties = new MaterialPropertyBlock(),
            };
            cameras.Add(camera, state);
            return state;
        }

        void ForgetDestroyedCameras()
        {
            gone.Clear();
            foreach (var camera in cameras.Keys)
            {
                if (camera == null) gone.Add(camera);
            }
            foreach (var camera in gone)
            {
                Release(camera, cameras[camera]);
                cameras.Remove(camera);
            }
        }

        static void Detach(Camera camera, CameraSplats state)
        {
            if (state.Attached && camera != null) camera.RemoveCommandBuffer(CameraEvent.BeforeForwardAlpha, state.Commands);
            state.Attached = false;
        }

        static void Release(Camera camera, CameraSplats state)
        {
            Detach(camera, state);
            state.Commands.Release();
            state.Order?.Release();
            state.DrawArgs.Release();
        }
    }
}
