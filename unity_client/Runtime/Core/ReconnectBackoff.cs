using System;

namespace WorldStream.Core
{
    /// <summary>
    /// Delays between reconnect attempts: exponential with full jitter (a random delay up to the
    /// current ceiling), so that many clients dropped at once do not return at once.
    /// </summary>
    public sealed class ReconnectBackoff
    {
        readonly double initialSeconds;
        readonly double maxSeconds;
        readonly Random random;
        int attempt;

        public ReconnectBackoff(double initialSeconds = 0.5, double maxSeconds = 15.0, Random random = null)
        {
            if (!(initialSeconds > 0) || !(maxSeconds >= initialSeconds))
            {
                throw new ArgumentOutOfRangeException(nameof(initialSeconds), "need 0 < initial <= max");
            }
            this.initialSeconds = initialSeconds;
            this.maxSeconds = maxSeconds;
            this.random = random ?? new Random();
        }

        public int Attempt => attempt;

        /// <summary>The ceiling of the next delay: initial * 2^attempt, at most max.</summary>
        public double Ceiling => Math.Min(maxSeconds, initialSeconds * Math.Pow(2.0, Math.Min(attempt, 30)));

        /// <summary>The delay before the next attempt, in seconds.</summary>
        public double NextDelaySeconds()
        {
            double delay = random.NextDouble() * Ceiling;
            attempt++;
            return delay;
        }

        /// <summary>A stream that got its header: start again from the shortest delay.</summary>
        public void Succeeded()
        {
            attempt = 0;
        }
    }
}
