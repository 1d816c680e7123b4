"""Monocular depth from an ONNX model file the user gives (`--depth-model PATH`), via onnxruntime.

Method, per photo:

1. Size. A model with a fixed input (e.g. 1x3x518x518) gets the photo stretched to that size; a
   model with dynamic height and width gets the photo scaled so its long side is `input_size`
   (default 518, as Depth Anything V2) keeping the aspect, each side rounded to a multiple of 14
   (the ViT patch size; `multiple` changes it, e.g. 32 for convolutional models).
2. Normalise. RGB in [0, 1], minus `mean`, over `std` per channel: ImageNet statistics by
   default, which is what Depth Anything, MiDaS and DPT exports expect. Resized with bicubic
   interpolation, as Depth Anything's own preprocessing does. The tensor is NCHW, batch 1.
3. Run. The one output may be [1, H, W], [1, 1, H, W] or [H, W], at any resolution; NaN or
   infinity anywhere is a fault of the model and is refused.
4. Back to the photo. The prediction is resized to the photo's size with bilinear interpolation,
   in the model's own output space (disparity stays disparity until step 5).
5. Depth. `scale.to_depth` turns the prediction into depth by its kind: `metric` (metres, used as
   is), `relative` (affine-invariant depth) or `inverse` (disparity); non-metric depth is capped
   at FAR_CAP_MULTIPLE times its median either way and scaled so its median is
   ASSUMED_MEDIAN_DEPTH_M. The kind is the `kind` argument, else the model's metadata property
   `worldstream.depth_kind` (DEPTH_KIND_METADATA_KEY), else the file name: "metric" in the name
   means metric, anything else inverse, since the common exports output disparity.
6. Confidence. `scale.edge_confidence` on the depth at the model's own resolution (where its edges
   are as sharp as it can make them), resized to the photo: high where depth is smooth, low at
   discontinuities; capped pixels get CLAMPED_CONFIDENCE, unknown ones 0.

The file is read and the session built once, in the constructor; `estimate` reuses the session
(onnxruntime sessions are safe to run from several threads). `shared_model` keeps one loaded
model per file (until the file changes), so the generators of every world creation and
generation job share it instead of reading it again. onnxruntime is imported there too,
so this module imports without it and the error names what is missing.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, cast

import cv2
import numpy as np

from worldstream.errors import FailedPrecondition, InvalidArgument
from worldstream.generate.depth.base import ASSUMED_MEDIAN_DEPTH_M, DepthEstimate
from worldstream.generate.depth.scale import (
    CLAMPED_CONFIDENCE,
    DEPTH_KINDS,
    FAR_CAP_MULTIPLE,
    DepthKind,
    edge_confidence,
    normalise_median,
    to_depth,
)
from worldstream.geometry.camera import Camera

KindOption = Literal["auto", "metric", "relative", "inverse"]

# Metadata property (ONNX ModelProto.metadata_props) that declares what the output is: one of
# "metric", "relative", "inverse". Add it to an export with onnx.helper.set_model_props.
DEPTH_KIND_METADATA_KEY = "worldstream.depth_kind"
DEFAULT_LONG_SIDE = 518
DEFAULT_MULTIPLE = 14
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

_INPUT_TYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16}
_OUTPUT_TYPES = ("tensor(float)", "tensor(float16)", "tensor(double)")
_PROVIDER_PREFERENCE = ("CUDAExecutionProvider", "CPUExecutionProvider")


def _option_error(option: str, message: str) -> InvalidArgument:
    return InvalidArgument("INVALID_DEPTH_OPTION", message, option=option)


def _check_options(
    kind: str,
    input_size: int | None,
    threads: int,
    mean: Sequence[float],
    std: Sequence[float],
    multiple: int,
) -> None:
    if kind != "auto" and kind not in DEPTH_KINDS:
        raise _option_error(
            "kind", f"depth kind must be auto, {', '.join(DEPTH_KINDS)}; got {kind!r}"
        )
    if not isinstance(multiple, int) or multiple < 1:
        raise _option_error("multiple", f"multiple must be a positive integer, got {multiple!r}")
    if input_size is not None and (not isinstance(input_size, int) or input_size < multiple):
        raise _option_error(
            "input_size", f"input_size must be an integer >= {multiple}, got {input_size!r}"
        )
    if not isinstance(threads, int) or threads < 0:
        raise _option_error(
            "threads", f"threads must be >= 0 (0 = runtime default), got {threads!r}"
        )
    for name, values in (("mean", mean), ("std", std)):
        array = np.asarray(values, dtype=np.float64)
        if array.shape != (3,) or not np.all(np.isfinite(array)):
            raise _option_error(name, f"{name} must be three finite numbers, got {values!r}")
    if np.any(np.asarray(std, dtype=np.float64) <= 0):
        raise _option_error("std", f"std must be > 0 per channel, got {std!r}")


def _invalid_model(path: Path, message: str) -> InvalidArgument:
    return InvalidArgument("DEPTH_MODEL_INVALID", f"depth model {path}: {message}", model=path)


def _load_session(path: Path, threads: int) -> Any:
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise FailedPrecondition(
            "DEPTH_RUNTIME_MISSING",
            f"depth model {path} needs the onnxruntime package, which is not installed",
            model=path,
        ) from exc
    if not path.exists():
        raise InvalidArgument(
            "DEPTH_MODEL_NOT_FOUND", f"depth model {path} does not exist", model=path
        )
    if not path.is_file():
        raise _invalid_model(path, "is not a file")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3  # errors only: graph-optimisation notices are not ours to show
    available = ort.get_available_providers()
    providers = [p for p in _PROVIDER_PREFERENCE if p in available]
    try:
        return ort.InferenceSession(str(path), sess_options=options, providers=providers)
    except Exception as exc:  # onnxruntime's errors derive from Exception only
        raise _invalid_model(path, f"cannot be loaded as an ONNX model ({exc})") from exc


def _fixed_dim(dim: object) -> int | None:
    """A fixed dimension, or None for a symbolic or unknown one."""
    return dim if isinstance(dim, int) and dim > 0 else None


def _resolve_kind(kind: str, metadata: dict[str, str], path: Path) -> tuple[DepthKind, str]:
    """The output kind and where it came from (recorded in the estimate's notes)."""
    if kind != "auto":
        return cast(DepthKind, kind), "the depth-kind option"
    declared = metadata.get(DEPTH_KIND_METADATA_KEY)
    if declared is not None:
        value = declared.strip().lower()
        if value not in DEPTH_KINDS:
            raise _invalid_model(
                path,
                f"metadata {DEPTH_KIND_METADATA_KEY}={declared!r} is not one of "
                f"{', '.join(DEPTH_KINDS)}",
            )
        return cast(DepthKind, value), f"model metadata {DEPTH_KIND_METADATA_KEY}"
    if "metric" in path.name.lower():
        return "metric", "the file name"
    return "inverse", "the default for a model that does not declare its kind"


def _resize(values: np.ndarray, width: int, height: int, interpolation: int) -> np.ndarray:
    if values.shape[:2] == (height, width):
        return values
    return cv2.resize(values, (width, height), interpolation=interpolation)


class OnnxDepth:
    """A `DepthEstimator` over an ONNX depth model; see the module docstring for the method."""

    name = "onnx"

    def __init__(
        self,
        path: str | Path,
        kind: KindOption = "auto",
        input_size: int | None = None,
        threads: int = 0,
        mean: Sequence[float] = IMAGENET_MEAN,
        std: Sequence[float] = IMAGENET_STD,
        multiple: int = DEFAULT_MULTIPLE,
    ) -> None:
        """Load `path` once.

        kind: what the output is; "auto" reads the model's metadata, then its file name.
        input_size: long side for models with dynamic height and width (default 518); a model
            with a fixed size uses its own and refuses a different one.
        threads: onnxruntime intra-op threads, 0 = the runtime's default.
        mean, std: per-channel normalisation of RGB in [0, 1].
        multiple: each side of a dynamic input is a multiple of this.
        """
        self.path = Path(path)
        _check_options(kind, input_size, threads, mean, std, multiple)
        session = _load_session(self.path, threads)

        inputs, outputs = session.get_inputs(), session.get_outputs()
        if len(inputs) != 1 or len(outputs) != 1:
            raise _invalid_model(
                self.path,
                f"has {len(inputs)} inputs and {len(outputs)} outputs; a depth model takes one "
                "image and gives one depth map",
            )
        image, prediction = inputs[0], outputs[0]
        if image.type not in _INPUT_TYPES:
            raise _invalid_model(
                self.path, f"input {image.name!r} is {image.type}; expected a float image tensor"
            )
        shape = list(image.shape or [])
        if len(shape) != 4:
            raise _invalid_model(
                self.path, f"input {image.name!r} has shape {shape}; expected NCHW [1, 3, H, W]"
            )
        batch, channels = _fixed_dim(shape[0]), _fixed_dim(shape[1])
        channels_last = _fixed_dim(shape[3]) == 3 and channels != 3
        if batch not in (None, 1) or channels not in (None, 3) or channels_last:
            hint = " (channels last? export NCHW)" if channels_last else ""
            raise _invalid_model(
                self.path,
                f"input {image.name!r} has shape {shape}; expected NCHW [1, 3, H, W]{hint}",
            )
        if prediction.type not in _OUTPUT_TYPES:
            raise _invalid_model(
                self.path, f"output {prediction.name!r} is {prediction.type}; expected float"
            )
        out_shape = prediction.shape
        if isinstance(out_shape, list) and out_shape and len(out_shape) not in (2, 3, 4):
            raise _invalid_model(
                self.path,
                f"output {prediction.name!r} has shape {out_shape}; expected [1, H, W], "
                "[1, 1, H, W] or [H, W]",
            )
        fixed = (_fixed_dim(shape[2]), _fixed_dim(shape[3]))
        if input_size is not None and None not in fixed:
            raise _option_error(
                "input_size",
                f"depth model {self.path} has a fixed input of {fixed[1]}x{fixed[0]}; "
                f"input_size {input_size} cannot change it",
            )

        metadata = dict(session.get_modelmeta().custom_metadata_map)
        self.kind, self.kind_source = _resolve_kind(kind, metadata, self.path)
        self.input_size = input_size or DEFAULT_LONG_SIDE
        self.multiple = multiple
        self.providers: list[str] = list(session.get_providers())
        self._session = session
        self._input_name = image.name
        self._output_name = prediction.name
        self._input_dtype = _INPUT_TYPES[image.type]
        self._fixed_hw = fixed
        self._mean = np.asarray(mean, dtype=np.float32)
        self._std = np.asarray(std, dtype=np.float32)

    @property
    def metric(self) -> bool:
        return self.kind == "metric"

    def input_hw(self, height: int, width: int) -> tuple[int, int]:
        """(height, width) of the tensor the model gets for a photo of this size."""
        fixed_h, fixed_w = self._fixed_hw
        if fixed_h is not None and fixed_w is not None:
            return fixed_h, fixed_w
        scale = self.input_size / max(height, width)
        m = self.multiple

        def snap(side: int) -> int:
            return max(m, m * math.floor(side * scale / m + 0.5))

        return (fixed_h or snap(height), fixed_w or snap(width))

    def preprocess(self, rgb: np.ndarray) -> np.ndarray:
        """The model's input [1, 3, h, w] for `rgb` ([H, W, 3] uint8)."""
        height, width = self.input_hw(rgb.shape[0], rgb.shape[1])
        image = rgb.astype(np.float32) / np.float32(255.0)
        image = _resize(image, width, height, cv2.INTER_CUBIC)
        image = (image - self._mean) / self._std
        return np.ascontiguousarray(image.transpose(2, 0, 1)[None], dtype=self._input_dtype)

    def predict(self, rgb: np.ndarray) -> np.ndarray:
        """The model's raw output for `rgb` as [h, w] float32 at the model's resolution."""
        batch = self.preprocess(rgb)
        try:
            (output,) = self._session.run([self._output_name], {self._input_name: batch})
        except Exception as exc:  # onnxruntime's errors derive from Exception only
            raise FailedPrecondition(
                "DEPTH_MODEL_FAILED", f"depth model {self.path} failed: {exc}", model=self.path
            ) from exc
        values = np.asarray(output)
        shape = values.shape
        if values.ndim == 4 and shape[:2] == (1, 1):
            values = values[0, 0]
        elif values.ndim == 3 and shape[0] == 1:
            values = values[0]
        if values.ndim != 2 or min(values.shape) == 0:
            raise FailedPrecondition(
                "DEPTH_MODEL_FAILED",
                f"depth model {self.path} gave an output of shape {list(shape)}; expected "
                "[1, H, W], [1, 1, H, W] or [H, W]",
                model=self.path,
            )
        values = values.astype(np.float32)
        bad = int(np.count_nonzero(~np.isfinite(values)))
        if bad:
            raise FailedPrecondition(
                "DEPTH_MODEL_FAILED",
                f"depth model {self.path} gave NaN or infinite depth at {bad} of {values.size} "
                "pixels",
                model=self.path,
            )
        return values

    def estimate(self, rgb: np.ndarray, camera: Camera) -> DepthEstimate:
        if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"rgb must be uint8 [H, W, 3], got {rgb.dtype} {rgb.shape}")
        height, width = rgb.shape[:2]
        if (camera.height, camera.width) != (height, width):
            raise ValueError(
                f"the camera is {camera.width}x{camera.height} but the photo is {width}x{height}"
            )
        prediction = self.predict(rgb)
        try:
            native = to_depth(prediction, self.kind)
            full = to_depth(_resize(prediction, width, height, cv2.INTER_LINEAR), self.kind)
        except ValueError as exc:  # e.g. no pixel at a positive depth or disparity
            raise FailedPrecondition(
                "DEPTH_MODEL_FAILED", f"depth model {self.path}: {exc}", model=self.path
            ) from exc

        confidence = _resize(edge_confidence(native.depth), width, height, cv2.INTER_LINEAR)
        confidence = np.clip(confidence, 0.0, 1.0)
        confidence = np.where(full.clamped, np.minimum(confidence, CLAMPED_CONFIDENCE), confidence)
        confidence = np.where(full.depth > 0, confidence, 0.0).astype(np.float32)

        notes = [f"depth from {self.path.name}, output read as {self.kind} ({self.kind_source})"]
        if self.metric:
            depth = full.depth
            unknown = int(np.count_nonzero(depth <= 0))
            if unknown:
                notes.append(f"{unknown} pixels with no positive metric depth left unknown")
        else:
            depth = normalise_median(full.depth, ASSUMED_MEDIAN_DEPTH_M)
            shifted = "disparity" if self.kind == "inverse" else "depth"
            notes.append(
                f"not metric: {shifted} shift assumed 0, scaled so the median depth is "
                f"{ASSUMED_MEDIAN_DEPTH_M:g} m"
            )
            clamped = float(np.mean(full.clamped))
            if clamped > 0:
                notes.append(
                    f"{100 * clamped:.1f}% of pixels clamped to within {FAR_CAP_MULTIPLE:g}x of "
                    "the median depth"
                )
        return DepthEstimate(
            depth=depth.astype(np.float32),
            metric=self.metric,
            source=f"onnx:{self.path.name}:{self.kind}",
            confidence=confidence,
            notes=notes,
        )


# A depth model is tens to hundreds of megabytes and seconds to load; a server with one configured
# model keeps it, and a few more in case several are in use.
SHARED_MODELS = 4
_shared: OrderedDict[tuple, OnnxDepth] = OrderedDict()
_shared_lock = threading.Lock()


def shared_model(path: str | Path, kind: KindOption = "auto") -> OnnxDepth:
    """The model at `path`, loaded once and shared while the file stays the same (its size and
    modification time); a replaced file is loaded again. Errors are the constructor's."""
    path = Path(path)
    try:
        resolved = path.resolve()
        stat = resolved.stat()
    except OSError:
        return OnnxDepth(path, kind=kind)  # says precisely what is wrong with the path
    key = (str(resolved), kind, stat.st_size, stat.st_mtime_ns)
    # Held while loading, so that two jobs starting together load the model once.
    with _shared_lock:
        model = _shared.get(key)
        if model is None:
            model = OnnxDepth(path, kind=kind)
            _shared[key] = model
            while len(_shared) > SHARED_MODELS:
                _shared.popitem(last=False)
        _shared.move_to_end(key)
        return model
