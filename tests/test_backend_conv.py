"""Conformance of the convolution ops: ``conv``, ``depthwise_conv`` and ``conv_transpose``.

Each op is checked against a direct loop written here on tiny arrays, which
also states what the arguments mean: ``naive_conv`` walks every output
position and kernel offset (reading zeros outside the input), and
``naive_conv_transpose`` is its adjoint, scattering each input pixel over
the positions the forward convolution would have read it from, with the
forward convolution's padding. A few literal values come from Keras 3.15.1
(``keras.ops`` on the JAX backend), as noted where they are used.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conformance import covers

from graphkeras.layers.convolutional.convolution_base import conv_transpose_output_length


def rand(*shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape)


def as_tuple(value, rank: int) -> tuple:
    return (value,) * rank if isinstance(value, int) else tuple(value)


def conv_padding(size: int, extent: int, stride: int, padding: str) -> tuple[int, int]:
    """``(output size, padding before)`` of a forward convolution along one axis."""
    if padding == "valid":
        return (size - extent) // stride + 1, 0
    if padding == "causal":
        return (size - 1) // stride + 1, extent - 1
    count = -(-size // stride)
    return count, max((count - 1) * stride + extent - size, 0) // 2


def naive_conv(x, kernel, strides=1, padding="valid", data_format="channels_last", dilation=1):
    """Grouped N-D cross-correlation by explicit loops over outputs and kernel offsets."""
    x = np.asarray(x, dtype="float64")
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    rank = x.ndim - 2
    strides, dilation = as_tuple(strides, rank), as_tuple(dilation, rank)
    kernel_size = kernel.shape[:-2]
    group_channels, filters = kernel.shape[-2], kernel.shape[-1]
    groups = x.shape[-1] // group_channels
    per_group = filters // groups
    counts, befores = zip(
        *(
            conv_padding(size, (k - 1) * d + 1, s, padding)
            for size, k, s, d in zip(x.shape[1:-1], kernel_size, strides, dilation, strict=True)
        ),
        strict=True,
    )
    out = np.zeros((x.shape[0], *counts, filters))
    for position in itertools.product(*(range(count) for count in counts)):
        for offset in itertools.product(*(range(k) for k in kernel_size)):
            source = [
                o * s + q * d - b
                for o, s, q, d, b in zip(position, strides, offset, dilation, befores, strict=True)
            ]
            if any(not 0 <= i < size for i, size in zip(source, x.shape[1:-1], strict=True)):
                continue
            pixel = x[(slice(None), *source)]  # (batch, channels)
            for filter_index in range(filters):
                group = filter_index // per_group
                channels = pixel[:, group * group_channels : (group + 1) * group_channels]
                out[(slice(None), *position, filter_index)] += (
                    channels @ kernel[(*offset, slice(None), filter_index)]
                )
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out


def naive_conv_transpose(
    x,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format="channels_last",
    dilation=1,
):
    """The adjoint of ``naive_conv`` on an input of the transposed output's size."""
    x = np.asarray(x, dtype="float64")
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    rank = x.ndim - 2
    strides, dilation = as_tuple(strides, rank), as_tuple(dilation, rank)
    extras = (None,) * rank if output_padding is None else as_tuple(output_padding, rank)
    kernel_size, filters = kernel.shape[:-2], kernel.shape[-2]
    sizes = [
        conv_transpose_output_length(size, k, s, d, padding, p)
        for size, k, s, d, p in zip(
            x.shape[1:-1], kernel_size, strides, dilation, extras, strict=True
        )
    ]
    befores = [
        conv_padding(size, (k - 1) * d + 1, s, padding)[1] if padding == "same" else 0
        for size, k, s, d in zip(sizes, kernel_size, strides, dilation, strict=True)
    ]
    out = np.zeros((x.shape[0], *sizes, filters))
    for position in itertools.product(*(range(n) for n in x.shape[1:-1])):
        for offset in itertools.product(*(range(k) for k in kernel_size)):
            target = [
                o * s + q * d - b
                for o, s, q, d, b in zip(position, strides, offset, dilation, befores, strict=True)
            ]
            if any(not 0 <= i < size for i, size in zip(target, sizes, strict=True)):
                continue
            out[(slice(None), *target)] += x[(slice(None), *position)] @ kernel[offset].T
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out


def channels_first_shape(shape: tuple, data_format: str) -> tuple:
    if data_format == "channels_last":
        return shape
    return (shape[0], shape[-1], *shape[1:-1])


def run_op(B, op: str, x: np.ndarray, kernel: np.ndarray, **options) -> np.ndarray:
    """``B.<op>(x, kernel, **options)`` on tensors of ``x`` and ``kernel``, as an array."""
    result = getattr(B, op)(B.convert_to_tensor(x), B.convert_to_tensor(kernel), **options)
    return B.convert_to_numpy(result)


# ------------------------------------------------------------------------ conv

# name: (input shape channels_last, kernel shape, strides, padding, dilation, data_format)
CONV_SETUPS = {
    "1d_valid": ((2, 7, 3), (3, 3, 4), 1, "valid", 1, "channels_last"),
    "1d_same_strided": ((2, 7, 3), (3, 3, 2), 2, "same", 1, "channels_last"),
    "1d_causal_dilated": ((2, 8, 2), (3, 2, 3), 1, "causal", 2, "channels_last"),
    "1d_causal_strided": ((1, 7, 2), (2, 2, 2), 3, "causal", 1, "channels_last"),
    "2d_valid_rectangular_kernel": ((2, 5, 6, 2), (2, 3, 2, 3), 1, "valid", 1, "channels_last"),
    "2d_same_even_kernel": ((1, 5, 5, 2), (2, 2, 2, 3), 1, "same", 1, "channels_last"),
    "2d_same_strided": ((2, 6, 5, 3), (3, 3, 3, 2), (2, 3), "same", 1, "channels_last"),
    "2d_valid_dilated": ((1, 7, 7, 2), (3, 2, 2, 2), 1, "valid", (2, 3), "channels_last"),
    "2d_grouped": ((2, 5, 5, 4), (3, 3, 2, 6), 1, "same", 1, "channels_last"),
    "2d_same_channels_first": ((2, 5, 6, 3), (3, 3, 3, 2), 2, "same", 1, "channels_first"),
    "2d_grouped_channels_first": ((1, 4, 5, 6), (2, 2, 2, 3), 1, "valid", 1, "channels_first"),
    "3d_valid": ((1, 4, 5, 4, 2), (2, 3, 2, 2, 3), 1, "valid", 1, "channels_last"),
    "3d_same_strided_channels_first": (
        (1, 4, 4, 5, 2),
        (3, 2, 3, 2, 2),
        2,
        "same",
        1,
        "channels_first",
    ),
}


@covers("conv")
@pytest.mark.parametrize("name", sorted(CONV_SETUPS))
def test_conv_matches_a_direct_loop(B, name):
    shape, kernel_shape, strides, padding, dilation, data_format = CONV_SETUPS[name]
    x = rand(*channels_first_shape(shape, data_format), seed=1)
    kernel = rand(*kernel_shape, seed=2)
    options = {"strides": strides, "padding": padding, "data_format": data_format}
    result = run_op(B, "conv", x, kernel, **options, dilation_rate=dilation)
    expected = naive_conv(x, kernel, **options, dilation=dilation)
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)


def test_conv_values_match_keras(B):
    # ops.conv of [1, 2, 3, 4, 5] with kernel [1, 0, -1] in Keras 3.15.1 (JAX).
    x = B.convert_to_tensor(np.arange(1.0, 6.0, dtype="float32").reshape(1, 5, 1))
    kernel = B.convert_to_tensor(np.array([1.0, 0.0, -1.0], dtype="float32").reshape(3, 1, 1))
    same = B.conv(x, kernel, strides=2, padding="same")
    dilated = B.conv(x, kernel, dilation_rate=2)
    assert B.convert_to_numpy(same).ravel().tolist() == [-2.0, -2.0, 4.0]
    assert B.convert_to_numpy(dilated).ravel().tolist() == [-4.0]


def test_conv_keeps_float32(B):
    x = B.convert_to_tensor(rand(1, 4, 4, 2).astype("float32"))
    kernel = B.convert_to_tensor(rand(3, 3, 2, 2).astype("float32"))
    assert B.dtype(B.conv(x, kernel, padding="same")) == "float32"


def test_conv_data_format_none_follows_image_data_format(B):
    x, kernel = rand(1, 5, 4, 2), rand(3, 3, 2, 2)
    result = B.conv(B.convert_to_tensor(x), B.convert_to_tensor(kernel), data_format=None)
    np.testing.assert_allclose(B.convert_to_numpy(result), naive_conv(x, kernel), rtol=1e-12)


def test_conv_padding_is_case_insensitive(B):
    x, kernel = rand(1, 5, 2), rand(3, 2, 1)
    result = B.conv(B.convert_to_tensor(x), B.convert_to_tensor(kernel), padding="SAME")
    expected = naive_conv(x, kernel, padding="same")
    np.testing.assert_allclose(B.convert_to_numpy(result), expected, rtol=1e-12)


def test_conv_accepts_variables(B):
    x, kernel = rand(1, 5, 2), rand(3, 2, 2)
    result = B.conv(B.variable(x, dtype="float64"), B.variable(kernel, dtype="float64"))
    np.testing.assert_allclose(B.convert_to_numpy(result), naive_conv(x, kernel), rtol=1e-12)


def test_conv_rejects_channels_the_kernel_does_not_divide(B):
    with pytest.raises(ValueError, match="5 channels.*multiple"):
        B.conv(B.convert_to_tensor(rand(1, 6, 5)), B.convert_to_tensor(rand(3, 2, 4)))


def test_conv_rejects_filters_the_groups_do_not_divide(B):
    with pytest.raises(ValueError, match="3 filters.*2 groups"):
        B.conv(B.convert_to_tensor(rand(1, 6, 4)), B.convert_to_tensor(rand(3, 2, 3)))


def test_conv_rejects_a_kernel_of_another_rank(B):
    with pytest.raises(ValueError, match="kernel must have the input's rank"):
        B.conv(B.convert_to_tensor(rand(1, 6, 6, 2)), B.convert_to_tensor(rand(3, 2, 4)))


def test_conv_rejects_an_input_of_rank_2(B):
    with pytest.raises(ValueError, match="3-D, 4-D or 5-D"):
        B.conv(B.convert_to_tensor(rand(4, 2)), B.convert_to_tensor(rand(2, 4)))


def test_conv_rejects_an_empty_output(B):
    with pytest.raises(ValueError, match="output would be empty"):
        B.conv(B.convert_to_tensor(rand(1, 2, 2, 1)), B.convert_to_tensor(rand(3, 3, 1, 1)))


def test_conv_rejects_an_unknown_padding(B):
    with pytest.raises(ValueError, match="padding"):
        B.conv(
            B.convert_to_tensor(rand(1, 6, 2)), B.convert_to_tensor(rand(3, 2, 2)), padding="full"
        )


def test_conv_rejects_zero_strides(B):
    with pytest.raises(ValueError, match="strides"):
        B.conv(B.convert_to_tensor(rand(1, 6, 2)), B.convert_to_tensor(rand(3, 2, 2)), strides=0)


def test_conv_rejects_an_unknown_data_format(B):
    with pytest.raises(ValueError, match="data_format"):
        B.conv(
            B.convert_to_tensor(rand(1, 6, 2)),
            B.convert_to_tensor(rand(3, 2, 2)),
            data_format="channels_middle",
        )


# -------------------------------------------------------------- depthwise_conv


def naive_depthwise_conv(x, kernel, **options):
    """Each channel by itself against each of its ``depth_multiplier`` filters."""
    data_format = options.get("data_format", "channels_last")
    axis = -1 if data_format == "channels_last" else 1
    multiplier = kernel.shape[-1]
    pieces = []
    for channel in range(kernel.shape[-2]):
        single = np.take(x, [channel], axis=axis)
        for m in range(multiplier):
            pieces.append(
                naive_conv(single, kernel[..., channel : channel + 1, m : m + 1], **options)
            )
    return np.concatenate(pieces, axis=axis)


DEPTHWISE_SETUPS = {
    "1d_valid": ((2, 7, 3), (3, 3, 1), 1, "valid", 1, "channels_last"),
    "1d_same_multiplier_2_channels_first": ((1, 6, 2), (2, 2, 2), 2, "same", 1, "channels_first"),
    "2d_same_multiplier_3": ((2, 5, 5, 2), (3, 3, 2, 3), 1, "same", 1, "channels_last"),
    "2d_valid_dilated": ((1, 6, 7, 3), (2, 3, 3, 1), 1, "valid", 2, "channels_last"),
    "2d_strided_channels_first": ((1, 6, 5, 2), (3, 2, 2, 2), (2, 1), "same", 1, "channels_first"),
}


@covers("depthwise_conv")
@pytest.mark.parametrize("name", sorted(DEPTHWISE_SETUPS))
def test_depthwise_conv_matches_per_channel_convolutions(B, name):
    shape, kernel_shape, strides, padding, dilation, data_format = DEPTHWISE_SETUPS[name]
    x = rand(*channels_first_shape(shape, data_format), seed=3)
    kernel = rand(*kernel_shape, seed=4)
    options = {"strides": strides, "padding": padding, "data_format": data_format}
    result = run_op(B, "depthwise_conv", x, kernel, **options, dilation_rate=dilation)
    expected = naive_depthwise_conv(x, kernel, **options, dilation=dilation)
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)


def test_depthwise_conv_orders_channels_by_input_then_multiplier(B):
    # Keras 3.15.1 (JAX) ops.depthwise_conv of this input and kernel.
    x = B.convert_to_tensor(np.arange(1.0, 7.0, dtype="float32").reshape(1, 3, 2))
    kernel = np.array([[[1.0, 2.0], [3.0, 4.0]], [[-1.0, 0.0], [0.0, -1.0]]], dtype="float32")
    result = B.depthwise_conv(x, B.convert_to_tensor(kernel))
    expected = [-2.0, 2.0, 6.0, 4.0, -2.0, 6.0, 12.0, 10.0]
    assert B.convert_to_numpy(result).ravel().tolist() == expected


def test_depthwise_conv_rejects_a_kernel_for_other_channels(B):
    with pytest.raises(ValueError, match="must equal the input's 3 channels"):
        B.depthwise_conv(
            B.convert_to_tensor(rand(1, 5, 5, 3)), B.convert_to_tensor(rand(3, 3, 2, 1))
        )


# ------------------------------------------------------------- conv_transpose

# name: (input shape channels_last, kernel shape, strides, padding, output_padding, dilation,
#        data_format)
TRANSPOSE_SETUPS = {
    "1d_valid": ((2, 4, 3), (3, 2, 3), 1, "valid", None, 1, "channels_last"),
    "1d_valid_stride_above_kernel": ((1, 3, 2), (2, 2, 2), 3, "valid", None, 1, "channels_last"),
    "1d_same_dilated": ((2, 5, 2), (3, 3, 2), 1, "same", None, 2, "channels_last"),
    "1d_same_output_padding": ((1, 4, 2), (3, 2, 2), 2, "same", 1, 1, "channels_last"),
    "2d_valid_strided": ((2, 3, 4, 2), (3, 3, 3, 2), 2, "valid", None, 1, "channels_last"),
    "2d_same_strided": ((1, 3, 3, 2), (3, 2, 2, 2), (2, 3), "same", None, 1, "channels_last"),
    "2d_same_even_kernel": ((1, 4, 3, 2), (4, 4, 1, 2), 2, "same", None, 1, "channels_last"),
    "2d_valid_output_padding": ((1, 3, 3, 1), (2, 3, 2, 1), 3, "valid", (2, 1), 1, "channels_last"),
    "2d_same_output_padding_channels_first": (
        (2, 3, 4, 2),
        (3, 3, 3, 2),
        2,
        "same",
        (1, 0),
        1,
        "channels_first",
    ),
    "3d_same_strided": ((1, 2, 3, 2, 2), (2, 3, 2, 2, 2), 2, "same", None, 1, "channels_last"),
}


@covers("conv_transpose")
@pytest.mark.parametrize("name", sorted(TRANSPOSE_SETUPS))
def test_conv_transpose_is_the_adjoint_of_a_direct_loop(B, name):
    shape, kernel_shape, strides, padding, output_padding, dilation, data_format = TRANSPOSE_SETUPS[
        name
    ]
    x = rand(*channels_first_shape(shape, data_format), seed=5)
    kernel = rand(*kernel_shape, seed=6)
    options = {
        "strides": strides,
        "padding": padding,
        "output_padding": output_padding,
        "data_format": data_format,
    }
    result = run_op(B, "conv_transpose", x, kernel, **options, dilation_rate=dilation)
    expected = naive_conv_transpose(x, kernel, **options, dilation=dilation)
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-12)


def test_conv_transpose_and_conv_are_adjoint(B):
    # <conv_transpose(y, k), x> == <y, conv(x, k)> for the same strides and padding.
    x, y, kernel = rand(2, 8, 6, 3, seed=7), rand(2, 4, 3, 2, seed=8), rand(3, 3, 3, 2, seed=9)
    forward = B.conv(B.convert_to_tensor(x), B.convert_to_tensor(kernel), strides=2, padding="same")
    backward = B.conv_transpose(
        B.convert_to_tensor(y), B.convert_to_tensor(kernel), strides=2, padding="same"
    )
    left = np.sum(B.convert_to_numpy(backward) * x)
    right = np.sum(y * B.convert_to_numpy(forward))
    assert left == pytest.approx(right, rel=1e-12)


@pytest.mark.parametrize(
    ("padding", "output_padding", "expected"),
    [
        # Keras 3.15.1 (JAX) ops.conv_transpose of this input and kernel, strides=2.
        ("same", None, [-1.0, 3.0, 5.0, 8.0, 11.0, 13.0]),
        ("valid", None, [-1.0, 3.0, 5.0, 8.0, 11.0, 13.0, 18.0]),
        ("same", 1, [-1.0, 3.0, 5.0, 8.0, 11.0, 13.0]),
    ],
)
def test_conv_transpose_values_match_keras(B, padding, output_padding, expected):
    x = B.convert_to_tensor(np.arange(1.0, 7.0, dtype="float32").reshape(1, 3, 2))
    kernel = np.array([[[1.0, -1.0]], [[2.0, 0.5]], [[0.0, 3.0]]], dtype="float32")
    result = B.conv_transpose(
        x, B.convert_to_tensor(kernel), strides=2, padding=padding, output_padding=output_padding
    )
    assert B.convert_to_numpy(result).ravel().tolist() == expected


def test_conv_transpose_rejects_a_kernel_for_other_channels(B):
    with pytest.raises(ValueError, match="must equal the input's 3 channels"):
        B.conv_transpose(
            B.convert_to_tensor(rand(1, 4, 4, 3)), B.convert_to_tensor(rand(3, 3, 2, 2))
        )


def test_conv_transpose_rejects_causal_padding(B):
    with pytest.raises(ValueError, match="'valid' or 'same'"):
        B.conv_transpose(
            B.convert_to_tensor(rand(1, 4, 2)), B.convert_to_tensor(rand(3, 2, 2)), padding="causal"
        )


def test_conv_transpose_rejects_negative_output_padding(B):
    with pytest.raises(ValueError, match="output_padding"):
        B.conv_transpose(
            B.convert_to_tensor(rand(1, 4, 2)),
            B.convert_to_tensor(rand(3, 2, 2)),
            strides=2,
            output_padding=-1,
        )
