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

        /// <summary>
        /// Splats held of the tile (the count of the tile decoded), sent as HeldTile.splat_count:
        /// the server counts a resumed client's holdings against the splat budget with it, and a
        /// tile of an older version may hold another count than the current one. 0: unknown.
        /// </summary>
        public readonly long SplatCount;

        /// <summary>A tile whose splat count is unknown (0): the server assumes the current version's.</summary>
        public HeldTileEntry(TileKey key, long version)
            : this(key, version, 0)
        {
        }

        public HeldTileEntry(TileKey key, long version, long splatCount)
        {
            if (splatCount < 0) throw new ArgumentOutOfRangeException(nameof(splatCount), "a splat count is not negative");
            Key = key;
            Version = version;
            SplatCount = splatCount;
        }

        public bool Equals(HeldTileEntry other) =>
            Key == other.Key && Version == other.Version && SplatCount == other.SplatCount;

        public override bool Equals(object obj) => obj is HeldTileEntry other && Equals(other);

        public override string ToString() => Key + "@" + Version + " (" + SplatCount + " splats)";

        public override int GetHashCode() => (Key.GetHashCode() * 397 ^ Version.GetHashCode()) * 397 ^ SplatCount.GetHashCode();
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
    /// The tiles a client holds in one world instance, for resume: sent as
    /// ExploreStart.held_tiles with ExploreStart.world_uid so that nothing held is sent again, and
    /// nothing held of another instance (a world deleted and made again under its name) is taken
    /// for this one's. It also has a small text form for keeping it beside a tile cache across
    /// runs:
    /// <code>
    /// worldstream-held-tiles 3
    /// world worlds/lobby
    /// uid 5f0c9e2a...        (World.uid; no such line when the world has none)
    /// tile 0 0 -1 2 7 4096   (x y z lod version splats; splats 0 = unknown)
    /// </code>
    /// Versions 1 and 2 (tiles without splat counts) still read, with every count 0: the server
    /// then assumes the current version's count of each tile. Version 1 (no uid line) reads with
    /// an empty uid: the server then resumes none of its tiles of a world that has a uid, and
    /// removes them. At most one entry per cell, as the stream's rule allows.
    /// </summary>
    public sealed class HeldTileManifest
    {
        public const string FirstLine = "worldstream-held-tiles 3";

        /// <summary>The first line of manifests written before held tiles had splat counts.</summary>
        public const string FirstLineVersion2 = "worldstream-held-tiles 2";

        /// <summary>The first line of manifests written before worlds had uids.</summary>
        public const string FirstLineVersion1 = "worldstream-held-tiles 1";

        static readonly char[] Blanks = { ' ', '\n', '\r', '\t' };

        readonly List<HeldTileEntry> entries;

        /// <summary>A manifest of a world without a uid (see the other constructor).</summary>
        public HeldTileManifest(string world, IEnumerable<HeldTileEntry> tiles)
            : this(world, "", tiles)
        {
        }

        /// <param name="worldUid">
        /// World.uid of the instance the tiles came from (header.world.uid of their stream); empty
        /// when unknown or when the world has none.
        /// </param>
        public HeldTileManifest(string world, string worldUid, IEnumerable<HeldTileEntry> tiles)
        {
            if (string.IsNullOrEmpty(world) || world.IndexOfAny(Blanks) >= 0)
            {
                throw new ArgumentException("world must be a resource name such as worlds/lobby", nameof(world));
            }
            worldUid = worldUid ?? "";
            if (worldUid.IndexOfAny(Blanks) >= 0)
            {
                throw new ArgumentException("a world uid has no blanks", nameof(worldUid));
            }
            World = world;
            WorldUid = worldUid;
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

        /// <summary>World.uid of the instance the tiles came from; empty when unknown.</summary>
        public string WorldUid { get; }

        /// <summary>Sorted by key.</summary>
        public IReadOnlyList<HeldTileEntry> Tiles => entries;

        public string ToText()
        {
            var text = new StringBuilder();
            text.Append(FirstLine).Append('\n');
            text.Append("world ").Append(World).Append('\n');
            if (WorldUid.Length > 0) text.Append("uid ").Append(WorldUid).Append('\n');
            foreach (var e in entries)
            {
                text.Append("tile ")
                    .Append(e.Key.X.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.Key.Y.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.Key.Z.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.Key.Lod.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.Version.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(e.SplatCount.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            return text.ToString();
        }

        public static HeldTileManifest Parse(string text)
        {
            if (text == null) throw new ArgumentNullException(nameof(text));
            var lines = text.Replace("\r\n", "\n").Split('\n');
            bool counted = lines[0] == FirstLine;
            if (!counted && lines[0] != FirstLineVersion2 && lines[0] != FirstLineVersion1)
            {
                throw new ManifestFormatException(1, "expected '" + FirstLine + "'");
            }
            if (lines.Length < 2 || !lines[1].StartsWith("world ", StringComparison.Ordinal))
            {
                throw new ManifestFormatException(2, "expected 'world <name>'");
            }
            string world = lines[1].Substring(6);
            string uid = "";
            int first = 2;
            // Versions 2 and 3 name the instance on the line after the world, when the world has a uid.
            if (lines[0] != FirstLineVersion1 && lines.Length > 2 && lines[2].StartsWith("uid", StringComparison.Ordinal))
            {
                uid = lines[2].Length > 4 && lines[2][3] == ' ' ? lines[2].Substring(4) : "";
                if (uid.Length == 0 || uid.IndexOfAny(Blanks) >= 0)
                {
                    throw new ManifestFormatException(3, "expected 'uid <World.uid>', got '" + lines[2] + "'");
                }
                first = 3;
            }
            var tiles = new List<HeldTileEntry>();
            var cells = new HashSet<CellKey>();
            for (int i = first; i < lines.Length; i++)
            {
                if (lines[i].Length == 0) continue;
                var entry = ParseTile(lines[i], i + 1, counted);
                if (!cells.Add(entry.Key.Cell))
                {
                    throw new ManifestFormatException(i + 1, "a second level of cell " + entry.Key.Cell);
                }
                tiles.Add(entry);
            }
            try
            {
                return new HeldTileManifest(world, uid, tiles);
            }
            catch (ArgumentException e)
            {
                throw new ManifestFormatException(2, e.Message);
            }
        }

        /// <param name="counted">Version 3: the line ends with the tile's splat count.</param>
        static HeldTileEntry ParseTile(string line, int number, bool counted)
        {
            var parts = line.Split(' ');
            int fields = counted ? 6 : 5;
            if (parts.Length != fields + 1 || parts[0] != "tile")
            {
                string form = counted ? "tile x y z lod version splats" : "tile x y z lod version";
                throw new ManifestFormatException(number, "expected '" + form + "', got '" + line + "'");
            }
            var values = new long[6];
            for (int j = 0; j < fields; j++)
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
            if (values[5] < 0) throw new ManifestFormatException(number, "negative splat count " + values[5]);
            var key = new TileKey((int)values[0], (int)values[1], (int)values[2], (int)values[3]);
            return new HeldTileEntry(key, values[4], values[5]);
        }
    }
}
