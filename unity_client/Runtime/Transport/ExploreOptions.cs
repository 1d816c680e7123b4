using WorldStream.Core;

namespace WorldStream.Transport
{
    /// <summary>What an Explore stream asks for (the fields of ExploreStart the client chooses).</summary>
    public sealed class ExploreOptions
    {
        /// <summary>`worlds/{world}`.</summary>
        public string World = "";

        /// <summary>Most splats held at once; 0 = the server's default (2,000,000).</summary>
        public long SplatBudget = 2000000;

        /// <summary>Payload bytes in flight before acknowledgement; 0 = the server's default (8 MiB).</summary>
        public long CreditBytes = 8L * 1024 * 1024;

        /// <summary>Stream the world as it is, without generating ahead of the camera.</summary>
        public bool NoGeneration;

        /// <summary>Reconnect (with the held-tile manifest) after a transient failure.</summary>
        public bool Reconnect = true;

        /// <summary>Largest tile payload accepted; a larger one is refused before it is allocated.</summary>
        public long MaxPayloadBytes = ChunkAssembler.DefaultMaxPayloadBytes;
    }
}
