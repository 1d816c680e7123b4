using System;
using System.Collections.Generic;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// Truncated, padded and corrupted payloads end in a TilePayloadException naming the problem,
    /// never in an out-of-bounds read or another exception (docs/tile-format.md § Errors).
    /// </summary>
    public static class CorruptPayloadCases
    {
        static GoldenVector Vector(string name)
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                if (v.Name == "tile_v1_" + name) return v;
            }
            Check.Skip("tests/vectors has no tile_v1_" + name);
            return null;
        }

        static byte[] With(byte[] payload, int at, byte[] bytes)
        {
            var copy = (byte[])payload.Clone();
            Buffer.BlockCopy(bytes, 0, copy, at, bytes.Length);
            return copy;
        }

        static byte[] Prefix(byte[] payload, int length)
        {
            var copy = new byte[length];
            Buffer.BlockCopy(payload, 0, copy, 0, length);
            return copy;
        }

        public static void Each_header_problem_is_refused_with_its_own_reason()
        {
            // 257 splats at SH degree 1: a full chunk and a chunk of one.
            var good = Vector("chunk_and_partial_sh1").Payload;
            long chunk = QuantizedTileDecoder.ChunkBytes(256, 1);
            int chunk1 = 40 + (int)chunk;
            var cases = new List<Tuple<string, byte[], PayloadProblem, string>>
            {
                Case("39 bytes", Prefix(good, 39), PayloadProblem.TooShort, "shorter than the 40-byte header"),
                Case("magic WSRF", With(good, 0, new[] { (byte)'W', (byte)'S', (byte)'R', (byte)'F' }),
                    PayloadProblem.BadMagic, "bad magic 'WSRF'"),
                Case("version 2", With(good, 4, new byte[] { 2, 0 }), PayloadProblem.UnsupportedVersion,
                    "unsupported quantized tile version 2"),
                Case("degree 4", With(good, 6, new byte[] { 4 }), PayloadProblem.ShDegreeTooHigh, "SH degree 4 is above 3"),
                Case("frame 0", With(good, 7, new byte[] { 0 }), PayloadProblem.UnknownEngineFrame, "engine frame byte 0"),
                Case("frame 4", With(good, 7, new byte[] { 4 }), PayloadProblem.UnknownEngineFrame, "engine frame byte 4"),
                Case("one byte short", Prefix(good, good.Length - 1), PayloadProblem.LengthMismatch,
                    "257 splats at SH degree 1 need"),
                Case("count 258", With(good, 8, new byte[] { 2, 1, 0, 0 }), PayloadProblem.LengthMismatch,
                    "258 splats at SH degree 1 need"),
                Case("count 2^32 - 1", With(good, 8, new byte[] { 255, 255, 255, 255 }), PayloadProblem.LengthMismatch,
                    "4294967295 splats"),
                Case("reserved 1", With(good, 12, new byte[] { 1 }), PayloadProblem.ReservedWordSet, "reserved header word"),
                Case("origin NaN", With(good, 24, Le(double.NaN)), PayloadProblem.OriginNotFinite, "tile origin"),
                Case("position min NaN", With(good, 40, Le(float.NaN)), PayloadProblem.BadChunkHeader,
                    "chunk 0: position min"),
                Case("negative extent", With(good, chunk1 + 28, Le(-1f)), PayloadProblem.BadChunkHeader,
                    "chunk 1: log-scale extent"),
                Case("infinite band", With(good, chunk1 + 64, Le(float.PositiveInfinity)), PayloadProblem.BadChunkHeader,
                    "chunk 1: SH band magnitudes"),
            };
            foreach (var c in cases)
            {
                var e = Check.Throws<TilePayloadException>(() => QuantizedTileDecoder.Decode(c.Item2), c.Item1);
                Check.Equal(c.Item3, e.Problem, c.Item1 + " problem");
                Check.Contains(c.Item4, e.Message, c.Item1 + " message");
            }
        }

        public static void Every_truncation_of_every_vector_is_refused()
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                for (int cut = 0; cut < v.Payload.Length; cut++)
                {
                    // The same buffer with a shorter length: bytes past it exist but must not be read.
                    int length = cut;
                    Check.Throws<TilePayloadException>(
                        () => QuantizedTileDecoder.Decode(v.Payload, 0, length), v.Name + " cut at " + cut);
                }
            }
        }

        public static void A_byte_too_many_is_refused_before_any_chunk_is_read()
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                var longer = new byte[v.Payload.Length + 1];
                Buffer.BlockCopy(v.Payload, 0, longer, 0, v.Payload.Length);
                var e = Check.Throws<TilePayloadException>(() => QuantizedTileDecoder.Decode(longer), v.Name + " + 1 byte");
                Check.Equal(PayloadProblem.LengthMismatch, e.Problem, v.Name + " problem");
            }
        }

        public static void Random_corruption_decodes_to_finite_values_or_a_payload_error()
        {
            var random = new Random(7);
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                for (int trial = 0; trial < 300; trial++)
                {
                    var bad = (byte[])v.Payload.Clone();
                    int flips = 1 + random.Next(4);
                    for (int f = 0; f < flips; f++) bad[random.Next(bad.Length)] ^= (byte)(1 + random.Next(255));
                    DecodedTile tile = null;
                    try
                    {
                        tile = QuantizedTileDecoder.Decode(bad);
                    }
                    catch (TilePayloadException)
                    {
                        continue;
                    }
                    catch (Exception other)
                    {
                        throw new CheckFailedException(v.Name + " trial " + trial + ": " + other.GetType().Name + ": " + other.Message);
                    }
                    foreach (var array in new[] { tile.Positions, tile.Rotations, tile.LogScales, tile.OpacityLogits, tile.Sh })
                    {
                        foreach (float x in array)
                        {
                            if (float.IsNaN(x) || float.IsInfinity(x))
                            {
                                throw new CheckFailedException(v.Name + " trial " + trial + " decoded a non-finite value");
                            }
                        }
                    }
                }
            }
        }

        public static void Raw_payloads_refuse_short_long_and_foreign_input()
        {
            var tile = QuantizedTileDecoder.Decode(Vector("tiny_sh3").Payload);
            var raw = RawPayloads.Write(tile);
            for (int cut = 0; cut < raw.Length; cut++)
            {
                int length = cut;
                Check.Throws<TilePayloadException>(() => RawTileDecoder.Decode(raw, 0, length), "WSRF cut at " + cut);
            }
            var version = Check.Throws<TilePayloadException>(() => RawTileDecoder.Decode(With(raw, 4, new byte[] { 9 })), "version 9");
            Check.Contains("unsupported raw tile version 9", version.Message, "message");
            var degree = Check.Throws<TilePayloadException>(() => RawTileDecoder.Decode(With(raw, 6, new byte[] { 5 })), "degree 5");
            Check.Equal(PayloadProblem.ShDegreeTooHigh, degree.Problem, "problem");
            var count = Check.Throws<TilePayloadException>(
                () => RawTileDecoder.Decode(With(raw, 8, new byte[] { 255, 255, 255, 255 })), "count 2^32 - 1");
            Check.Equal(PayloadProblem.LengthMismatch, count.Problem, "problem");
        }

        public static void Buffer_ranges_outside_the_array_are_argument_errors()
        {
            var payload = Vector("tiny_sh0").Payload;
            Check.Throws<ArgumentOutOfRangeException>(() => QuantizedTileDecoder.Decode(payload, 1, payload.Length), "past the end");
            Check.Throws<ArgumentOutOfRangeException>(() => QuantizedTileDecoder.Decode(payload, -1, 10), "negative offset");
            Check.Throws<ArgumentNullException>(() => QuantizedTileDecoder.Decode(null), "null");
        }

        static Tuple<string, byte[], PayloadProblem, string> Case(string name, byte[] payload, PayloadProblem problem, string message) =>
            Tuple.Create(name, payload, problem, message);

        static byte[] Le(double v)
        {
            var b = BitConverter.GetBytes(v);
            if (!BitConverter.IsLittleEndian) Array.Reverse(b);
            return b;
        }

        static byte[] Le(float v)
        {
            var b = BitConverter.GetBytes(v);
            if (!BitConverter.IsLittleEndian) Array.Reverse(b);
            return b;
        }
    }
}
