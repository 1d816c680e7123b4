"""Exemplar inpainting: the multi-scale PatchMatch fast path and its exhaustive reference."""

from __future__ import annotations

import numpy as np
import pytest

from worldstream.generate.inpaint import (
    NO_MATCH,
    Source,
    inpaint,
    onion_fill,
    patch_distances,
    patch_ok,
    source_list,
    target_patches,
    vote,
)
from worldstream.generate.inpaint_reference import (
    exhaustive_nnf,
    inpaint_reference,
    onion_fill_reference,
    patch_distances_reference,
    vote_reference,
)

H, W = 48, 64


def checker(h: int, w: int, period: int, a=(0.9, 0.2, 0.1), b=(0.1, 0.3, 0.8)) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w]
    on = ((yy // (period // 2)) + (xx // (period // 2))) % 2 == 1
    return np.where(on[..., None], np.float32(a), np.float32(b)).astype(np.float32)


def stripes(h: int, w: int, period: int, axis: int, a=(0.95, 0.9, 0.2), b=(0.2, 0.6, 0.3)):
    coord = np.mgrid[:h, :w][axis]
    on = (coord % period) < period // 2
    return np.where(on[..., None], np.float32(a), np.float32(b)).astype(np.float32)


def box(h: int, w: int, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
    mask = np.zeros((h, w), bool)
    mask[y0:y1, x0:x1] = True
    return mask


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10 * np.log10(1.0 / max(float(((a - b) ** 2).mean()), 1e-12)))


def all_valid(rgb: np.ndarray) -> Source:
    return Source(rgb, np.ones(rgb.shape[:2], bool))


def random_nnf(hole: np.ndarray, sources: list[Source], patch: int, seed: int) -> np.ndarray:
    """A random admissible match for every target patch (source 0's validity from the hole)."""
    rng = np.random.default_rng(seed)
    r = patch // 2
    centres = [
        np.argwhere(patch_ok(~hole if i == 0 else s.valid, r)) for i, s in enumerate(sources)
    ]
    usable = [i for i, c in enumerate(centres) if len(c)]
    nnf = np.full((*hole.shape, 3), NO_MATCH, np.int32)
    for y, x in np.argwhere(target_patches(hole, r)):
        s = usable[rng.integers(len(usable))]
        nnf[y, x] = (s, *centres[s][rng.integers(len(centres[s]))])
    return nnf


def assert_matches_are_admissible(result, hole, sources, guide=None, patch=7) -> None:
    everything = source_list(np.zeros((*hole.shape, 3), np.float32), hole, sources, guide)
    active = target_patches(hole, patch // 2)
    assert (result.nnf[active] >= 0).all()
    assert (result.nnf[~active] == NO_MATCH).all()
    for s, sy, sx in result.nnf[active]:
        valid = ~hole if s == 0 else everything[s].valid
        assert patch_ok(valid, patch // 2)[sy, sx], (s, sy, sx)


def test_known_pixels_are_returned_bit_for_bit() -> None:
    rng = np.random.default_rng(1)
    target = rng.random((H, W, 3), dtype=np.float32)
    hole = rng.random((H, W)) < 0.2
    hole |= box(H, W, 10, 30, 20, 44)
    result = inpaint(target, hole, [all_valid(rng.random((40, 50, 3), dtype=np.float32))])
    assert np.array_equal(result.rgb[~hole], target[~hole])
    assert (result.source_of[~hole] == NO_MATCH).all()
    assert (result.source_of[hole] >= 0).all()
    assert np.isfinite(result.rgb).all()


def test_a_checker_continues_through_the_hole_with_its_period() -> None:
    truth = checker(H, W, period=8)
    hole = box(H, W, 14, 34, 22, 42)
    target = np.where(hole[..., None], 0.0, truth).astype(np.float32)
    result = inpaint(target, hole, [])
    assert psnr(result.rgb[hole], truth[hole]) > 30.0


def test_stripes_continue_across_a_border_band() -> None:
    truth = stripes(H, W, period=6, axis=1)
    hole = box(H, W, 0, H, 40, W)  # a border band, as when the camera turns
    target = np.where(hole[..., None], 0.0, truth).astype(np.float32)
    result = inpaint(target, hole, [], seed=3)
    assert psnr(result.rgb[hole], truth[hole]) > 30.0


def test_sources_smaller_and_larger_than_the_target_each_fill_their_part() -> None:
    # Nothing of the target is known; its guide says top (label 0) or bottom (label 1). A small
    # frame shows only top, a large one only bottom, each with its own texture.
    top = np.mgrid[:H, :W][0] < 20
    guide = np.stack([top, ~top], -1).astype(np.float32)
    small = stripes(20, 30, period=4, axis=1, a=(0.9, 0.2, 0.2), b=(0.7, 0.1, 0.1))
    large = checker(90, 120, period=6, a=(0.1, 0.2, 0.9), b=(0.2, 0.3, 0.6))
    sources = [
        Source(small, np.ones((20, 30), bool), np.tile(np.float32([1, 0]), (20, 30, 1))),
        Source(large, np.ones((90, 120), bool), np.tile(np.float32([0, 1]), (90, 120, 1))),
    ]
    hole = np.ones((H, W), bool)
    result = inpaint(np.zeros((H, W, 3), np.float32), hole, sources, guide=guide, guide_weight=4)
    inner_top, inner_bottom = top.copy(), ~top
    inner_top[16:] = False  # away from the seam, where patches straddle both labels
    inner_bottom[:24] = False
    assert (result.source_of[inner_top] == 1).all()
    assert (result.source_of[inner_bottom] == 2).all()
    assert result.rgb[inner_top][:, 0].min() > 0.6  # red stripes
    assert result.rgb[inner_bottom][:, 2].min() > 0.55  # blue checks
    assert_matches_are_admissible(result, hole, sources, guide)


def test_a_hole_ringed_by_a_texture_the_target_lacks_takes_it_from_the_retrieved_frame() -> None:
    # The target shows texture B only as a 3-pixel ring around the hole, too thin for one whole
    # patch: its own known region offers texture A only. The retrieved frame is all B.
    texture_a = stripes(H, W, period=6, axis=0, a=(0.9, 0.1, 0.1), b=(0.6, 0.1, 0.1))
    texture_b = checker(H, W, period=4, a=(0.1, 0.9, 0.2), b=(0.1, 0.4, 0.9))
    ring = box(H, W, 8, 40, 14, 50)
    hole = box(H, W, 11, 37, 17, 47)
    target = np.where(ring[..., None], texture_b, texture_a)
    target[hole] = 0.0
    frame = checker(36, 56, period=4, a=(0.1, 0.9, 0.2), b=(0.1, 0.4, 0.9))
    result = inpaint(target, hole, [all_valid(frame)])
    assert (result.source_of[hole] == 1).mean() > 0.95
    filled = result.rgb[hole]
    # Texture B has no red, A is mostly red; B's green/blue balance is kept.
    assert filled[:, 0].mean() < 0.15
    assert np.allclose(filled.mean(axis=0), texture_b[hole].mean(axis=0), atol=0.05)


def wall_and_floor() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(truth, hole, guide, floor mask): a wall above a floor; inside the hole (a band at the
    right) the floor starts 10 rows higher than in the known part, as past a corner."""
    yy, xx = np.mgrid[:H, :W]
    band = xx >= 40
    floor = np.where(band, yy >= 20, yy >= 30)
    wall_texture = stripes(H, W, period=6, axis=1, a=(0.8, 0.7, 0.6), b=(0.6, 0.5, 0.4))
    floor_texture = checker(H, W, period=8, a=(0.2, 0.2, 0.25), b=(0.4, 0.4, 0.45))
    truth = np.where(floor[..., None], floor_texture, wall_texture)
    guide = np.stack([floor, ~floor], axis=-1).astype(np.float32)
    return truth, band, guide, floor


def floor_agreement(rgb: np.ndarray, hole: np.ndarray, floor: np.ndarray) -> float:
    """Fraction of hole pixels whose colour is closer to the floor's greys than the wall's."""
    floor_grey = np.array([0.3, 0.3, 0.35])
    wall_tan = np.array([0.7, 0.6, 0.5])
    near_floor = ((rgb - floor_grey) ** 2).sum(-1) < ((rgb - wall_tan) ** 2).sum(-1)
    return float((near_floor == floor)[hole].mean())


def test_a_guide_keeps_floor_on_the_floor_and_wall_on_the_wall() -> None:
    truth, hole, guide, floor = wall_and_floor()
    target = np.where(hole[..., None], 0.0, truth).astype(np.float32)
    guided = inpaint(target, hole, [], guide=guide, guide_weight=4.0)
    unguided = inpaint(target, hole, [])
    assert floor_agreement(guided.rgb, hole, floor) > 0.95
    # Without the guide the floor line continues straight, at the wrong height.
    assert floor_agreement(unguided.rgb, hole, floor) < 0.9


def test_a_fixed_seed_gives_the_same_completion() -> None:
    rng = np.random.default_rng(5)
    target = rng.random((H, W, 3), dtype=np.float32)
    hole = box(H, W, 5, 30, 10, 50)
    frames = [all_valid(rng.random((H, W, 3), dtype=np.float32)) for _ in range(2)]
    first = inpaint(target, hole, frames, seed=11)
    again = inpaint(target, hole, frames, seed=11)
    other = inpaint(target, hole, frames, seed=12)
    assert np.array_equal(first.rgb, again.rgb)
    assert np.array_equal(first.nnf, again.nnf)
    assert not np.array_equal(first.nnf, other.nnf)


def test_an_empty_hole_returns_the_input() -> None:
    target = checker(H, W, period=8)
    result = inpaint(target, np.zeros((H, W), bool), [all_valid(target)])
    assert np.array_equal(result.rgb, target)
    assert (result.source_of == NO_MATCH).all() and (result.nnf == NO_MATCH).all()


def test_a_hole_covering_the_whole_target_is_filled_from_its_one_source() -> None:
    frame = stripes(40, 40, period=8, axis=0)
    hole = np.ones((H, W), bool)
    result = inpaint(np.zeros((H, W, 3), np.float32), hole, [all_valid(frame)])
    assert (result.source_of == 1).all()
    # Every colour in the result is (close to) one of the two stripe colours or a blend of them.
    colours = np.unique(frame.reshape(-1, 3), axis=0)
    assert np.allclose(result.rgb.mean(axis=(0, 1)), frame.mean(axis=(0, 1)), atol=0.1)
    a, b = colours
    t = ((result.rgb - b) @ (a - b)) / ((a - b) @ (a - b))
    blend = b + t[..., None] * (a - b)
    assert np.abs(result.rgb - blend).max() < 1e-4
    assert_matches_are_admissible(result, hole, [all_valid(frame)])


def test_invalid_source_pixels_are_never_copied() -> None:
    truth = checker(H, W, period=8)
    hole = box(H, W, 10, 38, 20, 44)
    target = np.where(hole[..., None], np.nan, truth).astype(np.float32)  # NaN in the hole
    frame = checker(H, W, period=8)
    valid = np.ones((H, W), bool)
    valid[:, ::5] = False  # no fully valid patch crosses these columns...
    valid[:, 30:] = True  # ...except on the right half
    frame[~valid] = np.nan
    sources = [Source(frame, valid)]
    result = inpaint(target, hole, sources)
    assert np.isfinite(result.rgb).all()
    assert_matches_are_admissible(result, hole, sources)


def test_matches_of_sources_with_holes_are_all_fully_valid_patches() -> None:
    rng = np.random.default_rng(2)
    truth = stripes(H, W, period=5, axis=0)
    hole = rng.random((H, W)) < 0.15
    target = np.where(hole[..., None], 0.0, truth).astype(np.float32)
    sources = []
    for h, w in ((30, 70), (60, 40)):
        frame = stripes(h, w, period=5, axis=0)
        sources.append(Source(frame, rng.random((h, w)) > 0.01))
    result = inpaint(target, hole, sources, patch=5)
    assert_matches_are_admissible(result, hole, sources, patch=5)
    ref = inpaint_reference(target[:24, :32], hole[:24, :32], sources, patch=5, iterations=2)
    assert_matches_are_admissible(ref, hole[:24, :32], sources, patch=5)


def test_fast_search_is_within_1_5x_of_the_exhaustive_minimum() -> None:
    rng = np.random.default_rng(7)
    h, w = 48, 56  # two pyramid levels
    yy, xx = np.mgrid[:h, :w]
    # A smooth, non-periodic image: patch distances have one clear minimum, never zero.
    truth = np.stack(
        [np.sin(xx / 4.0 + yy / 9.0), np.cos(yy / 5.0 - xx / 13.0), np.sin((xx * yy) / 60.0)], -1
    )
    truth = (0.5 + 0.4 * truth + 0.03 * rng.standard_normal((h, w, 3))).astype(np.float32)
    hole = box(h, w, 12, 34, 16, 40)
    target = np.where(hole[..., None], 0.0, truth).astype(np.float32)
    frame = np.roll(truth, (3, 5), axis=(0, 1))[:40, :50].copy()
    sources = [all_valid(frame)]
    everything = source_list(target, hole, sources, None)
    for seed in range(2):
        fast = inpaint(target, hole, sources, patch=5, seed=seed)
        assert fast.levels == 2
        _, exact = exhaustive_nnf(fast.rgb, hole, everything, patch=5)
        active = target_patches(hole, 2)
        assert (fast.distance[active] >= exact[active] - 1e-4).all()  # exact is a lower bound
        assert fast.distance[active].mean() <= 1.5 * exact[active].mean() + 1e-6
    reference = inpaint_reference(target, hole, sources, patch=5, iterations=2)
    assert fast.mean_distance <= 1.5 * reference.mean_distance + 1e-3


def test_the_reference_completion_restores_a_periodic_texture() -> None:
    truth = checker(24, 32, period=6)
    hole = box(24, 32, 8, 16, 10, 22)
    target = np.where(hole[..., None], 0.0, truth).astype(np.float32)
    result = inpaint_reference(target, hole, [], patch=5, iterations=3)
    assert psnr(result.rgb[hole], truth[hole]) > 30.0
    assert np.array_equal(result.rgb[~hole], target[~hole])


def small_case(seed: int, with_guide: bool):
    rng = np.random.default_rng(seed)
    image = rng.random((20, 26, 3), dtype=np.float32)
    hole = box(20, 26, 5, 14, 6, 19) | (rng.random((20, 26)) < 0.05)
    guide = rng.random((20, 26, 2), dtype=np.float32) if with_guide else None
    sources = [
        Source(
            rng.random((h, w, 3), dtype=np.float32),
            rng.random((h, w)) > 0.02,
            rng.random((h, w, 2), dtype=np.float32) if with_guide else None,
        )
        for h, w in ((17, 30), (24, 12))
    ]
    return image, hole, source_list(image, hole, sources, guide)


@pytest.mark.parametrize("with_guide", [False, True])
def test_fast_patch_distances_equal_the_reference(with_guide: bool) -> None:
    image, hole, everything = small_case(3, with_guide)
    nnf = random_nnf(hole, everything, 5, seed=4)
    fast = patch_distances(image, hole, everything, nnf, patch=5, guide_weight=2.5)
    slow = patch_distances_reference(image, hole, everything, nnf, patch=5, guide_weight=2.5)
    assert np.array_equal(np.isnan(fast), np.isnan(slow))
    assert np.allclose(fast, slow, rtol=1e-5, atol=1e-5, equal_nan=True)


def test_fast_vote_equals_the_reference() -> None:
    image, hole, everything = small_case(8, False)
    nnf = random_nnf(hole, everything, 5, seed=9)
    weight = np.random.default_rng(10).random(hole.shape)
    fast = vote(image, hole, everything, nnf, weight, patch=5)
    slow = vote_reference(image, hole, everything, nnf, weight, patch=5)
    assert np.allclose(fast, slow, atol=1e-6)
    assert np.array_equal(fast[~hole], image[~hole])


def test_fast_onion_fill_equals_the_reference() -> None:
    rng = np.random.default_rng(12)
    image = rng.random((18, 22, 3), dtype=np.float32)
    hole = box(18, 22, 3, 15, 4, 20) | (rng.random((18, 22)) < 0.1)
    fallback = np.full(3, 0.5, np.float32)
    fast = onion_fill(image, hole, fallback)
    assert np.allclose(fast, onion_fill_reference(image, hole, fallback), atol=1e-6)
    everything = onion_fill(image, np.ones_like(hole), fallback)
    assert np.array_equal(everything, np.broadcast_to(fallback, image.shape))


def test_malformed_inputs_are_refused_with_a_reason() -> None:
    target = checker(H, W, period=8)
    hole = box(H, W, 10, 20, 10, 20)
    guide = np.zeros((H, W, 1), np.float32)
    with pytest.raises(ValueError, match="odd"):
        inpaint(target, hole, [], patch=6)
    with pytest.raises(ValueError, match="guide"):
        inpaint(target, hole, [all_valid(target)], guide=guide)
    broken = target.copy()
    broken[0, 0, 1] = np.nan  # a known pixel
    with pytest.raises(ValueError, match="non-finite"):
        inpaint(broken, hole, [])
    with pytest.raises(ValueError, match="float"):
        inpaint(target, hole, [all_valid((target * 255).astype(np.uint8))])
    with pytest.raises(ValueError, match="bool"):
        inpaint(target, hole.astype(np.uint8), [])
    with pytest.raises(ValueError, match="fully valid"):
        inpaint(target, np.ones((H, W), bool), [Source(target, np.zeros((H, W), bool))])
