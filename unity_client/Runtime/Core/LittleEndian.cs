using System;

namespace WorldStream.Core
{
    /// <summary>
    /// Little-endian reads that do not depend on the host's byte order. Callers check bounds
    /// first; these only assemble bytes.
    /// </summary>
    internal static class LittleEndian
    {
        public static ushort U16(byte[] b, int at) => (ushort)(b[at] | (b[at + 1] << 8));

        public static uint U32(byte[] b, int at) =>
            (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        public static ulong U64(byte[] b, int at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

        /// <summary>Bytes at..at+4 as a 40-bit integer.</summary>
        public static ulong U40(byte[] b, int at) => U32(b, at) | ((ulong)b[at + 4] << 32);

        public static float F32(byte[] b, int at)
        {
            if (BitConverter.IsLittleEndian) return BitConverter.ToSingle(b, at);
            return BitConverter.ToSingle(BitConverter.GetBytes(U32(b, at)), 0);
        }

        public static double F64(byte[] b, int at) => BitConverter.Int64BitsToDouble((long)U64(b, at));

        public static bool IsFinite(double v) => !double.IsNaN(v) && !double.IsInfinity(v);
    }
}
