"""Depth that is simply given: ground truth in tests, or depth from a sensor alongside the photo.

The depth is checked once, at construction, and returned unchanged for a photo of its size:
no rescaling, so `metric` only records what the caller says the values are. Known pixels get
full confidence and unknown ones (0) none.
"""

from __future__ import annotations

import numpy as np

from worldstream.errors import InvalidArgument
from worldstream.generate.depth.base import DepthEstimate
from worldstream.geometry.camera import Camera


class GivenDepth:
    name = "given"

    def __init__(self, depth: np.ndarray, metric: bool = True, source: str = "given") -> None:
        values = np.asarray(depth)
        if values.ndim != 2 or min(values.shape) == 0:
            raise InvalidArgument(
                "INVALID_DEPTH", f"given depth must be a non-empty [H, W] array, got {values.shape}"
            )
        if values.dtype.kind not in "iuf":  # signed, unsigned, float: no bool, complex, object
            raise InvalidArgument("INVALID_DEPTH", f"given depth must be real, got {values.dtype}")
        values = values.astype(np.float32)
        if not np.all(np.isfinite(values)):
            raise InvalidArgument("INVALID_DEPTH", "given depth has non-finite values")
        if np.any(values < 0):
            raise InvalidArgument("INVALID_DEPTH", "given depth has negative values (0 = unknown)")
        if not np.any(values > 0):
            raise InvalidArgument("INVALID_DEPTH", "given depth has no known (> 0) pixel")
        values.setflags(write=False)
        self._depth = values
        self._metric = bool(metric)
        self._source = source

    def estimate(self, rgb: np.ndarray, camera: Camera) -> DepthEstimate:
        height, width = self._depth.shape
        if rgb.shape[:2] != (height, width) or (camera.height, camera.width) != (height, width):
            raise InvalidArgument(
                "INVALID_DEPTH",
                f"given depth is {width}x{height} but the photo is {rgb.shape[1]}x{rgb.shape[0]} "
                f"and the camera {camera.width}x{camera.height}",
            )
        confidence = (self._depth > 0).astype(np.float32)
        scale = "metric" if self._metric else "not metric"
        return DepthEstimate(
            depth=self._depth.copy(),
            metric=self._metric,
            source=self._source,
            confidence=confidence,
            notes=[f"depth given ({scale}), used unchanged"],
        )
