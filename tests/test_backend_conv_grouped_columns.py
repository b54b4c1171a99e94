"""The grouped im2col route of the NumPy backend's ``conv``, its chunks and its copy helper.

Grouped convolutions (``c_g > 1`` channels per group) copy each batch chunk
group-major, padded, into a scratch image reused from chunk to chunk, and
copy each group's windows into contiguous columns a run of pixels at a time
(``_copy_in_runs``). These tests force many small chunks (so the scratch
image is reused and the last chunk is shorter), use 2, 3 and 4 groups with
odd shapes, strides, dilations, both paddings, both data formats and mixed
dtypes, and compare the forward pass and both gradients with the direct
loops of ``test_backend_conv.py`` / ``test_backend_conv_kernels.py``
(float64: tolerance 1e-10 for summation order only).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from test_backend_conv import naive_conv
from test_backend_conv_kernels import naive_conv_gradients

conv_module = importlib.import_module("graphkeras.backend.numpy_backend.conv")

TOLERANCE = {"rtol": 1e-10, "atol": 1e-10}

CASES = [
    # (input shape, kernel size, c_g, filters per group, strides, dilation, padding, format)
    ((5, 7, 9, 6), (3, 3), 2, 3, 1, 1, "same", "channels_last"),
    ((5, 7, 9, 9), (3, 2), 3, 1, 1, (2, 1), "valid", "channels_last"),
    ((4, 8, 7, 12), (3, 3), 3, 2, (2, 1), 1, "same", "channels_last"),
    ((3, 8, 6, 5), (2, 3), 2, 2, 1, 1, "same", "channels_first"),
    ((5, 11, 8), (3,), 2, 1, 2, 1, "valid", "channels_last"),
    ((3, 5, 4, 6, 6), (2, 3, 2), 2, 2, 1, 1, "same", "channels_last"),
]


@pytest.fixture
def tiny_chunks(monkeypatch):
    """Chunks of about one sample of columns, so every case runs several of them."""
    monkeypatch.setattr(conv_module, "_COLUMNS_PER_CHUNK", 64)


def _arrays(case, seed: int):
    shape, kernel_size, group_channels, per_group, *_, data_format = case
    channels = shape[1] if data_format == "channels_first" else shape[-1]
    groups = channels // group_channels
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=shape)
    kernel = rng.uniform(-2, 2, size=(*kernel_size, group_channels, groups * per_group))
    return x, kernel


@pytest.mark.parametrize("case", CASES)
def test_grouped_conv_and_its_gradients_match_direct_loops_in_small_chunks(case, tiny_chunks):
    x, kernel = _arrays(case, seed=len(case[0]))
    *_, strides, dilation, padding, data_format = case
    options = {
        "strides": strides,
        "padding": padding,
        "data_format": data_format,
        "dilation_rate": dilation,
    }
    output = conv_module.conv(x, kernel, **options)
    expected = naive_conv(x, kernel, strides, padding, data_format, dilation)
    np.testing.assert_allclose(output, expected, **TOLERANCE)
    upstream = np.random.default_rng(7).uniform(-1, 1, size=output.shape)
    gradients = conv_module.conv_gradient(
        upstream, output, {"x": x, "kernel": kernel, **options}, {"x": True, "kernel": True}
    )
    expected_x, expected_kernel = naive_conv_gradients(
        x, kernel, upstream, strides, padding, data_format, dilation
    )
    np.testing.assert_allclose(gradients["x"], expected_x, **TOLERANCE)
    np.testing.assert_allclose(gradients["kernel"], expected_kernel, **TOLERANCE)


@pytest.mark.parametrize("groups", [1, 2, 3, 4])
def test_each_gradient_alone_matches_both_together(groups, tiny_chunks):
    rng = np.random.default_rng(groups)
    x = rng.uniform(-2, 2, size=(3, 6, 5, 12))
    kernel = rng.uniform(-2, 2, size=(3, 3, 12 // groups, 12))
    options = {"strides": 1, "padding": "same", "data_format": None, "dilation_rate": 1}
    output = conv_module.conv(x, kernel, padding="same")
    upstream = rng.uniform(-1, 1, size=output.shape)
    arguments = {"x": x, "kernel": kernel, **options}
    both = conv_module.conv_gradient(upstream, output, arguments, {"x": True, "kernel": True})
    x_only = conv_module.conv_gradient(upstream, output, arguments, {"x": True, "kernel": False})
    kernel_only = conv_module.conv_gradient(
        upstream, output, arguments, {"x": False, "kernel": True}
    )
    assert set(x_only) == {"x"} and set(kernel_only) == {"kernel"}
    np.testing.assert_allclose(x_only["x"], both["x"], **TOLERANCE)
    np.testing.assert_allclose(kernel_only["kernel"], both["kernel"], **TOLERANCE)


def test_float32_input_with_a_float64_kernel_is_computed_in_float64(tiny_chunks):
    rng = np.random.default_rng(3)
    x = rng.uniform(-2, 2, size=(3, 5, 6, 8)).astype("float32")
    kernel = rng.uniform(-2, 2, size=(3, 3, 2, 8))
    output = conv_module.conv(x, kernel, padding="same")
    assert output.dtype == np.float64
    expected = naive_conv(x.astype("float64"), kernel, padding="same")
    np.testing.assert_allclose(output, expected, **TOLERANCE)


def test_float32_grouped_conv_stays_close_to_float64():
    rng = np.random.default_rng(4)
    x = rng.uniform(-2, 2, size=(2, 9, 7, 12))
    kernel = rng.uniform(-2, 2, size=(3, 3, 3, 12))
    single = conv_module.conv(x.astype("float32"), kernel.astype("float32"), padding="same")
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, naive_conv(x, kernel, padding="same"), rtol=0, atol=2e-5)


def test_the_tape_differentiates_a_grouped_conv_through_the_new_route(B, tiny_chunks):
    rng = np.random.default_rng(5)
    x = rng.uniform(-2, 2, size=(3, 5, 5, 9))
    kernel = rng.uniform(-2, 2, size=(2, 2, 3, 6))
    upstream = rng.uniform(-1, 1, size=(3, 5, 5, 6))
    x_tensor, kernel_tensor = B.convert_to_tensor(x), B.convert_to_tensor(kernel)
    with B.GradientTape() as tape:
        tape.watch(x_tensor)
        tape.watch(kernel_tensor)
        output = B.conv(x_tensor, kernel_tensor, padding="same")
        target = B.sum(B.multiply(output, B.convert_to_tensor(upstream)))
    x_gradient, kernel_gradient = tape.gradient(target, [x_tensor, kernel_tensor])
    expected_x, expected_kernel = naive_conv_gradients(
        x, kernel, upstream, 1, "same", "channels_last", 1
    )
    np.testing.assert_allclose(B.convert_to_numpy(x_gradient), expected_x, **TOLERANCE)
    np.testing.assert_allclose(B.convert_to_numpy(kernel_gradient), expected_kernel, **TOLERANCE)


# --------------------------------------------------------------- _copy_in_runs


def test_copy_in_runs_copies_overlapping_windows_like_copyto():
    image = np.arange(2 * 6 * 7 * 3, dtype="float32").reshape(2, 6, 7, 3)
    geometry = conv_module._Geometry(False, (1, 1), (1, 1), (3, 3), ((0, 0), (0, 0)), (4, 5))
    windows = conv_module._windows(image, geometry)
    target = np.empty(windows.shape, "float32")
    conv_module._copy_in_runs(target, windows)
    np.testing.assert_array_equal(target, windows)


def test_copy_in_runs_into_a_strided_target_and_across_dtypes():
    source = np.arange(4 * 5 * 6, dtype="float32").reshape(4, 5, 6)
    target = np.zeros((4, 7, 6), "float32")
    conv_module._copy_in_runs(target[:, 1:6], source)
    np.testing.assert_array_equal(target[:, 1:6], source)
    assert not target[:, 0].any() and not target[:, 6].any()
    wide = np.zeros((4, 5, 6), "float64")
    conv_module._copy_in_runs(wide, source)
    np.testing.assert_array_equal(wide, source.astype("float64"))
    transposed = np.zeros((6, 5, 4), "float32")
    conv_module._copy_in_runs(transposed, source.transpose(2, 1, 0))
    np.testing.assert_array_equal(transposed, source.transpose(2, 1, 0))


def test_runs_made_once_for_a_whole_batch_copy_each_chunk_like_copyto():
    copies = importlib.import_module("graphkeras.backend.numpy_backend.copies")
    batch = np.arange(5 * 4 * 3 * 6, dtype="float32").reshape(5, 4, 3, 6)
    group_major = np.moveaxis(batch.reshape(5, 4, 3, 2, 3), -2, 0)  # (2, 5, 4, 3, 3)
    scratch = np.zeros((2, 2, 6, 3, 3), "float32")
    inside = scratch[:, :, 1:5]
    target, source = copies.runs_of(inside, group_major)
    assert target.dtype.itemsize == source.dtype.itemsize == 3 * 4  # runs of c_g channels
    for start in (0, 2):
        np.copyto(target, source[:, start : start + 2])
        np.testing.assert_array_equal(inside, group_major[:, start : start + 2])  # a pure copy
        assert not scratch[:, :, 0].any() and not scratch[:, :, 5].any()
    wide = np.zeros((2, 5, 4, 3, 3), "float64")
    target, source = copies.runs_of(wide, group_major)
    assert target.dtype == np.float64 and source.dtype == np.float32
    np.copyto(target, source)
    np.testing.assert_array_equal(wide, group_major)  # float32 -> float64 copy is exact
