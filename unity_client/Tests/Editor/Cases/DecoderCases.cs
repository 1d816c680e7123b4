using System;
using System.Collections.Generic;
using System.IO;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>The WSQT and WSRF decoders against the golden vectors and the server's encoder.</summary>
    public static class DecoderCases
    {
        static readonly string[] DocumentedCases =
        {
            "empty", "tiny_sh0", "tiny_sh3", "chunk_and_partial_sh0", "chunk_and_partial_sh1",
            "chunk_and_partial_sh3", "degenerate_sh1", "extremes_sh1",
        };

        public static void The_vector_directory_holds_every_documented_case()
        {
            var names = new HashSet<string>();
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors())) names.Add(v.Name);
            foreach (var name in DocumentedCases)
            {
                Check.True(names.Contains("tile_v1_" + name), "tests/vectors lacks tile_v1_" + name);
            }
        }

        public static void Every_golden_vector_decodes_to_the_values_in_its_json()
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                Check.Equal(v.PayloadBytes, (long)v.Payload.Length, v.Name + " payload length");
                Check.Equal("WSQT", v.Magic, v.Name + " magic");
                var tile = QuantizedTileDecoder.Decode(v.Payload);
                CheckHeader(v, tile);
                int exact, total;
                CompareValues(v, tile, false, out exact, out total);
            }
        }

        public static void The_decoder_reproduces_the_vectors_bit_for_bit()
        {
            // The spec's float64 formulas rounded once give the vectors exactly; the tolerance is
            // for decoders that compute in float32. This one computes in double.
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                int exact, total;
                CompareValues(v, QuantizedTileDecoder.Decode(v.Payload), true, out exact, out total);
                Check.Equal(total, exact, v.Name + " values equal to the last bit");
            }
        }

        public static void The_payload_length_formula_matches_every_vector()
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                Check.Equal(v.PayloadBytes, QuantizedTileDecoder.PayloadBytes(v.Count, v.ShDegree), v.Name);
            }
            // docs/tile-format.md: a full chunk at degree 0 is 3392 bytes; 4096 splats take 54,312.
            Check.Equal(3392L, QuantizedTileDecoder.ChunkBytes(256, 0), "full chunk at degree 0");
            Check.Equal(54312L, QuantizedTileDecoder.PayloadBytes(4096, 0), "4096 splats at degree 0");
        }

        public static void A_payload_inside_a_larger_buffer_decodes_the_same_as_alone()
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                var padded = new byte[v.Payload.Length + 29];
                for (int i = 0; i < padded.Length; i++) padded[i] = 0xA5;
                Buffer.BlockCopy(v.Payload, 0, padded, 17, v.Payload.Length);
                var alone = QuantizedTileDecoder.Decode(v.Payload);
                var inside = QuantizedTileDecoder.Decode(padded, 17, v.Payload.Length);
                CheckSameArrays(alone, inside, v.Name);
            }
        }

        public static void Decoded_quaternions_are_unit_with_the_largest_component_positive()
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                var q = QuantizedTileDecoder.Decode(v.Payload).Rotations;
                for (int i = 0; i < q.Length; i += 4)
                {
                    double norm = Math.Sqrt(q[i] * q[i] + q[i + 1] * q[i + 1] + q[i + 2] * q[i + 2] + q[i + 3] * q[i + 3]);
                    Check.Close(1.0, norm, 2e-6, 0, v.Name + " quaternion " + i / 4 + " norm");
                }
            }
        }

        public static void Raw_payloads_from_the_server_encoder_decode_to_the_same_values()
        {
            string dir = TestData.RawVectorDirectory;
            if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir))
            {
                Check.Skip("no WSRF payloads: tests/test_unity_core.py writes them (WORLDSTREAM_RAW_VECTORS)");
            }
            var files = Directory.GetFiles(dir, "*.json");
            Check.True(files.Length > 0, "the raw vector directory is empty");
            foreach (var json in files)
            {
                var v = GoldenVector.Load(json, dir);
                Check.Equal("WSRF", v.Magic, v.Name + " magic");
                var tile = RawTileDecoder.Decode(v.Payload);
                CheckHeader(v, tile);
                int exact, total;
                CompareValues(v, tile, true, out exact, out total);
            }
        }

        public static void The_encoding_dispatch_reads_both_formats_and_refuses_others()
        {
            var wsqt = GoldenVector.LoadAll(TestData.RequireVectors())[0];
            var tile = TileDecoder.Decode(PayloadEncoding.QuantizedV1, wsqt.Payload);
            Check.Equal(wsqt.Count, tile.SplatCount, "WSQT through the dispatch");
            var raw = RawPayloads.Write(tile);
            Check.Equal(wsqt.Count, TileDecoder.Decode(PayloadEncoding.RawF32, raw).SplatCount, "WSRF through the dispatch");
            var e = Check.Throws<TilePayloadException>(
                () => TileDecoder.Decode(PayloadEncoding.Unspecified, wsqt.Payload), "encoding 0");
            Check.Equal(PayloadProblem.UnknownEncoding, e.Problem, "problem");
            // A WSQT payload declared as RAW_F32 is refused by its magic, not misread.
            var wrong = Check.Throws<TilePayloadException>(
                () => TileDecoder.Decode(PayloadEncoding.RawF32, wsqt.Payload), "WSQT as RAW_F32");
            Check.Equal(PayloadProblem.BadMagic, wrong.Problem, "problem");
        }

        public static void The_client_offers_quantized_first_then_raw()
        {
            Check.Equal(2, TileDecoder.Supported.Length, "encodings offered");
            Check.Equal(PayloadEncoding.QuantizedV1, TileDecoder.Supported[0], "preferred encoding");
            Check.Equal(PayloadEncoding.RawF32, TileDecoder.Supported[1], "fallback encoding");
            Check.Equal(2, (int)PayloadEncoding.QuantizedV1, "TILE_ENCODING_QUANTIZED_V1 number");
            Check.Equal(1, (int)PayloadEncoding.RawF32, "TILE_ENCODING_RAW_F32 number");
        }

        public static void A_raw_payload_round_trips_through_the_spec_layout()
        {
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                var tile = QuantizedTileDecoder.Decode(v.Payload);
                var raw = RawPayloads.Write(tile);
                Check.Equal(RawTileDecoder.PayloadBytes(tile.SplatCount, tile.ShDegree), (long)raw.Length, v.Name + " WSRF size");
                CheckSameArrays(tile, RawTileDecoder.Decode(raw), v.Name);
            }
        }

        internal static void CheckHeader(GoldenVector v, DecodedTile tile)
        {
            Check.Equal(v.Count, tile.SplatCount, v.Name + " count");
            Check.Equal(v.ShDegree, tile.ShDegree, v.Name + " SH degree");
            Check.Equal(v.EngineFrame, tile.EngineFrame, v.Name + " engine frame");
            Check.Equal(v.Origin[0], tile.OriginX, v.Name + " origin x");
            Check.Equal(v.Origin[1], tile.OriginY, v.Name + " origin y");
            Check.Equal(v.Origin[2], tile.OriginZ, v.Name + " origin z");
        }

        internal static void CompareValues(GoldenVector v, DecodedTile tile, bool bitExact, out int exact, out int total)
        {
            exact = 0;
            total = 0;
            var arrays = new Dictionary<string, float[]>
            {
                { "positions", tile.Positions },
                { "quats", tile.Rotations },
                { "log_scales", tile.LogScales },
                { "opacity_logits", tile.OpacityLogits },
                { "sh", tile.Sh },
            };
            foreach (var field in GoldenVector.Fields)
            {
                var want = v.Decoded[field];
                var got = arrays[field];
                Check.Equal(want.Length, got.Length, v.Name + " " + field + " length");
                for (int i = 0; i < want.Length; i++)
                {
                    float expected = (float)want[i];
                    string what = v.Name + " " + field + "[" + i + "]";
                    if (bitExact) Check.Equal(expected, got[i], what);
                    else Check.Close(expected, got[i], v.Atol, v.Rtol, what);
                    if (expected.Equals(got[i])) exact++;
                    total++;
                }
            }
        }

        internal static void CheckSameArrays(DecodedTile a, DecodedTile b, string what)
        {
            Check.Equal(a.SplatCount, b.SplatCount, what + " count");
            Check.Equal(a.ShDegree, b.ShDegree, what + " degree");
            Check.Equal(a.EngineFrame, b.EngineFrame, what + " frame");
            Check.Equal(a.OriginX, b.OriginX, what + " origin x");
            SameFloats(a.Positions, b.Positions, what + " positions");
            SameFloats(a.Rotations, b.Rotations, what + " rotations");
            SameFloats(a.LogScales, b.LogScales, what + " log scales");
            SameFloats(a.OpacityLogits, b.OpacityLogits, what + " opacity");
            SameFloats(a.Sh, b.Sh, what + " sh");
        }

        static void SameFloats(float[] a, float[] b, string what)
        {
            Check.Equal(a.Length, b.Length, what + " length");
            for (int i = 0; i < a.Length; i++) Check.Equal(a[i], b[i], what + "[" + i + "]");
        }
    }

    /// <summary>Writes WSRF payloads by docs/tile-raw-format.md, for tests.</summary>
    public static class RawPayloads
    {
        public static byte[] Write(DecodedTile tile)
        {
            int n = tile.SplatCount;
            var bytes = new byte[RawTileDecoder.PayloadBytes(n, tile.ShDegree)];
            bytes[0] = (byte)'W';
            bytes[1] = (byte)'S';
            bytes[2] = (byte)'R';
            bytes[3] = (byte)'F';
            bytes[4] = 1;
            bytes[6] = (byte)tile.ShDegree;
            bytes[7] = (byte)tile.EngineFrame;
            PutU32(bytes, 8, (uint)n);
            PutF64(bytes, 16, tile.OriginX);
            PutF64(bytes, 24, tile.OriginY);
            PutF64(bytes, 32, tile.OriginZ);
            int at = 40;
            foreach (var array in new[] { tile.Positions, tile.Rotations, tile.LogScales, tile.OpacityLogits, tile.Sh })
            {
                foreach (float f in array)
                {
                    PutU32(bytes, at, BitConverter.ToUInt32(BitConverter.GetBytes(f), 0));
                    at += 4;
                }
            }
            return bytes;
        }

        static void PutU32(byte[] b, int at, uint v)
        {
            for (int i = 0; i < 4; i++) b[at + i] = (byte)(v >> (8 * i));
        }

        static void PutF64(byte[] b, int at, double v)
        {
            ulong bits = (ulong)BitConverter.DoubleToInt64Bits(v);
            for (int i = 0; i < 8; i++) b[at + i] = (byte)(bits >> (8 * i));
        }
    }
}
