"""Depth estimators for the classic generator: an ONNX model file, or depth given outright.

The weight-free layout prior lives in generate.layout; the ONNX estimator imports onnxruntime only
when one is built.
"""

from worldstream.generate.depth.base import DepthEstimate, DepthEstimator, Plane
from worldstream.generate.depth.given import GivenDepth

__all__ = ["DepthEstimate", "DepthEstimator", "GivenDepth", "Plane"]
