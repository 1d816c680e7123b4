using System;

namespace WorldStream.Core
{
    /// <summary>
    /// The 40-byte header WSQT and WSRF share: magic, u16 version, u8 SH degree, u8 engine frame,
    /// u32 count, u32 reserved, f64[3] origin (docs/tile-format.md § Header).
    /// </summary>
    internal struct PayloadHeader
    {
        public const int Bytes = 40;

        public int ShDegree;
        public int EngineFrame;
        public long Count;
        public uint Reserved;
        public double OriginX;
        public double OriginY;
        public double OriginZ;

        /// <summary>Reads and checks what both formats require: size, magic, version, degree.</summary>
        public static PayloadHeader Read(byte[] b, int offset, int length, string magic, string format)
        {
            if (length < Bytes)
            {
                throw new TilePayloadException(
                    PayloadProblem.TooShort,
                    "payload is " + length + " bytes, shorter than the " + Bytes + "-byte header");
            }
            for (int i = 0; i < 4; i++)
            {
                if (b[offset + i] != (byte)magic[i])
                {
                    throw new TilePayloadException(
                        PayloadProblem.BadMagic,
                        "bad magic " + Printable(b, offset, 4) + ", expected " + magic);
                }
            }
            int version = LittleEndian.U16(b, offset + 4);
            if (version != 1)
            {
                throw new TilePayloadException(
                    PayloadProblem.UnsupportedVersion,
                    "unsupported " + format + " version " + version + ", this decoder reads 1");
            }
            var header = new PayloadHeader
            {
                ShDegree = b[offset + 6],
                EngineFrame = b[offset + 7],
                Count = LittleEndian.U32(b, offset + 8),
                Reserved = LittleEndian.U32(b, offset + 12),
                OriginX = LittleEndian.F64(b, offset + 16),
                OriginY = LittleEndian.F64(b, offset + 24),
                OriginZ = LittleEndian.F64(b, offset + 32),
            };
            if (header.ShDegree > 3)
            {
                throw new TilePayloadException(
                    PayloadProblem.ShDegreeTooHigh, "SH degree " + header.ShDegree + " is above 3");
            }
            return header;
        }

        public void RequireLength(int length, long expected)
        {
            if (length != expected)
            {
                throw new TilePayloadException(
                    PayloadProblem.LengthMismatch,
                    "payload is " + length + " bytes; " + Count + " splats at SH degree " + ShDegree
                    + " need " + expected);
            }
        }

        public static void CheckRange(byte[] buffer, int offset, int length)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || length < 0 || offset > buffer.Length - length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(length),
                    "bytes " + offset + ".." + ((long)offset + length) + " are outside a buffer of "
                    + buffer.Length);
            }
        }

        static string Printable(byte[] b, int offset, int count)
        {
            var chars = new char[count];
            for (int i = 0; i < count; i++)
            {
                byte c = b[offset + i];
                chars[i] = c >= 32 && c < 127 ? (char)c : '?';
            }
            return "'" + new string(chars) + "'";
        }
    }
}
