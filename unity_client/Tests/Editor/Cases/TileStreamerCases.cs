using System.Collections.Generic;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>A renderer that records what it holds, for the streamer cases.</summary>
    public sealed class RecordingRenderer : ISplatRenderer
    {
        public readonly Dictionary<int, DecodedTile> Tiles = new Dictionary<int, DecodedTile>();
        public readonly Dictionary<int, float> Alpha = new Dictionary<int, float>();
        public readonly List<string> Log = new List<string>();

        public void AddTile(int id, DecodedTile tile, float alpha)
        {
            Check.True(!Tiles.ContainsKey(id), "id " + id + " added twice");
            Tiles[id] = tile;
            Alpha[id] = alpha;
            Log.Add("add " + id);
        }

        public void SetTileAlpha(int id, float alpha)
        {
            Check.True(Tiles.ContainsKey(id), "alpha of a tile the renderer does not hold: " + id);
            Alpha[id] = alpha;
        }

        public void RemoveTile(int id)
        {
            Check.True(Tiles.Remove(id), "removing a tile the renderer does not hold: " + id);
            Alpha.Remove(id);
            Log.Add("remove " + id);
        }
    }

    /// <summary>Tiles applied to residency and renderer: replace on complete, fade, removal.</summary>
    public static class TileStreamerCases
    {
        static DecodedTile Tile(int splats) => new DecodedTile(0, 2, 0, 0, 0, splats);

        public static void A_refined_cell_is_never_empty_in_the_renderer()
        {
            var renderer = new RecordingRenderer();
            var streamer = new TileStreamer(new TileResidency(100000), renderer, 0.3);
            var cell = new TileKey(4, 0, 4, 2);
            streamer.Apply(cell, 1, Tile(100), 0.0);
            streamer.Update(0.3);
            Check.Equal(1f, renderer.Alpha[1], "the coarse tile is opaque");
            streamer.Apply(new TileKey(4, 0, 4, 0), 1, Tile(1600), 1.0);
            Check.Equal(2, renderer.Tiles.Count, "the coarse tile stays while the fine one fades in");
            Check.Equal(0f, renderer.Alpha[2], "the fine tile starts transparent");
            Check.Equal(1600L, streamer.Residency.ResidentSplats, "the residency already counts the fine level only");
            streamer.Update(1.15);
            Check.True(renderer.Alpha[2] > 0.4f && renderer.Alpha[2] < 0.6f, "half faded: " + renderer.Alpha[2]);
            Check.Equal(2, renderer.Tiles.Count, "both drawn mid-fade");
            streamer.Update(1.3);
            Check.Equal(1, renderer.Tiles.Count, "the coarse tile goes once covered");
            Check.Equal(1f, renderer.Alpha[2], "the fine tile is opaque");
            Check.Equal("add 1,add 2,remove 1", string.Join(",", renderer.Log), "order of operations");
        }

        public static void A_removal_mid_fade_empties_the_cell_at_once()
        {
            var renderer = new RecordingRenderer();
            var streamer = new TileStreamer(new TileResidency(100000), renderer, 0.3);
            streamer.Apply(new TileKey(0, 0, 0, 1), 1, Tile(10), 0.0);
            streamer.Apply(new TileKey(0, 0, 0, 0), 1, Tile(40), 0.1);
            streamer.Apply(new TileKey(9, 0, 0, 0), 1, Tile(5), 0.1);
            var removed = streamer.Remove(new TileKey(0, 0, 0, 0));
            Check.Equal(40L, removed.SplatCount, "the resident level is what was removed");
            Check.Equal(1, renderer.Tiles.Count, "only the other cell's tile remains");
            Check.Equal(5L, streamer.Residency.ResidentSplats, "splats");
            streamer.Update(5.0);
            Check.Equal(1, streamer.RendererTiles, "nothing left over");
        }

        public static void Each_tile_gets_a_new_id_and_clear_empties_the_renderer()
        {
            var renderer = new RecordingRenderer();
            var streamer = new TileStreamer(new TileResidency(100000), renderer, 0);
            for (int i = 0; i < 5; i++) streamer.Apply(new TileKey(0, 0, 0, 0), i, Tile(1), i);
            streamer.Update(10);
            Check.Equal(1, renderer.Tiles.Count, "one tile per cell after the fades");
            Check.True(renderer.Tiles.ContainsKey(5), "the last version is shown");
            streamer.Clear();
            Check.Equal(0, renderer.Tiles.Count, "cleared");
            Check.Equal(0, streamer.Residency.Count, "residency cleared");
        }

        public static void A_header_of_another_world_instance_drops_every_held_tile()
        {
            var renderer = new RecordingRenderer();
            var streamer = new TileStreamer(new TileResidency(100000), renderer, 0.3);
            Check.Equal(0, streamer.BeginWorld("uid-a"), "nothing held yet");
            streamer.Apply(new TileKey(0, 0, 0, 1), 1, Tile(10), 0.0);
            streamer.Apply(new TileKey(0, 0, 0, 0), 1, Tile(40), 0.1);  // fading in over the coarse level
            streamer.Apply(new TileKey(5, 0, 2, 0), 3, Tile(7), 0.1);
            Check.Equal("uid-a", streamer.Residency.Manifest("worlds/a").WorldUid, "the manifest names the instance");

            // A reconnect to the same instance keeps everything (resume).
            Check.Equal(0, streamer.BeginWorld("uid-a"), "the same instance");
            Check.Equal(2, streamer.Residency.Count, "still held");
            Check.Equal(3, renderer.Tiles.Count, "still drawn, the fade included");

            // The world was deleted and made again under its name: none of it is this instance's.
            Check.Equal(2, streamer.BeginWorld("uid-b"), "both held tiles dropped");
            Check.Equal(0, streamer.Residency.Count, "nothing held");
            Check.Equal(0L, streamer.Residency.ResidentSplats, "no splats counted");
            Check.Equal(0, renderer.Tiles.Count, "nothing drawn, the tile under the fade included");
            Check.Equal(0, streamer.RendererTiles, "no live id");
            var manifest = streamer.Residency.Manifest("worlds/a");
            Check.Equal("uid-b", manifest.WorldUid, "the manifest names the new instance");
            Check.Equal(0, manifest.Tiles.Count, "and holds nothing of the old one");
            streamer.Update(10);
            Check.Equal(0, renderer.Tiles.Count, "no fade brings anything back");

            // A removal the server sends for a dropped tile finds nothing.
            Check.True(streamer.Remove(new TileKey(5, 0, 2, 0)) == null, "already gone");
            streamer.Apply(new TileKey(5, 0, 2, 0), 1, Tile(9), 11);
            Check.Equal("uid-b", streamer.Residency.Manifest("worlds/a").WorldUid, "new tiles are the new instance's");
        }

        public static void Tiles_held_without_a_uid_go_when_the_header_names_one()
        {
            var renderer = new RecordingRenderer();
            var streamer = new TileStreamer(new TileResidency(100000), renderer, 0);
            streamer.Apply(new TileKey(1, 0, 0, 0), 1, Tile(10), 0);
            Check.Equal(0, streamer.BeginWorld(""), "a world without a uid: its tiles stay");
            Check.Equal(1, streamer.Residency.Count, "kept");
            Check.Equal(1, streamer.BeginWorld("5f0c"), "of unknown origin once the world has a uid");
            Check.Equal(0, renderer.Tiles.Count, "dropped");
            streamer.Apply(new TileKey(1, 0, 0, 0), 1, Tile(10), 1);
            Check.Equal(1, streamer.BeginWorld(null), "a header without a uid is another instance too");
            Check.Equal("", streamer.Residency.WorldUid, "null reads as empty");
        }

        public static void Colour_and_opacity_follow_the_3dgs_conventions()
        {
            Check.Equal(0.5f, SplatMath.DcToColour(0f), "dc 0 is mid grey");
            Check.Equal(0f, SplatMath.DcToColour(-10f), "clamped at 0");
            Check.Close(0.5 + 0.28209479177387814, SplatMath.DcToColour(1f), 1e-7, 0, "dc 1");
            Check.Equal(0.5f, SplatMath.Sigmoid(0f), "logit 0");
            Check.Close(0.99966465, SplatMath.Sigmoid(8f), 1e-7, 0, "logit 8");
        }
    }
}
