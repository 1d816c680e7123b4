using System;
using System.IO;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// The files a scene program (DrawScene, SortScenes) writes for the tests that run the
    /// package's shaders on lavapipe: the pool and the tile table exactly as the renderer uploads
    /// them (GpuSplat and TileGpu, field by field, 64 and 32 bytes), the back-to-front order and
    /// the counts (pool extent, table entries, drawn splats).
    /// </summary>
    public static class SceneFiles
    {
        public static void Write(string directory, SplatScene scene, int[] order, int drawn)
        {
            Directory.CreateDirectory(directory);
            int extent = scene.Tiles.Pool.Extent;
            using (var w = new BinaryWriter(File.Create(Path.Combine(directory, "pool.bin"))))
            {
                for (int i = 0; i < extent; i++)
                {
                    var s = scene.Gpu[i];
                    w.Write(s.PositionX); w.Write(s.PositionY); w.Write(s.PositionZ); w.Write(s.Slot);
                    w.Write(s.RotationW); w.Write(s.RotationX); w.Write(s.RotationY); w.Write(s.RotationZ);
                    w.Write(s.ScaleX); w.Write(s.ScaleY); w.Write(s.ScaleZ); w.Write(s.Opacity);
                    w.Write(s.ColourR); w.Write(s.ColourG); w.Write(s.ColourB); w.Write(s.Reserved);
                }
            }
            // One entry at least: a GPU buffer cannot be empty.
            using (var w = new BinaryWriter(File.Create(Path.Combine(directory, "tiles.bin"))))
            {
                for (int i = 0; i < Math.Max(1, scene.TableCount); i++)
                {
                    var t = i < scene.TableCount ? scene.Table[i] : default(TileGpu);
                    w.Write(t.OriginX); w.Write(t.OriginY); w.Write(t.OriginZ); w.Write(t.Alpha);
                    w.Write(t.Start); w.Write(t.End); w.Write(t.Padding0); w.Write(t.Padding1);
                }
            }
            using (var w = new BinaryWriter(File.Create(Path.Combine(directory, "order.bin"))))
            {
                for (int i = 0; i < extent; i++) w.Write((uint)order[i]);
            }
            File.WriteAllText(Path.Combine(directory, "counts.txt"), extent + " " + scene.TableCount + " " + drawn + "\n");
        }
    }
}
