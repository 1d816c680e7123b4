"""The demo world's PLY export seen in PlayCanvas, beside our own render of the same view.

Writes docs/images/playcanvas_coffee.png (the PLY exported by default, loaded as SuperSplat loads
it and drawn by the PlayCanvas engine in headless Chromium: tools/playcanvas-view) and
docs/images/reference_coffee.png (the server's CPU renderer on every splat), both from the
world's spawn pose. The world is the demo's: scikit-image's coffee photo. Needs what
tests/test_exports_in_playcanvas.py needs (Node.js, npm ci in tools/playcanvas-view, Chromium).

    python scripts/playcanvas_preview.py [--width 360] [--out docs/images]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tool's runner and scoring, shared with the test

from playcanvas_support import (  # noqa: E402
    Job,
    export_and_render,
    read_rgb,
    score,
    screenshots,
    unavailable,
)
from worldstream.cli.commands import demo_photo  # noqa: E402

WORLD = "coffee"
MAX_BYTES = 200 * 1024  # each image, to keep the repository small


def save_png(rgb, path: Path) -> int:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG", optimize=True)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=360)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    reason = unavailable()
    if reason is not None:
        sys.exit(reason)
    photo = demo_photo()
    with Image.open(io.BytesIO(photo)) as image:
        height = round(image.height * args.width / image.width)  # the spawn view is the photo's
    with tempfile.TemporaryDirectory(prefix="worldstream-playcanvas-") as tmp:
        world = export_and_render(photo, Path(tmp), args.width, height)
        shot = Path(tmp) / "playcanvas.png"
        (report,) = screenshots([Job(world.files["ply"], "ply", shot)], world.view)
        playcanvas = read_rgb(shot)
    args.out.mkdir(parents=True, exist_ok=True)
    images = {f"playcanvas_{WORLD}.png": playcanvas, f"reference_{WORLD}.png": world.reference}
    for name, rgb in images.items():
        size = save_png(rgb, args.out / name)
        print(f"{args.out / name}: {args.width}x{height}, {size / 1024:.0f} KiB")
        if size > MAX_BYTES:
            sys.exit(f"{name} is over {MAX_BYTES // 1024} KiB: ask for a smaller --width")
    turn = report["loadRotation"]["eulerDegrees"]
    print(
        f"{world.splats:,} splats; {report['reader']}, load rotation {turn} deg; "
        f"{report['engine']} on {report['renderer']}; {score(playcanvas, world.reference)}"
    )


if __name__ == "__main__":
    main()
