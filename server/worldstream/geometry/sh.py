"""Real spherical-harmonic constants of 3D Gaussian Splatting (as in gsplat and the original
rasteriser), bands 0..3: the one copy that conversions and renderers share."""

from __future__ import annotations

SH_C0 = 0.28209479177387814  # Y_0^0; colour = SH_C0 * dc + 0.5
SH_C1 = 0.4886025119029199  # band 1 is (-C1 y, C1 z, -C1 x)
SH_C2 = (
    1.0925484305920792,
    -1.0925484305920792,
    0.31539156525252005,
    -1.0925484305920792,
    0.5462742152960396,
)
SH_C3 = (
    -0.5900435899266435,
    2.890611442640554,
    -0.4570457994644658,
    0.3731763325901154,
    -0.4570457994644658,
    1.445305721320277,
    -0.5900435899266435,
)
MAX_SH_DEGREE = 3
