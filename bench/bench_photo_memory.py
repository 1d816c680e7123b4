"""Peak memory of one CreateWorld and of decoding pixel bombs, each case in a fresh process.

Run: python bench/bench_photo_memory.py [--cases create-640 png16 ...] [--server DIR]

Each case runs in its own Python process, so peaks do not mix: the process imports the server,
reads its input, notes its RSS, runs one request and reports its peak RSS (ru_maxrss). The
table shows both the peak and the peak less the RSS before the request (the request's own).

- create-N: `Worlds.create` of a 4000x3000 JPEG (skimage's coffee photo resized, quality 90,
  ~1.1 MB) with max_side_px=N, on a fresh data dir: decode, seed, lift and save. create-sq-N:
  the same photo cropped square (3000x3000), the most working pixels a side allows.
- the bombs (tests/photo_bombs.py), 7296x5440 (39.7 MP, under the 40 MP limit), decoded at the
  default working side (640): png16 (16-bit grey PNG, 77 KB), tiff-f (float TIFF in 64 KiB
  strips), tiff-f-1strip (the same as one strip), png-rgba, png-palette (with a transparent
  entry), jpeg-prog (progressive JPEG), webp.

--server runs the cases against another checkout's server/ directory (e.g. an older commit
unpacked with `git archive`), to compare.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from PIL import Image  # noqa: E402

import photo_bombs as bombs  # noqa: E402

MiB = 1024 * 1024

_CREATE = """
import json, resource, sys, tempfile
from pathlib import Path
sys.path.insert(0, {server!r})
from worldstream.errors import InvalidArgument
from worldstream.store.store import Store
from worldstream.world.worlds import CreateOptions, Worlds, WorldSettings

def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) * 1024

photo = open({path!r}, "rb").read()
worlds = Worlds(Store(Path(tempfile.mkdtemp())), WorldSettings())
before = rss()
try:
    record = worlds.create(photo, CreateOptions(max_side_px={max_side}), world_id="bench")
    outcome = f"{{record.splat_count}} splats"
except InvalidArgument as exc:
    outcome = exc.reason
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"before": before, "peak": peak, "outcome": outcome}}))
"""


def coffee_jpeg(square: bool) -> bytes:
    from skimage import data

    image = Image.fromarray(data.coffee()).resize((4000, 3000), Image.Resampling.BICUBIC)
    if square:
        image = image.crop((500, 0, 3500, 3000))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def create_peak(photo: bytes, max_side: int, tmp: Path, server: Path) -> dict:
    path = tmp / "photo.jpg"
    path.write_bytes(photo)
    code = _CREATE.format(server=str(server), path=str(path), max_side=max_side)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=1800, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


BOMBS = {
    "png16": bombs.png_16_bit_grey,
    "tiff-f": bombs.tiff_float,
    "tiff-f-1strip": lambda w, h: bombs.encoded(
        Image.new("F", (w, h), 0.5), "TIFF", compression="tiff_deflate", strip_size=1 << 30
    ),
    "png-rgba": bombs.png_rgba,
    "png-palette": bombs.png_palette_with_transparency,
    "jpeg-prog": bombs.jpeg_progressive,
    "webp": bombs.webp,
}
CREATES = ("create-640", "create-1024", "create-sq-1024", "create-2048")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=[*CREATES, *BOMBS])
    parser.add_argument("--server", type=Path, default=ROOT / "server")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    print("| case | input | peak RSS | request's own | outcome |\n|---|---|---|---|---|")
    for case in args.cases:
        if case.startswith("create-"):
            square = case.startswith("create-sq-")
            photo = coffee_jpeg(square)
            result = create_peak(photo, int(case.rsplit("-", 1)[1]), tmp, args.server)
            what = f"{'3000x3000' if square else '4000x3000'} JPEG, {len(photo) / 1e6:.2f} MB"
        else:
            photo = BOMBS[case](*bombs.BOMB_SIZE)
            result = bombs.decode_peak(photo, tmp, 640, args.server, light=False)
            what = f"{bombs.BOMB_SIZE[0]}x{bombs.BOMB_SIZE[1]}, {len(photo) / 1e3:.0f} KB"
        own = result["peak"] - result["before"]
        print(
            f"| {case} | {what} | {result['peak'] / MiB:,.0f} MiB | {own / MiB:,.0f} MiB "
            f"| {result['outcome']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
