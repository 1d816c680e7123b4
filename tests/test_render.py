"""render/: the fast CPU path against the numpy reference, and the behaviour every backend owes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.gaussians import Gaussians, rgb_to_sh_dc
from worldstream.render import (
    Renderer,
    RenderResult,
    available_backends,
    cuda_available,
    get_renderer,
    render,
    render_cpu,
    render_reference,
)

# Both CPU paths do the same float64 maths in the same order; what is left is libm rounding.
FAST_VS_REFERENCE_ATOL = 1e-4
# gsplat works in float32 and shades whole tiles (a faint fringe beyond our 3-sigma square).
CUDA_VS_CPU_MEAN_ATOL = 5e-3
CUDA_VS_CPU_MAX_ATOL = 0.1


def camera(width: int = 64, height: int = 48, eye=(0.0, 0.0, 0.0)) -> Camera:
    """Looking down +z from `eye`, 60 degree vertical field of view."""
    return Camera.from_fov(60.0, width, height, look_at(eye, np.add(eye, (0.0, 0.0, 1.0))))


def random_splats(n: int, seed: int, sh_degree: int = 0) -> Gaussians:
    """n splats in and around the view of `camera()`, between 0.5 and 6 m."""
    rng = np.random.default_rng(seed)
    z = rng.uniform(0.5, 6.0, n)
    means = np.stack([rng.uniform(-1, 1, n) * z * 0.9, rng.uniform(-1, 1, n) * z * 0.7, z], 1)
    sh = rng.normal(0.0, 0.4, (n, (sh_degree + 1) ** 2, 3))
    sh[:, 0] = rng.normal(0.0, 1.2, (n, 3))
    return Gaussians.from_numpy(
        {
            "means": means,
            "quats": rng.normal(size=(n, 4)),
            "log_scales": rng.uniform(math.log(0.01), math.log(0.3), (n, 3)),
            "opacity_logits": rng.normal(0.0, 2.0, n),
            "sh": sh,
        }
    )


def splat(position, rgb, scale: float = 0.5, opacity_logit: float = 10.0) -> Gaussians:
    return Gaussians.from_numpy(
        {
            "means": np.array([position]),
            "quats": np.array([[1.0, 0.0, 0.0, 0.0]]),
            "log_scales": np.full((1, 3), math.log(scale)),
            "opacity_logits": np.array([opacity_logit]),
            "sh": rgb_to_sh_dc(np.array([rgb]))[:, None, :],
        }
    )


def assert_close(a: RenderResult, b: RenderResult, atol: float) -> None:
    np.testing.assert_allclose(a.rgb, b.rgb, rtol=0, atol=atol)
    np.testing.assert_allclose(a.alpha, b.alpha, rtol=0, atol=atol)
    np.testing.assert_allclose(a.depth, b.depth, rtol=atol, atol=atol)


@pytest.mark.parametrize(
    ("seed", "sh_degree", "size"),
    [(0, 0, (64, 48)), (1, 1, (64, 48)), (2, 3, (64, 48)), (3, 0, (70, 45)), (4, 2, (33, 17))],
)
def test_fast_cpu_renderer_matches_reference_on_random_splats(seed, sh_degree, size):
    gaussians = random_splats(300, seed, sh_degree)
    cam = camera(*size)
    fast = render_cpu(gaussians, cam, background=(0.2, 0.4, 0.6))
    ref = render_reference(gaussians, cam, background=(0.2, 0.4, 0.6))
    assert fast.rgb.shape == (size[1], size[0], 3) and fast.rgb.dtype == np.float32
    assert fast.depth.shape == fast.alpha.shape == (size[1], size[0])
    assert 0.05 < float(ref.alpha.mean()) < 0.999, "the scene should be neither empty nor solid"
    assert_close(fast, ref, FAST_VS_REFERENCE_ATOL)


def test_fast_cpu_renderer_matches_reference_near_the_camera_with_an_off_centre_principal_point():
    # Close splats have screen radii larger than the image and lean on the Jacobian's FOV clip.
    gaussians = random_splats(300, seed=10, sh_degree=2)
    rng = np.random.default_rng(10)
    close = rng.choice(300, 100, replace=False)
    gaussians.means[close, 2] = torch.from_numpy(rng.uniform(0.0, 0.6, 100).astype(np.float32))
    gaussians.means[close, 0] *= 3.0
    K = np.array([[50.0, 0.0, 20.0], [0.0, 45.0, 30.0], [0.0, 0.0, 1.0]])
    cam = Camera(K, look_at((0.0, 0.0, 0.0), (0.0, 0.0, 1.0)), 70, 45)
    fast = render_cpu(gaussians, cam, background=(0.3, 0.3, 0.3))
    ref = render_reference(gaussians, cam, background=(0.3, 0.3, 0.3))
    assert_close(fast, ref, FAST_VS_REFERENCE_ATOL)


def test_fast_cpu_renderer_matches_reference_when_splats_tie_in_depth():
    # A flat billboard: every splat at z = 3, so only the tie-break orders them.
    gaussians = random_splats(200, seed=5)
    gaussians.means[:, 2] = 3.0
    assert_close(render_cpu(gaussians, camera()), render_reference(gaussians, camera()), 1e-4)


def test_tile_batching_under_a_small_entry_budget_gives_the_same_image():
    gaussians = random_splats(300, seed=6)
    cam = camera(70, 45)
    whole = render_cpu(gaussians, cam)
    batched = render_cpu(gaussians, cam, max_entries=50)  # far less than one tile's list
    np.testing.assert_array_equal(whole.rgb, batched.rgb)
    np.testing.assert_array_equal(whole.depth, batched.depth)
    np.testing.assert_array_equal(whole.alpha, batched.alpha)


@pytest.mark.parametrize("backend", ["cpu", "reference"])
def test_an_opaque_splat_in_front_hides_one_behind(backend):
    cam = camera()
    front = splat((0.0, 0.0, 2.0), (1.0, 0.0, 0.0))
    back = splat((0.0, 0.0, 4.0), (0.0, 1.0, 0.0))
    centre = (cam.height // 2, cam.width // 2)
    outs = [
        render(gaussians, cam, background=(0.0, 0.0, 1.0), backend=backend)
        for gaussians in (Gaussians.concat([front, back]), Gaussians.concat([back, front]))
    ]
    np.testing.assert_array_equal(outs[0].rgb, outs[1].rgb)  # input order does not matter
    out = outs[0]
    # alpha caps at 0.99, so at most 1% of the light reaches the back splat and the background.
    red, green, blue = out.rgb[centre]
    assert red == pytest.approx(0.99, abs=1e-3)
    assert green <= 0.0101 and blue <= 0.0101
    assert out.depth[centre] == pytest.approx(2.0, abs=0.021)
    assert out.alpha[centre] >= 0.99


@pytest.mark.parametrize("backend", ["cpu", "reference"])
def test_empty_input_gives_zero_alpha_and_the_background_colour(backend):
    cam = camera()
    out = render(Gaussians.empty(), cam, background=(0.25, 0.5, 0.75), backend=backend)
    assert out.rgb.shape == (48, 64, 3)
    np.testing.assert_array_equal(out.alpha, 0.0)
    np.testing.assert_array_equal(out.depth, 0.0)
    np.testing.assert_allclose(out.rgb, np.broadcast_to((0.25, 0.5, 0.75), (48, 64, 3)))


@pytest.mark.parametrize("backend", ["cpu", "reference"])
def test_splats_behind_the_camera_or_inside_the_near_plane_are_ignored(backend):
    cam = camera()
    behind = Gaussians.concat(
        [splat((0.0, 0.0, -1.0), (1, 1, 1)), splat((0.0, 0.0, 0.005), (1, 1, 1), scale=0.001)]
    )
    out = render(behind, cam, background=(0.1, 0.2, 0.3), backend=backend)
    np.testing.assert_array_equal(out.alpha, 0.0)
    np.testing.assert_allclose(out.rgb[0, 0], (0.1, 0.2, 0.3), atol=1e-7)

    scene = random_splats(150, seed=7)
    mirrored = random_splats(100, seed=70)
    mirrored.means[:, 2] *= -1.0  # the same kind of splats, behind the camera
    with_behind = Gaussians.concat([mirrored, scene])
    a = render(scene, cam, backend=backend)
    b = render(with_behind, cam, backend=backend)
    np.testing.assert_array_equal(a.rgb, b.rgb)
    np.testing.assert_array_equal(a.alpha, b.alpha)


def test_splats_entirely_off_screen_are_ignored():
    cam = camera()
    off = [splat((40.0, 0.0, 5.0), (1, 1, 1)), splat((0.0, -40.0, 5.0), (1, 1, 1))]
    np.testing.assert_array_equal(render_reference(Gaussians.concat(off), cam).alpha, 0.0)
    off = Gaussians.concat(off)
    np.testing.assert_array_equal(render_cpu(off, cam).alpha, 0.0)


def test_alpha_never_exceeds_one_and_colour_stays_in_range():
    gaussians = random_splats(2000, seed=8, sh_degree=3)
    gaussians.sh[:, 0] *= 5.0  # colours far outside [0, 1] before clipping
    gaussians.opacity_logits += 6.0  # nearly opaque
    out = render_cpu(gaussians, camera(), background=(1.0, 1.0, 1.0))
    assert float(out.alpha.max()) <= 1.0 and float(out.alpha.min()) >= 0.0
    assert float(out.alpha.max()) > 0.999
    assert float(out.rgb.max()) <= 1.0 and float(out.rgb.min()) >= 0.0
    assert np.all(np.isfinite(out.depth))


def test_depth_is_the_expected_z_of_what_the_pixel_sees():
    cam = camera()
    out = render_cpu(splat((0.3, 0.1, 3.0), (0.5, 0.5, 0.5), scale=2.0, opacity_logit=0.0), cam)
    seen = out.alpha > 0
    assert seen.all(), "a 2 m splat at 3 m covers the whole view"
    np.testing.assert_allclose(out.depth[seen], 3.0, atol=1e-5)


def test_renderers_follow_the_protocol_and_auto_picks_an_available_backend():
    assert available_backends()[-2:] == ["cpu", "reference"]
    assert isinstance(get_renderer("cpu"), Renderer)
    assert isinstance(get_renderer("reference"), Renderer)
    assert get_renderer("auto").name == ("cuda" if cuda_available() else "cpu")
    with pytest.raises(ValueError, match="unknown render backend"):
        render(Gaussians.empty(), camera(), backend="vulkan")


def test_importing_render_does_not_import_gsplat():
    import subprocess
    import sys

    code = "import sys, worldstream.render; print('gsplat' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(not cuda_available(), reason="needs CUDA and gsplat")
def test_cuda_renderer_agrees_with_the_cpu_renderer():
    gaussians = random_splats(400, seed=9, sh_degree=3)
    cam = camera(128, 96)
    gpu = render(gaussians, cam, background=(0.2, 0.4, 0.6), backend="cuda")
    cpu = render_cpu(gaussians, cam, background=(0.2, 0.4, 0.6))
    for name in ("rgb", "alpha"):
        diff = np.abs(getattr(gpu, name) - getattr(cpu, name))
        assert float(diff.mean()) < CUDA_VS_CPU_MEAN_ATOL, name
        assert float(diff.max()) < CUDA_VS_CPU_MAX_ATOL, name
    solid = (gpu.alpha > 0.5) & (cpu.alpha > 0.5)
    np.testing.assert_allclose(gpu.depth[solid], cpu.depth[solid], rtol=1e-2)


def test_cuda_renderer_hands_gsplat_the_camera_sh_and_background_it_expects(monkeypatch):
    # Runs without a GPU: a stand-in gsplat records the call and returns a fixed image.
    import sys
    import types

    from worldstream.render import cuda as cuda_module

    calls: dict = {}

    def rasterization(**kwargs):
        calls.update(kwargs)
        h, w = kwargs["height"], kwargs["width"]
        colors = torch.full((1, h, w, 4), 1.5)  # colour beyond 1, expected depth 1.5
        alphas = torch.zeros((1, h, w, 1))
        alphas[:, :, : w // 2] = 0.5
        return colors, alphas, {}

    fake = types.ModuleType("gsplat")
    fake.rasterization = rasterization
    monkeypatch.setitem(sys.modules, "gsplat", fake)
    monkeypatch.setattr(cuda_module, "cuda_available", lambda: True)

    gaussians = random_splats(10, seed=11, sh_degree=0)
    gaussians.sh = torch.randn(10, 25, 3)  # degree 4: bands above 3 are dropped
    cam = camera()
    out = cuda_module.CudaRenderer(device="cpu").render(gaussians, cam, (0.1, 0.2, 0.3))

    assert calls["render_mode"] == "RGB+ED" and calls["sh_degree"] == 3
    assert tuple(calls["colors"].shape) == (10, 16, 3)
    np.testing.assert_allclose(calls["viewmats"][0].numpy(), cam.world_to_camera, atol=1e-6)
    np.testing.assert_allclose(calls["Ks"][0].numpy(), cam.K, atol=1e-4)
    np.testing.assert_allclose(calls["backgrounds"].numpy(), [[0.1, 0.2, 0.3]], atol=1e-7)
    torch.testing.assert_close(calls["scales"], gaussians.log_scales.exp())
    torch.testing.assert_close(calls["opacities"], gaussians.opacity_logits.sigmoid())
    assert (calls["width"], calls["height"]) == (64, 48)
    np.testing.assert_array_equal(out.rgb, 1.0)  # clipped to [0, 1]
    np.testing.assert_array_equal(out.depth[:, :32], 1.5)
    np.testing.assert_array_equal(out.depth[:, 32:], 0.0)  # no alpha, no depth
    np.testing.assert_array_equal(out.alpha[:, :32], 0.5)
