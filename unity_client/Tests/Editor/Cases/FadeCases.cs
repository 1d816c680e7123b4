using System;
using System.Collections.Generic;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>Fade-in of new tiles, over the tile they replace.</summary>
    public static class FadeCases
    {
        public static void A_new_tile_fades_in_from_nothing_along_a_smoothstep()
        {
            var fades = new FadeSchedule<int>(0.4);
            var remove = new List<int>();
            fades.Begin(1, false, 0, 10.0, remove);
            Check.Equal(0f, fades.Alpha(1, 10.0), "at the start");
            Check.Equal(0.5f, fades.Alpha(1, 10.2), "half way");
            Check.Equal(1f, fades.Alpha(1, 10.5), "after");
            Check.Equal(1f, fades.Alpha(99, 10.0), "a tile that is not fading is opaque");
            fades.Advance(10.5, remove);
            Check.Equal(0, remove.Count, "nothing underneath to remove");
            Check.Equal(0, fades.Fading, "finished");
        }

        public static void A_replaced_tile_stays_underneath_until_the_new_one_is_opaque()
        {
            var fades = new FadeSchedule<int>(0.4);
            var remove = new List<int>();
            fades.Begin(2, true, 1, 0.0, remove);
            fades.Advance(0.39, remove);
            Check.Equal(0, remove.Count, "still covering the cell");
            fades.Advance(0.4, remove);
            Check.Equal("1", string.Join(",", remove), "the old tile goes when the new one is opaque");
        }

        public static void A_tile_replaced_again_while_fading_drops_the_oldest_at_once()
        {
            var fades = new FadeSchedule<int>(0.4);
            var remove = new List<int>();
            fades.Begin(2, true, 1, 0.0, remove);
            fades.Begin(3, true, 2, 0.1, remove);
            Check.Equal("1", string.Join(",", remove), "tile 1 is two replacements old");
            remove.Clear();
            Check.Equal(1f, fades.Alpha(2, 0.1), "tile 2 is now the one underneath, drawn opaque");
            fades.Advance(0.5, remove);
            Check.Equal("2", string.Join(",", remove), "tile 2 goes when tile 3 is opaque");
        }

        public static void A_tile_removed_while_fading_takes_the_one_underneath_with_it()
        {
            var fades = new FadeSchedule<int>(0.4);
            var remove = new List<int>();
            fades.Begin(2, true, 1, 0.0, remove);
            fades.Cancel(2, remove);
            Check.Equal("1", string.Join(",", remove), "the cell is emptied");
            Check.Equal(0, fades.Fading, "no fade left");
        }

        public static void A_zero_duration_shows_tiles_at_once_and_negative_is_refused()
        {
            var fades = new FadeSchedule<int>(0);
            var remove = new List<int>();
            fades.Begin(1, true, 0, 3.0, remove);
            Check.Equal(1f, fades.Alpha(1, 3.0), "opaque at once");
            fades.Advance(3.0, remove);
            Check.Equal("0", string.Join(",", remove), "replaced at once");
            Check.Throws<ArgumentOutOfRangeException>(() => new FadeSchedule<int>(-1), "negative duration");
        }
    }
}
