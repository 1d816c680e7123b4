using System;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>Reconnect delays.</summary>
    public static class BackoffCases
    {
        public static void Delays_grow_exponentially_to_the_cap_with_jitter_below_each_ceiling()
        {
            var backoff = new ReconnectBackoff(0.5, 4.0, new Random(1));
            double[] ceilings = { 0.5, 1.0, 2.0, 4.0, 4.0, 4.0 };
            foreach (double ceiling in ceilings)
            {
                Check.Equal(ceiling, backoff.Ceiling, "ceiling at attempt " + backoff.Attempt);
                double delay = backoff.NextDelaySeconds();
                Check.True(delay >= 0 && delay <= ceiling, "delay " + delay + " within [0, " + ceiling + "]");
            }
            backoff.Succeeded();
            Check.Equal(0.5, backoff.Ceiling, "a success starts over");
            Check.Throws<ArgumentOutOfRangeException>(() => new ReconnectBackoff(0, 1), "zero initial delay");
        }
    }
}
