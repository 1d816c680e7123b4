"""LOD pyramids: merging by moment matching keeps mass, centroid, covariance and colour; the
fast path agrees with the reference; geometric error means what a scheduler needs it to mean."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.gaussians import Gaussians, rgb_to_sh_dc
from worldstream.render import render
from worldstream.testing.rooms import fbm
from worldstream.tiles.lod import ALPHA_CLAMP, ALPHA_FLOOR, LodLevel, build_lod, opacity_mass
from worldstream.tiles.lod_reference import build_lod_reference

BOX_MIN = np.zeros(3)
BOX_MAX = np.full(3, 4.0)
MASS_RTOL = 1e-4  # merging is exact in float64; levels are stored as float32 logits and scales


def random_tile(count: int, seed: int = 0, sh_degree: int = 0, logit: float = -3.0) -> dict:
    """Scattered splats, small next to their spacing, mostly transparent: no cluster saturates."""
    rng = np.random.default_rng(seed)
    quats = rng.normal(size=(count, 4))
    return {
        "means": rng.uniform(0.05, 3.95, (count, 3)),
        "quats": quats / np.linalg.norm(quats, axis=1, keepdims=True),
        "log_scales": rng.uniform(math.log(0.002), math.log(0.02), (count, 3)),
        "opacity_logits": logit + rng.normal(0.0, 0.5, count),
        "sh": rng.normal(0.0, 0.5, (count, (sh_degree + 1) ** 2, 3)),
    }


def plane_tile(side: int = 96, depth_z: float = 2.0) -> dict:
    """A textured wall of overlapping opaque splats facing +z, as lifting a photo makes them."""
    spacing = 3.8 / side
    u, v = np.meshgrid(np.arange(side) + 0.5, np.arange(side) + 0.5)
    x, y = 0.1 + u.ravel() * spacing, 0.1 + v.ravel() * spacing
    count = side * side
    rgb = np.stack(
        [
            0.5 + 0.4 * np.sin(2.0 * x) * np.cos(1.5 * y),
            0.5 + 0.3 * np.cos(3.0 * x + y),
            0.4 + 0.3 * np.sin(2.5 * y),
        ],
        axis=1,
    )
    sigma = 0.6 * spacing
    return {
        "means": np.stack([x, y, np.full(count, depth_z)], axis=1),
        "quats": np.tile([1.0, 0.0, 0.0, 0.0], (count, 1)),
        "log_scales": np.tile(np.log([sigma, sigma, 0.02 * sigma]), (count, 1)),
        "opacity_logits": np.full(count, math.log(0.95 / 0.05)),
        "sh": rgb_to_sh_dc(rgb)[:, None, :],
    }


def lod(arrays: dict, **options) -> list[LodLevel]:
    return build_lod(**arrays, box_min=BOX_MIN, box_max=BOX_MAX, **options)


def covariances(quats: np.ndarray, log_scales: np.ndarray) -> np.ndarray:
    """[N, 4] (w, x, y, z), [N, 3] -> [N, 3, 3] R diag(s^2) R^T in float64."""
    q = quats.astype(np.float64)
    w, x, y, z = (q / np.linalg.norm(q, axis=1, keepdims=True)).T
    r = np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
        ],
        axis=1,
    )
    s2 = np.exp(2.0 * log_scales.astype(np.float64))
    return np.einsum("nij,nj,nkj->nik", r, s2, r)


def level_mass(level: LodLevel) -> np.ndarray:
    return opacity_mass(level.opacity_logits, level.log_scales)


def ancestors(levels: list[LodLevel], k: int) -> np.ndarray:
    """[N0]: the index at level k standing in for each level-0 Gaussian."""
    index = np.arange(len(levels[0]))
    for level in levels[:k]:
        index = level.parent[index]
    return index


def to_gaussians(level: LodLevel) -> Gaussians:
    return Gaussians.from_numpy(
        {
            "means": level.means,
            "quats": level.quats,
            "log_scales": level.log_scales,
            "opacity_logits": level.opacity_logits,
            "sh": level.sh,
        }
    )


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10.0 * np.log10(1.0 / max(float(np.mean((a - b) ** 2)), 1e-12)))


# --- mass, centroid, covariance, colour --------------------------------------------------------


@pytest.mark.parametrize("saturation", ["spread", "clamp"])
def test_merging_preserves_total_opacity_weighted_mass_when_no_cluster_saturates(saturation):
    levels = lod(random_tile(4000, seed=1), saturation=saturation)
    assert len(levels) >= 3
    total = level_mass(levels[0]).sum()
    for level in levels[1:]:
        assert 1.0 / (1.0 + np.exp(-level.opacity_logits.max())) < ALPHA_CLAMP  # not saturated
        assert level_mass(level).sum() == pytest.approx(total, rel=MASS_RTOL)


def test_spreading_keeps_the_mass_of_saturated_clusters_that_clamping_loses():
    tile = plane_tile()
    spread, clamp = lod(tile, saturation="spread"), lod(tile, saturation="clamp")
    total = level_mass(spread[0]).sum()
    for level in spread[1:]:
        # At least the mass: filling a saturated cell (FILL_SIGMA) may add to it, never take.
        assert level_mass(level).sum() >= total * (1.0 - MASS_RTOL)
    masses = [level_mass(level).sum() for level in clamp]
    assert masses[1] < 0.9 * masses[0]  # this wall is dense enough to saturate
    assert all(b <= a * (1.0 + 1e-5) for a, b in itertools.pairwise(masses))
    for level in spread + clamp:
        assert np.all(1.0 / (1.0 + np.exp(-level.opacity_logits.astype(np.float64))) <= 0.9991)


@pytest.mark.parametrize(
    "tile", [random_tile(3000, seed=2), plane_tile(64)], ids=["random", "wall"]
)
def test_every_parent_sits_at_the_mass_weighted_centroid_of_its_children(tile):
    levels = lod(tile, min_splats=8)
    for child, parent in itertools.pairwise(levels):
        weights = level_mass(child)
        total = np.bincount(child.parent, weights=weights)
        centroid = (
            np.stack(
                [np.bincount(child.parent, weights=weights * child.means[:, j]) for j in range(3)],
                1,
            )
            / total[:, None]
        )
        np.testing.assert_allclose(parent.means, centroid, atol=2e-6 * 4.0)


def test_the_mass_weighted_centroid_of_the_whole_tile_does_not_move():
    levels = lod(random_tile(4000, seed=3))

    def centroid(level):
        w = level_mass(level)
        return (w[:, None] * level.means).sum(0) / w.sum()

    for level in levels[1:]:
        np.testing.assert_allclose(centroid(level), centroid(levels[0]), atol=1e-4)


def test_a_merged_pair_has_the_analytic_moment_matched_covariance_opacity_and_colour():
    rng = np.random.default_rng(4)
    quats = rng.normal(size=(2, 4))
    pair = {
        "means": np.array([[1.00, 1.20, 1.10], [1.05, 1.18, 1.16]]),
        "quats": quats / np.linalg.norm(quats, axis=1, keepdims=True),
        "log_scales": np.log([[0.03, 0.01, 0.002], [0.02, 0.04, 0.005]]),
        "opacity_logits": np.array([0.3, -0.8]),
        "sh": rng.normal(size=(2, 4, 3)),
    }
    levels = lod(pair, min_splats=1)
    assert [len(level) for level in levels] == [2, 1]
    stored = {k: np.asarray(v, np.float32).astype(np.float64) for k, v in pair.items()}
    w = opacity_mass(stored["opacity_logits"], stored["log_scales"])  # [2]
    t = w / w.sum()
    mean = t @ stored["means"]
    offsets = stored["means"] - mean
    sigmas = covariances(stored["quats"], stored["log_scales"])
    expected = np.einsum("n,nij->ij", t, sigmas + np.einsum("ni,nj->nij", offsets, offsets))
    merged = levels[1]
    np.testing.assert_allclose(merged.means[0], mean, atol=1e-6)
    got = covariances(merged.quats, merged.log_scales)[0]
    np.testing.assert_allclose(got, expected, atol=1e-5 * np.abs(expected).max())
    lam = np.sort(np.linalg.eigvalsh(expected))
    alpha = w.sum() / (math.pi * math.sqrt(lam[1] * lam[2]))
    assert alpha < ALPHA_CLAMP
    assert 1.0 / (1.0 + math.exp(-float(merged.opacity_logits[0]))) == pytest.approx(alpha, 1e-5)
    np.testing.assert_allclose(merged.sh[0], np.einsum("n,nkc->kc", t, stored["sh"]), atol=1e-6)


def test_merged_colours_are_convex_combinations_of_their_sources_in_every_sh_band():
    levels = lod(random_tile(3000, seed=5, sh_degree=3), min_splats=4)
    assert levels[0].sh.shape[1] == 16 and len(levels) >= 3
    for k in range(1, len(levels)):
        parent = ancestors(levels, k)
        n, kk = len(levels[k]), 16 * 3
        low = np.full((n, kk), np.inf)
        high = np.full((n, kk), -np.inf)
        np.minimum.at(low, parent, levels[0].sh.reshape(-1, kk))
        np.maximum.at(high, parent, levels[0].sh.reshape(-1, kk))
        sh = levels[k].sh.reshape(n, kk)
        assert np.all(sh >= low - 1e-6) and np.all(sh <= high + 1e-6)


# --- structure ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tile", [random_tile(5000, seed=6), plane_tile(80)], ids=["random", "wall"]
)
def test_no_gaussian_is_dropped_each_has_one_parent_and_every_parent_has_children(tile):
    levels = lod(tile, min_splats=16)
    assert len(levels) >= 3
    for child, parent in itertools.pairwise(levels):
        assert child.parent.shape == (len(child),)
        assert child.parent.min() >= 0 and child.parent.max() < len(parent)
        assert np.all(np.bincount(child.parent, minlength=len(parent)) >= 1)
        assert len(parent) <= 0.25 * len(child) or len(parent) == 1
        assert parent.cell_edge > child.cell_edge
    assert np.all(levels[-1].parent == -1)
    assert len(levels[-1]) <= 16 < len(levels[-2])


def test_the_pyramid_stops_at_max_levels_and_at_min_splats():
    tile = random_tile(5000, seed=7)
    assert len(lod(tile, max_levels=2)) == 2
    assert len(lod(tile, max_levels=1)) == 1
    levels = lod(tile, min_splats=1000)
    assert len(levels[-1]) <= 1000 < len(levels[-2])
    assert len(lod(random_tile(50, seed=7), min_splats=64)) == 1


def test_geometric_error_is_zero_at_level_0_never_falls_and_bounds_every_moved_source():
    tile = random_tile(4000, seed=8)
    levels = lod(tile)
    errors = [level.geometric_error for level in levels]
    assert errors[0] == 0.0
    assert all(b >= a for a, b in itertools.pairwise(errors)) and errors[-1] > errors[1]
    means0 = levels[0].means.astype(np.float64)
    for k in range(1, len(levels)):
        moved = np.linalg.norm(means0 - levels[k].means[ancestors(levels, k)], axis=1)
        assert moved.max() <= errors[k] + 1e-6
        # ...and it is of the order of the cells merged, not a loose bound.
        assert errors[k] < 4.0 * levels[k].cell_edge


def test_quaternions_are_unit_outputs_finite_and_means_stay_inside_the_tile():
    for level in lod(random_tile(3000, seed=9)) + lod(plane_tile(64)):
        np.testing.assert_allclose(np.linalg.norm(level.quats, axis=1), 1.0, atol=1e-6)
        for array in (level.means, level.quats, level.log_scales, level.opacity_logits, level.sh):
            assert array.dtype == np.float32 and np.all(np.isfinite(array))
        assert np.all(level.means >= BOX_MIN - 1e-6) and np.all(level.means <= BOX_MAX + 1e-6)


# --- fast path against the reference -----------------------------------------------------------


@pytest.mark.parametrize("saturation", ["spread", "clamp"])
def test_fast_path_builds_the_same_levels_as_the_reference(saturation):
    wall = plane_tile(40)
    scattered = random_tile(1200, seed=10, sh_degree=1, logit=0.0)
    tile = {k: np.concatenate([wall[k], scattered[k]]) for k in ("means", "quats", "log_scales")}
    tile["opacity_logits"] = np.concatenate([wall["opacity_logits"], scattered["opacity_logits"]])
    tile["sh"] = np.concatenate([np.pad(wall["sh"], ((0, 0), (0, 3), (0, 0))), scattered["sh"]])
    tile["means"][-3:] = [[-0.5, 1.0, 2.0], [4.2, 4.0, 3.9], [1e30, -1e30, 2.0]]  # border cells
    fast = lod(tile, min_splats=8, saturation=saturation)
    slow = build_lod_reference(
        **tile, box_min=BOX_MIN, box_max=BOX_MAX, min_splats=8, saturation=saturation
    )
    assert [len(level) for level in fast] == [len(level) for level in slow]
    assert len(fast) >= 3
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(a.parent, b.parent)
        assert a.cell_edge == b.cell_edge
        assert a.geometric_error == pytest.approx(b.geometric_error, rel=1e-5, abs=1e-7)
        np.testing.assert_allclose(a.means, b.means, atol=1e-5)
        cov_a = covariances(a.quats, a.log_scales)
        cov_b = covariances(b.quats, b.log_scales)
        scale = np.abs(cov_b).max(axis=(1, 2), keepdims=True)
        np.testing.assert_allclose(cov_a / scale, cov_b / scale, atol=1e-5)
        alpha_a = 1.0 / (1.0 + np.exp(-a.opacity_logits.astype(np.float64)))
        alpha_b = 1.0 / (1.0 + np.exp(-b.opacity_logits.astype(np.float64)))
        np.testing.assert_allclose(alpha_a, alpha_b, atol=1e-5)
        np.testing.assert_allclose(a.sh, b.sh, atol=1e-5)
        np.testing.assert_allclose(np.linalg.norm(b.quats, axis=1), 1.0, atol=1e-6)


# --- what a viewer sees ------------------------------------------------------------------------


def textured_wall() -> dict:
    """The wall with fractal colour: detail at every scale from 12 cm down to below a splat."""
    tile = plane_tile(96)
    x, y = tile["means"][:, 0] * 8.0, tile["means"][:, 1] * 8.0
    rgb = np.stack([0.5 + 0.45 * fbm(x, y, seed, octaves=5) for seed in (1, 2, 3)], axis=1)
    tile["sh"] = rgb_to_sh_dc(rgb)[:, None, :]
    return tile


def far_view(level: LodLevel, sse_px: float) -> Camera:
    """A 64x48 camera facing the wall from where `level` has a screen-space error of `sse_px`."""
    camera = Camera.from_fov(50.0, 64, 48, np.eye(4))
    distance = level.geometric_error * camera.K[1, 1] / sse_px
    centre = np.array([2.0, 2.0, 2.0])
    return camera.with_pose(look_at(centre + np.array([0.0, 0.0, distance]), centre))


def coarse_psnr(levels: list[LodLevel], k: int, sse_px: float) -> float:
    camera = far_view(levels[k], sse_px)
    fine = render(to_gaussians(levels[0]), camera, backend="cpu").rgb
    return psnr(render(to_gaussians(levels[k]), camera, backend="cpu").rgb, fine)


def test_a_coarse_level_renders_like_the_fine_one_where_its_error_is_a_pixel_and_worse_nearer():
    levels = lod(textured_wall(), min_splats=16)
    for k in (1, 2):
        at_one_px, at_16_px = coarse_psnr(levels, k, 1.0), coarse_psnr(levels, k, 16.0)
        assert at_one_px > 27.0
        assert at_16_px < at_one_px - 3.0  # the error in pixels predicts the loss


def test_spreading_saturated_clusters_renders_closer_to_the_fine_level_than_clamping():
    tile = textured_wall()
    spread, clamp = lod(tile, saturation="spread"), lod(tile, saturation="clamp")
    # Clamped merges are too narrow to meet their neighbours: dark seams once cells are pixels.
    assert coarse_psnr(spread, 1, 4.0) > coarse_psnr(clamp, 1, 4.0) + 5.0


# --- degenerate and bad inputs -----------------------------------------------------------------


def test_a_single_splat_is_its_own_only_level():
    tile = random_tile(1, seed=11)
    levels = lod(tile, min_splats=0)
    assert len(levels) == 1 and levels[0].geometric_error == 0.0
    np.testing.assert_array_equal(levels[0].means, tile["means"].astype(np.float32))
    assert levels[0].parent.tolist() == [-1]


def test_an_empty_tile_has_one_empty_level():
    tile = random_tile(0)
    levels = lod(tile)
    assert len(levels) == 1 and len(levels[0]) == 0 and levels[0].sh.shape == (0, 1, 3)


def test_identical_splats_merge_into_the_same_shape_at_the_same_place():
    one = random_tile(1, seed=12, logit=-4.0)
    tile = {k: np.repeat(v, 10, axis=0) for k, v in one.items()}
    for saturation in ("spread", "clamp"):
        levels = lod(tile, min_splats=1, saturation=saturation)
        assert [len(level) for level in levels] == [10, 1]
        merged = levels[1]
        np.testing.assert_allclose(merged.means[0], tile["means"][0], atol=1e-6)
        source = covariances(tile["quats"][:1], tile["log_scales"][:1])[0]
        got = covariances(merged.quats, merged.log_scales)[0]
        np.testing.assert_allclose(got, source, rtol=1e-4, atol=1e-4 * np.abs(source).max())
        assert level_mass(merged).sum() == pytest.approx(level_mass(levels[0]).sum(), rel=1e-4)
        assert levels[1].geometric_error == pytest.approx(0.0, abs=1e-6)


def test_huge_tiny_and_flat_scales_give_finite_unit_results():
    rng = np.random.default_rng(13)
    tile = random_tile(600, seed=13, sh_degree=3, logit=2.0)
    tile["log_scales"][:200] = rng.uniform(-30.0, -20.0, (200, 3))  # sub-nanometre
    tile["log_scales"][200:400] = rng.uniform(3.0, 8.0, (200, 3))  # tens of metres to kilometres
    tile["log_scales"][400:, 2] = -25.0  # flat discs
    for saturation in ("spread", "clamp"):
        for level in lod(tile, min_splats=1, saturation=saturation):
            assert np.all(np.isfinite(level.log_scales)) and np.all(
                np.isfinite(level.opacity_logits)
            )
            np.testing.assert_allclose(np.linalg.norm(level.quats, axis=1), 1.0, atol=1e-6)


def test_clusters_of_fully_transparent_splats_stay_transparent():
    tile = random_tile(500, seed=14)
    tile["opacity_logits"][:] = -1e4  # sigmoid underflows to exactly 0: every weight is 0
    levels = lod(tile, min_splats=1)
    assert len(levels) >= 3
    for level in levels[1:]:
        alpha = 1.0 / (1.0 + np.exp(-level.opacity_logits.astype(np.float64)))
        assert np.all(alpha < 1e3 * ALPHA_FLOOR)  # the floor's mass, merged again, and no more
        assert np.all(np.isfinite(level.means)) and np.all(np.isfinite(level.log_scales))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["means"].__setitem__((3, 1), np.nan), "non-finite"),
        (lambda t: t.__setitem__("quats", t["quats"][:-1]), "rows"),
        (lambda t: t.__setitem__("sh", np.zeros((len(t["means"]), 5, 3))), "degree"),
        (lambda t: t["log_scales"].__setitem__((0, 0), 100.0), "log_scales"),
    ],
)
def test_bad_inputs_raise_a_value_error_that_names_the_problem(change, message):
    tile = random_tile(100, seed=15)
    change(tile)
    with pytest.raises(ValueError, match=message):
        lod(tile)


def test_bad_boxes_and_options_raise_value_errors():
    tile = random_tile(100, seed=16)
    with pytest.raises(ValueError, match="exceed"):
        build_lod(**tile, box_min=BOX_MAX, box_max=BOX_MIN)
    with pytest.raises(ValueError, match="saturation"):
        lod(tile, saturation="drop")
    with pytest.raises(ValueError, match="max_ratio"):
        lod(tile, max_ratio=1.0)
    for fill_sigma in (-0.1, float("nan"), 5.0):
        with pytest.raises(ValueError, match="fill_sigma"):
            lod(tile, fill_sigma=fill_sigma)
