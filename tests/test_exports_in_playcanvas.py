"""Each splat export looked at in a real third-party renderer: the PlayCanvas engine in headless
Chromium (tools/playcanvas-view), the file loaded as SuperSplat loads it, the camera at the
world's spawn pose, against our own render of that pose (same size and field of view).

A world is made from the test photo on a server of its own; its PLY, SPZ and GLB are exported
through the API in their default frames, as `worldstream export` gets them. The reference is the
server's CPU renderer (the one the reference client draws with) on every splat of the world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PIL import Image

from playcanvas_support import (
    MIN_PSNR_DB,
    TOOL_FORMATS,
    Job,
    Score,
    export_and_render,
    flip_ply_vertically,
    read_rgb,
    score,
    screenshots,
    unavailable,
)

WIDTH, HEIGHT = 240, 160  # the test photo's size: the spawn camera sees what the photo showed

# The turn each format is loaded with, as Euler angles in degrees. PLY and SPZ: splat-transform
# tags both with Transform.PLY, fromEulers(0, 0, 180) (src/lib/utils/math.ts; readers
# read-ply.ts and read-spz.ts, v3.1.6 through 3.10.2), which SuperSplat sets as the splat
# entity's rotation (src/splat.ts). GLB: SuperSplat has no reader for it; the engine's glTF
# reader turns nothing, glTF's axes being the engine's.
LOAD_TURN = {"ply": (0.0, 0.0, 180.0), "spz": (0.0, 0.0, 180.0), "gltf": (0.0, 0.0, 0.0)}


@dataclass
class Seen:
    splats: int
    reports: dict[str, dict]  # export format, or "flipped ply" -> what the tool reported
    scores: dict[str, Score]


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory, photo: bytes) -> Seen:
    reason = unavailable()
    if reason is not None:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("playcanvas")
    world = export_and_render(photo, tmp, WIDTH, HEIGHT)
    Image.fromarray(world.reference).save(tmp / "reference.png")
    files = {**world.files, "flipped ply": tmp / "flipped.ply"}
    flip_ply_vertically(files["ply"], files["flipped ply"])
    kinds = {**TOOL_FORMATS, "flipped ply": "ply"}
    jobs = {k: Job(path, kinds[k], path.with_name(f"{path.name}.png")) for k, path in files.items()}
    reports = dict(zip(jobs, screenshots(list(jobs.values()), world.view), strict=True))
    scores = {k: score(read_rgb(job.out), world.reference) for k, job in jobs.items()}
    return Seen(world.splats, reports, scores)


@pytest.mark.parametrize("fmt", ["ply", "spz", "gltf"])
def test_each_splat_export_seen_in_playcanvas_as_supersplat_loads_it_is_our_render_upright(
    seen: Seen, fmt: str
) -> None:
    report = seen.reports[fmt]
    assert report["numSplats"] == seen.splats
    assert report["deviceType"] == "webgl2"
    assert report["errors"] == []
    np.testing.assert_allclose(report["loadRotation"]["eulerDegrees"], LOAD_TURN[fmt], atol=1e-3)
    result = seen.scores[fmt]
    drawn = "" if report["inView"] else "; no splat is in the spawn camera's view"
    assert result.psnr_db >= MIN_PSNR_DB, f"{fmt}: {result}{drawn}"
    assert result.upright, f"{fmt} is upside down in PlayCanvas: {result}"


def test_a_ply_flipped_upside_down_fails_the_playcanvas_comparison(seen: Seen) -> None:
    # The control: the same PLY mirrored in y must not pass, or the check above proves nothing.
    report = seen.reports["flipped ply"]
    assert report["numSplats"] == seen.splats
    result = seen.scores["flipped ply"]
    assert not result.passes, f"the flipped PLY passed: {result}"
    assert result.psnr_db < MIN_PSNR_DB, str(result)
