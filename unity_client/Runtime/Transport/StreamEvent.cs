using WorldStream.Core;
using Api = WorldStream.V1;

namespace WorldStream.Transport
{
    public enum StreamEventKind
    {
        /// <summary>The stream is up: <see cref="StreamEvent.Header"/> says what the server granted.</summary>
        Connected,
        /// <summary>A tile arrived whole and decoded: <see cref="StreamEvent.Tile"/>.</summary>
        TileDecoded,
        /// <summary>The server dropped a cell's tile: <see cref="StreamEvent.Key"/>, <see cref="StreamEvent.RemovalReason"/>.</summary>
        TileRemoved,
        ViewStatus,
        /// <summary>A recoverable problem, the server's (StreamWarning) or the client's (a payload it could not use).</summary>
        Warning,
        GenerationProgress,
        /// <summary>The stream ended: <see cref="StreamEvent.Error"/>; <see cref="StreamEvent.WillReconnect"/> says what happens next.</summary>
        Disconnected,
    }

    /// <summary>
    /// One thing the receive thread hands to the main thread, in stream order. Tiles carry their
    /// stream's <see cref="Generation"/>: acknowledge them with it, so that an ack for a stream
    /// that has since reconnected is not counted against the new one.
    /// </summary>
    public sealed class StreamEvent
    {
        public StreamEventKind Kind;
        public int Generation;

        /// <summary>
        /// This event's number in the stream's resume log when it changes what is held (a header,
        /// a decoded tile, a removal), else 0. Once applied, report the last one with
        /// <see cref="ExploreStream.ReportHeld"/>.
        /// </summary>
        public long Delivery;
        public Api.ExploreHeader Header;
        public TileKey Key;
        public long Version;
        public DecodedTile Tile;
        public long PayloadBytes;
        public double GeometricError;
        public Api.TileRemovalReason RemovalReason;
        public Api.ViewStatus Status;
        public string WarningReason = "";
        public string WarningMessage = "";
        public Api.GenerationProgress Progress;
        public WorldStreamError Error;
        public bool WillReconnect;
    }
}
