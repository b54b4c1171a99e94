"""Convolution and pooling ops of ``gk.ops.nn``, and the pixel shuffles.

``conv``, ``depthwise_conv``, ``conv_transpose`` and the fixed-window pools
are the backend's functions under Keras 3's signatures (``inputs`` of
shape ``(batch, *spatial, channels)`` or, with ``data_format=
'channels_first'``, ``(batch, channels, *spatial)``). ``separable_conv``
is a depthwise then a 1x1 convolution; the adaptive pools reduce windows
cut from each spatial axis in turn (a box's mean or maximum is that of
its rows' means or maxima); ``depth_to_space`` and ``space_to_depth``
are reshapes and transposes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.operation import operation


def _padding(padding: str, name: str, allowed: Sequence[str] = ("valid", "same")) -> str:
    if not isinstance(padding, str) or padding.lower() not in allowed:
        raise ValueError(
            f"ops.{name}: padding must be one of {tuple(allowed)}, received {padding!r}."
        )
    return padding.lower()


@operation
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation) of ``inputs`` with ``kernel``.

    ``kernel`` has shape ``(*kernel_size, in_channels // groups, filters)``;
    padding is 'valid', 'same' or 'causal' (1-D).
    """
    return K.conv(
        as_float(inputs),
        as_float(kernel),
        strides=strides,
        padding=_padding(padding, "conv", ("valid", "same", "causal")),
        data_format=data_format,
        dilation_rate=dilation_rate,
    )


@operation
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Each input channel convolved with its own ``kernel[..., c, :]`` (depth multiplier last)."""
    return K.depthwise_conv(
        as_float(inputs),
        as_float(kernel),
        strides=strides,
        padding=_padding(padding, "depthwise_conv"),
        data_format=data_format,
        dilation_rate=dilation_rate,
    )


@operation
def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """A depthwise convolution, then a 1x1 convolution with ``pointwise_kernel`` mixing channels."""
    depthwise = K.depthwise_conv(
        as_float(inputs),
        as_float(depthwise_kernel),
        strides=strides,
        padding=_padding(padding, "separable_conv"),
        data_format=data_format,
        dilation_rate=dilation_rate,
    )
    return K.conv(
        depthwise,
        as_float(pointwise_kernel),
        strides=1,
        padding="valid",
        data_format=data_format,
        dilation_rate=dilation_rate,
    )


@operation
def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """The transpose of ``conv`` (a "deconvolution"); ``kernel`` is ``(*size, filters, in)``."""
    return K.conv_transpose(
        as_float(inputs),
        as_float(kernel),
        strides=strides,
        padding=_padding(padding, "conv_transpose"),
        output_padding=output_padding,
        data_format=data_format,
        dilation_rate=dilation_rate,
    )


@operation
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The largest entry of each ``pool_size`` window over the spatial axes."""
    return K.max_pool(
        as_float(inputs),
        pool_size,
        strides=strides,
        padding=_padding(padding, "max_pool"),
        data_format=data_format,
    )


@operation
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The mean of each ``pool_size`` window (with 'same', of its entries inside the input)."""
    return K.average_pool(
        as_float(inputs),
        pool_size,
        strides=strides,
        padding=_padding(padding, "average_pool"),
        data_format=data_format,
    )


def _adaptive_pool(
    inputs: Any, output_size: Any, data_format: Any, reduce: Callable, name: str
) -> Any:
    """Windows ``[floor(i L / n), ceil((i + 1) L / n))`` of each spatial axis, reduced."""
    x = as_float(inputs)
    data_format = K.standardize_data_format(data_format)
    spatial = K.ndim(x) - 2
    sizes = (output_size,) * spatial if isinstance(output_size, int) else tuple(output_size)
    if spatial not in (1, 2, 3) or len(sizes) != spatial:
        raise ValueError(
            f"ops.{name}: inputs need 1 to 3 spatial axes and output_size one size per axis, "
            f"received shape {K.int_shape(x)} and output_size {output_size!r}."
        )
    first = 1 if data_format == "channels_last" else 2
    for offset, count in enumerate(sizes):
        axis = first + offset
        length = K.int_shape(x)[axis]
        head = (slice(None),) * axis
        windows = [
            reduce(
                K.getitem(x, (*head, slice(i * length // count, -(-(i + 1) * length // count)))),
                axis=axis,
                keepdims=True,
            )
            for i in range(count)
        ]
        x = K.concatenate(windows, axis=axis)
    return x


@operation
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to ``output_size`` windows per spatial axis, whatever the input's size."""
    return _adaptive_pool(inputs, output_size, data_format, K.max, "adaptive_max_pool")


@operation
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to ``output_size`` windows per spatial axis, whatever the input's size."""
    return _adaptive_pool(inputs, output_size, data_format, K.mean, "adaptive_average_pool")


def _image_dims(x: Any, data_format: str, name: str) -> tuple[int, int, int]:
    if K.ndim(x) != 4 or data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"ops.{name}: x must be a batch of images (rank 4) and data_format "
            f"'channels_last' or 'channels_first', received shape {K.int_shape(x)} and "
            f"{data_format!r}."
        )
    shape = K.int_shape(x)
    return (
        (shape[1], shape[2], shape[3])
        if data_format == "channels_last"
        else shape[2:] + (shape[1],)
    )


@operation
def depth_to_space(x, block_size, data_format="channels_last"):
    """Channels moved into ``block_size`` by ``block_size`` spatial blocks ("pixel shuffle")."""
    x = as_tensor(x)
    height, width, channels = _image_dims(x, data_format, "depth_to_space")
    block = block_size
    if channels % (block * block):
        raise ValueError(
            f"ops.depth_to_space: {channels} channels do not divide into blocks of "
            f"{block} x {block}."
        )
    depth = channels // (block * block)
    if data_format == "channels_last":
        x = K.reshape(x, (-1, height, width, block, block, depth))
        x = K.transpose(x, (0, 1, 3, 2, 4, 5))
        return K.reshape(x, (-1, height * block, width * block, depth))
    x = K.reshape(x, (-1, depth, block, block, height, width))
    x = K.transpose(x, (0, 1, 4, 2, 5, 3))
    return K.reshape(x, (-1, depth, height * block, width * block))


@operation
def space_to_depth(x, block_size, data_format="channels_last"):
    """Each ``block_size`` by ``block_size`` spatial block moved into channels (the inverse)."""
    x = as_tensor(x)
    height, width, channels = _image_dims(x, data_format, "space_to_depth")
    block = block_size
    if height % block or width % block:
        raise ValueError(
            f"ops.space_to_depth: a {height} x {width} image does not divide into blocks of "
            f"{block} x {block}."
        )
    rows, columns = height // block, width // block
    if data_format == "channels_last":
        x = K.reshape(x, (-1, rows, block, columns, block, channels))
        x = K.transpose(x, (0, 1, 3, 2, 4, 5))
        return K.reshape(x, (-1, rows, columns, channels * block * block))
    x = K.reshape(x, (-1, channels, rows, block, columns, block))
    x = K.transpose(x, (0, 1, 3, 5, 2, 4))
    return K.reshape(x, (-1, channels * block * block, rows, columns))
