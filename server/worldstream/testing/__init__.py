"""testing/: ground-truth scenes for tests and benchmarks; imports geometry/ only.

`rooms` renders exact colour, depth and normals of a procedural two-room interior at any camera
and gives its true surfaces as triangles, so generation and reconstruction can be scored.
"""

from worldstream.testing.rooms import (
    Box,
    Face,
    RenderedView,
    Scene,
    SurfaceMesh,
    two_room_scene,
)

__all__ = ["Box", "Face", "RenderedView", "Scene", "SurfaceMesh", "two_room_scene"]
