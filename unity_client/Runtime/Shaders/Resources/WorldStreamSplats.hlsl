// What the pooled splat renderer's kernels and shader share: the GPU records and the depth key.
// The records match WorldStream.Core.GpuSplat and TileGpu (Runtime/Core/GpuSplat.cs), and the
// key matches WorldStream.Core.GlobalSplatOrder, the CPU reference of the sort.
#ifndef WORLDSTREAM_SPLATS_INCLUDED
#define WORLDSTREAM_SPLATS_INCLUDED

// One splat, 64 bytes: the Unreal plugin's worldstream::GpuSplat.
struct WsSplat
{
    float3 position;     // engine units from the tile origin
    uint slot;           // the tile's entry in the tile table
    float4 rotation;     // unit quaternion w, x, y, z
    float4 scaleOpacity; // xyz: scale per local axis; w: opacity in [0, 1]
    float4 colour;       // rgb: 3DGS colour (sRGB display values); w: unused
};

// One tile-table entry, 32 bytes.
struct WsTile
{
    float3 origin;  // world space
    float alpha;    // fade multiplier; 0: a free slot or a tile not fully uploaded
    uint start;     // the tile's pool range [start, end): splats outside it are stale
    uint end;
    uint2 padding;
};

// Culled splats, and those of free or hidden tiles, sort after every drawn one.
#define WS_CULLED_KEY 0xFFFFFFFFu

// Depth keys sort ascending and far splats get small keys, so they are drawn first. The depth
// of a drawn splat is positive, and positive floats order as their bits do.
uint WsDepthKey(float depth)
{
    return 0xFFFFFFFEu - asuint(depth);
}

// Camera-relative position of a splat: (origin - camera) + position, in this order, as
// GlobalSplatOrder.View computes it on the CPU.
float3 WsRelative(WsTile tile, WsSplat splat, float3 camera)
{
    precise float3 fromCamera = tile.origin - camera;
    precise float3 relative = fromCamera + splat.position;
    return relative;
}

// (p.x a.x + p.y a.y) + p.z a.z with every product and sum rounded to float32, never fused, so
// that the CPU reference reproduces it bit for bit.
float WsAxis(float3 p, float3 axis)
{
    precise float x = p.x * axis.x;
    precise float y = p.y * axis.y;
    precise float z = p.z * axis.z;
    precise float xy = x + y;
    precise float xyz = xy + z;
    return xyz;
}

// An sRGB display value to linear light (IEC 61966-2-1's curve, exactly: UnityCG's
// GammaToLinearSpace is a polynomial fit of it).
float WsDisplayToLinear(float c)
{
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

#endif  // WORLDSTREAM_SPLATS_INCLUDED
