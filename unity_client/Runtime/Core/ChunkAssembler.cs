using System;

namespace WorldStream.Core
{
    /// <summary>
    /// Puts a tile's payload back together from its TileChunk messages. The Explore stream sends
    /// chunks 0..count-1 of one tile in order before any chunk of another tile; anything else is
    /// a <see cref="ChunkOrderException"/>. One instance per stream; not thread-safe.
    /// </summary>
    public sealed class ChunkAssembler
    {
        /// <summary>Default cap on one payload: far above any real tile, far below a bad allocation.</summary>
        public const long DefaultMaxPayloadBytes = 256L * 1024 * 1024;

        readonly long maxPayloadBytes;
        bool inProgress;
        TileChunkInfo current;
        byte[] buffer;
        int filled;
        int nextIndex;

        public ChunkAssembler(long maxPayloadBytes = DefaultMaxPayloadBytes)
        {
            if (maxPayloadBytes <= 0 || maxPayloadBytes > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(maxPayloadBytes));
            }
            this.maxPayloadBytes = maxPayloadBytes;
        }

        /// <summary>True while a tile has some but not all of its chunks.</summary>
        public bool InProgress => inProgress;

        /// <summary>Bytes received for the tile in progress.</summary>
        public long PendingBytes => inProgress ? filled : 0;

        /// <summary>
        /// Adds a chunk's data (data[offset .. offset + count)). Returns the whole payload when
        /// this chunk completes its tile, null otherwise.
        /// </summary>
        public AssembledPayload Add(TileChunkInfo chunk, byte[] data, int offset, int count)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }
            if (chunk.ChunkCount < 1 || chunk.ChunkIndex < 0 || chunk.ChunkIndex >= chunk.ChunkCount
                || chunk.PayloadBytes < 0)
            {
                throw Fail(ChunkOrderProblem.InvalidCounts, chunk, count,
                    "chunk " + chunk.ChunkIndex + "/" + chunk.ChunkCount + " of " + chunk.Key
                    + " with payload_bytes " + chunk.PayloadBytes + " is not a valid chunk");
            }
            if (chunk.ChunkIndex == 0)
            {
                if (inProgress)
                {
                    throw Fail(ChunkOrderProblem.Interleaved, chunk, count,
                        "chunk 0 of " + chunk.Key + " arrived while " + current.Key + " had "
                        + nextIndex + " of " + current.ChunkCount + " chunks");
                }
                Start(chunk, count);
            }
            else
            {
                CheckContinues(chunk, count);
            }
            if (filled + (long)count > current.PayloadBytes)
            {
                throw Fail(ChunkOrderProblem.SizeMismatch, chunk, count,
                    "chunks of " + chunk.Key + " hold more than its " + current.PayloadBytes
                    + " payload bytes");
            }
            Buffer.BlockCopy(data, offset, buffer, filled, count);
            filled += count;
            nextIndex++;
            if (nextIndex < current.ChunkCount) return null;
            if (filled != current.PayloadBytes)
            {
                throw Fail(ChunkOrderProblem.SizeMismatch, chunk, 0,
                    "the chunks of " + chunk.Key + " hold " + filled + " bytes, payload_bytes says "
                    + current.PayloadBytes);
            }
            var done = new AssembledPayload(chunk, buffer);
            Reset();
            return done;
        }

        /// <summary>Drops the tile in progress (a stream that ended mid-tile); returns its bytes.</summary>
        public long Abandon()
        {
            long bytes = PendingBytes;
            Reset();
            return bytes;
        }

        void Start(TileChunkInfo chunk, int count)
        {
            if (chunk.PayloadBytes > maxPayloadBytes)
            {
                throw Fail(ChunkOrderProblem.PayloadTooLarge, chunk, count,
                    "tile " + chunk.Key + " declares " + chunk.PayloadBytes + " payload bytes; the limit is "
                    + maxPayloadBytes);
            }
            inProgress = true;
            current = chunk;
            buffer = new byte[chunk.PayloadBytes];
            filled = 0;
            nextIndex = 0;
        }

        void CheckContinues(TileChunkInfo chunk, int count)
        {
            if (!inProgress)
            {
                throw Fail(ChunkOrderProblem.NoTileInProgress, chunk, count,
                    "chunk " + chunk.ChunkIndex + " of " + chunk.Key + " arrived with no tile in progress");
            }
            if (chunk.Key != current.Key)
            {
                throw Fail(ChunkOrderProblem.Interleaved, chunk, count,
                    "chunk " + chunk.ChunkIndex + " of " + chunk.Key + " arrived while " + current.Key
                    + " had " + nextIndex + " of " + current.ChunkCount + " chunks");
            }
            if (chunk.ChunkIndex != nextIndex)
            {
                throw Fail(ChunkOrderProblem.OutOfOrder, chunk, count,
                    "chunk " + chunk.ChunkIndex + " of " + chunk.Key + " arrived out of order; expected "
                    + nextIndex);
            }
            if (chunk.ChunkCount != current.ChunkCount || chunk.PayloadBytes != current.PayloadBytes
                || chunk.Version != current.Version || chunk.Encoding != current.Encoding)
            {
                throw Fail(ChunkOrderProblem.InconsistentTile, chunk, count,
                    "chunk " + chunk.ChunkIndex + " of " + chunk.Key
                    + " disagrees with chunk 0 on count, size, version or encoding");
            }
        }

        ChunkOrderException Fail(ChunkOrderProblem problem, TileChunkInfo chunk, int count, string message)
        {
            long dropped = PendingBytes + count;
            Reset();
            return new ChunkOrderException(problem, message, dropped);
        }

        void Reset()
        {
            inProgress = false;
            buffer = null;
            filled = 0;
            nextIndex = 0;
            current = default(TileChunkInfo);
        }
    }
}
