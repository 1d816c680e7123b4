using System;
using System.Collections.Generic;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// Seeded tiles and a CPU stand-in for the GPU side of the pooled renderer: the pool buffer
    /// as an array that upload ranges are copied into, exactly as the renderer's partial
    /// SetData calls copy them.
    /// </summary>
    public sealed class SplatScene
    {
        public readonly PooledTiles Tiles;
        public GpuSplat[] Gpu;
        public TileGpu[] Table = new TileGpu[0];
        public int TableCount;
        readonly List<UploadRange> ranges = new List<UploadRange>();
        readonly Dictionary<int, PackRequest> unpacked = new Dictionary<int, PackRequest>();

        public SplatScene(int initialCapacity, int maxCapacity = SplatPool.MaxCapacity)
        {
            Tiles = new PooledTiles(initialCapacity, maxCapacity);
            Gpu = new GpuSplat[initialCapacity];
        }

        /// <summary>Adds a tile; its packing waits for <see cref="PackAll"/> (or <see cref="Upload"/>).</summary>
        public void Add(int id, DecodedTile tile, float alpha)
        {
            var request = Tiles.Add(id, tile, alpha);
            if (request != null) unpacked[request.Handle] = request;
        }

        /// <summary>Packs the tiles waiting (what the worker thread does) and hands them in.</summary>
        public void PackAll()
        {
            foreach (var request in unpacked.Values)
            {
                Tiles.Packed(new PackedTile(request.Handle, SplatPacking.Pack(request.Tile, request.Slot), 0, null));
            }
            unpacked.Clear();
        }

        /// <summary>One frame's uploads within the budget, copied into the GPU array; returns the ranges.</summary>
        public List<UploadRange> Upload(int budget, bool pack = true)
        {
            if (pack) PackAll();
            // The renderer grows its GPU buffer (a copy of the old one) before it uploads.
            if (Gpu.Length != Tiles.Pool.Capacity) Array.Resize(ref Gpu, Tiles.Pool.Capacity);
            Tiles.PlanUploads(budget, ranges);
            foreach (var range in ranges) Array.Copy(range.Source, range.SourceStart, Gpu, range.Destination, range.Count);
            RefreshTable();
            return new List<UploadRange>(ranges);
        }

        public void RefreshTable()
        {
            if (Gpu.Length != Tiles.Pool.Capacity) Array.Resize(ref Gpu, Tiles.Pool.Capacity);
            if (Table.Length < Tiles.SlotCount) Table = new TileGpu[Tiles.SlotCount];
            TableCount = Tiles.FillTileTable(Table);
        }

        /// <summary>The global order for a camera: pool indices back to front; returns the drawn count.</summary>
        public int Order(in SortCamera camera, out int[] order, out uint[] keys)
        {
            int extent = Tiles.Pool.Extent;
            order = new int[extent];
            keys = new uint[extent];
            return GlobalSplatOrder.Sort(Gpu, extent, Table, TableCount, camera, keys, order);
        }
    }

    public static class SplatScenes
    {
        /// <summary>
        /// <paramref name="count"/> splats spread through a cube of half size
        /// <paramref name="half"/> around the origin, SH degree 1, in Unity's frame.
        /// </summary>
        public static DecodedTile Cube(int seed, int count, double x, double y, double z, double half, double logScale)
        {
            var random = new Random(seed);
            var tile = new DecodedTile(1, 2, x, y, z, count);
            int k = tile.ShCoefficients;
            for (int i = 0; i < count; i++)
            {
                for (int a = 0; a < 3; a++)
                {
                    tile.Positions[3 * i + a] = (float)((random.NextDouble() * 2 - 1) * half);
                    tile.LogScales[3 * i + a] = (float)(logScale + random.NextDouble() - 0.5);
                }
                for (int c = 0; c < 4; c++) tile.Rotations[4 * i + c] = (float)(random.NextDouble() * 2 - 1);
                tile.OpacityLogits[i] = (float)(random.NextDouble() * 8 - 4);
                for (int c = 0; c < 3 * k; c++) tile.Sh[3 * k * i + c] = (float)(random.NextDouble() * 4 - 2);
            }
            return tile;
        }

        /// <summary>Camera at (0.5, 0.3, -2) looking along +z, 60 degrees vertical, 16:9.</summary>
        public static SortCamera FrontCamera() =>
            SortCamera.Looking(new[] { 0.5, 0.3, -2.0 }, new[] { 0.0, 0.0, 1.0 }, new[] { 0.0, 1.0, 0.0 }, 0.05f, 60, 16.0 / 9.0);

        /// <summary>The tile-table slot pool splat <paramref name="index"/> belongs to.</summary>
        public static uint SlotAt(SplatScene scene, int index) => scene.Gpu[index].Slot;

        /// <summary>View depth of pool splat <paramref name="index"/> in double precision, from world positions.</summary>
        public static double Depth(SplatScene scene, int index, in SortCamera camera)
        {
            var s = scene.Gpu[index];
            var t = scene.Table[s.Slot];
            double x = (double)t.OriginX + s.PositionX - camera.PositionX;
            double y = (double)t.OriginY + s.PositionY - camera.PositionY;
            double z = (double)t.OriginZ + s.PositionZ - camera.PositionZ;
            return x * camera.ForwardX + y * camera.ForwardY + z * camera.ForwardZ;
        }
    }
}
