"""Photos that are small to upload and large to decode, built in memory, and a peak-memory probe.

The PNGs are written chunk by chunk, their rows compressed as a stream, so building a 40 MP one
never holds its pixels. Shared by tests/test_photo_budgets.py and bench/bench_photo_memory.py.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from PIL import Image

# The size of the bombs: 39.7 MP, under the 40 MP pixel limit.
BOMB_SIZE = (7296, 5440)
SERVER = Path(__file__).resolve().parents[1] / "server"


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_of_zeros(
    width: int,
    height: int,
    bit_depth: int = 8,
    colour_type: int = 0,
    extra_chunks: tuple[tuple[bytes, bytes], ...] = (),
) -> bytes:
    """A PNG of every pixel zero (colour type 0 grey, 2 RGB, 3 palette, 4 LA, 6 RGBA)."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    row = b"\0" * (1 + (width * channels * bit_depth + 7) // 8)  # filter byte, then the row
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    chunks = [_chunk(b"IHDR", ihdr), *(_chunk(k, b) for k, b in extra_chunks)]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def png_16_bit_grey(width: int, height: int) -> bytes:
    return png_of_zeros(width, height, bit_depth=16)


def png_rgba(width: int, height: int) -> bytes:
    return png_of_zeros(width, height, colour_type=6)


def png_palette_with_transparency(width: int, height: int) -> bytes:
    palette = (b"PLTE", bytes([10, 20, 30, 200, 100, 50]))
    transparency = (b"tRNS", b"\x00")  # entry 0 fully transparent
    return png_of_zeros(width, height, colour_type=3, extra_chunks=(palette, transparency))


def encoded(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def tiff_float(width: int, height: int) -> bytes:
    """A deflate-compressed 32-bit float greyscale TIFF of a constant."""
    return encoded(Image.new("F", (width, height), 0.5), "TIFF", compression="tiff_deflate")


def jpeg_progressive(width: int, height: int) -> bytes:
    return encoded(Image.new("RGB", (width, height), (90, 120, 150)), "JPEG", progressive=True)


def webp(width: int, height: int) -> bytes:
    return encoded(Image.new("RGB", (width, height), (90, 120, 150)), "WEBP", quality=10)


# What a probe child runs: decode the photo at max_side and print, as JSON, the RSS before the
# decode and the peak (VmHWM: the high-water mark of the whole process).
_PROBE = """
import json, sys, types
sys.path.insert(0, {server!r})
if {light!r}:
    # The decoder alone: its package's __init__ would import every generator (torch among them),
    # 2 s and 300 MiB of start-up that have nothing to do with decoding.
    package = types.ModuleType("worldstream.generate")
    package.__path__ = [{server!r} + "/worldstream/generate"]
    sys.modules["worldstream.generate"] = package
from worldstream.generate.photo import PhotoLimits, decode_photo
from worldstream.errors import InvalidArgument

def status(key):
    with open("/proc/self/status") as lines:
        return next(int(l.split()[1]) for l in lines if l.startswith(key)) * 1024

data = open({path!r}, "rb").read()
before = status("VmRSS:")
try:
    photo = decode_photo(data, PhotoLimits(), {max_side})
    outcome = "x".join(map(str, photo.rgb.shape))
except InvalidArgument as exc:
    outcome = exc.reason
print(json.dumps({{"before": before, "peak": status("VmHWM:"), "outcome": outcome}}))
"""


def decode_peak(
    photo: bytes, tmp: Path, max_side: int = 640, server: Path = SERVER, light: bool = True
) -> dict:
    """Decode `photo` in a fresh Python process: the RSS before the decode, the peak RSS, and
    the photo's working shape or the reason it was refused. `light` imports the decoder
    alone, not the whole server (the peak less the RSS before is the same either way)."""
    path = tmp / "photo.bin"
    path.write_bytes(photo)
    code = _PROBE.format(server=str(server), path=str(path), max_side=max_side, light=light)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
