"""Splat exports drawn by the PlayCanvas engine in headless Chromium (tools/playcanvas-view), and
how such a screenshot is scored against our own render of the same view.

The tool reads PLY and SPZ as SuperSplat does (@playcanvas/splat-transform, then the rotation
splat-transform tags the file with: 180 degrees about Z for both) and a GLB with the engine's own
KHR_gaussian_splatting reader (no rotation); tools/playcanvas-view/view.mjs says where each comes
from.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from plyfile import PlyData

from worldstream.api.config import ServerConfig
from worldstream.api.convert import world_id_from_name
from worldstream.api.inprocess import ServerThread
from worldstream.client import Client
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.geometry.engine import EngineFrame, pose_from_engine, sh_basis
from worldstream.render import render
from worldstream.store.store import Store
from worldstream.world.worlds import Worlds

ROOT = Path(__file__).resolve().parents[1]
TOOL_DIR = ROOT / "tools" / "playcanvas-view"
NODE_MODULES = ("playcanvas", "playwright-core", "@playcanvas/splat-transform")
# Export format (the API's name) -> the tool's --format (the file's own extension).
TOOL_FORMATS = {"ply": "ply", "spz": "spz", "gltf": "glb"}
MIN_PSNR_DB = 25.0


def chromium() -> str | None:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).is_file() and os.access(path, os.X_OK) else None


def unavailable() -> str | None:
    """Why the tool cannot run here (None when it can)."""
    if shutil.which("node") is None:
        return "Node.js is not installed (scripts/setup installs nodejs and npm)"
    for module in NODE_MODULES:
        if not (TOOL_DIR / "node_modules" / module / "package.json").is_file():
            return f"{module} is missing: run scripts/setup (npm ci in tools/playcanvas-view)"
    if chromium() is None:
        return "Chromium is not installed (scripts/setup: apt-get install chromium)"
    return None


@dataclass(frozen=True)
class View:
    """A camera in the engine's world (glTF axes, +Y up; the camera looks down its -Z)."""

    position: tuple[float, float, float]
    rotation_xyzw: tuple[float, float, float, float]
    fov_y_degrees: float
    width: int
    height: int

    @classmethod
    def spawn(cls, world, width: int, height: int) -> View:
        """The spawn pose a World (the API's message, glTF frame) gives every client."""
        p, q = world.spawn_position, world.spawn_rotation
        fov = world.spawn_vertical_fov_degrees or 60.0
        return cls((p.x, p.y, p.z), (q.x, q.y, q.z, q.w), fov, width, height)


@dataclass(frozen=True)
class ExportedWorld:
    splats: int
    view: View  # the spawn pose, as the API gives it
    files: dict[str, Path]  # export format -> the file, exported in its default frame
    reference: np.ndarray  # [H, W, 3] uint8: our render of every splat from `view`


def export_and_render(photo: bytes, tmp: Path, width: int, height: int) -> ExportedWorld:
    """A world made from `photo` on a server of its own; its PLY, SPZ and GLB exported through
    the API in their default frames (as `worldstream export` gets them), and the server's CPU
    renderer's picture of every splat from the spawn pose the API gives (the renderer the
    reference client draws with; the client itself would hold only the tiles its view asked
    for, at their levels of detail)."""
    data = tmp / "data"
    files: dict[str, Path] = {}
    server = ServerThread(ServerConfig(port=0, data_dir=data, generate_on_demand=False))
    with server, Client(server.address, timeout=120) as client:
        world = client.create_world(photo, display_name="coffee")
        world = client.get_world(world.name)
        for fmt, extension in TOOL_FORMATS.items():
            buffer = io.BytesIO()
            client.export_world(world.name, buffer, fmt)  # no frame: the format's default
            files[fmt] = tmp / f"world.{extension}"
            files[fmt].write_bytes(buffer.getvalue())
    view = View.spawn(world, width, height)
    store = Store(data)  # the server has stopped: its data dir is free
    try:
        gaussians = Worlds(store).load(world_id_from_name(world.name)).gaussians
    finally:
        store.close()
    w2c = pose_from_engine(view.position, view.rotation_xyzw, EngineFrame.GLTF)
    camera = Camera(intrinsics_from_fov(view.fov_y_degrees, width, height), w2c, width, height)
    result = render(gaussians, camera, background=(0.0, 0.0, 0.0), backend="cpu")
    return ExportedWorld(len(gaussians), view, files, rgb8(result.rgb))


@dataclass(frozen=True)
class Job:
    file: Path
    format: str  # the tool's: ply, spz or glb
    out: Path
    load_transform: bool = True  # False: the file's numbers drawn unturned (diagnosis only)


def screenshots(jobs: list[Job], view: View, timeout_s: float = 300.0) -> list[dict]:
    """Draw every job from `view` in one browser; each job's PNG is written to its `out`.
    Returns what the tool reports per job (reader, engine, renderer, splat count, the load
    rotation it applied, frames, seconds)."""
    node = shutil.which("node")
    browser = chromium()
    assert node is not None and browser is not None, unavailable()
    batch = [
        {
            "file": str(job.file),
            "format": job.format,
            "out": str(job.out),
            "loadTransform": job.load_transform,
            "position": list(view.position),
            "rotation": list(view.rotation_xyzw),
            "fov": view.fov_y_degrees,
            "size": [view.width, view.height],
        }
        for job in jobs
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(batch, f)
    try:
        done = subprocess.run(
            [node, str(TOOL_DIR / "render.mjs"), "--batch", f.name, "--chromium", browser],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    finally:
        os.unlink(f.name)
    reports = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    failures = [r for r in reports if "error" in r]
    assert done.returncode == 0 and not failures and len(reports) == len(jobs), (
        f"render.mjs exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    )
    return reports


def read_rgb(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def rgb8(rgb: np.ndarray) -> np.ndarray:
    """A renderer's float RGB in [0, 1] as the 8-bit image a screen shows."""
    return (np.clip(rgb, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def psnr_db(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10.0 * np.log10(255.0**2 / mse))


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    x = a.astype(np.float64).mean(axis=2).ravel()
    y = b.astype(np.float64).mean(axis=2).ravel()
    x, y = x - x.mean(), y - y.mean()
    denominator = np.sqrt(np.sum(x * x) * np.sum(y * y))
    return float(np.sum(x * y) / denominator) if denominator > 0 else 0.0


@dataclass(frozen=True)
class Score:
    psnr_db: float
    correlation: float  # of the screenshot's brightness with the reference's
    correlation_flipped: float  # ... with the reference turned upside down

    @property
    def upright(self) -> bool:
        """The top of the photo is at the top of the screenshot."""
        return self.correlation > self.correlation_flipped

    @property
    def passes(self) -> bool:
        return self.psnr_db >= MIN_PSNR_DB and self.upright

    def __str__(self) -> str:
        return (
            f"PSNR {self.psnr_db:.2f} dB, correlation {self.correlation:.3f} "
            f"(upside down {self.correlation_flipped:.3f})"
        )


def score(shot: np.ndarray, reference: np.ndarray) -> Score:
    assert shot.shape == reference.shape, (shot.shape, reference.shape)
    return Score(
        psnr_db(shot, reference),
        _correlation(shot, reference),
        _correlation(shot, reference[::-1]),
    )


def flip_ply_vertically(src: Path, dst: Path) -> None:
    """The same PLY mirrored in its y axis (y -> -y) as a proper set of Gaussians: rotations
    conjugated by the mirror, and each SH coefficient's sign flipped with its basis function's
    parity in y. Whatever frame the file is in, a viewer's turn about Z maps y to -y, so the
    file's world is shown upside down where the original is upright."""
    ply = PlyData.read(io.BytesIO(src.read_bytes()))
    v = ply["vertex"].data
    v["y"] = -v["y"]
    # diag(1, -1, 1) R diag(1, -1, 1) turns about (-x, y, -z) by the same angle.
    v["rot_1"] = -v["rot_1"]
    v["rot_3"] = -v["rot_3"]
    rest = sorted((n for n in v.dtype.names if n.startswith("f_rest_")), key=lambda n: int(n[7:]))
    if rest:
        k = len(rest) // 3 + 1
        degree = round(np.sqrt(k)) - 1
        dirs = np.random.default_rng(0).normal(size=(64, 3))
        dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
        basis = sh_basis(dirs, degree)
        signs = np.sign(np.median(sh_basis(dirs * [1.0, -1.0, 1.0], degree) / basis, axis=0))
        for i, name in enumerate(rest):  # channel-major: R's coefficients 1..k-1, then G's, B's
            v[name] = v[name] * signs[1 + i % (k - 1)]
    dst.write_bytes(_ply_bytes(ply))


def _ply_bytes(ply: PlyData) -> bytes:
    out = io.BytesIO()
    ply.write(out)
    return out.getvalue()
