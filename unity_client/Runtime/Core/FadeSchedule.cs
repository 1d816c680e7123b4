using System;
using System.Collections.Generic;

namespace WorldStream.Core
{
    /// <summary>
    /// Fade-in of new tiles. A tile that fills an empty cell fades in from nothing; a tile that
    /// replaces another (a finer level, a newer version) fades in over the old one, which stays
    /// drawn underneath until the fade ends, so a refinement never flashes a hole. Handles are
    /// the renderer's tile ids. Main thread only.
    /// </summary>
    public sealed class FadeSchedule<THandle>
    {
        sealed class Fade
        {
            public double Start;
            public bool HasOutgoing;
            public THandle Outgoing;
        }

        readonly double duration;
        readonly Dictionary<THandle, Fade> fading = new Dictionary<THandle, Fade>();
        readonly List<THandle> finished = new List<THandle>();

        public FadeSchedule(double durationSeconds)
        {
            if (durationSeconds < 0 || double.IsNaN(durationSeconds))
            {
                throw new ArgumentOutOfRangeException(nameof(durationSeconds));
            }
            duration = durationSeconds;
        }

        public int Fading => fading.Count;

        /// <summary>Adds the tiles now fading in to <paramref name="into"/>.</summary>
        public void CopyFading(List<THandle> into)
        {
            foreach (var tile in fading.Keys) into.Add(tile);
        }

        /// <summary>
        /// Starts <paramref name="incoming"/>'s fade. When it replaces <paramref name="outgoing"/>
        /// that is itself still fading in, the older tile underneath that one is returned in
        /// <paramref name="removeNow"/> (it is replaced twice over): remove it at once.
        /// </summary>
        public void Begin(THandle incoming, bool hasOutgoing, THandle outgoing, double now, List<THandle> removeNow)
        {
            var fade = new Fade { Start = now, HasOutgoing = hasOutgoing, Outgoing = outgoing };
            Fade previous;
            if (hasOutgoing && fading.TryGetValue(outgoing, out previous))
            {
                fading.Remove(outgoing);
                if (previous.HasOutgoing) removeNow.Add(previous.Outgoing);
            }
            fading[incoming] = fade;
        }

        /// <summary>
        /// The tile was removed (TileRemoval) while fading: anything it was fading in over goes
        /// with it, into <paramref name="removeNow"/>.
        /// </summary>
        public void Cancel(THandle tile, List<THandle> removeNow)
        {
            Fade fade;
            if (!fading.TryGetValue(tile, out fade)) return;
            fading.Remove(tile);
            if (fade.HasOutgoing) removeNow.Add(fade.Outgoing);
        }

        /// <summary>Opacity multiplier in [0, 1]: smoothstep over the duration; 1 when not fading.</summary>
        public float Alpha(THandle tile, double now)
        {
            Fade fade;
            if (!fading.TryGetValue(tile, out fade)) return 1f;
            return Ease(fade.Start, now);
        }

        /// <summary>
        /// Ends the fades that are complete; the tiles they covered go into
        /// <paramref name="removeNow"/>.
        /// </summary>
        public void Advance(double now, List<THandle> removeNow)
        {
            finished.Clear();
            foreach (var pair in fading)
            {
                if (now - pair.Value.Start >= duration) finished.Add(pair.Key);
            }
            foreach (var tile in finished)
            {
                var fade = fading[tile];
                fading.Remove(tile);
                if (fade.HasOutgoing) removeNow.Add(fade.Outgoing);
            }
        }

        float Ease(double start, double now)
        {
            if (duration <= 0) return 1f;
            double t = Math.Max(0.0, Math.Min(1.0, (now - start) / duration));
            return (float)(t * t * (3.0 - 2.0 * t));
        }
    }
}
