"""The collider payload: round trips per engine frame, winding kept with the open side, errors."""

from __future__ import annotations

import numpy as np
import pytest

from worldstream.geometry.engine import EngineFrame, points_from_engine
from worldstream.tiles.collider import HEADER_BYTES, decode_collider, encode_collider

# A floor quad at y = 0 whose right-hand normal points up (+Y): the open side.
FLOOR = np.array([[0, 0, 0], [0, 0, 1], [1, 0, 1], [1, 0, 0]], dtype=np.float64)
FLOOR_TRIANGLES = np.array([[0, 1, 2], [0, 2, 3]])


def normals(vertices: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Face normals by the cross-product formula that every engine applies in its own axes."""
    a, b, c = (vertices[triangles[:, i]] for i in range(3))
    return np.cross(b - a, c - a)


@pytest.mark.parametrize("frame", list(EngineFrame))
def test_a_collider_round_trips_and_its_faces_still_face_the_open_side(frame):
    origin = np.array([4.0, 0.0, 8.0])
    data = encode_collider(FLOOR + origin, FLOOR_TRIANGLES, origin, frame)
    assert len(data) == HEADER_BYTES + 12 * 4 + 12 * 2
    mesh = decode_collider(data)
    world = points_from_engine(mesh.absolute_vertices(), frame)
    np.testing.assert_allclose(world, FLOOR + origin, atol=1e-6)
    up = frame.basis @ np.array([0.0, 1.0, 0.0])  # world up, in the engine's axes
    engine_normals = normals(mesh.absolute_vertices(), mesh.triangles.astype(int))
    assert np.all(engine_normals @ up > 0)


def test_malformed_collider_payloads_are_refused_with_the_reason():
    good = encode_collider(FLOOR, FLOOR_TRIANGLES, np.zeros(3), EngineFrame.GLTF)
    cases = {
        good[:10]: "shorter",
        b"XXXX" + good[4:]: "magic",
        good[:4] + b"\x09\x00" + good[6:]: "version",
        good[:-4]: "need",
        good[:-12] + np.array([0, 1, 99], "<u4").tobytes(): "out of range",
    }
    for data, words in cases.items():
        with pytest.raises(ValueError, match=words):
            decode_collider(data)
    with pytest.raises(ValueError, match="out of range"):
        encode_collider(FLOOR, np.array([[0, 1, 4]]), np.zeros(3), EngineFrame.GLTF)
