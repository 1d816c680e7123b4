// Times the Unity package's SplatPacking.Pack (activation and the 64-byte GPU record) on the
// tile bench/bench_client_packing.py wrote, and writes the records of the last run.
//
//   mono pack-bench.exe TILE.bin RUNS OUT.bin
//
// Prints one line of JSON: {"runs_ms": [...]}.
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using WorldStream.Core;

static class PackBench
{
    static int Main(string[] args)
    {
        var tile = Read(args[0]);
        int runs = int.Parse(args[1], CultureInfo.InvariantCulture);
        var into = new GpuSplat[tile.SplatCount];
        SplatPacking.Pack(tile, 7, into, 0);  // JIT and page-in outside the timing
        var times = new string[runs];
        for (int r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            SplatPacking.Pack(tile, 7, into, 0);
            times[r] = clock.Elapsed.TotalMilliseconds.ToString("R", CultureInfo.InvariantCulture);
        }
        Write(args[2], into);
        Console.WriteLine("{\"runs_ms\": [" + string.Join(", ", times) + "]}");
        return 0;
    }

    static DecodedTile Read(string path)
    {
        using (var reader = new BinaryReader(File.OpenRead(path)))
        {
            int n = reader.ReadInt32(), degree = reader.ReadInt32();
            var tile = new DecodedTile(degree, 2, 0, 0, 0, n);
            foreach (var array in new[] { tile.Positions, tile.Rotations, tile.LogScales, tile.OpacityLogits, tile.Sh })
            {
                for (int i = 0; i < array.Length; i++) array[i] = reader.ReadSingle();
            }
            return tile;
        }
    }

    static void Write(string path, GpuSplat[] splats)
    {
        int stride = Marshal.SizeOf(typeof(GpuSplat));
        var bytes = new byte[stride * splats.Length];
        var handle = GCHandle.Alloc(splats, GCHandleType.Pinned);
        try
        {
            Marshal.Copy(handle.AddrOfPinnedObject(), bytes, 0, bytes.Length);
        }
        finally
        {
            handle.Free();
        }
        File.WriteAllBytes(path, bytes);
    }
}
