using System;

namespace WorldStream.Core
{
    /// <summary>What is wrong with a tile payload (docs/tile-format.md § Errors).</summary>
    public enum PayloadProblem
    {
        /// <summary>Shorter than the 40-byte header.</summary>
        TooShort,
        BadMagic,
        UnsupportedVersion,
        /// <summary>SH degree above 3.</summary>
        ShDegreeTooHigh,
        /// <summary>Engine frame byte other than 1..3.</summary>
        UnknownEngineFrame,
        /// <summary>The reserved header word is not 0.</summary>
        ReservedWordSet,
        OriginNotFinite,
        /// <summary>The length is not what the header's count and degree need.</summary>
        LengthMismatch,
        /// <summary>A chunk header holds a non-finite float or a negative extent or magnitude.</summary>
        BadChunkHeader,
        /// <summary>The encoding is not one this decoder reads.</summary>
        UnknownEncoding,
    }

    /// <summary>
    /// A payload that cannot be decoded. Thrown before any out-of-bounds read: the decoders check
    /// the length against the header before they touch a chunk.
    /// </summary>
    public sealed class TilePayloadException : Exception
    {
        public TilePayloadException(PayloadProblem problem, string message)
            : base(message)
        {
            Problem = problem;
        }

        public PayloadProblem Problem { get; }
    }
}
