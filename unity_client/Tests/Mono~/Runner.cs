using System;
using System.Diagnostics;
using System.Reflection;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// Runs the shared cases (Tests/Editor/Cases, listed by CaseCatalog) under Mono, where NUnit
    /// is not available.
    ///
    ///   mono core-tests.exe VECTOR_DIR [--bench] [--filter=TEXT]
    ///
    /// Prints one line per case and "N passed, N failed, N skipped"; exits 1 on any failure.
    /// </summary>
    public static class Runner
    {
        public static int Main(string[] args)
        {
            bool bench = false;
            string filter = null;
            foreach (var arg in args)
            {
                if (arg == "--bench") bench = true;
                else if (arg.StartsWith("--filter=", StringComparison.Ordinal)) filter = arg.Substring(9);
                else if (System.IO.Directory.Exists(arg)) TestData.VectorDirectory = arg;
                else
                {
                    Console.Error.WriteLine("no such vector directory: " + arg);
                    return 2;
                }
            }
            if (bench) return Bench();
            int passed = 0, failed = 0, skipped = 0;
            foreach (var test in CaseCatalog.All())
            {
                if (filter != null && test.Name.IndexOf(filter, StringComparison.Ordinal) < 0) continue;
                var clock = Stopwatch.StartNew();
                try
                {
                    test.Invoke(null, null);
                    passed++;
                    Console.WriteLine("PASS " + CaseCatalog.Name(test) + " (" + clock.ElapsedMilliseconds + " ms)");
                }
                catch (TargetInvocationException e) when (e.InnerException is CaseSkippedException)
                {
                    skipped++;
                    Console.WriteLine("SKIP " + CaseCatalog.Name(test) + ": " + e.InnerException.Message);
                }
                catch (TargetInvocationException e)
                {
                    failed++;
                    var inner = e.InnerException;
                    Console.WriteLine("FAIL " + CaseCatalog.Name(test) + ": " + inner.GetType().Name + ": " + inner.Message);
                    if (!(inner is CheckFailedException)) Console.WriteLine(inner.StackTrace);
                }
            }
            Console.WriteLine(passed + " passed, " + failed + " failed, " + skipped + " skipped");
            return failed > 0 || passed == 0 ? 1 : 0;
        }

        /// <summary>Decode throughput of the largest vectors, for the README's numbers.</summary>
        static int Bench()
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                if (v.Count < 256) continue;
                QuantizedTileDecoder.Decode(v.Payload);
                long splats = 0;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < 1.0)
                {
                    QuantizedTileDecoder.Decode(v.Payload);
                    splats += v.Count;
                }
                double rate = splats / clock.Elapsed.TotalSeconds / 1e6;
                Console.WriteLine(v.Name + ": " + rate.ToString("F2") + " M splats/s (" + v.Count
                    + " splats, SH degree " + v.ShDegree + ", one thread)");
            }
            return 0;
        }
    }
}
