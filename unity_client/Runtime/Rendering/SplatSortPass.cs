using System;
using UnityEngine;
using UnityEngine.Rendering;
using WorldStream.Core;

namespace WorldStream.Rendering
{
    /// <summary>
    /// Records the one sort of a camera's frame into a command buffer: the keying kernel over
    /// every splat of the pool, then the eight passes of the radix sort
    /// (Shaders/Resources/WorldStreamSplatSort.compute). The sorted pool indices end in the
    /// camera's order buffer and the drawn count in its indirect draw arguments. Owns the sort's
    /// scratch buffers, shared by every camera: cameras render one after another, and each
    /// camera's order buffer is its own.
    /// </summary>
    internal sealed class SplatSortPass : IDisposable
    {
        static readonly int DrawArgsId = Shader.PropertyToID("_WsDrawArgs");
        static readonly int SplatsId = Shader.PropertyToID("_WsSplats");
        static readonly int TilesId = Shader.PropertyToID("_WsTiles");
        static readonly int KeysId = Shader.PropertyToID("_WsKeys");
        static readonly int ValuesId = Shader.PropertyToID("_WsValues");
        static readonly int SplatCountId = Shader.PropertyToID("_WsSplatCount");
        static readonly int TileCountId = Shader.PropertyToID("_WsTileCount");
        static readonly int CameraPositionId = Shader.PropertyToID("_WsCameraPosition");
        static readonly int CameraRightId = Shader.PropertyToID("_WsCameraRight");
        static readonly int CameraUpId = Shader.PropertyToID("_WsCameraUp");
        static readonly int CameraForwardId = Shader.PropertyToID("_WsCameraForward");
        static readonly int CullId = Shader.PropertyToID("_WsCull");
        static readonly int KeysInId = Shader.PropertyToID("_WsKeysIn");
        static readonly int ValuesInId = Shader.PropertyToID("_WsValuesIn");
        static readonly int KeysOutId = Shader.PropertyToID("_WsKeysOut");
        static readonly int ValuesOutId = Shader.PropertyToID("_WsValuesOut");
        static readonly int HistogramId = Shader.PropertyToID("_WsHistogram");
        static readonly int SortCountId = Shader.PropertyToID("_WsSortCount");
        static readonly int ShiftId = Shader.PropertyToID("_WsShift");
        static readonly int BlocksId = Shader.PropertyToID("_WsBlocks");
        static readonly int HistogramLengthId = Shader.PropertyToID("_WsHistogramLength");
        static readonly int CopySourceId = Shader.PropertyToID("_WsCopySource");
        static readonly int CopyDestinationId = Shader.PropertyToID("_WsCopyDestination");
        static readonly int CopyCountId = Shader.PropertyToID("_WsCopyCount");

        readonly ComputeShader shader;
        readonly int clearArgs, keySplats, radixHistogram, radixScan, radixScatter, copySplats;
        GraphicsBuffer keysA, keysB, valuesB, histogram;
        int capacity;

        SplatSortPass(ComputeShader shader)
        {
            this.shader = shader;
            clearArgs = shader.FindKernel("ClearArgs");
            keySplats = shader.FindKernel("KeySplats");
            radixHistogram = shader.FindKernel("RadixHistogram");
            radixScan = shader.FindKernel("RadixScan");
            radixScatter = shader.FindKernel("RadixScatter");
            copySplats = shader.FindKernel("CopySplats");
        }

        /// <summary>
        /// The pass, or null with the reason: a kernel missing or unsupported on this device, or
        /// thread-group sizes other than WorldStream.Core.SortDispatch's (the shader and the C#
        /// would disagree about what a dispatch covers).
        /// </summary>
        public static SplatSortPass Create(ComputeShader shader, out string problem)
        {
            problem = null;
            if (shader == null)
            {
                problem = "the sort compute shader is missing";
                return null;
            }
            string[] names = { "ClearArgs", "KeySplats", "RadixHistogram", "RadixScan", "RadixScatter", "CopySplats" };
            int[] threads = { 1, SortDispatch.KeyThreads, SortDispatch.SortThreads, SortDispatch.ScanThreads, SortDispatch.SortThreads, SortDispatch.KeyThreads };
            for (int i = 0; i < names.Length; i++)
            {
                if (!shader.HasKernel(names[i]))
                {
                    problem = shader.name + " has no kernel " + names[i];
                    return null;
                }
                int kernel = shader.FindKernel(names[i]);
                if (!shader.IsSupported(kernel))
                {
                    problem = "kernel " + names[i] + " is not supported on this device";
                    return null;
                }
                uint x, y, z;
                shader.GetKernelThreadGroupSizes(kernel, out x, out y, out z);
                if (x != threads[i] || y != 1 || z != 1)
                {
                    problem = "kernel " + names[i] + " runs " + x + "x" + y + "x" + z + " threads, SortDispatch expects " + threads[i];
                    return null;
                }
            }
            return new SplatSortPass(shader);
        }

        /// <summary>Scratch for sorting up to <paramref name="splats"/> splats.</summary>
        public void EnsureCapacity(int splats)
        {
            splats = Math.Max(1, splats);
            if (splats <= capacity) return;
            ReleaseBuffers();
            capacity = splats;
            keysA = Structured(capacity, "WorldStream.SortKeysA");
            keysB = Structured(capacity, "WorldStream.SortKeysB");
            valuesB = Structured(capacity, "WorldStream.SortValuesB");
            histogram = Structured(SortDispatch.HistogramLength(capacity), "WorldStream.SortHistogram");
        }

        /// <summary>
        /// Records keying and sorting pool splats [0, <paramref name="extent"/>) for
        /// <paramref name="camera"/>: <paramref name="order"/> receives the pool indices back to
        /// front, <paramref name="drawArgs"/> the instanced draw's arguments.
        /// </summary>
        public void Record(
            CommandBuffer commands, GraphicsBuffer pool, GraphicsBuffer tiles, int tileCount, int extent,
            in SortCamera camera, GraphicsBuffer order, GraphicsBuffer drawArgs)
        {
            if (extent > capacity || extent > order.count) throw new ArgumentOutOfRangeException(nameof(extent));
            commands.SetComputeBufferParam(shader, clearArgs, DrawArgsId, drawArgs);
            commands.DispatchCompute(shader, clearArgs, 1, 1, 1);
            if (extent == 0) return;

            commands.SetComputeIntParam(shader, SplatCountId, extent);
            commands.SetComputeIntParam(shader, TileCountId, tileCount);
            commands.SetComputeVectorParam(shader, CameraPositionId, new Vector4(camera.PositionX, camera.PositionY, camera.PositionZ, 0));
            commands.SetComputeVectorParam(shader, CameraRightId, new Vector4(camera.RightX, camera.RightY, camera.RightZ, 0));
            commands.SetComputeVectorParam(shader, CameraUpId, new Vector4(camera.UpX, camera.UpY, camera.UpZ, 0));
            commands.SetComputeVectorParam(shader, CameraForwardId, new Vector4(camera.ForwardX, camera.ForwardY, camera.ForwardZ, 0));
            commands.SetComputeVectorParam(shader, CullId, new Vector4(camera.Near, camera.CullX, camera.CullY, 0));
            commands.SetComputeBufferParam(shader, keySplats, SplatsId, pool);
            commands.SetComputeBufferParam(shader, keySplats, TilesId, tiles);
            commands.SetComputeBufferParam(shader, keySplats, KeysId, keysA);
            commands.SetComputeBufferParam(shader, keySplats, ValuesId, order);
            commands.SetComputeBufferParam(shader, keySplats, DrawArgsId, drawArgs);
            commands.DispatchCompute(shader, keySplats, SortDispatch.KeyGroups(extent), 1, 1);

            int blocks = SortDispatch.Blocks(extent);
            commands.SetComputeIntParam(shader, SortCountId, extent);
            commands.SetComputeIntParam(shader, BlocksId, blocks);
            commands.SetComputeIntParam(shader, HistogramLengthId, SortDispatch.HistogramLength(extent));
            commands.SetComputeBufferParam(shader, radixHistogram, HistogramId, histogram);
            commands.SetComputeBufferParam(shader, radixScan, HistogramId, histogram);
            commands.SetComputeBufferParam(shader, radixScatter, HistogramId, histogram);
            GraphicsBuffer keysIn = keysA, valuesIn = order, keysOut = keysB, valuesOut = valuesB;
            // An even number of passes: the sorted indices end in the camera's order buffer.
            for (int pass = 0; pass < SortDispatch.Passes; pass++)
            {
                commands.SetComputeIntParam(shader, ShiftId, pass * SortDispatch.DigitBits);
                commands.SetComputeBufferParam(shader, radixHistogram, KeysInId, keysIn);
                commands.DispatchCompute(shader, radixHistogram, blocks, 1, 1);
                commands.DispatchCompute(shader, radixScan, 1, 1, 1);
                commands.SetComputeBufferParam(shader, radixScatter, KeysInId, keysIn);
                commands.SetComputeBufferParam(shader, radixScatter, ValuesInId, valuesIn);
                commands.SetComputeBufferParam(shader, radixScatter, KeysOutId, keysOut);
                commands.SetComputeBufferParam(shader, radixScatter, ValuesOutId, valuesOut);
                commands.DispatchCompute(shader, radixScatter, blocks, 1, 1);
                var keys = keysIn;
                keysIn = keysOut;
                keysOut = keys;
                var values = valuesIn;
                valuesIn = valuesOut;
                valuesOut = values;
            }
        }

        /// <summary>Copies the first <paramref name="count"/> splats of one pool buffer into another, now.</summary>
        public void CopyPool(GraphicsBuffer from, GraphicsBuffer to, int count)
        {
            if (count <= 0) return;
            shader.SetBuffer(copySplats, CopySourceId, from);
            shader.SetBuffer(copySplats, CopyDestinationId, to);
            shader.SetInt(CopyCountId, count);
            shader.Dispatch(copySplats, SortDispatch.KeyGroups(count), 1, 1);
        }

        public void Dispose() => ReleaseBuffers();

        void ReleaseBuffers()
        {
            keysA?.Release();
            keysB?.Release();
            valuesB?.Release();
            histogram?.Release();
            keysA = keysB = valuesB = histogram = null;
            capacity = 0;
        }

        static GraphicsBuffer Structured(int count, string name) =>
            new GraphicsBuffer(GraphicsBuffer.Target.Structured, count, sizeof(uint)) { name = name };
    }
}
