"""Golden vectors for the engine clients' tests: the WSQT vectors of tests/vectors, the same
splats written as WSRF by the server's own encoder, and the status bytes their cases embed."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import numpy as np
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from worldstream.tiles import raw

VECTORS = Path(__file__).resolve().parent / "vectors"


def write_raw_vectors(out: Path) -> int:
    """Every golden vector's decoded values, re-encoded as WSRF by the server's encoder."""
    out.mkdir()
    written = 0
    for path in sorted(VECTORS.glob("tile_v1_*.json")):
        doc = json.loads(path.read_text())
        decoded = {k: np.array(v, dtype=np.float32) for k, v in doc["decoded"].items()}
        n, k = doc["count"], (doc["sh_degree"] + 1) ** 2
        origin = np.array(doc["origin"], dtype=np.float64)
        payload = raw.encode(
            origin,
            decoded["positions"].reshape(n, 3).astype(np.float64) + origin,
            decoded["quats"].reshape(n, 4),
            decoded["log_scales"].reshape(n, 3),
            decoded["opacity_logits"].reshape(n),
            decoded["sh"].reshape(n, k, 3),
            doc["engine_frame"],
        )
        # The round trip through absolute float64 positions is exact for these origins.
        assert np.array_equal(
            raw.decode(payload).positions.reshape(-1), decoded["positions"].reshape(-1)
        )
        name = path.stem.replace("tile_v1_", "raw_v1_")
        (out / f"{name}.bin").write_bytes(payload)
        doc.update(payload=f"{name}.bin", payload_bytes=len(payload), magic="WSRF")
        (out / f"{name}.json").write_text(json.dumps(doc))
        written += 1
    return written


def not_found_status_hex() -> str:
    """The grpc-status-details-bin of a WORLD_NOT_FOUND error, as Python protobuf writes it: the
    bytes the C# and C++ status cases embed as hex."""
    info = error_details_pb2.ErrorInfo(
        reason="WORLD_NOT_FOUND", domain="worldstream", metadata={"world": "worlds/nope"}
    )
    detail = any_pb2.Any()
    detail.Pack(info)
    status = status_pb2.Status(
        code=grpc.StatusCode.NOT_FOUND.value[0],
        message="world worlds/nope does not exist",
        details=[detail],
    )
    return status.SerializeToString().hex()
