"""The weight-free geometric depth prior: Manhattan room layout from line segments and vanishing
points, objects popped up from the floor, a ground plane when no structure is found.

Part of generate/ (imports reconstruct/ and below). `LayoutDepth` is the `DepthEstimator`.
"""

from worldstream.generate.layout.estimator import LayoutConfig, LayoutDepth

__all__ = ["LayoutConfig", "LayoutDepth"]
