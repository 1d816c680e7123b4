using System;
using System.Runtime.InteropServices;

namespace WorldStream.Core
{
    /// <summary>
    /// A camera as the keying kernel sees it: position and unit basis in world space (Unity:
    /// transform.position, .right, .up, .forward) and the culling bounds.
    /// </summary>
    public struct SortCamera
    {
        public float PositionX, PositionY, PositionZ;
        public float RightX, RightY, RightZ;
        public float UpX, UpY, UpZ;
        public float ForwardX, ForwardY, ForwardZ;

        /// <summary>Splat centres nearer than this along the view axis are not drawn.</summary>
        public float Near;

        /// <summary>A centre is drawn while |view x| &lt;= CullX * depth (tan of half the horizontal field of view, times the margin).</summary>
        public float CullX;

        /// <summary>The same, vertically.</summary>
        public float CullY;

        /// <summary>
        /// Keep splats whose centres lie up to 30 % outside the frustum, as the Unreal plugin
        /// does: their footprint reaches into the view.
        /// </summary>
        public const float FrustumMargin = 1.3f;

        /// <summary>
        /// A camera at <paramref name="position"/> looking along <paramref name="forward"/>;
        /// the basis is made orthonormal in Unity's left-handed frame (right = up x forward).
        /// </summary>
        public static SortCamera Looking(
            double[] position, double[] forward, double[] up, float near, double verticalFovDegrees, double aspect)
        {
            var f = Normalise(forward);
            var r = Normalise(Cross(up, f));
            var u = Cross(f, r);
            double tanY = Math.Tan(verticalFovDegrees * Math.PI / 360.0);
            return new SortCamera
            {
                PositionX = (float)position[0],
                PositionY = (float)position[1],
                PositionZ = (float)position[2],
                RightX = (float)r[0],
                RightY = (float)r[1],
                RightZ = (float)r[2],
                UpX = (float)u[0],
                UpY = (float)u[1],
                UpZ = (float)u[2],
                ForwardX = (float)f[0],
                ForwardY = (float)f[1],
                ForwardZ = (float)f[2],
                Near = near,
                CullX = (float)(FrustumMargin * tanY * aspect),
                CullY = (float)(FrustumMargin * tanY),
            };
        }

        static double[] Cross(double[] a, double[] b) =>
            new[] { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };

        static double[] Normalise(double[] v)
        {
            double n = Math.Sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            if (!(n > 0)) throw new ArgumentException("a zero vector", nameof(v));
            return new[] { v[0] / n, v[1] / n, v[2] / n };
        }
    }

    /// <summary>
    /// The CPU reference of the pooled renderer's one sort: every splat of every tile in the
    /// pool, keyed by view depth exactly as the keying kernel computes it (the same float32
    /// operations in the same order; the kernel marks them <c>precise</c> so no compiler fuses
    /// them), sorted back to front. The key is the Unreal plugin's: 0xFFFFFFFE minus the bits of
    /// the positive float depth, so far splats get small keys; culled splats and those of free
    /// or not yet drawn tiles get <see cref="CulledKey"/> and sort after every drawn one. Equal
    /// keys keep pool order (the GPU radix sort is stable over keys laid out by pool index), so
    /// the order is a function of the pool's contents and the camera alone.
    /// </summary>
    public static class GlobalSplatOrder
    {
        public const uint CulledKey = 0xFFFFFFFFu;

        [StructLayout(LayoutKind.Explicit)]
        struct FloatBits
        {
            [FieldOffset(0)] public float Float;
            [FieldOffset(0)] public uint Bits;
        }

        /// <summary>The key of a drawn splat at view depth <paramref name="depth"/> (&gt; 0).</summary>
        public static uint DepthKey(float depth) => 0xFFFFFFFEu - new FloatBits { Float = depth }.Bits;

        /// <summary>
        /// View-space x, y and depth of pool splat <paramref name="splat"/> of tile
        /// <paramref name="tile"/>: p = (origin - camera) + position, then each axis as
        /// (p.x a.x + p.y a.y) + p.z a.z, every step rounded to float32 as the kernel does.
        /// </summary>
        public static void View(in GpuSplat splat, in TileGpu tile, in SortCamera camera, out float x, out float y, out float depth)
        {
            float px = (float)((float)(tile.OriginX - camera.PositionX) + splat.PositionX);
            float py = (float)((float)(tile.OriginY - camera.PositionY) + splat.PositionY);
            float pz = (float)((float)(tile.OriginZ - camera.PositionZ) + splat.PositionZ);
            x = Dot(px, py, pz, camera.RightX, camera.RightY, camera.RightZ);
            y = Dot(px, py, pz, camera.UpX, camera.UpY, camera.UpZ);
            depth = Dot(px, py, pz, camera.ForwardX, camera.ForwardY, camera.ForwardZ);
        }

        /// <summary>The sort key of pool splat <paramref name="index"/>, as the keying kernel writes it.</summary>
        public static uint Key(GpuSplat[] pool, int index, TileGpu[] tiles, int tileCount, in SortCamera camera)
        {
            var splat = pool[index];
            if (splat.Slot >= (uint)tileCount) return CulledKey;
            var tile = tiles[splat.Slot];
            // A freed range keeps stale splats: only the tile's current range counts.
            if (!(tile.Alpha > 0f) || (uint)index < tile.Start || (uint)index >= tile.End) return CulledKey;
            float x, y, depth;
            View(splat, tile, camera, out x, out y, out depth);
            if (!(depth > camera.Near)) return CulledKey;
            if (!(Math.Abs(x) <= (float)(camera.CullX * depth)) || !(Math.Abs(y) <= (float)(camera.CullY * depth))) return CulledKey;
            return DepthKey(depth);
        }

        /// <summary>
        /// Keys pool splats [0, <paramref name="extent"/>) into <paramref name="keys"/> and writes
        /// their back-to-front order into <paramref name="order"/> (pool indices, drawn splats
        /// first). Returns how many are drawn: the instance count of the draw.
        /// </summary>
        public static int Sort(
            GpuSplat[] pool, int extent, TileGpu[] tiles, int tileCount, in SortCamera camera, uint[] keys, int[] order)
        {
            if (pool == null || tiles == null || keys == null || order == null) throw new ArgumentNullException(nameof(pool));
            if (extent < 0 || extent > pool.Length || keys.Length < extent || order.Length < extent)
            {
                throw new ArgumentOutOfRangeException(nameof(extent));
            }
            int drawn = 0;
            var packed = new ulong[extent];
            for (int i = 0; i < extent; i++)
            {
                uint key = Key(pool, i, tiles, tileCount, camera);
                keys[i] = key;
                if (key != CulledKey) drawn++;
                // Key high, pool index low: one total order, ties kept in pool order.
                packed[i] = ((ulong)key << 32) | (uint)i;
            }
            Array.Sort(packed);
            for (int i = 0; i < extent; i++) order[i] = (int)(uint)packed[i];
            return drawn;
        }

        static float Dot(float px, float py, float pz, float ax, float ay, float az) =>
            (float)((float)((float)(px * ax) + (float)(py * ay)) + (float)(pz * az));
    }
}
