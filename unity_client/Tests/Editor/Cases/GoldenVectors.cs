using System;
using System.Collections.Generic;
using System.IO;

namespace WorldStream.Tests
{
    /// <summary>Where the cases find the repository's data; each runner sets it.</summary>
    public static class TestData
    {
        /// <summary>tests/vectors of the repository (WSQT golden vectors).</summary>
        public static string VectorDirectory = Environment.GetEnvironmentVariable("WORLDSTREAM_VECTORS");

        /// <summary>
        /// WSRF payloads written by the Python server's encoder beside copies of the golden JSON
        /// (tests/test_unity_core.py makes them); absent when not run from pytest.
        /// </summary>
        public static string RawVectorDirectory = Environment.GetEnvironmentVariable("WORLDSTREAM_RAW_VECTORS");

        public static string RequireVectors()
        {
            if (string.IsNullOrEmpty(VectorDirectory) || !Directory.Exists(VectorDirectory))
            {
                Check.Skip("no golden vectors: set WORLDSTREAM_VECTORS to the repository's tests/vectors");
            }
            return VectorDirectory;
        }
    }

    /// <summary>
    /// One golden vector: the payload and what its JSON says a decoder must produce
    /// (scripts/gen_vectors.py writes both). Nested JSON arrays are flattened in row-major order,
    /// which is the order of <see cref="WorldStream.Core.DecodedTile"/>'s arrays.
    /// </summary>
    public sealed class GoldenVector
    {
        public static readonly string[] Fields = { "positions", "quats", "log_scales", "opacity_logits", "sh" };

        public string Name;
        public byte[] Payload;
        public long PayloadBytes;
        public string Magic;
        public int Version;
        public int EngineFrame;
        public int ShDegree;
        public int Count;
        public double[] Origin;
        public double Atol;
        public double Rtol;
        public Dictionary<string, double[]> Decoded = new Dictionary<string, double[]>();

        /// <summary>Every tile_v1_*.json of the directory, sorted by name.</summary>
        public static List<GoldenVector> LoadAll(string directory)
        {
            var names = Directory.GetFiles(directory, "tile_v1_*.json");
            Array.Sort(names, StringComparer.Ordinal);
            var vectors = new List<GoldenVector>();
            foreach (var json in names) vectors.Add(Load(json, directory));
            return vectors;
        }

        /// <summary>A vector's JSON; the payload is read from <paramref name="payloadDirectory"/>.</summary>
        public static GoldenVector Load(string jsonPath, string payloadDirectory)
        {
            var doc = (Dictionary<string, object>)MiniJson.Parse(File.ReadAllText(jsonPath));
            var v = new GoldenVector
            {
                Name = Path.GetFileNameWithoutExtension(jsonPath),
                PayloadBytes = (long)(double)doc["payload_bytes"],
                Magic = (string)doc["magic"],
                Version = (int)(double)doc["version"],
                EngineFrame = (int)(double)doc["engine_frame"],
                ShDegree = (int)(double)doc["sh_degree"],
                Count = (int)(double)doc["count"],
            };
            v.Payload = File.ReadAllBytes(Path.Combine(payloadDirectory, (string)doc["payload"]));
            v.Origin = Flatten(doc["origin"]);
            var tolerance = (Dictionary<string, object>)doc["tolerance"];
            v.Atol = (double)tolerance["atol"];
            v.Rtol = (double)tolerance["rtol"];
            var decoded = (Dictionary<string, object>)doc["decoded"];
            foreach (var field in Fields) v.Decoded[field] = Flatten(decoded[field]);
            return v;
        }

        static double[] Flatten(object node)
        {
            var values = new List<double>();
            Flatten(node, values);
            return values.ToArray();
        }

        static void Flatten(object node, List<double> values)
        {
            var list = node as List<object>;
            if (list == null)
            {
                values.Add((double)node);
                return;
            }
            foreach (var item in list) Flatten(item, values);
        }
    }
}
