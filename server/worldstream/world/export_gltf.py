"""Exporting a world as a GLB with ``KHR_gaussian_splatting``.

Spec followed: ``extensions/2.0/Khronos/KHR_gaussian_splatting/README.md`` in KhronosGroup/glTF,
the 2026 text (status "Release Candidate" in the copy read in full; the registry's main branch
now lists it as "Complete, Ratified by the Khronos Group" with the same overview). What it
mandates and what we write:

- One mesh primitive, ``mode`` ``POINTS`` (0), on one node with the identity transform (the
  spec asks for a decomposable node matrix with positive scale; identity is the trivial case).
  No material: the spec says a referenced material MUST be ignored for splat rendering, and
  without one a viewer that does not know the extension draws the default point cloud.
- Extension object on the primitive with the required ``kernel`` = ``"ellipse"`` (the only kernel
  the base extension defines) and ``colorSpace`` = ``"srgb_rec709_display"``: our colours are the
  photo's sRGB-encoded values divided by 255, the usual 3DGS training space. The optional
  ``projection`` (``"perspective"``) and ``sortingMethod`` (``"cameraDistance"``) are written
  with their default values so readers need not know the defaults.
- ``extensionsUsed`` lists ``KHR_gaussian_splatting``; ``extensionsRequired`` does not: the spec
  leaves that to extensions that build on it (compression), and without it a plain glTF viewer
  can still show the point-cloud fallback.
- Attributes, all FLOAT, one tightly packed bufferView each (no interleaving, so no byteStride):
  ``POSITION`` VEC3 metres, with the ``min``/``max`` that glTF requires for it;
  ``KHR_gaussian_splatting:ROTATION`` VEC4, unit quaternion in glTF order (x, y, z, w), from
  our (w, x, y, z); ``KHR_gaussian_splatting:SCALE`` VEC3, **linear** ("Scale values are linear
  and MUST NOT be negative", unlike the log scales of PLY and earlier drafts), ``exp`` of ours;
  ``KHR_gaussian_splatting:OPACITY`` SCALAR, **linear** in [0, 1], ``sigmoid`` of our logit;
  ``KHR_gaussian_splatting:SH_DEGREE_l_COEF_n`` VEC3 (r, g, b), degree 0 always, then every
  coefficient of every degree up to the world's (degrees are never partial), packed from the
  lowest order m to the highest. The spec's basis (real SH with the Condon–Shortley phase,
  view direction from the camera to the splat) is the 3DGS basis term for term, so
  ``SH_DEGREE_l_COEF_n`` is our ``sh[:, l*l + n]`` unchanged, DC included (colour =
  0.282095 * DC + 0.5).
- ``COLOR_0`` (the spec's optional fallback, MAY): VEC4 unsigned byte normalized, RGB =
  clamp(0.282095 * DC + 0.5, 0, 1) decoded from sRGB to linear (``COLOR_0`` is linear per glTF),
  A = opacity. Eight bits are plenty for a fallback point colour.

The world frame is glTF's (right-handed, +Y up, metres), so nothing is converted: +Y is up in the
file, as the PlayCanvas engine's ``KHR_gaussian_splatting`` parser takes it (docs/export-frames.md).
An empty world raises ValueError: glTF accessors need ``count`` >= 1, and a file with no splat
primitive would not be a splat file.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pygltflib

from worldstream.geometry.gaussians import SH_C0, Gaussians

EXTENSION: Final = "KHR_gaussian_splatting"
KERNEL: Final = "ellipse"
COLOR_SPACE: Final = "srgb_rec709_display"
PROJECTION: Final = "perspective"
SORTING_METHOD: Final = "cameraDistance"
GENERATOR: Final = "worldstream"

ROTATION: Final = f"{EXTENSION}:ROTATION"
SCALE: Final = f"{EXTENSION}:SCALE"
OPACITY: Final = f"{EXTENSION}:OPACITY"


def sh_semantic(degree: int, coefficient: int) -> str:
    """The semantic of one SH coefficient; ``coefficient`` runs 0..2*degree (order m = -l..l)."""
    if not 0 <= coefficient <= 2 * degree:
        raise ValueError(f"degree {degree} has coefficients 0..{2 * degree}, not {coefficient}")
    return f"{EXTENSION}:SH_DEGREE_{degree}_COEF_{coefficient}"


def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exp of a negative number only, so large logits of either sign neither overflow nor NaN.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _unit_quats_xyzw(quats_wxyz: np.ndarray) -> np.ndarray:
    q = quats_wxyz.astype(np.float64)
    norm = np.linalg.norm(q, axis=1, keepdims=True)
    # A zero quaternion (a degenerate Gaussian) becomes the identity rather than NaNs, as in
    # geometry/engine.py; the spec wants unit quaternions that readers use without renormalising.
    q = np.where(norm > 0.0, q / np.where(norm > 0.0, norm, 1.0), [1.0, 0.0, 0.0, 0.0])
    return q[:, [1, 2, 3, 0]]


def _attribute_arrays(g: Gaussians) -> list[tuple[str, np.ndarray, int, bool]]:
    """(semantic, array [N, C], glTF component type, normalized) in the order they are written."""
    a = g.to_numpy()
    for name, values in a.items():
        if not np.all(np.isfinite(values)):
            raise ValueError(f"Gaussian {name} has non-finite values; glTF floats must be finite")
    with np.errstate(over="ignore"):
        scales = np.exp(a["log_scales"].astype(np.float64))
    if not np.all(scales <= np.finfo(np.float32).max):
        raise ValueError("a log scale is too large: exp(log scale) overflows float32")
    opacity = _sigmoid(a["opacity_logits"].astype(np.float64))
    sh = a["sh"]
    rgb = np.clip(SH_C0 * sh[:, 0, :].astype(np.float64) + 0.5, 0.0, 1.0)
    rgba = np.concatenate([_srgb_to_linear(rgb), opacity[:, None]], axis=1)

    float_ = pygltflib.FLOAT
    arrays = [
        ("POSITION", a["means"], float_, False),
        ("COLOR_0", np.round(rgba * 255.0).astype(np.uint8), pygltflib.UNSIGNED_BYTE, True),
        (ROTATION, _unit_quats_xyzw(a["quats"]), float_, False),
        (SCALE, scales, float_, False),
        (OPACITY, opacity[:, None], float_, False),
    ]
    for degree in range(g.sh_degree + 1):
        for coefficient in range(2 * degree + 1):
            index = degree * degree + coefficient
            arrays.append((sh_semantic(degree, coefficient), sh[:, index, :], float_, False))
    return arrays


_ACCESSOR_TYPE: Final = {1: pygltflib.SCALAR, 3: pygltflib.VEC3, 4: pygltflib.VEC4}


def gltf_bytes(gaussians: Gaussians) -> bytes:
    """The world as a binary glTF (GLB) with one ``KHR_gaussian_splatting`` point primitive."""
    n = len(gaussians)
    if n == 0:
        raise ValueError("cannot export an empty world as glTF: accessors need at least 1 element")
    gltf = pygltflib.GLTF2(
        asset=pygltflib.Asset(version="2.0", generator=GENERATOR),
        scene=0,
        scenes=[pygltflib.Scene(nodes=[0])],
        nodes=[pygltflib.Node(mesh=0, name="world")],
        extensionsUsed=[EXTENSION],
    )
    attributes = pygltflib.Attributes()
    chunks: list[bytes] = []
    offset = 0
    for semantic, values, component_type, normalized in _attribute_arrays(gaussians):
        dtype = np.uint8 if component_type == pygltflib.UNSIGNED_BYTE else np.float32
        data = np.ascontiguousarray(values, dtype=dtype).reshape(n, -1)
        raw = data.tobytes()
        # Every element here is a multiple of 4 bytes, so offsets stay 4-aligned as glTF requires
        # for vertex attributes; the assert guards a future 2- or 6-byte attribute.
        assert offset % 4 == 0, semantic
        gltf.bufferViews.append(
            pygltflib.BufferView(
                buffer=0, byteOffset=offset, byteLength=len(raw), target=pygltflib.ARRAY_BUFFER
            )
        )
        accessor = pygltflib.Accessor(
            bufferView=len(gltf.bufferViews) - 1,
            componentType=component_type,
            count=n,
            type=_ACCESSOR_TYPE[data.shape[1]],
            normalized=True if normalized else None,
        )
        if semantic == "POSITION":
            accessor.min = data.min(axis=0).astype(float).tolist()
            accessor.max = data.max(axis=0).astype(float).tolist()
        gltf.accessors.append(accessor)
        setattr(attributes, semantic, len(gltf.accessors) - 1)
        chunks.append(raw)
        offset += len(raw)

    extension = {
        "kernel": KERNEL,
        "colorSpace": COLOR_SPACE,
        "projection": PROJECTION,
        "sortingMethod": SORTING_METHOD,
    }
    primitive = pygltflib.Primitive(
        attributes=attributes, mode=pygltflib.POINTS, extensions={EXTENSION: extension}
    )
    gltf.meshes.append(pygltflib.Mesh(primitives=[primitive], name="world"))
    blob = b"".join(chunks)
    gltf.buffers.append(pygltflib.Buffer(byteLength=len(blob)))
    gltf.set_binary_blob(blob)
    return b"".join(gltf.save_to_bytes())
