"""The fast convolution kernels against direct loops on random configurations.

Depthwise convolutions (one input channel per group) run as shifted
multiply-adds and grouped ones as chunked im2col products, with a separate
input-gradient route for stride 1 and for larger strides; each configuration
below draws the rank, groups, depth multiplier, strides, dilations, padding
and data format at random and checks the forward pass and both gradients
against ``naive_conv`` (``tests/test_backend_conv.py``) and its hand-written
adjoint ``naive_conv_gradients`` here. Everything is float64, so the
tolerance (rtol 1e-10, atol 1e-10) only allows for summation order.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from test_backend_conv import as_tuple, conv_padding, naive_conv

TOLERANCE = {"rtol": 1e-10, "atol": 1e-10}


def naive_conv_gradients(x, kernel, upstream, strides, padding, data_format, dilation):
    """Input and kernel gradients of ``sum(naive_conv(x, kernel) * upstream)``, by loops."""
    if data_format == "channels_first":
        x, upstream = np.moveaxis(x, 1, -1), np.moveaxis(upstream, 1, -1)
    rank = x.ndim - 2
    strides, dilation = as_tuple(strides, rank), as_tuple(dilation, rank)
    kernel_size = kernel.shape[:-2]
    group_channels, filters = kernel.shape[-2], kernel.shape[-1]
    per_group = filters // (x.shape[-1] // group_channels)
    befores = [
        conv_padding(size, (k - 1) * d + 1, s, padding)[1]
        for size, k, s, d in zip(x.shape[1:-1], kernel_size, strides, dilation, strict=True)
    ]
    x_gradient, kernel_gradient = np.zeros_like(x), np.zeros_like(kernel)
    for position in itertools.product(*(range(count) for count in upstream.shape[1:-1])):
        for offset in itertools.product(*(range(k) for k in kernel_size)):
            source = [
                o * s + q * d - b
                for o, s, q, d, b in zip(position, strides, offset, dilation, befores, strict=True)
            ]
            if any(not 0 <= i < size for i, size in zip(source, x.shape[1:-1], strict=True)):
                continue
            for filter_index in range(filters):
                group = filter_index // per_group
                channels = slice(group * group_channels, (group + 1) * group_channels)
                weight = upstream[(slice(None), *position, filter_index)]  # (batch,)
                pixel = x[(slice(None), *source, channels)]  # (batch, c_g)
                x_gradient[(slice(None), *source, channels)] += np.outer(
                    weight, kernel[(*offset, slice(None), filter_index)]
                )
                kernel_gradient[(*offset, slice(None), filter_index)] += weight @ pixel
    if data_format == "channels_first":
        x_gradient = np.moveaxis(x_gradient, -1, 1)
    return x_gradient, kernel_gradient


def random_configuration(seed: int) -> dict:
    """A random convolution: shapes, groups and every option, valid for its input."""
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 4))
    kernel_size = tuple(int(k) for k in rng.integers(1, 4, size=rank))
    strides = tuple(int(s) for s in rng.integers(1, 3, size=rank))
    dilation = (1,) * rank if any(s > 1 for s in strides) else tuple(rng.integers(1, 3, size=rank))
    dilation = tuple(int(d) for d in dilation)
    padding = str(rng.choice(["valid", "same", "causal"] if rank == 1 else ["valid", "same"]))
    spatial = tuple(
        int(rng.integers((k - 1) * d + 1, (k - 1) * d + 5))
        for k, d in zip(kernel_size, dilation, strict=True)
    )
    kind = str(rng.choice(["depthwise", "grouped", "dense"]))
    groups = {"depthwise": int(rng.integers(2, 5)), "grouped": 2, "dense": 1}[kind]
    group_channels = 1 if kind == "depthwise" else int(rng.integers(1, 4))
    per_group = int(rng.integers(1, 4))
    data_format = str(rng.choice(["channels_last", "channels_first"]))
    shape = (2, *spatial, groups * group_channels)
    if data_format == "channels_first":
        shape = (shape[0], shape[-1], *shape[1:-1])
    return {
        "x": rng.uniform(-2, 2, size=shape),
        "kernel": rng.uniform(-2, 2, size=(*kernel_size, group_channels, groups * per_group)),
        "options": {
            "strides": strides,
            "padding": padding,
            "data_format": data_format,
            "dilation_rate": dilation,
        },
    }


SEEDS = range(40)


@pytest.mark.parametrize("seed", SEEDS)
def test_conv_forward_matches_a_direct_loop_on_random_configurations(B, seed):
    case = random_configuration(seed)
    options = case["options"]
    result = B.conv(B.convert_to_tensor(case["x"]), B.convert_to_tensor(case["kernel"]), **options)
    expected = naive_conv(
        case["x"],
        case["kernel"],
        options["strides"],
        options["padding"],
        options["data_format"],
        options["dilation_rate"],
    )
    np.testing.assert_allclose(B.convert_to_numpy(result), expected, **TOLERANCE)


@pytest.mark.parametrize("seed", SEEDS)
def test_conv_gradients_match_a_direct_loop_on_random_configurations(B, seed):
    case = random_configuration(seed)
    options = case["options"]
    x, kernel = B.convert_to_tensor(case["x"]), B.convert_to_tensor(case["kernel"])
    output_shape = B.convert_to_numpy(B.conv(x, kernel, **options)).shape
    upstream = np.random.default_rng(seed + 1000).uniform(-1, 1, size=output_shape)
    with B.GradientTape() as tape:
        tape.watch(x)
        tape.watch(kernel)
        target = B.sum(B.multiply(B.conv(x, kernel, **options), B.convert_to_tensor(upstream)))
    x_gradient, kernel_gradient = tape.gradient(target, [x, kernel])
    expected_x, expected_kernel = naive_conv_gradients(
        case["x"],
        case["kernel"],
        upstream,
        options["strides"],
        options["padding"],
        options["data_format"],
        options["dilation_rate"],
    )
    np.testing.assert_allclose(B.convert_to_numpy(x_gradient), expected_x, **TOLERANCE)
    np.testing.assert_allclose(B.convert_to_numpy(kernel_gradient), expected_kernel, **TOLERANCE)


@pytest.mark.parametrize("seed", range(12))
def test_depthwise_conv_matches_grouped_conv_on_random_configurations(B, seed):
    """``depthwise_conv`` with a ``(*k, c, m)`` kernel is ``conv`` with groups = c."""
    case = random_configuration(seed)
    rng = np.random.default_rng(seed)
    channels_first = case["options"]["data_format"] == "channels_first"
    channels = case["x"].shape[1 if channels_first else -1]
    multiplier = int(rng.integers(1, 4))
    kernel = rng.uniform(-2, 2, size=(*case["kernel"].shape[:-2], channels, multiplier))
    x = B.convert_to_tensor(case["x"])
    result = B.depthwise_conv(x, B.convert_to_tensor(kernel), **case["options"])
    expected = naive_conv(
        case["x"],
        kernel.reshape((*kernel.shape[:-2], 1, channels * multiplier)),
        case["options"]["strides"],
        case["options"]["padding"],
        case["options"]["data_format"],
        case["options"]["dilation_rate"],
    )
    np.testing.assert_allclose(B.convert_to_numpy(result), expected, **TOLERANCE)


def test_float32_grouped_and_depthwise_conv_keep_float32_close_to_float64(B):
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=(3, 9, 8, 6))
    for kernel in (rng.uniform(-2, 2, size=(3, 3, 1, 12)), rng.uniform(-2, 2, size=(3, 3, 3, 4))):
        single = B.conv(
            B.convert_to_tensor(x.astype("float32")),
            B.convert_to_tensor(kernel.astype("float32")),
            padding="same",
        )
        assert B.dtype(single) == "float32"
        expected = naive_conv(x, kernel, padding="same")
        np.testing.assert_allclose(B.convert_to_numpy(single), expected, rtol=1e-5, atol=1e-5)
