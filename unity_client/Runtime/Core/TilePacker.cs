using System;
using System.Collections.Concurrent;
using System.Threading;

namespace WorldStream.Core
{
    /// <summary>A tile's GPU records, packed off the main thread.</summary>
    public sealed class PackedTile
    {
        public PackedTile(int handle, GpuSplat[] splats, int packThread, Exception error)
        {
            Handle = handle;
            Splats = splats;
            PackThread = packThread;
            Error = error;
        }

        /// <summary>The <see cref="PooledTiles"/> handle the records belong to.</summary>
        public int Handle { get; }

        /// <summary>The records, or null when packing failed.</summary>
        public GpuSplat[] Splats { get; }

        /// <summary>Managed id of the thread that packed them.</summary>
        public int PackThread { get; }

        public Exception Error { get; }
    }

    /// <summary>
    /// Packs tiles (activation included) on the thread pool, so that the main thread only copies
    /// finished records into the GPU pool. Submit and TryTake on the main thread; the packing
    /// runs on pool threads; results come back in the order they finish.
    /// </summary>
    public sealed class TilePacker
    {
        readonly ConcurrentQueue<PackedTile> finished = new ConcurrentQueue<PackedTile>();
        int inFlight;

        /// <summary>Tiles submitted and not yet taken back.</summary>
        public int InFlight => Volatile.Read(ref inFlight);

        public void Submit(PackRequest request)
        {
            if (request == null) throw new ArgumentNullException(nameof(request));
            Interlocked.Increment(ref inFlight);
            ThreadPool.QueueUserWorkItem(_ => Run(request));
        }

        /// <summary>A finished tile, if one is waiting.</summary>
        public bool TryTake(out PackedTile packed)
        {
            if (!finished.TryDequeue(out packed)) return false;
            Interlocked.Decrement(ref inFlight);
            return true;
        }

        void Run(PackRequest request)
        {
            GpuSplat[] splats = null;
            Exception error = null;
            try
            {
                splats = SplatPacking.Pack(request.Tile, request.Slot);
            }
            catch (Exception e)
            {
                error = e;
            }
            finished.Enqueue(new PackedTile(request.Handle, splats, Thread.CurrentThread.ManagedThreadId, error));
        }
    }
}
