// The per-splat record the Unreal renderer uploads (Shaders/Private/WorldStreamSplats.usf reads
// the same layout as `FWorldStreamSplat`: keep the two in step). Activation happens here, once
// per splat on upload, instead of once per splat per frame on the GPU: scales are exponentiated,
// opacity goes through the sigmoid, the SH DC term becomes a colour (docs/tile-format.md § Units
// and conventions). Higher SH bands are not drawn yet.
#pragma once

#include <cstddef>
#include <cstdint>

#include "worldstream/payload.h"

namespace worldstream {

struct GpuSplat {
    float position[3];  // engine units, relative to the tile origin
    uint32_t tile;      // the renderer's tile slot
    float rotation[4];  // unit quaternion w, x, y, z in the engine frame
    float scale[3];     // engine units, per local axis
    float opacity;      // [0, 1]
    float colour[3];    // 3DGS colour: 0.5 + C0 * dc, clamped at 0 (sRGB display values)
    float reserved;
};
static_assert(sizeof(GpuSplat) == 64, "the shader reads 64-byte records");
static_assert(offsetof(GpuSplat, rotation) == 16 && offsetof(GpuSplat, scale) == 32 &&
                  offsetof(GpuSplat, colour) == 48,
              "the shader reads four float4s");

// Fills out[0 .. tile.splat_count) from a decoded tile; `tile_slot` goes into every record.
// A zero quaternion becomes the identity; others are normalised.
void pack_gpu_splats(const DecodedTile& tile, uint32_t tile_slot, GpuSplat* out);

}  // namespace worldstream
