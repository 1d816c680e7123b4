using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>The GPU records: their layout, the activation in them, and packing off the main thread.</summary>
    public static class SplatPackingCases
    {
        public static void The_gpu_records_have_the_layout_the_shaders_read()
        {
            Check.Equal(GpuSplat.Stride, Marshal.SizeOf(typeof(GpuSplat)), "GpuSplat size");
            Check.Equal(12, (int)Marshal.OffsetOf(typeof(GpuSplat), "Slot"), "slot in position.w");
            Check.Equal(16, (int)Marshal.OffsetOf(typeof(GpuSplat), "RotationW"), "rotation: second float4");
            Check.Equal(32, (int)Marshal.OffsetOf(typeof(GpuSplat), "ScaleX"), "scale: third float4");
            Check.Equal(44, (int)Marshal.OffsetOf(typeof(GpuSplat), "Opacity"), "opacity in scale.w");
            Check.Equal(48, (int)Marshal.OffsetOf(typeof(GpuSplat), "ColourR"), "colour: fourth float4");
            Check.Equal(TileGpu.Stride, Marshal.SizeOf(typeof(TileGpu)), "TileGpu size");
            Check.Equal(12, (int)Marshal.OffsetOf(typeof(TileGpu), "Alpha"), "alpha in origin.w");
            Check.Equal(16, (int)Marshal.OffsetOf(typeof(TileGpu), "Start"), "range after it");
            Check.Equal(20, (int)Marshal.OffsetOf(typeof(TileGpu), "End"), "range end");
        }

        public static void Packing_activates_every_field_as_the_slow_reference_does()
        {
            var tile = SplatScenes.Cube(5, 64, 1, 2, 3, 4, -2);
            // Edge cases: a zero quaternion, a non-finite one, extreme logits and log scales, a
            // negative colour.
            for (int c = 0; c < 4; c++) tile.Rotations[c] = 0f;
            tile.Rotations[4] = float.NaN;
            tile.Rotations[8] = 1e30f;
            tile.OpacityLogits[1] = 60f;
            tile.OpacityLogits[2] = -60f;
            tile.LogScales[3] = -12f;
            tile.LogScales[4] = 4f;
            tile.Sh[3 * tile.ShCoefficients * 3] = -5f;
            var packed = new GpuSplat[70];
            SplatPacking.Pack(tile, 9, packed, 3);
            int k = tile.ShCoefficients;
            for (int i = 0; i < tile.SplatCount; i++)
            {
                var g = packed[3 + i];
                string at = "splat " + i + " ";
                Check.Equal(9u, g.Slot, at + "slot");
                Check.Equal(tile.Positions[3 * i], g.PositionX, at + "x");
                Check.Equal(tile.Positions[3 * i + 2], g.PositionZ, at + "z");
                var expected = ReferenceRotation(tile, i);
                Check.Close(expected[0], g.RotationW, 1e-7, 1e-6, at + "w");
                Check.Close(expected[1], g.RotationX, 1e-7, 1e-6, at + "qx");
                Check.Close(expected[2], g.RotationY, 1e-7, 1e-6, at + "qy");
                Check.Close(expected[3], g.RotationZ, 1e-7, 1e-6, at + "qz");
                Check.Close(Math.Pow(Math.E, tile.LogScales[3 * i]), g.ScaleX, 0, 1e-6, at + "scale x");
                Check.Close(Math.Pow(Math.E, tile.LogScales[3 * i + 1]), g.ScaleY, 0, 1e-6, at + "scale y");
                Check.Close(Math.Pow(Math.E, tile.LogScales[3 * i + 2]), g.ScaleZ, 0, 1e-6, at + "scale z");
                Check.Close(ReferenceSigmoid(tile.OpacityLogits[i]), g.Opacity, 1e-12, 1e-6, at + "opacity");
                Check.Close(ReferenceColour(tile.Sh[3 * k * i]), g.ColourR, 1e-7, 1e-6, at + "red");
                Check.Close(ReferenceColour(tile.Sh[3 * k * i + 1]), g.ColourG, 1e-7, 1e-6, at + "green");
                Check.Close(ReferenceColour(tile.Sh[3 * k * i + 2]), g.ColourB, 1e-7, 1e-6, at + "blue");
                Check.Equal(0f, g.Reserved, at + "reserved");
            }
            Check.Equal(1f, packed[3].RotationW, "a zero quaternion is the identity");
            Check.Equal(1f, packed[4].RotationW, "so is a non-finite one");
            Check.Equal(0f, packed[6].ColourR, "a colour below 0 is clamped");
            Check.True(packed[0].Equals(default(GpuSplat)) && packed[67].Equals(default(GpuSplat)), "nothing outside the range is written");
            Check.Throws<ArgumentOutOfRangeException>(() => SplatPacking.Pack(tile, 0, packed, 7), "a range past the end");
        }

        public static void Packing_reads_only_the_dc_term_of_the_sh()
        {
            var tile = SplatScenes.Cube(6, 16, 0, 0, 0, 1, -2);
            var before = SplatPacking.Pack(tile, 1);
            int k = tile.ShCoefficients;
            for (int i = 0; i < tile.SplatCount; i++)
            {
                for (int c = 3; c < 3 * k; c++) tile.Sh[3 * k * i + c] += 1f;
            }
            var after = SplatPacking.Pack(tile, 1);
            for (int i = 0; i < tile.SplatCount; i++) Check.True(before[i].Equals(after[i]), "higher bands are not drawn");
        }

        public static void The_packer_packs_off_the_calling_thread_and_hands_back_every_tile()
        {
            var packer = new TilePacker();
            var tiles = new Dictionary<int, DecodedTile>();
            for (int h = 1; h <= 6; h++)
            {
                tiles[h] = SplatScenes.Cube(h, 2000 * h, 0, 0, 0, 1, -2);
                packer.Submit(new PackRequest(h, (uint)(10 + h), tiles[h]));
            }
            int caller = Thread.CurrentThread.ManagedThreadId;
            var clock = Stopwatch.StartNew();
            var seen = new HashSet<int>();
            while (seen.Count < tiles.Count)
            {
                PackedTile packed;
                if (!packer.TryTake(out packed))
                {
                    Check.True(clock.Elapsed.TotalSeconds < 20, "the packer finishes");
                    Thread.Sleep(1);
                    continue;
                }
                Check.True(packed.Error == null, "no error");
                Check.True(packed.PackThread != caller, "packed on another thread than the caller's");
                Check.True(seen.Add(packed.Handle), "each tile once");
                var expected = SplatPacking.Pack(tiles[packed.Handle], (uint)(10 + packed.Handle));
                Check.Equal(expected.Length, packed.Splats.Length, "count");
                for (int i = 0; i < expected.Length; i += 97) Check.True(expected[i].Equals(packed.Splats[i]), "record " + i);
            }
            Check.Equal(0, packer.InFlight, "nothing left in flight");
        }

        // The quaternion over its length, all in double; the identity when that is not a number.
        static double[] ReferenceRotation(DecodedTile tile, int i)
        {
            var q = new double[4];
            double sum = 0;
            for (int c = 0; c < 4; c++)
            {
                q[c] = tile.Rotations[4 * i + c];
                sum += q[c] * q[c];
            }
            double length = Math.Sqrt(sum);
            if (double.IsNaN(length) || double.IsInfinity(length) || length == 0) return new double[] { 1, 0, 0, 0 };
            for (int c = 0; c < 4; c++) q[c] /= length;
            return q;
        }

        static double ReferenceSigmoid(double v) => v >= 0 ? 1.0 / (1.0 + Math.Exp(-v)) : Math.Exp(v) / (1.0 + Math.Exp(v));

        static double ReferenceColour(double dc) => Math.Max(0.0, 0.5 + 0.28209479177387814 * dc);
    }
}
