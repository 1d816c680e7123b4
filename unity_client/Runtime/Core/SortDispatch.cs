using System;

namespace WorldStream.Core
{
    /// <summary>
    /// The shape of the pooled renderer's GPU passes (Runtime/Shaders/Resources/WorldStreamSplatSort.compute):
    /// thread-group sizes, the radix sort's digits and blocks, and the group counts each dispatch
    /// needs. The constants must equal the shader's #defines; the renderer checks them against
    /// the kernels' thread-group sizes when it loads the shader.
    /// </summary>
    public static class SortDispatch
    {
        /// <summary>Groups per dispatch dimension that every graphics API accepts.</summary>
        public const int MaxGroups = 65535;

        /// <summary>Threads per group of the keying kernel: one splat each.</summary>
        public const int KeyThreads = 256;

        /// <summary>Threads per group of the radix histogram and scatter kernels.</summary>
        public const int SortThreads = 256;

        /// <summary>Keys each sort thread handles, consecutive in the block.</summary>
        public const int KeysPerThread = 8;

        /// <summary>Keys per radix block: one group of the histogram and scatter kernels.</summary>
        public const int BlockKeys = SortThreads * KeysPerThread;

        /// <summary>Bits per radix digit; 32-bit keys take <see cref="Passes"/> passes.</summary>
        public const int DigitBits = 4;

        public const int Digits = 1 << DigitBits;

        /// <summary>An even count, so the sorted indices end in the buffer they started in.</summary>
        public const int Passes = 32 / DigitBits;

        /// <summary>Threads of the one group that scans the block histograms.</summary>
        public const int ScanThreads = 1024;

        /// <summary>Groups of the keying kernel for <paramref name="count"/> splats.</summary>
        public static int KeyGroups(int count) => DivideRoundingUp(count, KeyThreads);

        /// <summary>Radix blocks (groups of the histogram and scatter kernels).</summary>
        public static int Blocks(int count) => DivideRoundingUp(count, BlockKeys);

        /// <summary>Entries of the block histogram: one per digit and block, digit-major.</summary>
        public static int HistogramLength(int count) => Math.Max(1, Digits * Blocks(count));

        /// <summary>True when every dispatch for <paramref name="count"/> splats is within the limits.</summary>
        public static bool Fits(int count) =>
            count >= 0 && KeyGroups(count) <= MaxGroups && Blocks(count) <= MaxGroups;

        static int DivideRoundingUp(int count, int size)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
            return (int)(((long)count + size - 1) / size);
        }
    }
}
