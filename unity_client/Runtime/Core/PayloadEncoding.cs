namespace WorldStream.Core
{
    /// <summary>
    /// Tile payload byte formats. The numbers are the proto's TileEncoding values
    /// (proto/worldstream/v1/worldstream.proto) and must stay equal to them.
    /// </summary>
    public enum PayloadEncoding
    {
        Unspecified = 0,
        /// <summary>"WSRF": uncompressed float32 attributes (docs/tile-raw-format.md).</summary>
        RawF32 = 1,
        /// <summary>"WSQT" v1: quantized, about 13.3 bytes a splat (docs/tile-format.md).</summary>
        QuantizedV1 = 2,
    }
}
