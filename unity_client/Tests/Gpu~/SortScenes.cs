using System;
using System.IO;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// Writes seeded pool scenes and their CPU reference (WorldStream.Core.GlobalSplatOrder):
    /// the pool and tile table exactly as the renderer uploads them, the camera, the expected key
    /// of every pool splat and the expected back-to-front order. tests/test_unity_splat_sort_gpu.py
    /// runs the compute shader's kernels on the same inputs and compares.
    ///
    ///   mono SortScenes.exe OUT_DIR
    /// </summary>
    public static class SortScenes
    {
        public static int Main(string[] args)
        {
            if (args.Length != 1)
            {
                Console.Error.WriteLine("usage: SortScenes.exe OUT_DIR");
                return 2;
            }
            var overlap = OverlapAndFade();
            Write(Path.Combine(args[0], "overlap_fade"), overlap, SplatScenes.FrontCamera());
            var crowd = Crowd();
            Write(Path.Combine(args[0], "crowd_inside"), crowd,
                SortCamera.Looking(new[] { 1.5, 0.7, 2.0 }, new[] { 0.3, -0.2, 1.0 }, new[] { 0.05, 1.0, 0.1 }, 0.1f, 70, 1.5));
            Write(Path.Combine(args[0], "crowd_turned"), crowd,
                SortCamera.Looking(new[] { -12.25, 3.5, -9.0 }, new[] { 0.8, -0.15, 0.6 }, new[] { 0.0, 1.0, 0.0 }, 0.3f, 50, 16.0 / 9.0));
            // Looking straight along +z, the tile of shared depths holds 3,000 splats on five
            // exact depths: their order is the pool's.
            Write(Path.Combine(args[0], "crowd_ties"), crowd,
                SortCamera.Looking(new[] { 1.5, 0.7, -6.0 }, new[] { 0.0, 0.0, 1.0 }, new[] { 0.0, 1.0, 0.0 }, 0.1f, 60, 1.0));
            return 0;
        }

        // Two overlapping tiles and a finer level fading in over the first.
        static SplatScene OverlapAndFade()
        {
            var scene = new SplatScene(1000);
            scene.Add(1, SplatScenes.Cube(10, 400, 0, 0, 10, 2, -2), 1f);
            scene.Add(2, SplatScenes.Cube(11, 500, 3, 0, 10, 2, -2), 1f);
            scene.Add(3, SplatScenes.Cube(12, 1600, 0, 0, 10, 2, -3), 0.4f);
            scene.Upload(1 << 20);
            return scene;
        }

        // Many tiles of many sizes around the camera; some removed (their ranges keep stale
        // splats), some reused, one never uploaded (not drawn), a grown pool, and one tile whose
        // splats share a handful of depths (ties, kept in pool order).
        static SplatScene Crowd()
        {
            var random = new Random(1818);
            var scene = new SplatScene(20000);
            int id = 1;
            for (; id <= 40; id++)
            {
                scene.Add(id, SplatScenes.Cube(100 + id, 200 + random.Next(2800),
                    random.NextDouble() * 30 - 15, random.NextDouble() * 6 - 3, random.NextDouble() * 30 - 5, 2.5, -2.5), 0.2f + 0.8f * (float)random.NextDouble());
            }
            scene.Upload(1 << 22);
            for (int gone = 3; gone <= 40; gone += 7) scene.Tiles.Remove(gone);
            var ties = SplatScenes.Cube(7, 3000, 1.5, 0.7, 12.0, 3, -2.5);
            for (int i = 0; i < ties.SplatCount; i++) ties.Positions[3 * i + 2] = (float)(i % 5) * 0.5f;
            scene.Add(id++, ties, 1f);
            scene.Add(id++, SplatScenes.Cube(8, 1200, 0, 0, 8, 2, -2.5), 1f);
            scene.Upload(1 << 22);
            // Added but not uploaded: its table entry hides it.
            scene.Add(id++, SplatScenes.Cube(9, 2500, 0, 0, 6, 2, -2.5), 1f);
            scene.RefreshTable();
            return scene;
        }

        static void Write(string directory, SplatScene scene, SortCamera camera)
        {
            int extent = scene.Tiles.Pool.Extent;
            int[] order;
            uint[] keys;
            int drawn = scene.Order(camera, out order, out keys);
            SceneFiles.Write(directory, scene, order, drawn);
            using (var w = new BinaryWriter(File.Create(Path.Combine(directory, "camera.bin"))))
            {
                float[] values =
                {
                    camera.PositionX, camera.PositionY, camera.PositionZ, camera.RightX, camera.RightY, camera.RightZ,
                    camera.UpX, camera.UpY, camera.UpZ, camera.ForwardX, camera.ForwardY, camera.ForwardZ,
                    camera.Near, camera.CullX, camera.CullY,
                };
                foreach (var v in values) w.Write(v);
            }
            using (var w = new BinaryWriter(File.Create(Path.Combine(directory, "keys.bin"))))
            {
                for (int i = 0; i < extent; i++) w.Write(keys[i]);
            }
        }
    }
}
