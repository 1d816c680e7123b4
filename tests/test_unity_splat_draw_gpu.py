"""The Unity package's splat draw, executed where no GPU exists, against the server's own picture.

A world is created from a photo as the server creates one; its tiles are encoded for a Unity
session (QUANTIZED_V1, converted to Unity's frame server-side); the engine-free core decodes,
pools, packs and orders them under Mono as PooledSplatRenderer does (unity_client/Tests/Gpu~/
DrawScene.cs); glslang compiles WorldStreamSplats.shader's vertex and fragment programs as Unity
does for Vulkan (tests/shader_check); tests/vulkan_host/draw_host.c draws them on lavapipe as
instanced quads with the pass's own blend and depth state and the globals PooledSplatRenderer
sets, with UNITY_MATRIX_P as GL.GetGPUProjectionMatrix gives it on a reversed-Z API. The picture
must match the server's CPU renderer at the camera the Unity camera was converted from. A
linear-space project's built-in path is drawn as its command buffer records it: the splat pass
into a half-float target (GetTemporaryRT's ARGBHalf, cleared to nothing, sharing the camera's
depth), then the shader's composite pass over the camera's target, reading that target.

Modelled, not taken from Unity: the GPU projection (the manual's reversed-Z clip range [near, 0]
and a y flip into render textures, the composite's target included), ZTest LEqual compared as
GEqual on a reversed-Z depth buffer, Direct3D's y-up NDC (a negative-height Vulkan viewport),
and _TexelSize (1, 1, 1, 1) for a camera target that is the back buffer. Unity's own shader
compiler (HLSLcc/DXC) and the D3D11, D3D12 and Metal back ends are not run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from shader_check import unity
from splat_draw import host as draw_host
from splat_draw import unity_scenes
from splat_draw.images import (
    eight_bit,
    linear_to_display,
    preview_dir,
    psnr,
    save_side_by_side,
    ssim,
)
from splat_draw.stages import Stage, compile_stage, f32
from splat_draw.world import FADE, camera, linear_light, reference, seams, seeded_world
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame, camera_to_engine, quat_wxyz_to_matrix
from worldstream.render import render_cpu_view

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "unity_client"
SHADER = PACKAGE / "Runtime" / "Shaders" / "Resources" / "WorldStreamSplats.shader"
RENDERER = PACKAGE / "Runtime" / "Rendering" / "PooledSplatRenderer.cs"
GPU_TESTS = PACKAGE / "Tests" / "Gpu~"
# Unity's Camera defaults (nearClipPlane 0.3, farClipPlane 1000).
NEAR, FAR = 0.3, 1000.0

# Measured on lavapipe (Mesa 22.3.6, llvmpipe), 128 x 96: the gamma-space draw 49.6 dB (SSIM
# 0.998), the same into a render texture 49.6 dB, behind a wall 50.8 dB, on the pixels where
# tiles meet 47.3 dB; a linear project's composite 54.7 dB (SSIM 0.9996) into a half-float
# render texture and into the sRGB back buffer alike, behind a wall 54.4 dB; without the
# composite the linear path 45.7 dB (sRGB target) and 56.7 dB (half float) against linear-light
# blending. What remains is mostly an 8-bit target's rounding at every blend (the half-float
# targets reach 54.7 and 56.7 dB); the QUANTIZED_V1 payload against the world's float32
# Gaussians alone measures 58.1 dB. The controls measure 9.0 dB (a transposed projection),
# 10.1 dB (upside down; the composite not flipped back into the back buffer alike), 11.6 dB
# (straight alpha), 26.7 dB (front-to-back order), where tiles meet 29.9 and 33.3 dB (each
# tile sorted alone), and linear-light blending against the trained look 29.0 dB. 40 dB is
# 7.3 dB under the lowest draw and 6.7 dB over the best control; controls must stay 3 dB under.
MIN_PSNR = 40.0
MIN_SSIM = 0.99
# Linear-light blending (no composite) against the trained look: measured 29.0 dB (SSIM 0.961)
# into an sRGB target, 29.4 dB into a half-float one: under MIN_PSNR - 3 dB, as a control; the
# floor only catches a linear path gone further wrong.
LINEAR_VS_TRAINED_MIN_PSNR = 26.0
# Over a background of this display value the composite measures 35.2 dB against the trained
# look and linear-light blending 32.2 dB: a partly covered pixel mixes the background in linear
# light there, where 3DGS mixes display values. (Decoding the unpremultiplied colour instead,
# rgb / alpha, measured 32.1 dB over black.)
GREY = 0.5

pytestmark = pytest.mark.skipif(
    draw_host.missing_tools() is not None
    or shutil.which("mcs") is None
    or shutil.which("mono") is None,
    reason=str(draw_host.missing_tools() or "Mono (mcs, mono) is not installed"),
)


@dataclass
class UnityCamera:
    """A Camera component as Unity would hold the converted pose: transform axes and matrices."""

    position: np.ndarray
    right: np.ndarray
    up: np.ndarray
    forward: np.ndarray
    projection: np.ndarray  # Camera.projectionMatrix: OpenGL convention, column vectors
    world_to_camera: np.ndarray  # Camera.worldToCameraMatrix: right-handed, -z forward
    width: int
    height: int

    @classmethod
    def of(cls, cam: Camera) -> UnityCamera:
        position, (x, y, z, w) = camera_to_engine(cam, EngineFrame.UNITY)
        # transform.right/up/forward: the rotation applied to Unity's local x, y and z.
        rotation = quat_wxyz_to_matrix(np.array([w, x, y, z]))[0]
        f = 1.0 / np.tan(np.radians(cam.fov_y_degrees) / 2.0)
        aspect = cam.width / cam.height
        # Matrix4x4.Perspective(fieldOfView, aspect, near, far), OpenGL's gluPerspective.
        projection = np.array(
            [
                [f / aspect, 0, 0, 0],
                [0, f, 0, 0],
                [0, 0, -(FAR + NEAR) / (FAR - NEAR), -2 * FAR * NEAR / (FAR - NEAR)],
                [0, 0, -1, 0],
            ]
        )
        view = np.eye(4)
        view[:3, :3] = np.diag([1.0, 1.0, -1.0]) @ rotation.T
        view[:3, 3] = -view[:3, :3] @ position
        return cls(
            position.astype(np.float32),
            rotation[:, 0].astype(np.float32),
            rotation[:, 1].astype(np.float32),
            rotation[:, 2].astype(np.float32),
            projection,
            view,
            cam.width,
            cam.height,
        )

    def gpu_projection(self, into_texture: bool) -> np.ndarray:
        """UNITY_MATRIX_P on a reversed-Z API: clip z from [near, 0] (the manual's "Reversed
        direction" clip range) and y negated when rendering into a render texture."""
        gl = self.projection
        gpu = gl.copy()
        gpu[2] = 0.5 * (gl[3] - gl[2])
        if into_texture:
            gpu[1] = -gl[1]
        return gpu

    def depth_at(self, view_depth: float) -> float:
        """The reversed-Z depth-buffer value of a surface `view_depth` in front of the camera."""
        clip = self.gpu_projection(False) @ np.array([0.0, 0.0, -view_depth, 1.0])
        return float(clip[2] / clip[3])


def shaderlab_state(path: Path = SHADER, index: int = 0) -> list[str]:
    """The Blend, ZWrite and ZTest of the shader's pass `index` as draw-host state. Unity
    compares ZTest LEqual as GEqual where the depth buffer is reversed (near 1, far 0)."""
    passes = re.split(r"^\s*Pass\s*$", unity.strip_comments(path.read_text()), flags=re.M)
    text = passes[1 + index]
    factors = {
        "One": "one",
        "Zero": "zero",
        "SrcAlpha": "src_alpha",
        "OneMinusSrcAlpha": "one_minus_src_alpha",
        "DstAlpha": "dst_alpha",
        "OneMinusDstAlpha": "one_minus_dst_alpha",
    }
    blend = re.search(r"^\s*Blend\s+(\w+)\s+(\w+)\s*$", text, re.M)
    assert blend, "the pass declares its blend as Blend Src Dst"
    src, dst = factors[blend[1]], factors[blend[2]]
    ztest = re.search(r"^\s*ZTest\s+(\w+)", text, re.M)
    zwrite = re.search(r"^\s*ZWrite\s+(\w+)", text, re.M)
    reversed_op = {"LEqual": "greater_equal", "Less": "greater", "Always": "always"}
    op = reversed_op[ztest[1] if ztest else "LEqual"]
    write = 1 if zwrite and zwrite[1] == "On" else 0
    return [f"blend {src} {dst} {src} {dst}", f"depthtest {op} {write}", "viewport up"]


def renderer_min_alpha() -> float:
    """PooledSplatRenderer's minAlpha default, which it sets as _WsMinAlpha."""
    m = re.search(r"float minAlpha = ([\d.]+)f / ([\d.]+)f;", RENDERER.read_text())
    assert m, "PooledSplatRenderer declares minAlpha = a / b"
    return float(m[1]) / float(m[2])


@dataclass
class Scene:
    out: Path
    host: Path
    vertex: Stage
    fragment: Stage
    composite_vertex: Stage
    composite_fragment: Stage
    unity: UnityCamera
    world_camera: Camera
    extent: int
    tile_count: int
    drawn: int
    streamed_tiles: int  # the world's tiles, one payload each: the pool must hold every one
    reference: np.ndarray  # uint8 [H, W, 3]
    faded: dict[str, np.ndarray]
    seams: np.ndarray  # [H, W] pixels splats of two tiles or more reach


def build_scene_program(out: Path) -> Path:
    return unity_scenes.build_scene_program(out, "DrawScene")


def compile_program(out: Path, index: int = 0) -> tuple[Stage, Stage]:
    """The vertex and fragment stages of the shader's pass `index` (0: the splats, 1: the
    linear-space composite)."""
    program = unity.programs_in_shaderlab(SHADER)[index]
    jobs = {j.stage: j for j in unity.jobs(program, out / "program") if "[vulkan]" in j.label}
    return compile_stage(jobs["vert"], out, 0), compile_stage(jobs["frag"], out, 1)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    out = tmp_path_factory.mktemp("unity_draw")
    host = draw_host.build(out)
    vertex, fragment = compile_program(out)
    composite_vertex, composite_fragment = compile_program(out, 1)
    world = seeded_world(out / "data")
    payloads = world.payloads(EngineFrame.UNITY, out / "payloads")
    cam = camera()
    uc = UnityCamera.of(cam)
    numbers = [*uc.position, *uc.right, *uc.up, *uc.forward, NEAR]
    numbers += [uc.projection[0, 0], uc.projection[1, 1]]
    camera_file = out / "camera.txt"
    camera_file.write_text(" ".join(repr(float(np.float32(v))) for v in numbers) + "\n")
    written = subprocess.run(
        ["mono", str(build_scene_program(out)), str(out / "scene"), str(camera_file), repr(FADE),
         *map(str, payloads)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert written.returncode == 0, written.stdout + written.stderr
    extent, tile_count, drawn = map(int, (out / "scene" / "counts.txt").read_text().split())
    faded = world.faded()
    return Scene(
        out, host, vertex, fragment, composite_vertex, composite_fragment, uc, cam, extent,
        tile_count, drawn, len(payloads),
        eight_bit(reference(faded, cam)), faded, seams(world, faded, cam),
    )  # fmt: skip


def draw(
    scene: Scene,
    name: str,
    *,
    linear: bool = False,
    hdr: bool = False,
    into_texture: bool = False,
    composite: str | None = None,
    background: float = 0.0,
    detect_backbuffer: bool = True,
    order: np.ndarray | None = None,
    projection: np.ndarray | None = None,
    state: list[str] | None = None,
    depth_clear: float = 0.0,
) -> np.ndarray:
    """One frame of the splat pass as PooledSplatRenderer records it; [H, W, 3] uint8 as the
    player sees it (rows top first), over a camera colour cleared to the display value
    `background`.

    composite: None, the splats drawn straight into the camera's target (a gamma project, or a
    linear one with `linear`); "texture" or "backbuffer", a linear project's built-in command
    buffer: the splats into a half-float target, then the composite pass over the camera's
    target, a half-float render texture (HDR on) or the back buffer (an sRGB one, HDR off).
    detect_backbuffer False: the back buffer's _TexelSize taken for a texture's (a control)."""
    uc, work = scene.unity, scene.out / name
    work.mkdir()
    data = scene.out / "scene"
    order_file = data / "order.bin"
    if order is not None:
        order_file = work / "order.bin"
        order.astype("<u4").tofile(order_file)
    # Into the composite's target, a render texture, Unity's projection is the flipped one.
    flipped = into_texture or composite is not None
    p = uc.gpu_projection(flipped) if projection is None else projection
    v = uc.world_to_camera
    width, height = uc.width, uc.height
    focal = (abs(uc.projection[0, 0]) * 0.5 * width, abs(uc.projection[1, 1]) * 0.5 * height)
    # _TexelSize of the camera's target as Unity sets it: (1, 1, 1, 1) for the back buffer.
    backbuffer = composite == "backbuffer" and detect_backbuffer
    texel_size = (1.0, 1.0, 1.0, 1.0) if backbuffer else (1 / width, 1 / height, width, height)
    uniforms = {
        "_WsCameraPosition": f32(*uc.position, 0),
        "_WsCameraRight": f32(*uc.right, 0),
        "_WsCameraUp": f32(*uc.up, 0),
        "_WsCameraForward": f32(*uc.forward, 0),
        "_WsFocal": f32(*focal, width, height),
        "_WsLinearColour": f32(1.0 if linear and composite is None else 0.0),
        "_WsMinAlpha": f32(renderer_min_alpha()),
        "_WsOffscreen": f32(0.0 if composite is None else 1.0),
        "_WsCameraTarget_TexelSize": f32(*texel_size),
        # Unity's built-ins: the GPU projection, and for a procedural draw with an identity
        # matrix (the built-in path's DrawProceduralIndirect) the camera's view.
        "_ProjectionParams": f32(-1.0 if flipped else 1.0, NEAR, FAR, 1.0 / FAR),
        "glstate_matrix_projection": scene.vertex.matrix(p),
        "unity_MatrixV": scene.vertex.matrix(v),
        "unity_MatrixInvV": scene.vertex.matrix(np.linalg.inv(v)),
        "unity_MatrixVP": scene.vertex.matrix(p @ v),
        "unity_ObjectToWorld": scene.vertex.matrix(np.eye(4)),
        "unity_WorldToObject": scene.vertex.matrix(np.eye(4)),
    }
    plan = draw_host.Plan()
    plan.buffer("pool", scene.extent * 64, data / "pool.bin")
    plan.buffer("tiles", max(1, scene.tile_count) * 32, data / "tiles.bin")
    plan.buffer("order", scene.extent * 4, order_file)
    # A gamma-space project draws into an 8-bit UNORM target and blends display values; a
    # linear one into an sRGB target, blending in linear light and encoding on store, or with
    # HDR on into a half-float target in linear light. The composite's camera target is the
    # back buffer (sRGB) or, with HDR on, a half-float render texture.
    half_float = hdr or composite == "texture"
    fmt = "rgba16f" if half_float else "rgba8_srgb" if linear or composite else "rgba8"
    clear = display_to_linear(background) if fmt != "rgba8" else background
    plan.target(width, height, fmt, (clear, clear, clear, 1.0))
    plan.depth(depth_clear)
    buffers = {"_WsSplats": "pool", "_WsTiles": "tiles", "_WsOrder": "order"}
    if composite is not None:
        plan.image("splats", "rgba16f")  # GetTemporaryRT's ARGBHalf, cleared to 0
    plan.draw(
        scene.vertex, scene.fragment, (6, scene.drawn), uniforms, buffers,
        state if state is not None else shaderlab_state(),
        into=None if composite is None else "splats",
    )  # fmt: skip
    if composite is not None:
        plan.draw(
            scene.composite_vertex, scene.composite_fragment, (3, 1), uniforms,
            {"_WsSplatTarget": "splats"}, shaderlab_state(index=1),
        )  # fmt: skip
    plan.dump_target(work / "target.bin")
    draw_host.run(scene.host, plan.write(work / "plan.txt"))
    if half_float:
        linear_rgba = np.fromfile(work / "target.bin", dtype="<f2").reshape(height, width, 4)
        rgba = eight_bit(linear_to_display(linear_rgba.astype(np.float32)))
    else:
        rgba = np.fromfile(work / "target.bin", dtype=np.uint8).reshape(height, width, 4)
    # A flipped projection leaves the first row at the bottom of the texture, as Unity's render
    # textures hold it on a Direct3D-like API; the back buffer holds it at the top.
    in_texture = into_texture or composite == "texture"
    return rgba[::-1, :, :3] if in_texture else rgba[:, :, :3]


def display_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def trained_look(scene: Scene, background: float) -> np.ndarray:
    """The server's renderer (display values blended, as 3DGS) over a background of this
    display value."""
    cam = scene.world_camera
    rendered = render_cpu_view(
        scene.faded, cam.world_to_camera, cam.K, cam.width, cam.height, (background,) * 3
    )
    return eight_bit(np.clip(rendered.rgb, 0.0, 1.0))


def sorted_order(scene: Scene) -> np.ndarray:
    return np.fromfile(scene.out / "scene" / "order.bin", dtype="<u4")


def test_the_scene_is_seen_across_several_tiles_with_one_fading(scene):
    # Several tiles (the seeded world is cut where the grid falls about its spawn: 12 today).
    assert scene.tile_count == scene.streamed_tiles >= 2
    assert 5000 < scene.drawn <= scene.extent == 12000
    assert (scene.reference.max(axis=2) > 20).mean() > 0.4


def test_the_unity_splat_pass_draws_the_servers_picture_in_a_gamma_project(scene, tmp_path):
    drawn = draw(scene, "gamma")
    quality = psnr(drawn, scene.reference)
    print(f"Unity gamma: PSNR {quality:.2f} dB, SSIM {ssim(drawn, scene.reference):.4f}")
    assert quality >= MIN_PSNR
    assert ssim(drawn, scene.reference) >= MIN_SSIM


def test_without_the_composite_a_linear_project_blends_in_linear_light_and_misses_the_look(scene):
    """The linear path where there is no composite (URP, HDRP, a multisampled camera): colours
    decoded to linear and blended in linear light, into an sRGB target (or a half-float one
    with HDR on). It equals the reference blended in linear light; against the trained look
    (display values blended, as 3DGS and the reference do) it differs wherever translucent
    splats overlap or thin out over the background, and fails the measure the composite
    passes."""
    model = eight_bit(linear_to_display(reference(linear_light(scene.faded), scene.world_camera)))
    for name, drawn in (
        ("sRGB target", draw(scene, "linear", linear=True)),
        ("HDR target", draw(scene, "linear_hdr", linear=True, hdr=True)),
    ):
        quality = psnr(drawn, model)
        trained = psnr(drawn, scene.reference)
        print(
            f"Unity linear, {name}: PSNR {quality:.2f} dB against linear-light blending, "
            f"{trained:.2f} dB (SSIM {ssim(drawn, scene.reference):.4f}) against the trained look"
        )
        assert quality >= MIN_PSNR
        assert ssim(drawn, model) >= MIN_SSIM
        assert LINEAR_VS_TRAINED_MIN_PSNR <= trained < MIN_PSNR - 3.0


def test_in_a_linear_project_the_built_in_composite_gives_the_trained_look(scene):
    """The built-in pipeline's linear path as PooledSplatRenderer records it: the splats in
    display values into a half-float target, the composite pass over the camera's target (a
    half-float render texture with HDR on, the sRGB back buffer with HDR off). Over black it is
    the trained look; over grey, where partly covered pixels mix the background in linear
    light, it still comes closer to it than blending in linear light does."""
    for kind in ("texture", "backbuffer"):
        drawn = draw(scene, f"composite_{kind}", composite=kind)
        quality = psnr(drawn, scene.reference)
        print(
            f"Unity linear, composite into the {kind}: PSNR {quality:.2f} dB "
            f"(SSIM {ssim(drawn, scene.reference):.4f}) against the trained look"
        )
        assert quality >= MIN_PSNR
        assert ssim(drawn, scene.reference) >= MIN_SSIM
    grey = trained_look(scene, GREY)
    over_grey = {
        "composite": draw(scene, "composite_grey", composite="texture", background=GREY),
        "linear light": draw(scene, "linear_grey", linear=True, hdr=True, background=GREY),
    }
    measured = {k: psnr(v, grey) for k, v in over_grey.items()}
    print(
        f"Unity linear over grey {GREY}: "
        + ", ".join(f"{k} {v:.2f} dB" for k, v in measured.items())
        + " against the trained look"
    )
    assert measured["composite"] >= measured["linear light"] + 2.0


def test_the_composite_target_lines_up_with_a_back_buffer_only_when_flipped_back(scene):
    """With HDR off the camera draws into the back buffer, whose depth buffer is the right way
    up while Unity's projection into the composite's target is flipped: the splat pass flips
    back where the camera target's _TexelSize says back buffer. Taken for a texture, the
    picture comes out upside down."""
    unflipped = draw(scene, "backbuffer_unflipped", composite="backbuffer", detect_backbuffer=False)
    quality = psnr(unflipped, scene.reference)
    print(f"Unity composite into the back buffer, not flipped back: {quality:.2f} dB")
    assert quality < MIN_PSNR - 3.0
    assert psnr(unflipped[::-1], scene.reference) >= MIN_PSNR


def test_behind_a_wall_the_composite_hides_the_splats_behind_it(scene):
    wall, expected = wall_scene(scene)
    drawn = draw(
        scene, "composite_occluded", composite="texture", depth_clear=scene.unity.depth_at(wall)
    )
    quality = psnr(drawn, expected)
    print(f"Unity composite behind a wall at {wall:.2f} m: PSNR {quality:.2f} dB")
    assert quality >= MIN_PSNR


def test_drawn_into_a_render_texture_with_unitys_flipped_projection_the_picture_is_the_same(
    scene,
):
    screen = draw(scene, "screen")
    texture = draw(scene, "texture", into_texture=True)
    quality = psnr(texture, scene.reference)
    print(f"Unity render texture: PSNR {quality:.2f} dB")
    assert quality >= MIN_PSNR
    # Rasterisation may differ where an edge passes exactly through a pixel centre.
    assert np.mean(np.abs(texture.astype(int) - screen.astype(int)) > 2) < 0.001


def test_where_tiles_meet_the_picture_is_one_global_orders_and_tiles_sorted_alone_fail(
    scene, tmp_path
):
    """The issue's seams, on the picture: where splats of two tiles cover a pixel, the draw in
    the global order matches the reference; the same splats with each tile sorted alone and the
    tiles drawn one after the other (one renderer per tile, as gsplat's backend does) do not."""
    order = sorted_order(scene)
    drawn_part = order[: scene.drawn]
    slots = np.fromfile(scene.out / "scene" / "pool.bin", dtype="<u4").reshape(-1, 16)[:, 3]
    by_tile = [drawn_part[slots[drawn_part] == slot] for slot in range(scene.tile_count)]
    pictures = {"global order": draw(scene, "seams")}
    for name, tiles in (("tile by tile", by_tile), ("tile by tile, reversed", by_tile[::-1])):
        tiled = np.concatenate([*tiles, order[scene.drawn :]])
        pictures[name] = draw(scene, name.replace(" ", "_").replace(",", ""), order=tiled)
    measured = {k: psnr(v, scene.reference, scene.seams) for k, v in pictures.items()}
    print(
        f"Unity where tiles meet ({scene.seams.mean():.3f} of the pixels): "
        + ", ".join(f"{k} {v:.2f} dB" for k, v in measured.items())
    )
    mask = np.repeat(scene.seams[:, :, None], 3, axis=2).astype(np.uint8) * 255
    save_side_by_side(
        preview_dir(tmp_path) / "unity_tile_seams.png",
        [("server reference", scene.reference), *pictures.items(), ("where tiles meet", mask)],
        columns=5,
    )
    assert scene.seams.mean() > 0.05
    assert measured.pop("global order") >= MIN_PSNR
    for name, value in measured.items():
        assert value < MIN_PSNR - 3.0, f"{name}: {value:.2f} dB"


def test_wrong_matrices_order_or_blending_fail_the_measure(scene, tmp_path):
    order = sorted_order(scene)
    drawn_part = order[: scene.drawn]
    state = shaderlab_state()
    straight = ["blend src_alpha one_minus_src_alpha one one_minus_src_alpha", *state[1:]]
    controls = {
        "transposed P": draw(scene, "transposed", projection=scene.unity.gpu_projection(False).T),
        "front to back": draw(
            scene, "front_to_back", order=np.concatenate([drawn_part[::-1], order[scene.drawn :]])
        ),
        "straight alpha": draw(scene, "straight", state=straight),
        # Vulkan's own y-down NDC, as if the engine had not matched Direct3D's: upside down.
        "upside down": draw(scene, "upside_down", state=[*state[:2], "viewport down"]),
    }
    measured = {name: psnr(picture, scene.reference) for name, picture in controls.items()}
    print("Unity controls: " + ", ".join(f"{k} {v:.2f} dB" for k, v in measured.items()))
    pictures = [
        ("server reference", scene.reference),
        ("Unity gamma", draw(scene, "preview_gamma")),
        ("Unity linear, composite", draw(scene, "preview_composite", composite="backbuffer")),
        ("Unity linear, no composite", draw(scene, "preview_linear", linear=True)),
        (
            "linear-light model",
            eight_bit(linear_to_display(reference(linear_light(scene.faded), scene.world_camera))),
        ),
        ("render texture", draw(scene, "preview_texture", into_texture=True)),
        *controls.items(),
    ]
    save_side_by_side(preview_dir(tmp_path) / "unity_splat_draw.png", pictures)
    for name, value in measured.items():
        assert value < MIN_PSNR - 3.0, f"{name}: {value:.2f} dB"


def wall_scene(scene: Scene) -> tuple[float, np.ndarray]:
    """A wall across the view at the middle of the drawn depths (to go into the camera's depth
    buffer), and the reference of the splats in front of it."""
    arrays = scene.faded
    cam = scene.world_camera
    depths = (cam.world_to_camera[:3, :3] @ arrays["means"].T.astype(np.float64)).T[:, 2]
    depths += cam.world_to_camera[2, 3]
    wall = float(np.median(depths))
    nearer = {k: v[depths < wall] for k, v in arrays.items()}
    return wall, eight_bit(reference(nearer, cam))


def test_an_opaque_surface_in_the_depth_buffer_hides_the_splats_behind_it(scene):
    wall, expected = wall_scene(scene)
    drawn = draw(scene, "occluded", depth_clear=scene.unity.depth_at(wall))
    quality = psnr(drawn, expected)
    print(f"Unity behind a wall at {wall:.2f} m: PSNR {quality:.2f} dB")
    assert quality >= MIN_PSNR
    assert psnr(drawn, scene.reference) < MIN_PSNR - 3.0
