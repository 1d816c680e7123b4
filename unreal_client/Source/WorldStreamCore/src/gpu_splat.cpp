#include "worldstream/gpu_splat.h"

#include <cmath>

namespace worldstream {

void pack_gpu_splats(const DecodedTile& tile, uint32_t tile_slot, GpuSplat* out) {
    const std::size_t n = tile.splat_count;
    const std::size_t sh_stride = 3 * static_cast<std::size_t>(tile.sh_coefficients());
    for (std::size_t i = 0; i < n; ++i) {
        GpuSplat& s = out[i];
        for (int a = 0; a < 3; ++a) {
            s.position[a] = tile.positions[3 * i + a];
            s.scale[a] = static_cast<float>(std::exp(static_cast<double>(tile.log_scales[3 * i + a])));
            s.colour[a] = dc_to_colour(tile.sh[sh_stride * i + a]);
        }
        s.tile = tile_slot;
        const float* q = &tile.rotations[4 * i];
        const double norm = std::sqrt(double(q[0]) * q[0] + double(q[1]) * q[1] + double(q[2]) * q[2] +
                                      double(q[3]) * q[3]);
        if (norm > 0 && std::isfinite(norm)) {
            for (int c = 0; c < 4; ++c) s.rotation[c] = static_cast<float>(q[c] / norm);
        } else {
            s.rotation[0] = 1;
            s.rotation[1] = s.rotation[2] = s.rotation[3] = 0;
        }
        s.opacity = sigmoid(tile.opacity_logits[i]);
        s.reserved = 0;
    }
}

}  // namespace worldstream
