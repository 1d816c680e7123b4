using WorldStream.Core;
using Api = WorldStream.V1;

namespace WorldStream.Transport
{
    /// <summary>Between the Core's types and the generated proto messages.</summary>
    public static class ProtoConvert
    {
        public static TileKey FromProto(Api.TileKey key) => new TileKey(key.X, key.Y, key.Z, key.Lod);

        public static Api.TileKey ToProto(TileKey key) =>
            new Api.TileKey { X = key.X, Y = key.Y, Z = key.Z, Lod = key.Lod };

        public static TileChunkInfo ChunkInfo(Api.TileChunk chunk) => new TileChunkInfo
        {
            Key = FromProto(chunk.Key ?? new Api.TileKey()),
            Version = chunk.Version,
            Encoding = (PayloadEncoding)(int)chunk.Encoding,
            ChunkIndex = chunk.ChunkIndex,
            ChunkCount = chunk.ChunkCount,
            SplatCount = chunk.SplatCount,
            PayloadBytes = chunk.PayloadBytes,
            GeometricError = chunk.GeometricError,
        };

        /// <summary>
        /// The first request: Unity's frame (the server converts everything to it), the encodings
        /// this package decodes, preferred first, and the tiles already held (each with the splat
        /// count held of it) with the uid of the world instance they came from. A manifest of
        /// another world is not sent.
        /// </summary>
        public static Api.ExploreRequest Start(ExploreOptions options, HeldTileManifest held)
        {
            var start = new Api.ExploreStart
            {
                World = options.World,
                EngineFrame = Api.EngineFrame.Unity,
                SplatBudget = options.SplatBudget,
                CreditBytes = options.CreditBytes,
                NoGeneration = options.NoGeneration,
                Colliders = false,
            };
            foreach (var encoding in TileDecoder.Supported) start.Encodings.Add((Api.TileEncoding)(int)encoding);
            if (held != null && held.World == options.World)
            {
                start.WorldUid = held.WorldUid;
                foreach (var entry in held.Tiles)
                {
                    start.HeldTiles.Add(new Api.HeldTile
                    {
                        Key = ToProto(entry.Key),
                        Version = entry.Version,
                        SplatCount = entry.SplatCount,
                    });
                }
            }
            return new Api.ExploreRequest { Start = start };
        }

        /// <summary>A ViewUpdate: Unity's position, rotation (x, y, z, w) and vertical field of view, as they are.</summary>
        public static Api.ExploreRequest View(ViewToSend view)
        {
            var p = view.Pose;
            return new Api.ExploreRequest
            {
                View = new Api.ViewUpdate
                {
                    Sequence = view.Sequence,
                    Position = new Api.Vec3 { X = p.PositionX, Y = p.PositionY, Z = p.PositionZ },
                    Rotation = new Api.Quat { X = p.RotationX, Y = p.RotationY, Z = p.RotationZ, W = p.RotationW },
                    VerticalFovDegrees = p.VerticalFovDegrees,
                    ViewportWidth = p.ViewportWidth,
                    ViewportHeight = p.ViewportHeight,
                    Velocity = new Api.Vec3 { X = p.VelocityX, Y = p.VelocityY, Z = p.VelocityZ },
                },
            };
        }

        public static Api.ExploreRequest Ack(long bytes) =>
            new Api.ExploreRequest { Ack = new Api.TileAck { Bytes = bytes } };
    }
}
