"""Write the WSQT golden vectors: tests/vectors/tile_v1_<name>.bin and .json.

Run: python scripts/gen_vectors.py [--out tests/vectors]

Each case is a seeded tile encoded by `worldstream.tiles.codec`; the .bin is the payload and the
.json holds the header fields and every value a decoder must produce, as float32 numbers written
in their shortest round-trip form, plus the tolerance to compare at. Python, C# and C++ tests
decode the same files (docs/tile-format.md § Golden vectors). Deterministic: the same code
writes the same bytes, which tests/test_codec.py checks by running this script again.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.tiles import codec

TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
"""|decoded - expected| <= atol + rtol * |expected|: room for a decoder that computes in float32
instead of float64 (a few ulps); every quantization step is far larger."""

FIELDS = ("positions", "quats", "log_scales", "opacity_logits", "sh")


def random_splats(n: int, degree: int, seed: int, box: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = (degree + 1) ** 2
    sh = rng.normal(0.0, 0.2, (n, k, 3))
    sh[:, 0] = rng.normal(0.0, 1.0, (n, 3))
    return {
        "means": rng.uniform(0.0, box, (n, 3)),
        "quats": rng.normal(size=(n, 4)),
        "log_scales": rng.uniform(-6.0, -2.0, (n, 3)),
        "opacity_logits": rng.normal(0.0, 2.0, n),
        "sh": sh,
    }


def degenerate() -> dict[str, np.ndarray]:
    """Five equal splats with zero quaternions: every chunk range is empty."""
    n = 5
    return {
        "means": np.full((n, 3), 1.25),
        "quats": np.zeros((n, 4)),  # stored as the identity
        "log_scales": np.full((n, 3), -3.0),
        "opacity_logits": np.full(n, 2.0),
        "sh": np.full((n, 4, 3), 0.1),
    }


def extremes() -> dict[str, np.ndarray]:
    """Values outside the clamped ranges, and quaternions at the edges of smallest-three."""
    arrays = degenerate()
    arrays["means"][:, 1] = [-0.5, 0.0, 0.25, 0.5, 3.0]
    arrays["log_scales"] = np.array([[-40.0, 30.0, -3.0]] * 4 + [[-16.0, 12.0, 0.0]])
    arrays["opacity_logits"] = np.array([-50.0, 50.0, 0.0, 8.5, -8.0])
    arrays["quats"] = np.array(
        [[0.5, 0.5, 0.5, 0.5], [-0.1, 0.9, 0.0, 0.0], [0, 0, 0, -1], [1, 0, 0, 0], [0, 1, 1, 0]]
    )
    arrays["sh"][:, 1:] = [[-0.3, 0.0, 0.3]] * 3
    return arrays


def moved(arrays: dict[str, np.ndarray], origin: list[float]) -> dict[str, np.ndarray]:
    """The splats of a tile whose origin is not 0: positions are absolute on input."""
    return {**arrays, "means": arrays["means"] + np.array(origin)}


# name -> (description, engine frame, origin, arrays)
CASES: dict[str, Callable[[], tuple[str, int, list[float], dict[str, np.ndarray]]]] = {
    "empty": lambda: (
        "no splats: the header alone",
        1,
        [0.0, 0.0, 0.0],
        random_splats(0, 0, 0, 1.0),
    ),
    "tiny_sh0": lambda: (
        "one splat, SH degree 0, glTF",
        1,
        [-8.0, 0.0, 16.0],
        moved(random_splats(1, 0, 1, 8.0), [-8.0, 0.0, 16.0]),
    ),
    "tiny_sh3": lambda: (
        "three splats, SH degree 3, Unity",
        2,
        [8.0, 0.0, -8.0],
        moved(random_splats(3, 3, 2, 8.0), [8.0, 0.0, -8.0]),
    ),
    "chunk_and_partial_sh0": lambda: (
        "300 splats = one full chunk of 256 and a partial of 44, SH degree 0, Unreal (cm)",
        3,
        [0.0, 800.0, 0.0],
        moved(random_splats(300, 0, 3, 800.0), [0.0, 800.0, 0.0]),
    ),
    "chunk_and_partial_sh1": lambda: (
        "257 splats: a full chunk and a chunk of one, SH degree 1, glTF",
        1,
        [0.0, 0.0, 0.0],
        random_splats(257, 1, 4, 8.0),
    ),
    "chunk_and_partial_sh3": lambda: (
        "260 splats: a full chunk and a partial of 4, SH degree 3, Unity",
        2,
        [-16.0, 8.0, 0.0],
        moved(random_splats(260, 3, 5, 8.0), [-16.0, 8.0, 0.0]),
    ),
    "degenerate_sh1": lambda: (
        "five equal splats: every range empty; zero quaternions decode as the identity",
        3,
        [0.0, 0.0, 0.0],
        degenerate(),
    ),
    "extremes_sh1": lambda: (
        "log scales beyond [-16, 12] and logits beyond [-8, 8] (clamped), q and -q, ties",
        1,
        [0.0, 0.0, 0.0],
        extremes(),
    ),
}


def shortest(values: np.ndarray) -> list:
    """float32 values as JSON numbers in their shortest round-trip spelling (nested lists)."""
    if values.ndim == 0:
        return json.loads(np.format_float_positional(values, unique=True, trim="0"))
    return [shortest(v) for v in values]


def write_vectors(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in CASES.items():
        description, frame, origin, arrays = make()
        payload = codec.encode(
            np.array(origin),
            arrays["means"],
            arrays["quats"],
            arrays["log_scales"],
            arrays["opacity_logits"],
            arrays["sh"],
            frame,
        )
        tile = codec.decode(payload)
        stem = f"tile_v1_{name}"
        document = {
            "description": description,
            "payload": f"{stem}.bin",
            "payload_bytes": len(payload),
            "magic": codec.MAGIC.decode(),
            "version": codec.VERSION,
            "engine_frame": frame,
            "sh_degree": tile.sh_degree,
            "count": tile.count,
            "origin": tile.origin.tolist(),
            "tolerance": TOLERANCE,
            "decoded": {field: shortest(getattr(tile, field)) for field in FIELDS},
        }
        (out_dir / f"{stem}.bin").write_bytes(payload)
        text = json.dumps(document, separators=(",", ":")) + "\n"
        (out_dir / f"{stem}.json").write_text(text)
        written += [out_dir / f"{stem}.bin", out_dir / f"{stem}.json"]
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "tests" / "vectors"
    parser.add_argument("--out", type=Path, default=default)
    args = parser.parse_args()
    for path in write_vectors(args.out):
        print(f"{path.stat().st_size:>8} {path}")


if __name__ == "__main__":
    main()
