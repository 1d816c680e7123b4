using System;

namespace WorldStream.Core
{
    /// <summary>How a tile's chunk sequence broke the Explore stream's ordering rule.</summary>
    public enum ChunkOrderProblem
    {
        /// <summary>A chunk other than 0 arrived with no tile in progress.</summary>
        NoTileInProgress,
        /// <summary>A chunk of another tile (or a new chunk 0) arrived before the tile in progress finished.</summary>
        Interleaved,
        /// <summary>The chunk index is not the next one.</summary>
        OutOfOrder,
        /// <summary>chunk_count, payload_bytes, version or encoding changed within a tile.</summary>
        InconsistentTile,
        /// <summary>chunk_count below 1, an index outside 0..count-1, or a negative payload size.</summary>
        InvalidCounts,
        /// <summary>payload_bytes is above the assembler's limit.</summary>
        PayloadTooLarge,
        /// <summary>The chunks hold more or fewer bytes than payload_bytes.</summary>
        SizeMismatch,
    }

    /// <summary>
    /// A chunk that breaks the order the server guarantees. The tile in progress is dropped; its
    /// received bytes (and the offending chunk's) are in <see cref="DroppedBytes"/> so that the
    /// caller can still return them to the server's credit window.
    /// </summary>
    public sealed class ChunkOrderException : Exception
    {
        public ChunkOrderException(ChunkOrderProblem problem, string message, long droppedBytes)
            : base(message)
        {
            Problem = problem;
            DroppedBytes = droppedBytes;
        }

        public ChunkOrderProblem Problem { get; }

        public long DroppedBytes { get; }
    }
}
