namespace WorldStream.Core
{
    /// <summary>The fields of one TileChunk message apart from its data.</summary>
    public struct TileChunkInfo
    {
        public TileKey Key;
        public long Version;
        public PayloadEncoding Encoding;
        public int ChunkIndex;
        public int ChunkCount;
        /// <summary>Splats in the whole tile.</summary>
        public long SplatCount;
        /// <summary>Bytes of the whole payload.</summary>
        public long PayloadBytes;
        /// <summary>The level's geometric error in engine units; 0 at level 0.</summary>
        public double GeometricError;
    }

    /// <summary>A whole tile payload, put together from its chunks.</summary>
    public sealed class AssembledPayload
    {
        public AssembledPayload(TileChunkInfo info, byte[] payload)
        {
            Info = info;
            Payload = payload;
        }

        /// <summary>The last chunk's fields (key, version, encoding, counts are the tile's).</summary>
        public TileChunkInfo Info { get; }

        public byte[] Payload { get; }
    }
}
