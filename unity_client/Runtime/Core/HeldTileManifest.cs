using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace WorldStream.Core
{
    /// <summary>One held tile: what ExploreStart.held_tiles carries.</summary>
    public struct HeldTileEntry : IEquatable<HeldTileEntry>
    {
        public readonly TileKey Key;
        public readonly long Version;

        public HeldTileEntry(TileKey key, long version)
        {
            Key = key;
            Version = version;
        }

        public bool Equals(HeldTileEntry other) => Key == other.Key && Version == other.Version;

        public override bool Equals(object obj) => obj is HeldTileEntry other && Equals(other);

        public override int GetHashCode() => Key.GetHashCode() * 397 ^ Version.GetHashCode();
    }

    /// <summary>A manifest text that cannot be read; <see cref="Line"/> is 1-based.</summary>
    public sealed class ManifestFormatException : Exception
    {
        public ManifestFormatException(int line, string message)
            : base("held-tile manifest line " + line + ": " + message)
        {
            Line = line;
        }

        public int Line { get; }
    }

    /// <summary>
    /// The tiles a client holds in one world, for resume: sent as ExploreStart.held_tiles so that
    /// nothing held is sent again. It also has a small text form for keeping it beside a tile
    /// cache across runs:
    /// <code>
    /// worldstream-held-tiles 1
    /// world worlds/lobby
    /// tile 0 0 -1 2 7        (x y z lod version)
    /// </code>
    /// At most one entry per cell, as the stream's rule allows.
    /// </summary>
    public sealed class HeldTileManifest
    {
        public const string FirstLine = "worldstream-held-tiles 1";

        readonly List<HeldTileEntry> entries;

        public HeldTileManifest(string world, IEnumerable<HeldTileEntry> tiles)
        {
            if (string.IsNullOrEmpty(world) || world.IndexOfAny(new[] { ' ', '\n', '\r', '\t' }) >= 0)
            {
                throw new ArgumentException("world must be a resource name such as worlds/lobby", nameof(world));
            }
            World = world;
            entries = new List<HeldTileEntry>(tiles);
            entries.Sort((a, b) => a.Key.CompareTo(b.Key));
            for (int i = 1; i < entries.Count; i++)
            {
                if (entries[i].Key.Cell.Equals(entries[i - 1].Key.Cell))
                {
                    throw new ArgumentException(
                        "two levels of cell " + entries[i].Key.Cell + ": a client holds one level per cell",
                        nameof(tiles));
                }
            }
        }

        public string World { get; }

        /// <summary>Sorted by key.</summary>
        public IReadOnlyList<HeldTileEntry> Tiles => entries;

        public string ToText()
        {
            var text = new StringBuilder();
            text.Append(FirstLine).Append('\n');
            text.Append("world ").Append(World).Append('\n');
            foreach (var e in entries)
            {
                text.Append("tile ")
                    .Append(e.Key.X.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.Key.Y.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.Key.Z.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.Key.Lod.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.Version.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            return text.ToString();
        }

        public static HeldTileManifest Parse(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            var lines = text.Replace("\r\n", "\n").Split('\n');
            if (lines[0] != FirstLine)
            {
                throw new ManifestFormatException(1, "expected '" + FirstLine + "'");
            }
            if (lines.Length < 2 || !lines[1].StartsWith("world ", StringComparison.Ordinal))
            {
                throw new ManifestFormatException(2, "expected 'world <name>'");
            }
            string world = lines[1].Substring(6);
            var tiles = new List<HeldTileEntry>();
            var cells = new HashSet<CellKey>();
            for (int i = 2; i < lines.Length; i++)
            {
                if (lines[i].Length == 0) continue;
                var entry = ParseTile(lines[i], i + 1);
                if (!cells.Add(entry.Key.Cell))
                {
                    throw new ManifestFormatException(i + 1, "a second level of cell " + entry.Key.Cell);
                }
                tiles.Add(entry);
            }
            try
            {
                return new HeldTileManifest(world, tiles);
            }
            catch (ArgumentException e)
            {
                throw new ManifestFormatException(2, e.Message);
            }
        }

        static HeldTileEntry ParseTile(string line, int number)
        {
            var parts = line.Split(' ');
            if (parts.Length != 6 || parts[0] != "tile")
            {
                throw new ManifestFormatException(number, "expected 'tile x y z lod version', got '" + line + "'");
            }
            var values = new long[5];
            for (int j = 0; j < 5; j++)
            {
                if (!long.TryParse(parts[j + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                        out values[j]))
                {
                    throw new ManifestFormatException(number, "'" + parts[j + 1] + "' is not an integer");
                }
                if (j < 4 && (values[j] < int.MinValue || values[j] > int.MaxValue))
                {
                    throw new ManifestFormatException(number, parts[j + 1] + " does not fit a 32-bit key");
                }
            }
            if (values[3] < 0) throw new ManifestFormatException(number, "negative level " + values[3]);
            var key = new TileKey((int)values[0], (int)values[1], (int)values[2], (int)values[3]);
            return new HeldTileEntry(key, values[4]);
        }
    }
}
