"""Each LOD level against level 0 at the distance the scheduler selects it, per threshold.

Run: python bench/bench_lod_selection.py [--worlds garage,coffee] [--tiles 2] [--size 320 240]
                                         [--taus 16,8,4,2,1] [--fill-sigma 0.6]

Worlds: made in-process exactly as CreateWorld makes them (world/worlds.py with the server's
default settings) from skimage's garage photo (`stereo_motorcycle()[0]`) and coffee photo. For
the largest --tiles tiles of each, the pyramid is built with the server's LodOptions and
`build_lod(fill_sigma=...)` (0 gives the levels as they were before saturated cells were filled).

The scheduler (session/view_plan.py) picks the coarsest level whose geometric error e_k spans at
most tau pixels: level k first shows at distance d = e_k x focal / tau. For each level k >= 1
and threshold tau, cameras at d from the tile's median splat look at it, from the side of the
seed photo (towards the seed camera, 30 degrees left and right of it, 20 degrees above it), at
the world's spawn field of view. The scheduler measures d to the tile's box, which is never
farther than its content, so these cameras see each level at or beyond its real selection.
Both renders (CPU renderer, black background) are 8-bit; per (level, tau), over the four views:

  PSNR dB       level k against level 0 over the pixels either covers (alpha > 0.05)
  cover 0 / k   mean alpha of level 0 / level k over level 0's footprint (alpha0 > 0.5)
  tile px       pixels in level 0's footprint (mean of the views)
  worst k       the lowest alpha of level k inside that footprint eroded by tau + 2 px (seams,
                holes; nearer an edge, blur is what the threshold allows)
  lvl0 4x dB    level 0 against itself rendered at 4x and box-filtered, seed-side view only:
                how far the native render of full detail is from an antialiased one at that
                distance (aliasing), the ceiling of any level's PSNR against it

Splats resident: at the world's spawn camera, every tile at the level `choose_lod` gives at its
box distance for that tau (no budget, no frustum cull): what the threshold costs.
"""

from __future__ import annotations

import argparse
import datetime
import io
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script
from skimage import data

from worldstream.api.config import ServerConfig
from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.gaussians import Gaussians
from worldstream.render import render
from worldstream.session.view_plan import box_distance, choose_lod
from worldstream.store.store import Store
from worldstream.tiles.lod import FILL_SIGMA, LodLevel, build_lod
from worldstream.tiles.pyramid import LodOptions
from worldstream.world.worlds import LoadedWorld, Worlds, WorldSettings

PHOTOS = {"garage": lambda: data.stereo_motorcycle()[0], "coffee": data.coffee}
NAMES = ("means", "quats", "log_scales", "opacity_logits", "sh")
COVERED = 0.05  # alpha above which a pixel shows the tile
FOOTPRINT = 0.5  # level 0's alpha above which a pixel is inside the tile's surface
SUPERSAMPLE = 4
MIN_TILE_PX = 400  # footprint pixels from which a tile's coverage is not all edge
VIEWS = ((0.0, 0.0), (30.0, 0.0), (-30.0, 0.0), (0.0, 20.0))  # (yaw, pitch) from the seed side


def make_world(name: str, data_dir: Path) -> LoadedWorld:
    """The world CreateWorld makes from the photo, with the server's default settings."""
    config = ServerConfig(data_dir=data_dir)
    settings = WorldSettings(
        photo_limits=config.photo_limits, generator_options=config.generator_options
    )
    jpeg = io.BytesIO()
    Image.fromarray(np.asarray(PHOTOS[name]())).save(jpeg, "JPEG", quality=95)
    store = Store(data_dir)
    try:
        worlds = Worlds(store, settings)
        record = worlds.create(jpeg.getvalue(), display_name=name)
        return worlds.load(record.id)
    finally:
        store.close()


def to_gaussians(level: LodLevel) -> Gaussians:
    return Gaussians.from_numpy({name: getattr(level, name) for name in NAMES})


def eight_bit(rgb: np.ndarray) -> np.ndarray:
    return np.rint(np.clip(rgb, 0.0, 1.0) * 255.0)


def psnr_8bit(squared_error: float, count: int) -> float:
    return 10.0 * math.log10(255.0**2 / max(squared_error / max(count, 1), 1e-6))


def cameras(target, towards, distance, fov, size) -> list[Camera]:
    up = np.array([0.0, 1.0, 0.0])
    side = np.cross(towards, up)
    side /= np.linalg.norm(side)
    base = Camera.from_fov(fov, size[0], size[1], np.eye(4))
    out = []
    for yaw, pitch in VIEWS:
        v = towards * math.cos(math.radians(yaw)) + side * math.sin(math.radians(yaw))
        v = v * math.cos(math.radians(pitch)) + up * math.sin(math.radians(pitch))
        out.append(base.with_pose(look_at(target + distance * v / np.linalg.norm(v), target)))
    return out


def compare(
    fine: Gaussians, coarse: Gaussians, views: list[Camera], tau: float
) -> dict[str, float]:
    se = se_ss = 0.0
    n = n_ss = 0
    cover0, coverk, worst, pixels = [], [], 1.0, []
    for camera in views:
        a = render(fine, camera, backend="cpu")
        b = render(coarse, camera, backend="cpu")
        h, w = camera.height, camera.width
        alpha0, alphak = a.alpha.reshape(h, w), b.alpha.reshape(h, w)
        covered = (alpha0 > COVERED) | (alphak > COVERED)
        se += float(((eight_bit(a.rgb) - eight_bit(b.rgb))[covered] ** 2).sum())
        n += 3 * int(covered.sum())
        footprint = alpha0 > FOOTPRINT
        if footprint.any():
            cover0.append(float(alpha0[footprint].mean()))
            coverk.append(float(alphak[footprint].mean()))
        pixels.append(int(footprint.sum()))
        # Within tau px of an edge of the footprint, blur is what the threshold allows.
        inner = ndimage.binary_erosion(footprint, iterations=math.ceil(tau) + 2)
        if inner.any():
            worst = min(worst, float(alphak[inner].min()))
        if camera is not views[0]:
            continue  # aliasing is a property of the distance: one view tells it
        big = camera.resized(w * SUPERSAMPLE, h * SUPERSAMPLE)
        ss = render(fine, big, backend="cpu").rgb.reshape(h, SUPERSAMPLE, w, SUPERSAMPLE, 3)
        ss = ss.mean(axis=(1, 3))
        se_ss += float(((eight_bit(a.rgb) - eight_bit(ss))[covered] ** 2).sum())
        n_ss += 3 * int(covered.sum())
    return {
        "psnr": psnr_8bit(se, n),
        "cover0": float(np.mean(cover0)) if cover0 else float("nan"),
        "coverk": float(np.mean(coverk)) if coverk else float("nan"),
        "worst": worst,
        "alias": psnr_8bit(se_ss, n_ss),
        "pixels": float(np.mean(pixels)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", default="garage,coffee")
    parser.add_argument("--tiles", type=int, default=2)
    parser.add_argument("--size", type=int, nargs=2, default=[320, 240])
    parser.add_argument("--taus", default="16,8,4,2,1")
    parser.add_argument("--fill-sigma", type=float, default=FILL_SIGMA)
    args = parser.parse_args()
    taus = [float(t) for t in args.taus.split(",")]
    options = LodOptions()

    print("# LOD levels against level 0 at their selection distance")
    print(f"machine: {cpu_name()}, os.cpu_count()={os.cpu_count()}")
    print(f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"viewport {args.size[0]}x{args.size[1]}, fill_sigma {args.fill_sigma}, {options}")
    rows, costs = [], []
    t0 = time.perf_counter()
    for name in args.worlds.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            world = make_world(name, Path(tmp))
        arrays = world.gaussians.to_numpy()
        record = world.record
        spawn = Camera.from_fov(
            record.spawn_fov_y_degrees,
            args.size[0],
            args.size[1],
            np.asarray(record.spawn_world_to_camera, np.float64).reshape(4, 4),
        )
        focal = float(spawn.K[1, 1])
        pyramids = {}
        for key, tile in world.tiles.items():
            pyramids[key] = build_lod(
                *(arrays[n][tile.indices] for n in NAMES),
                tile.box_min,
                tile.box_max,
                min_splats=options.min_splats,
                max_levels=options.max_levels,
                max_ratio=options.max_ratio,
                fill_sigma=args.fill_sigma,
            )
        for tau in taus:
            resident = 0
            for key, levels in pyramids.items():
                tile = world.tiles[key]
                distance = float(box_distance(spawn.position, tile.box_min, tile.box_max))
                errors = [level.geometric_error for level in levels]
                chosen = choose_lod(_Errors(errors), distance, focal, tau)  # type: ignore[arg-type]
                resident += len(levels[chosen])
            costs.append((name, tau, resident, len(world.gaussians)))
        largest = sorted(world.tiles, key=lambda k: -world.tiles[k].splat_count)[: args.tiles]
        for key in largest:
            levels = pyramids[key]
            fine = to_gaussians(levels[0])
            means = levels[0].means.astype(np.float64)
            target = np.median(means, axis=0)
            towards = spawn.position - target
            towards /= np.linalg.norm(towards)
            for k in range(1, len(levels)):
                coarse = to_gaussians(levels[k])
                for tau in taus:
                    distance = levels[k].geometric_error * focal / tau
                    views = cameras(
                        target, towards, distance, record.spawn_fov_y_degrees, args.size
                    )
                    result = compare(fine, coarse, views, tau)
                    row = (name, (key.x, key.y, key.z), k, len(levels[k]), len(levels[0]))
                    rows.append((*row, levels[k].geometric_error, tau, distance, result))
                    print(".", end="", flush=True)
    print(f"\n{time.perf_counter() - t0:.0f} s")

    for tau in taus:
        print(f"\n## tau = {tau:g} px")
        print(
            "| world | tile | level | splats | of level 0 | error m | distance m | tile px "
            "| PSNR dB | cover 0 | cover k | worst k | lvl0 4x dB |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, key, k, count, count0, error, t, distance, r in rows:
            if t != tau:
                continue
            print(
                f"| {name} | {key} | {k} | {count:,} | {count / count0:.3f} | {error:.3f} "
                f"| {distance:.1f} | {r['pixels']:,.0f} | {r['psnr']:.1f} | {r['cover0']:.3f} "
                f"| {r['coverk']:.3f} | {r['worst']:.2f} | {r['alias']:.1f} |"
            )
    print("\n## Summary per tau (every level of the measured tiles)")
    print(f"(cover k / cover 0 over the rows whose tile covers >= {MIN_TILE_PX} px)")
    print(
        "| tau px | worst PSNR dB | median PSNR dB | levels >= 38 dB | worst cover k / cover 0 "
        "| worst alpha | spawn-view splats (of the world) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|")
    for tau in taus:
        mine = [r for (*_, t, _d, r) in rows if t == tau]
        psnrs = [r["psnr"] for r in mine]
        # Coverage of a tile a few pixels wide is all edge: counted from MIN_TILE_PX up.
        ratios = [r["coverk"] / r["cover0"] for r in mine if r["pixels"] >= MIN_TILE_PX]
        ratios = ratios or [float("nan")]
        spent = ", ".join(f"{n} {s:,} / {total:,}" for n, t, s, total in costs if t == tau)
        print(
            f"| {tau:g} | {min(psnrs):.1f} | {float(np.median(psnrs)):.1f} "
            f"| {sum(p >= 38.0 for p in psnrs)} / {len(psnrs)} | {min(ratios):.3f} "
            f"| {min(r['worst'] for r in mine):.2f} | {spent} |"
        )


class _Errors:
    """What `choose_lod` reads of a pyramid cell: its levels' geometric errors."""

    def __init__(self, errors: list[float]) -> None:
        self.errors = errors


if __name__ == "__main__":
    main()
