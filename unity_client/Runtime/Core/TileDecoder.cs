using System;

namespace WorldStream.Core
{
    /// <summary>The decoder for a chunk's declared encoding.</summary>
    public static class TileDecoder
    {
        /// <summary>
        /// The encodings this package decodes, preferred first: what ExploreStart.encodings lists.
        /// </summary>
        public static readonly PayloadEncoding[] Supported =
        {
            PayloadEncoding.QuantizedV1,
            PayloadEncoding.RawF32,
        };

        public static DecodedTile Decode(PayloadEncoding encoding, byte[] buffer, int offset, int length)
        {
            switch (encoding)
            {
                case PayloadEncoding.QuantizedV1:
                    return QuantizedTileDecoder.Decode(buffer, offset, length);
                case PayloadEncoding.RawF32:
                    return RawTileDecoder.Decode(buffer, offset, length);
                default:
                    throw new TilePayloadException(
                        PayloadProblem.UnknownEncoding,
                        "tile encoding " + (int)encoding + " is not one this client decodes");
            }
        }

        public static DecodedTile Decode(PayloadEncoding encoding, byte[] payload)
        {
            if (payload == null) throw new ArgumentNullException(nameof(payload));
            return Decode(encoding, payload, 0, payload.Length);
        }
    }
}
