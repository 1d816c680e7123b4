using System.Runtime.InteropServices;

namespace WorldStream.Core
{
    /// <summary>
    /// One splat as the pooled renderer's shaders read it (Runtime/Shaders/Resources/WorldStreamSplats.hlsl,
    /// struct WsSplat): four float4s, 64 bytes, the same record as the Unreal plugin's
    /// worldstream::GpuSplat. Activation (exp, sigmoid, colour) is done once when packing.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct GpuSplat
    {
        public const int Stride = 64;

        /// <summary>Relative to the tile origin, engine units.</summary>
        public float PositionX, PositionY, PositionZ;

        /// <summary>The tile's slot in the tile table (its origin, fade and range).</summary>
        public uint Slot;

        /// <summary>Unit quaternion w, x, y, z in the engine frame.</summary>
        public float RotationW, RotationX, RotationY, RotationZ;

        /// <summary>Per local axis, engine units (exp of the payload's log scale).</summary>
        public float ScaleX, ScaleY, ScaleZ;

        /// <summary>[0, 1], the sigmoid of the payload's logit.</summary>
        public float Opacity;

        /// <summary>3DGS base colour 0.5 + C0 dc, clamped at 0: sRGB display values.</summary>
        public float ColourR, ColourG, ColourB;

        public float Reserved;
    }

    /// <summary>
    /// A tile-table entry (struct WsTile in the shaders): 32 bytes, the Unreal plugin's
    /// FWorldStreamTileGpu with the origin in world space instead of translated world space.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TileGpu
    {
        public const int Stride = 32;

        /// <summary>Tile origin in world space, as float (Unity positions are float).</summary>
        public float OriginX, OriginY, OriginZ;

        /// <summary>Fade multiplier; 0 for a free slot or a tile not fully uploaded (not drawn).</summary>
        public float Alpha;

        /// <summary>The tile's pool range [Start, End): a splat outside it is stale and not drawn.</summary>
        public uint Start, End;

        public uint Padding0, Padding1;
    }
}
