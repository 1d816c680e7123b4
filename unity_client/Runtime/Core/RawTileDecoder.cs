using System;

namespace WorldStream.Core
{
    /// <summary>
    /// Decodes TILE_ENCODING_RAW_F32 ("WSRF" v1, docs/tile-raw-format.md): a 40-byte header and
    /// float32 arrays one after another. The length is checked before the arrays are read.
    /// </summary>
    public static class RawTileDecoder
    {
        public const string Magic = "WSRF";

        /// <summary>40 + N (56 + 12 (K - 1)) bytes.</summary>
        public static long PayloadBytes(long count, int shDegree)
        {
            int k = (shDegree + 1) * (shDegree + 1);
            return PayloadHeader.Bytes + count * (4L * (3 + 4 + 3 + 1 + 3 * k));
        }

        public static DecodedTile Decode(byte[] payload)
        {
            if (payload == null) throw new ArgumentNullException(nameof(payload));
            return Decode(payload, 0, payload.Length);
        }

        public static DecodedTile Decode(byte[] buffer, int offset, int length)
        {
            PayloadHeader.CheckRange(buffer, offset, length);
            var header = PayloadHeader.Read(buffer, offset, length, Magic, "raw tile");
            header.RequireLength(length, PayloadBytes(header.Count, header.ShDegree));
            int n = (int)header.Count;
            var tile = new DecodedTile(
                header.ShDegree, header.EngineFrame, header.OriginX, header.OriginY, header.OriginZ, n);
            int at = offset + PayloadHeader.Bytes;
            at = Copy(buffer, at, tile.Positions);
            at = Copy(buffer, at, tile.Rotations);
            at = Copy(buffer, at, tile.LogScales);
            at = Copy(buffer, at, tile.OpacityLogits);
            Copy(buffer, at, tile.Sh);
            return tile;
        }

        static int Copy(byte[] source, int at, float[] target)
        {
            int bytes = 4 * target.Length;
            if (BitConverter.IsLittleEndian)
            {
                Buffer.BlockCopy(source, at, target, 0, bytes);
            }
            else
            {
                for (int i = 0; i < target.Length; i++) target[i] = LittleEndian.F32(source, at + 4 * i);
            }
            return at + bytes;
        }
    }
}
