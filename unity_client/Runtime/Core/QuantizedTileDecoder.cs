using System;
using System.Globalization;

namespace WorldStream.Core
{
    /// <summary>
    /// Decodes TILE_ENCODING_QUANTIZED_V1 ("WSQT" v1, docs/tile-format.md) into flat float arrays.
    /// Every value is computed in double and rounded once to float, as the spec prescribes, so
    /// the result equals the golden vectors bit for bit. The whole length is checked against the
    /// header before any chunk is read, so a truncated or padded payload never reads out of
    /// bounds: it throws <see cref="TilePayloadException"/>.
    /// </summary>
    public static class QuantizedTileDecoder
    {
        public const string Magic = "WSQT";
        public const int ChunkSplats = 256;
        public const int RecordBytes = 13;
        const int ChunkHeaderFloats = 16;

        // Record fields (§ Record): positions 11/10/11 bits at 0, 11, 21 of lo; rotation index 2 bits
        // at 32 and three 8-bit codes at 34, 42, 50; log scales 6 bits at 58 of lo, 0 and 6 of
        // hi; opacity 7 bits at 12; colour 7 bits at 19, 26, 33 of hi.
        static readonly int[] ShBandBits = { 6, 5, 5 };
        const double Sqrt1_2 = 0.7071067811865476;
        const double RotationHalf = 127.0;

        // Chunk header fields, for error messages: (name, first float, count, must be >= 0).
        static readonly string[] FieldNames =
        {
            "position min", "position extent", "log-scale min", "log-scale extent", "opacity min",
            "opacity extent", "colour min", "colour extent",
        };
        static readonly int[] FieldSizes = { 3, 3, 1, 1, 1, 1, 3, 3 };

        /// <summary>Bits of one splat's higher SH bands: 0, 54, 129, 234 for degree 0..3.</summary>
        public static int ShBitsPerSplat(int shDegree)
        {
            int bits = 0;
            for (int band = 1; band <= shDegree; band++) bits += 3 * (2 * band + 1) * ShBandBits[band - 1];
            return bits;
        }

        /// <summary>Bytes of one chunk holding <paramref name="splats"/> splats (1..256).</summary>
        public static long ChunkBytes(int splats, int shDegree) =>
            4L * (ChunkHeaderFloats + shDegree) + (long)RecordBytes * splats
            + ((long)splats * ShBitsPerSplat(shDegree) + 7) / 8;

        /// <summary>The exact payload length for a count and degree.</summary>
        public static long PayloadBytes(long count, int shDegree)
        {
            long full = count / ChunkSplats;
            int rest = (int)(count % ChunkSplats);
            long size = PayloadHeader.Bytes + full * ChunkBytes(ChunkSplats, shDegree);
            return rest > 0 ? size + ChunkBytes(rest, shDegree) : size;
        }

        public static DecodedTile Decode(byte[] payload)
        {
            if (payload == null) throw new ArgumentNullException(nameof(payload));
            return Decode(payload, 0, payload.Length);
        }

        /// <summary>Decodes buffer[offset .. offset + length).</summary>
        public static DecodedTile Decode(byte[] buffer, int offset, int length)
        {
            PayloadHeader.CheckRange(buffer, offset, length);
            var header = PayloadHeader.Read(buffer, offset, length, Magic, "quantized tile");
            if (header.EngineFrame < 1 || header.EngineFrame > 3)
            {
                throw new TilePayloadException(
                    PayloadProblem.UnknownEngineFrame,
                    "engine frame byte " + header.EngineFrame + " is not one of (1, 2, 3)");
            }
            if (header.Reserved != 0)
            {
                throw new TilePayloadException(
                    PayloadProblem.ReservedWordSet,
                    "reserved header word is " + header.Reserved + ", must be 0 in version 1");
            }
            if (!LittleEndian.IsFinite(header.OriginX) || !LittleEndian.IsFinite(header.OriginY)
                || !LittleEndian.IsFinite(header.OriginZ))
            {
                throw new TilePayloadException(
                    PayloadProblem.OriginNotFinite,
                    "tile origin [" + header.OriginX + ", " + header.OriginY + ", " + header.OriginZ
                    + "] is not finite");
            }
            header.RequireLength(length, PayloadBytes(header.Count, header.ShDegree));

            // The length check bounds the count: it fits an int now.
            int count = (int)header.Count;
            var tile = new DecodedTile(
                header.ShDegree, header.EngineFrame, header.OriginX, header.OriginY, header.OriginZ, count);
            long fullChunk = ChunkBytes(ChunkSplats, header.ShDegree);
            for (int c = 0, start = 0; start < count; c++, start += ChunkSplats)
            {
                int at = offset + PayloadHeader.Bytes + (int)(c * fullChunk);
                int splats = Math.Min(ChunkSplats, count - start);
                DecodeChunk(buffer, at, c, start, splats, tile);
            }
            return tile;
        }

        static void DecodeChunk(byte[] b, int at, int chunk, int first, int splats, DecodedTile tile)
        {
            int degree = tile.ShDegree;
            var h = new double[ChunkHeaderFloats + degree];
            for (int i = 0; i < h.Length; i++) h[i] = LittleEndian.F32(b, at + 4 * i);
            CheckChunkHeader(h, chunk);

            int records = at + 4 * h.Length;
            // Locals: the arrays and ranges are read once per chunk, not once per splat.
            float[] positions = tile.Positions, rotations = tile.Rotations, scales = tile.LogScales;
            float[] opacity = tile.OpacityLogits, sh = tile.Sh;
            int shStride = 3 * tile.ShCoefficients;
            for (int s = 0; s < splats; s++)
            {
                int r = records + RecordBytes * s;
                ulong lo = LittleEndian.U64(b, r);
                ulong hi = LittleEndian.U40(b, r + 8);
                int i = first + s;

                positions[3 * i] = Unsigned(Field(lo, 0, 11), h[0], h[3], 11);
                positions[3 * i + 1] = Unsigned(Field(lo, 11, 10), h[1], h[4], 10);
                positions[3 * i + 2] = Unsigned(Field(lo, 21, 11), h[2], h[5], 11);
                DecodeRotation(lo, rotations, 4 * i);
                scales[3 * i] = Unsigned(Field(lo, 58, 6), h[6], h[7], 6);
                scales[3 * i + 1] = Unsigned(Field(hi, 0, 6), h[6], h[7], 6);
                scales[3 * i + 2] = Unsigned(Field(hi, 6, 6), h[6], h[7], 6);
                opacity[i] = Unsigned(Field(hi, 12, 7), h[8], h[9], 7);
                int dc = shStride * i;
                sh[dc] = Unsigned(Field(hi, 19, 7), h[10], h[13], 7);
                sh[dc + 1] = Unsigned(Field(hi, 26, 7), h[11], h[14], 7);
                sh[dc + 2] = Unsigned(Field(hi, 33, 7), h[12], h[15], 7);
            }
            if (degree > 0)
            {
                DecodeShBands(b, records + RecordBytes * splats, first, splats, h, tile);
            }
        }

        static void CheckChunkHeader(double[] h, int chunk)
        {
            int start = 0;
            for (int f = 0; f <= FieldNames.Length; f++)
            {
                bool bands = f == FieldNames.Length;
                string name = bands ? "SH band magnitudes" : FieldNames[f];
                int size = bands ? h.Length - ChunkHeaderFloats : FieldSizes[f];
                bool nonNegative = bands || name.EndsWith("extent", StringComparison.Ordinal);
                for (int j = start; j < start + size; j++)
                {
                    if (!LittleEndian.IsFinite(h[j]))
                    {
                        throw BadChunk(chunk, name, h, start, size, "is not finite");
                    }
                    if (nonNegative && h[j] < 0)
                    {
                        throw BadChunk(chunk, name, h, start, size, "is negative");
                    }
                }
                start += size;
            }
        }

        static TilePayloadException BadChunk(
            int chunk, string name, double[] h, int start, int size, string what)
        {
            var values = new string[size];
            for (int j = 0; j < size; j++)
            {
                values[j] = h[start + j].ToString("R", CultureInfo.InvariantCulture);
            }
            return new TilePayloadException(
                PayloadProblem.BadChunkHeader,
                "chunk " + chunk + ": " + name + " [" + string.Join(", ", values) + "] " + what);
        }

        static int Field(ulong word, int shift, int bits) => (int)((word >> shift) & ((1UL << bits) - 1));

        /// <summary>min + extent * code / (2^bits - 1), in double, rounded once to float.</summary>
        static float Unsigned(int code, double min, double extent, int bits) =>
            (float)(min + extent * code / ((1 << bits) - 1));

        /// <summary>Smallest three: the omitted largest component is rebuilt from the other three.</summary>
        static void DecodeRotation(ulong lo, float[] rotations, int at)
        {
            int omitted = Field(lo, 32, 2);
            double a = (Field(lo, 34, 8) - RotationHalf) * (Sqrt1_2 / RotationHalf);
            double b = (Field(lo, 42, 8) - RotationHalf) * (Sqrt1_2 / RotationHalf);
            double c = (Field(lo, 50, 8) - RotationHalf) * (Sqrt1_2 / RotationHalf);
            float largest = (float)Math.Sqrt(Math.Max(0.0, 1.0 - (a * a + b * b + c * c)));
            // The kept components fill the other three slots of (w, x, y, z) in increasing order.
            float fa = (float)a, fb = (float)b, fc = (float)c;
            switch (omitted)
            {
                case 0: Set(rotations, at, largest, fa, fb, fc); break;
                case 1: Set(rotations, at, fa, largest, fb, fc); break;
                case 2: Set(rotations, at, fa, fb, largest, fc); break;
                default: Set(rotations, at, fa, fb, fc, largest); break;
            }
        }

        static void Set(float[] q, int at, float w, float x, float y, float z)
        {
            q[at] = w;
            q[at + 1] = x;
            q[at + 2] = y;
            q[at + 3] = z;
        }

        /// <summary>The chunk's LSB-first bit stream of band 1..degree codes (§ SH bit stream).</summary>
        static void DecodeShBands(byte[] b, int stream, int first, int splats, double[] h, DecodedTile tile)
        {
            int k = tile.ShCoefficients;
            float[] sh = tile.Sh;
            // Each band has at most 64 codes: dequantize each once per chunk (the same double
            // formula, so the same floats) and look them up per value.
            var table = new float[3][];
            for (int band = 1; band <= tile.ShDegree; band++)
            {
                int bits = ShBandBits[band - 1];
                int half = (1 << (bits - 1)) - 1;
                double magnitude = h[ChunkHeaderFloats + band - 1];
                table[band - 1] = new float[1 << bits];
                for (int code = 0; code < 1 << bits; code++)
                {
                    table[band - 1][code] = (float)((code - (double)half) * magnitude / half);
                }
            }
            int streamEnd = stream + (int)(((long)splats * ShBitsPerSplat(tile.ShDegree) + 7) / 8);
            int next = stream;
            ulong window = 0;
            int held = 0;
            for (int s = 0; s < splats; s++)
            {
                int baseIndex = 3 * k * (first + s);
                for (int coefficient = 1; coefficient < k; coefficient++)
                {
                    int band = coefficient < 4 ? 0 : coefficient < 9 ? 1 : 2;
                    int bits = ShBandBits[band];
                    float[] values = table[band];
                    for (int channel = 0; channel < 3; channel++)
                    {
                        // Refill byte by byte, never past the stream's own bytes.
                        while (held < bits && next < streamEnd)
                        {
                            window |= (ulong)b[next++] << held;
                            held += 8;
                        }
                        sh[baseIndex + 3 * coefficient + channel] = values[(int)(window & ((1UL << bits) - 1))];
                        window >>= bits;
                        held -= bits;
                    }
                }
            }
        }
    }
}
