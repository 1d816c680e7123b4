"""Depth estimators: the ONNX model path (with tiny models built here), scaling, given depth.

Every model is a few ONNX nodes computing depth (or disparity) = a * mean over channels of the
normalised input + b, so the expected output is computed independently in numpy.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from worldstream.errors import FailedPrecondition, InvalidArgument
from worldstream.generate.depth.base import ASSUMED_MEDIAN_DEPTH_M
from worldstream.generate.depth.given import GivenDepth
from worldstream.generate.depth.scale import (
    CLAMPED_CONFIDENCE,
    FAR_CAP_MULTIPLE,
    edge_confidence,
    edge_confidence_reference,
    normalise_median,
    to_depth,
)
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.testing.rooms import two_room_scene

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from worldstream.generate.depth.onnx import (  # noqa: E402
    DEPTH_KIND_METADATA_KEY,
    IMAGENET_MEAN,
    IMAGENET_STD,
    OnnxDepth,
    shared_model,
)

DYNAMIC = (1, 3, "height", "width")


def build_model(
    path: Path,
    *,
    input_shape: tuple = DYNAMIC,
    a: float = 1.0,
    b: float = 0.0,
    output_rank: int = 3,
    kind: str | None = None,
    nan: bool = False,
    half: bool = False,
    downsample: bool = False,
    input_type: int = TensorProto.FLOAT,
    extra_input: bool = False,
    extra_output: bool = False,
) -> Path:
    """out = a * mean_c(x) + b (or log(mean_c(x) - 100), NaN, when `nan`), as a tiny ONNX file."""
    elem = TensorProto.FLOAT16 if half else input_type
    nodes, inits = [], []

    def const(name: str, value) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    x = "x"
    if elem != TensorProto.FLOAT:
        nodes.append(helper.make_node("Cast", ["x"], ["x32"], to=TensorProto.FLOAT))
        x = "x32"
    nodes.append(helper.make_node("ReduceMean", [x], ["m"], axes=[1], keepdims=1))
    if nan:
        nodes.append(helper.make_node("Sub", ["m", const("hundred", np.float32(100))], ["neg"]))
        nodes.append(helper.make_node("Log", ["neg"], ["y4"]))
    else:
        nodes.append(helper.make_node("Mul", ["m", const("a", np.float32(a))], ["am"]))
        nodes.append(helper.make_node("Add", ["am", const("b", np.float32(b))], ["y4"]))
    last = "y4"
    if downsample:  # an output at half the input's resolution, as some exports give
        nodes.append(
            helper.make_node("AveragePool", ["y4"], ["y4d"], kernel_shape=[2, 2], strides=[2, 2])
        )
        last = "y4d"
    squeeze = {4: None, 3: [1], 2: [0, 1]}[output_rank]
    if squeeze is not None:
        axes = const("axes", np.asarray(squeeze, dtype=np.int64))
        nodes.append(helper.make_node("Squeeze", [last, axes], ["y"]))
    else:
        nodes.append(helper.make_node("Identity", [last], ["y"]))
    if half:
        nodes.append(helper.make_node("Cast", ["y"], ["depth"], to=TensorProto.FLOAT16))
    else:
        nodes.append(helper.make_node("Identity", ["y"], ["depth"]))

    inputs = [helper.make_tensor_value_info("x", elem, list(input_shape))]
    if extra_input:
        inputs.append(helper.make_tensor_value_info("scale", TensorProto.FLOAT, [1]))
    out_shape = {4: [1, 1, "h", "w"], 3: [1, "h", "w"], 2: ["h", "w"]}[output_rank]
    out_type = TensorProto.FLOAT16 if half else TensorProto.FLOAT
    outputs = [helper.make_tensor_value_info("depth", out_type, out_shape)]
    if extra_output:
        nodes.append(helper.make_node("Identity", ["m"], ["mean"]))
        outputs.append(helper.make_tensor_value_info("mean", TensorProto.FLOAT, [1, 1, "h", "w"]))
    graph = helper.make_graph(nodes, "tiny_depth", inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # readable by every onnxruntime the project allows
    if kind is not None:
        helper.set_model_props(model, {DEPTH_KIND_METADATA_KEY: kind})
    onnx.save(model, str(path))
    return path


def normalised_mean(rgb: np.ndarray, mean=IMAGENET_MEAN, std=IMAGENET_STD) -> np.ndarray:
    """Mean over channels of the model's input when no resize is needed, in float64."""
    x = (rgb.astype(np.float64) / 255.0 - np.asarray(mean)) / np.asarray(std)
    return x.mean(axis=2)


def photo(height: int, width: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def camera_for(rgb: np.ndarray) -> Camera:
    """A seed camera for the photo: 60 degrees vertical field of view, at the origin."""
    return Camera.from_fov(60.0, rgb.shape[1], rgb.shape[0], np.eye(4))


def median_scaled(depth: np.ndarray) -> np.ndarray:
    return depth * (ASSUMED_MEDIAN_DEPTH_M / np.median(depth[depth > 0]))


# --- scale.py: kinds, caps and the median --------------------------------------------------


def test_metric_prediction_is_kept_and_non_positive_values_become_unknown():
    prediction = np.array([[1.5, 0.0], [-2.0, 7.25]], dtype=np.float32)
    converted = to_depth(prediction, "metric")
    np.testing.assert_array_equal(converted.depth, [[1.5, 0.0], [0.0, 7.25]])
    assert not converted.clamped.any()


def test_inverse_depth_is_the_reciprocal_of_disparity_inside_the_caps():
    disparity = np.random.default_rng(1).uniform(0.5, 2.0, (20, 30))
    converted = to_depth(disparity, "inverse")
    np.testing.assert_allclose(converted.depth, 1.0 / disparity, rtol=1e-6)
    assert not converted.clamped.any()


def test_disparity_at_or_below_zero_is_capped_at_the_far_multiple_of_the_median():
    disparity = np.full((10, 10), 2.0)
    disparity[0, :] = 0.0
    disparity[1, :3] = -1.0
    disparity[2, 0] = 2.0 / (2 * FAR_CAP_MULTIPLE)  # below the floor as well
    converted = to_depth(disparity, "inverse")
    far = FAR_CAP_MULTIPLE / 2.0  # FAR_CAP_MULTIPLE times the median depth of 0.5
    expected_clamped = disparity < 2.0
    np.testing.assert_array_equal(converted.clamped, expected_clamped)
    np.testing.assert_allclose(converted.depth[expected_clamped], far, rtol=1e-6)
    np.testing.assert_allclose(converted.depth[~expected_clamped], 0.5, rtol=1e-6)


def test_relative_depth_keeps_its_ratios_and_is_capped_both_ways():
    depth = np.random.default_rng(2).uniform(1.0, 3.0, (12, 12))
    depth[0, 0], depth[0, 1], depth[0, 2] = 1e-4, 500.0, -3.0
    converted = to_depth(depth, "relative")
    median = np.median(depth[depth > 0])
    inside = (depth >= median / FAR_CAP_MULTIPLE) & (depth <= median * FAR_CAP_MULTIPLE)
    np.testing.assert_allclose(converted.depth[inside], depth[inside], rtol=1e-6)
    np.testing.assert_array_equal(converted.clamped, ~inside)
    assert converted.depth[0, 0] == pytest.approx(median / FAR_CAP_MULTIPLE, rel=1e-6)
    assert converted.depth[0, 1] == pytest.approx(median * FAR_CAP_MULTIPLE, rel=1e-6)
    assert converted.depth[0, 2] == pytest.approx(median / FAR_CAP_MULTIPLE, rel=1e-6)


def test_normalise_median_sets_the_median_of_known_pixels_and_keeps_ratios_and_unknowns():
    depth = np.random.default_rng(3).uniform(0.2, 9.0, (16, 16)).astype(np.float32)
    depth[:4] = 0.0
    scaled = normalise_median(depth, 3.0)
    assert np.median(scaled[scaled > 0]) == pytest.approx(3.0, rel=1e-6)
    np.testing.assert_array_equal(scaled[:4], 0.0)
    ratio = scaled[4:] / depth[4:]
    np.testing.assert_allclose(ratio, ratio.flat[0], rtol=1e-6)


def test_conversion_refuses_no_positive_value_non_finite_values_and_unknown_kinds():
    with pytest.raises(ValueError, match="no positive"):
        to_depth(np.zeros((4, 4)), "inverse")
    with pytest.raises(ValueError, match="no positive"):
        to_depth(-np.ones((4, 4)), "metric")
    with pytest.raises(ValueError, match="non-finite"):
        to_depth(np.array([[1.0, np.nan]]), "relative")
    with pytest.raises(ValueError, match="unknown depth kind"):
        to_depth(np.ones((4, 4)), "disparity")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        normalise_median(np.ones((4, 4)), 0.0)


def test_edge_confidence_matches_the_pixel_by_pixel_reference():
    rng = np.random.default_rng(4)
    depth = rng.uniform(2.0, 2.3, (23, 31))
    depth[:, 15:] *= 1.5  # a step
    depth[rng.random(depth.shape) < 0.05] = 0.0  # unknown pixels
    np.testing.assert_allclose(edge_confidence(depth), edge_confidence_reference(depth), atol=1e-6)


def test_edge_confidence_is_high_on_a_smooth_slope_and_zero_across_a_step():
    y, x = np.mgrid[0:40, 0:60]
    depth = 2.0 + 0.001 * x + 0.002 * y
    depth[:, 30:] += 1.0
    confidence = edge_confidence(depth)
    assert np.all(confidence[:, [29, 30]] == 0.0)
    assert np.all(confidence[:, :28] > 0.95) and np.all(confidence[:, 32:] > 0.95)


# --- OnnxDepth: exact outputs by kind ------------------------------------------------------------


def test_a_metric_model_gives_its_output_in_metres_unchanged(tmp_path):
    path = build_model(tmp_path / "tiny_metric.onnx", input_shape=(1, 3, 24, 32), a=0.5, b=2.0)
    rgb = photo(24, 32)
    estimator = OnnxDepth(path)
    estimate = estimator.estimate(rgb, camera_for(rgb))
    expected = 0.5 * normalised_mean(rgb) + 2.0
    assert estimator.kind == "metric" and estimate.metric
    np.testing.assert_allclose(estimate.depth, expected, rtol=1e-5)
    assert estimate.depth.dtype == np.float32 and estimate.source == "onnx:tiny_metric.onnx:metric"


def test_an_inverse_model_gives_reciprocal_disparity_scaled_to_the_assumed_median(tmp_path):
    path = build_model(tmp_path / "disparity.onnx", a=0.3, b=1.0, output_rank=4)
    rgb = photo(42, 56, seed=5)  # with input_size 56 the model sees the photo unresized
    estimator = OnnxDepth(path, input_size=56)
    assert estimator.input_hw(42, 56) == (42, 56)
    estimate = estimator.estimate(rgb, camera_for(rgb))
    disparity = 0.3 * normalised_mean(rgb) + 1.0
    assert disparity.min() > 0 and disparity.max() / disparity.min() < FAR_CAP_MULTIPLE
    np.testing.assert_allclose(estimate.depth, median_scaled(1.0 / disparity), rtol=1e-5)
    assert not estimate.metric
    assert np.median(estimate.depth) == pytest.approx(ASSUMED_MEDIAN_DEPTH_M, rel=1e-5)


def test_a_relative_model_declared_in_metadata_is_scaled_to_the_assumed_median(tmp_path):
    path = build_model(tmp_path / "model.onnx", a=0.25, b=1.5, output_rank=2, kind="relative")
    rgb = photo(28, 42, seed=6)
    estimator = OnnxDepth(path, input_size=42)
    estimate = estimator.estimate(rgb, camera_for(rgb))
    relative = 0.25 * normalised_mean(rgb) + 1.5
    assert estimator.kind == "relative" and not estimate.metric
    np.testing.assert_allclose(estimate.depth, median_scaled(relative), rtol=1e-5)


def test_the_far_field_of_a_disparity_map_is_capped_with_low_confidence(tmp_path):
    # Disparity = mean - 0.5: the dark half of the photo has disparity <= 0, "at infinity".
    path = build_model(tmp_path / "model.onnx", a=1.0, b=-0.5, kind="inverse")
    rgb = np.zeros((28, 42, 3), dtype=np.uint8)
    rgb[:, 21:] = 255
    estimate = OnnxDepth(path, input_size=42).estimate(rgb, camera_for(rgb))
    near = estimate.depth[:, 21:]
    far = estimate.depth[:, :21]
    # The only positive disparity is the bright half's, so the far field sits at the cap.
    np.testing.assert_allclose(far / near.mean(), FAR_CAP_MULTIPLE, rtol=1e-5)
    assert np.all(estimate.confidence[:, :21] <= CLAMPED_CONFIDENCE)
    assert np.all(estimate.confidence[:, 23:] > 0.99)
    assert any("clamped" in note for note in estimate.notes)


def test_auto_kind_reads_metadata_then_the_file_name_and_an_explicit_kind_wins(tmp_path):
    declared = build_model(tmp_path / "depth_metric.onnx", kind="inverse")
    named = build_model(tmp_path / "depth_metric_indoor.onnx")
    plain = build_model(tmp_path / "depth_anything_v2_vits.onnx")
    assert OnnxDepth(declared).kind == "inverse"
    assert OnnxDepth(named).kind == "metric"
    assert OnnxDepth(plain).kind == "inverse"
    assert OnnxDepth(declared, kind="relative").kind == "relative"
    assert OnnxDepth(named, kind="inverse").kind == "inverse"


def test_mean_and_std_can_be_overridden(tmp_path):
    path = build_model(tmp_path / "metric.onnx", input_shape=(1, 3, 20, 20), a=2.0, b=0.5)
    rgb = photo(20, 20, seed=7)
    estimate = OnnxDepth(path, mean=(0, 0, 0), std=(1, 1, 1)).estimate(rgb, camera_for(rgb))
    expected = 2.0 * rgb.astype(np.float64).mean(axis=2) / 255.0 + 0.5
    np.testing.assert_allclose(estimate.depth, expected, rtol=1e-5)


def test_a_half_precision_model_is_fed_and_read_in_half_precision(tmp_path):
    path = build_model(tmp_path / "metric_fp16.onnx", input_shape=(1, 3, 16, 24), b=3.0, half=True)
    rgb = photo(16, 24, seed=8)
    estimator = OnnxDepth(path)
    assert estimator.preprocess(rgb).dtype == np.float16
    estimate = estimator.estimate(rgb, camera_for(rgb))
    np.testing.assert_allclose(estimate.depth, normalised_mean(rgb) + 3.0, rtol=2e-3)


# --- OnnxDepth: sizes ----------------------------------------------------------------------------


@pytest.mark.parametrize(("height", "width"), [(400, 600), (600, 400), (100, 100), (37, 1000)])
def test_a_dynamic_model_gets_multiples_of_14_with_a_518_long_side_keeping_the_aspect(
    tmp_path, height, width
):
    estimator = OnnxDepth(build_model(tmp_path / "model.onnx"))
    h, w = estimator.input_hw(height, width)
    assert h % 14 == 0 and w % 14 == 0 and h >= 14 and w >= 14
    assert max(h, w) == 518
    if min(height, width) * 518 / max(height, width) >= 14:
        # Rounding to a whole patch moves the short side by at most half a patch.
        assert abs(min(h, w) - min(height, width) * 518 / max(height, width)) <= 7
    assert (h >= w) == (height >= width)


def test_a_fixed_model_gets_its_own_size_and_refuses_another(tmp_path):
    path = build_model(tmp_path / "model.onnx", input_shape=(1, 3, 28, 42))
    estimator = OnnxDepth(path)
    assert estimator.input_hw(400, 600) == (28, 42)
    assert estimator.preprocess(photo(100, 90)).shape == (1, 3, 28, 42)
    with pytest.raises(InvalidArgument) as info:
        OnnxDepth(path, input_size=518)
    assert info.value.reason == "INVALID_DEPTH_OPTION"


def test_a_uniform_photo_gives_the_formula_exactly_at_any_photo_size(tmp_path):
    path = build_model(tmp_path / "metric.onnx", input_shape=(1, 3, 28, 42), a=0.5, b=2.0)
    rgb = np.empty((51, 77, 3), dtype=np.uint8)
    rgb[:] = (200, 90, 30)
    estimate = OnnxDepth(path).estimate(rgb, camera_for(rgb))
    assert estimate.depth.shape == (51, 77) and estimate.confidence.shape == (51, 77)
    expected = 0.5 * normalised_mean(rgb[:1, :1])[0, 0] + 2.0
    np.testing.assert_allclose(estimate.depth, expected, rtol=1e-5)


def test_the_prediction_is_resized_back_to_the_photo_without_transposing(tmp_path):
    # A horizontal ramp through a model at a different size and aspect, with an output at half
    # its input resolution: depth must rise along x in every row and not vary down a column.
    path = build_model(tmp_path / "metric.onnx", a=0.5, b=2.0, downsample=True)
    ramp = np.linspace(0, 255, 90)
    rgb = np.repeat(np.repeat(ramp[None, :, None], 60, axis=0), 3, axis=2).round().astype(np.uint8)
    estimator = OnnxDepth(path, input_size=56)
    assert estimator.input_hw(60, 90) == (42, 56)
    estimate = estimator.estimate(rgb, camera_for(rgb))
    assert estimate.depth.shape == (60, 90)
    assert np.all(np.diff(estimate.depth[:, 5:-5], axis=1) > 0)
    assert np.ptp(estimate.depth, axis=0).max() < 1e-5
    # Each resampling is exact on a linear ramp, so inside the border the formula holds up to the
    # ramp's rounding to 8 bits (half a level is 0.0043 here); the border pixels, where the
    # resamplers clamp, stay within one column's step (0.025).
    expected = 0.5 * normalised_mean(rgb[:1])[0] + 2.0
    np.testing.assert_allclose(estimate.depth[0, 1:-1], expected[1:-1], atol=0.005)
    np.testing.assert_allclose(estimate.depth[0], expected, atol=0.03)


def test_confidence_is_low_at_a_depth_step_and_high_on_flat_regions(tmp_path):
    path = build_model(tmp_path / "metric.onnx", input_shape=(1, 3, 30, 40), a=0.5, b=2.0)
    rgb = np.zeros((30, 40, 3), dtype=np.uint8)
    rgb[:, 20:] = 255
    estimate = OnnxDepth(path).estimate(rgb, camera_for(rgb))
    assert np.all(estimate.confidence[:, 19:21] == 0.0)
    assert np.all(estimate.confidence[:, :18] == 1.0) and np.all(estimate.confidence[:, 22:] == 1.0)


def test_the_model_is_read_once_and_each_estimate_reuses_the_session(tmp_path):
    path = build_model(tmp_path / "model.onnx", a=0.3, b=1.0)
    estimator = OnnxDepth(path, input_size=28)
    path.unlink()
    rgb = photo(21, 28, seed=9)
    first = estimator.estimate(rgb, camera_for(rgb))
    second = estimator.estimate(rgb, camera_for(rgb))
    np.testing.assert_array_equal(first.depth, second.depth)


def test_generators_share_one_loaded_model_until_the_file_changes(tmp_path):
    from worldstream.generate.base import GeneratorOptions
    from worldstream.generate.classic import ClassicGenerator

    path = build_model(tmp_path / "model.onnx", a=0.3, b=1.0)
    options = GeneratorOptions(depth_model=str(path))
    # Two generators, as two world creations or generation jobs make them: one model.
    first = ClassicGenerator(options=options).estimator
    assert ClassicGenerator(options=options).estimator is first
    assert shared_model(path) is first
    assert shared_model(path, kind="metric") is not first  # another reading of the file
    # A replaced file is read again, and says what it now holds.
    build_model(path, a=0.6, b=1.0, kind="metric")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    replaced = ClassicGenerator(options=options).estimator
    assert replaced is not first and replaced.kind == "metric"


def test_the_coffee_photo_gets_finite_positive_depth_of_its_own_size(tmp_path):
    path = build_model(tmp_path / "depth_anything_v2_vits.onnx", a=0.2, b=1.0)
    rgb = data.coffee()  # 400 x 600
    estimate = OnnxDepth(path).estimate(rgb, camera_for(rgb))
    assert estimate.depth.shape == rgb.shape[:2] and estimate.confidence.shape == rgb.shape[:2]
    assert np.all(np.isfinite(estimate.depth)) and np.all(estimate.depth > 0)
    assert np.median(estimate.depth) == pytest.approx(ASSUMED_MEDIAN_DEPTH_M, rel=1e-3)
    assert np.all((estimate.confidence >= 0) & (estimate.confidence <= 1))
    assert not estimate.metric and estimate.notes


# --- OnnxDepth: refusals -------------------------------------------------------------------------


def reason_of(path: Path, error=InvalidArgument, **kwargs) -> str:
    with pytest.raises(error) as info:
        OnnxDepth(path, **kwargs)
    assert str(path) in info.value.message  # the message names the file
    return info.value.reason


def test_a_missing_model_file_is_refused_naming_the_file(tmp_path):
    assert reason_of(tmp_path / "nowhere.onnx") == "DEPTH_MODEL_NOT_FOUND"


def test_a_file_that_is_not_onnx_is_refused(tmp_path):
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"this is not a protobuf \x00\xff" * 10)
    assert reason_of(garbage) == "DEPTH_MODEL_INVALID"
    assert reason_of(tmp_path) == "DEPTH_MODEL_INVALID"  # a directory


@pytest.mark.parametrize(
    "options",
    [
        {"input_shape": (3, "h", "w")},  # no batch axis
        {"input_shape": (1, "h", "w", 3)},  # channels last
        {"input_shape": (1, 1, "h", "w")},  # one channel
        {"input_type": TensorProto.INT64},  # not a float image
        {"extra_input": True},
        {"extra_output": True},
    ],
    ids=["rank3", "nhwc", "one-channel", "int-input", "two-inputs", "two-outputs"],
)
def test_a_model_that_does_not_take_one_image_and_give_one_map_is_refused(tmp_path, options):
    assert reason_of(build_model(tmp_path / "bad.onnx", **options)) == "DEPTH_MODEL_INVALID"


def test_metadata_with_an_unknown_kind_is_refused(tmp_path):
    assert reason_of(build_model(tmp_path / "m.onnx", kind="disparity")) == "DEPTH_MODEL_INVALID"


@pytest.mark.parametrize(
    "options",
    [{"kind": "disparity"}, {"input_size": 5}, {"threads": -1}, {"std": (1, 0, 1)}, {"mean": (1,)}],
)
def test_invalid_options_are_refused(tmp_path, options):
    path = build_model(tmp_path / "m.onnx")
    with pytest.raises(InvalidArgument) as info:
        OnnxDepth(path, **options)
    assert info.value.reason == "INVALID_DEPTH_OPTION"


def test_nan_output_is_refused_when_estimating_naming_the_file(tmp_path):
    path = build_model(tmp_path / "nan.onnx", nan=True)
    estimator = OnnxDepth(path, input_size=28)
    rgb = photo(21, 28)
    with pytest.raises(FailedPrecondition) as info:
        estimator.estimate(rgb, camera_for(rgb))
    assert info.value.reason == "DEPTH_MODEL_FAILED"
    assert str(path) in info.value.message and "NaN" in info.value.message


def test_a_disparity_map_with_nothing_positive_is_refused(tmp_path):
    path = build_model(tmp_path / "m.onnx", a=0.0, b=-1.0, kind="inverse")
    rgb = photo(21, 28)
    with pytest.raises(FailedPrecondition) as info:
        OnnxDepth(path, input_size=28).estimate(rgb, camera_for(rgb))
    assert info.value.reason == "DEPTH_MODEL_FAILED"


# --- GivenDepth ----------------------------------------------------------------------------------


def test_given_depth_is_returned_unchanged_with_full_confidence_where_known():
    scene = two_room_scene()
    camera = Camera(intrinsics_from_fov(60.0, 64, 48), scene.viewpoints["spawn"], 64, 48)
    view = scene.render(camera)
    depth = view.depth.copy()
    depth[:5] = 0.0  # unknown
    estimate = GivenDepth(depth, source="ground-truth").estimate(view.rgb, camera)
    np.testing.assert_array_equal(estimate.depth, depth)
    np.testing.assert_array_equal(estimate.confidence, (depth > 0).astype(np.float32))
    assert estimate.metric and estimate.source == "ground-truth"
    assert not GivenDepth(depth, metric=False).estimate(view.rgb, camera).metric


@pytest.mark.parametrize(
    "depth",
    [
        np.full((8, 8), np.nan),
        np.full((8, 8), -1.0),
        np.zeros((8, 8)),
        np.ones((8, 8, 1)),
        np.ones((8, 8), dtype=bool),
    ],
    ids=["nan", "negative", "all-unknown", "rank3", "bool"],
)
def test_given_depth_refuses_values_that_are_not_depth(depth):
    with pytest.raises(InvalidArgument) as info:
        GivenDepth(depth)
    assert info.value.reason == "INVALID_DEPTH"


def test_given_depth_refuses_a_photo_of_another_size():
    rgb = photo(10, 12)
    with pytest.raises(InvalidArgument) as info:
        GivenDepth(np.ones((10, 10))).estimate(rgb, camera_for(rgb))
    assert info.value.reason == "INVALID_DEPTH"
