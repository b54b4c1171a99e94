"""The Winograd F(6, 3) route of the NumPy backend's 2-D 3x3 stride-1 ``conv``.

Convolutions with a 3x3 kernel, stride and dilation 1, at least 16 input
and 16 output channels per group and 16 output rows run through
``winograd.py``. These tests lower those thresholds (so that small shapes,
fast to check by loops, take the route; one case keeps them), check the
algorithm's three mixing matrices against a 1-D correlation, which shapes
take the route, and compare its forward pass and both
gradients with the direct loops of ``test_backend_conv.py`` /
``test_backend_conv_kernels.py``: heights divisible by the six-row tile
and not, odd widths, batch 1, 1 to 4 groups, both paddings, both data formats,
float64 (tolerance 1e-10, summation order only) and float32 (within 1e-5 of
the largest value, the algorithm's own rounding included), in chunks of one
sample and in chunks that leave a shorter remainder.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from test_backend_conv import naive_conv
from test_backend_conv_kernels import naive_conv_gradients

conv_module = importlib.import_module("graphkeras.backend.numpy_backend.conv")
winograd = importlib.import_module("graphkeras.backend.numpy_backend.winograd")

TOLERANCE = {"rtol": 1e-10, "atol": 1e-10}

CASES = [
    # (input shape, c_g, filters per group, padding, data format)
    ((2, 7, 5, 16), 8, 8, "same", "channels_last"),
    ((1, 9, 11, 27), 9, 10, "same", "channels_last"),
    ((3, 6, 6, 8), 8, 9, "valid", "channels_last"),
    ((2, 5, 13, 32), 8, 8, "same", "channels_last"),
    ((2, 16, 7, 9), 16, 8, "same", "channels_first"),
    ((1, 10, 11, 4), 10, 12, "valid", "channels_first"),
    ((1, 3, 5, 8), 8, 8, "same", "channels_last"),
    ((2, 12, 5, 16), 8, 8, "same", "channels_last"),
    ((2, 14, 5, 16), 16, 16, "valid", "channels_last"),  # one group: whole images are one run
]


def _groups(case) -> int:
    shape, group_channels, *_, data_format = case
    channels = shape[1] if data_format == "channels_first" else shape[-1]
    return channels // group_channels


def _arrays(case, seed: int, dtype="float64"):
    shape, group_channels, per_group, *_ = case
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=shape).astype(dtype)
    kernel = rng.uniform(-2, 2, size=(3, 3, group_channels, _groups(case) * per_group))
    return x, kernel.astype(dtype)


def _options(case) -> dict:
    *_, padding, data_format = case
    return {"strides": 1, "padding": padding, "data_format": data_format, "dilation_rate": 1}


def _forward_and_gradients(x, kernel, options, seed: int):
    output = conv_module.conv(x, kernel, **options)
    upstream = np.random.default_rng(seed).uniform(-1, 1, size=output.shape).astype(x.dtype)
    gradients = conv_module.conv_gradient(
        upstream, output, {"x": x, "kernel": kernel, **options}, {"x": True, "kernel": True}
    )
    return output, upstream, gradients


def _expected(x, kernel, upstream, options):
    padding, data_format = options["padding"], options["data_format"]
    output = naive_conv(x, kernel, 1, padding, data_format, 1)
    x_gradient, kernel_gradient = naive_conv_gradients(
        x.astype("float64"), kernel.astype("float64"), upstream.astype("float64"),
        1, padding, data_format, 1,
    )  # fmt: skip
    return output, x_gradient, kernel_gradient


@pytest.fixture(autouse=True)
def small_shapes_take_the_route(monkeypatch):
    """Thresholds low enough for the small cases below (their rule is tested separately)."""
    monkeypatch.setattr(winograd, "_MIN_CHANNELS", 8)
    monkeypatch.setattr(winograd, "_MIN_HEIGHT", 1)


@pytest.fixture(params=["one sample", "remainder"])
def chunking(request, monkeypatch):
    """Chunks of one sample, or of two samples so that an odd batch leaves a remainder."""
    if request.param == "one sample":
        monkeypatch.setattr(winograd, "_COLUMNS_PER_CHUNK", 1)
        return
    monkeypatch.setattr(winograd, "_chunk_size", lambda shape, groups: min(2, shape[0]))


def test_the_mixing_matrices_compute_six_outputs_of_a_three_tap_correlation():
    assert winograd._INPUT_ROWS.shape == (8, 8) and winograd._KERNEL_ROWS.shape == (8, 3)
    assert winograd._OUTPUT_ROWS.shape == (6, 8)
    rng = np.random.default_rng(0)
    for _ in range(20):
        rows, taps = rng.uniform(-2, 2, size=8), rng.uniform(-2, 2, size=3)
        mixed = (winograd._KERNEL_ROWS @ taps) * (winograd._INPUT_ROWS @ rows)
        direct = [rows[i : i + 3] @ taps for i in range(6)]
        np.testing.assert_allclose(winograd._OUTPUT_ROWS @ mixed, direct, **TOLERANCE)


@pytest.mark.parametrize("case", CASES)
def test_the_cases_take_the_winograd_route(case):
    x, kernel = _arrays(case, seed=0)
    geometry = conv_module._conv_geometry("conv", x.shape, (3, 3), 1, case[-2], case[-1], 1)
    assert conv_module._takes_winograd(x.dtype, kernel.shape, geometry, _groups(case))


@pytest.mark.parametrize(
    "kernel_shape, strides, dilation, groups, output_spatial",
    [
        ((3, 3, 16, 16), (2, 2), (1, 1), 1, (20, 20)),
        ((3, 3, 16, 16), (1, 1), (2, 1), 1, (20, 20)),
        ((5, 5, 16, 16), (1, 1), (1, 1), 1, (20, 20)),
        ((3, 3, 15, 16), (1, 1), (1, 1), 1, (20, 20)),
        ((3, 3, 16, 60), (1, 1), (1, 1), 4, (20, 20)),
        ((3, 3, 16, 16), (1, 1), (1, 1), 1, (15, 20)),
        ((3, 16, 16), (1,), (1,), 1, (20,)),
    ],
)
def test_other_convolutions_keep_the_direct_route(
    kernel_shape, strides, dilation, groups, output_spatial, monkeypatch
):
    monkeypatch.setattr(winograd, "_MIN_CHANNELS", 16)
    monkeypatch.setattr(winograd, "_MIN_HEIGHT", 16)
    assert winograd.applies((3, 3, 16, 64), (1, 1), (1, 1), 4, (16, 5))
    assert not winograd.applies(kernel_shape, strides, dilation, groups, output_spatial)


def test_a_case_at_the_default_thresholds_matches_direct_loops(monkeypatch):
    monkeypatch.setattr(winograd, "_MIN_CHANNELS", 16)
    monkeypatch.setattr(winograd, "_MIN_HEIGHT", 16)
    case = ((1, 17, 3, 32), 16, 16, "same", "channels_last")
    x, kernel = _arrays(case, seed=2)
    geometry = conv_module._conv_geometry("conv", x.shape, (3, 3), 1, "same", None, 1)
    assert conv_module._takes_winograd(x.dtype, kernel.shape, geometry, 2)
    output, upstream, gradients = _forward_and_gradients(x, kernel, _options(case), seed=3)
    expected_output, expected_x, expected_kernel = _expected(x, kernel, upstream, _options(case))
    np.testing.assert_allclose(output, expected_output, **TOLERANCE)
    np.testing.assert_allclose(gradients["x"], expected_x, **TOLERANCE)
    np.testing.assert_allclose(gradients["kernel"], expected_kernel, **TOLERANCE)


@pytest.mark.parametrize("case", CASES)
def test_winograd_conv_and_its_gradients_match_direct_loops_in_float64(case, chunking):
    x, kernel = _arrays(case, seed=len(case[0]) + case[1])
    options = _options(case)
    output, upstream, gradients = _forward_and_gradients(x, kernel, options, seed=7)
    expected_output, expected_x, expected_kernel = _expected(x, kernel, upstream, options)
    assert output.dtype == np.float64 and output.shape == expected_output.shape
    np.testing.assert_allclose(output, expected_output, **TOLERANCE)
    np.testing.assert_allclose(gradients["x"], expected_x, **TOLERANCE)
    np.testing.assert_allclose(gradients["kernel"], expected_kernel, **TOLERANCE)


@pytest.mark.parametrize("case", CASES)
def test_winograd_float32_stays_within_1e_5_of_float64(case):
    x, kernel = _arrays(case, seed=11, dtype="float32")
    options = _options(case)
    output, upstream, gradients = _forward_and_gradients(x, kernel, options, seed=8)
    assert output.dtype == np.float32 and gradients["kernel"].dtype == np.float32
    expected = _expected(x, kernel, upstream, options)
    ours = (output, gradients["x"], gradients["kernel"])
    for mine, reference in zip(ours, expected, strict=True):
        scale = np.max(np.abs(reference))
        np.testing.assert_allclose(mine, reference, rtol=0, atol=1e-5 * scale)


@pytest.mark.parametrize("groups", [1, 2, 3, 4])
def test_winograd_matches_the_direct_route_through_the_tape(B, groups, monkeypatch):
    rng = np.random.default_rng(groups)
    x = rng.uniform(-2, 2, size=(2, 10, 7, 8 * groups))
    kernel = rng.uniform(-2, 2, size=(3, 3, 8, 8 * groups))
    upstream = rng.uniform(-1, 1, size=(2, 10, 7, 8 * groups))

    def gradients():
        x_tensor, kernel_tensor = B.convert_to_tensor(x), B.convert_to_tensor(kernel)
        with B.GradientTape() as tape:
            tape.watch(x_tensor)
            tape.watch(kernel_tensor)
            output = B.conv(x_tensor, kernel_tensor, padding="same")
            target = B.sum(B.multiply(output, B.convert_to_tensor(upstream)))
        found = tape.gradient(target, [x_tensor, kernel_tensor])
        return [B.convert_to_numpy(value) for value in (output, *found)]

    winograd_results = gradients()
    monkeypatch.setattr(conv_module, "_WINOGRAD_DTYPES", ())
    direct_results = gradients()
    for mine, reference in zip(winograd_results, direct_results, strict=True):
        np.testing.assert_allclose(mine, reference, **TOLERANCE)


def test_each_gradient_alone_matches_both_together():
    case = CASES[1]
    x, kernel = _arrays(case, seed=5)
    options = _options(case)
    output = conv_module.conv(x, kernel, **options)
    upstream = np.random.default_rng(6).uniform(-1, 1, size=output.shape)
    arguments = {"x": x, "kernel": kernel, **options}
    both = conv_module.conv_gradient(upstream, output, arguments, {"x": True, "kernel": True})
    x_only = conv_module.conv_gradient(upstream, output, arguments, {"x": True, "kernel": False})
    kernel_only = conv_module.conv_gradient(
        upstream, output, arguments, {"x": False, "kernel": True}
    )
    assert set(x_only) == {"x"} and set(kernel_only) == {"kernel"}
    np.testing.assert_allclose(x_only["x"], both["x"], **TOLERANCE)
    np.testing.assert_allclose(kernel_only["kernel"], both["kernel"], **TOLERANCE)


def test_a_float32_input_with_a_float64_kernel_is_computed_in_float64():
    rng = np.random.default_rng(3)
    x = rng.uniform(-2, 2, size=(2, 6, 5, 16)).astype("float32")
    kernel = rng.uniform(-2, 2, size=(3, 3, 8, 16))
    output = conv_module.conv(x, kernel, padding="same")
    assert output.dtype == np.float64
    expected = naive_conv(x.astype("float64"), kernel, padding="same")
    np.testing.assert_allclose(output, expected, **TOLERANCE)
