"""The geometry of a convolution: its arguments checked and its padding worked out per axis.

``conv``, ``depthwise_conv`` and ``conv_transpose`` take an input
``(batch, *spatial, channels)`` (channels second with ``channels_first``),
a kernel ``(*kernel_size, in, out)`` and strides, dilation and padding as
Keras 3 (and XLA) define them. Every backend computes the same output sizes
and the same ``(before, after)`` padding of each spatial axis from those, so
they are computed here, from shapes and Python ints only:

* ``"valid"`` pads nothing; ``"same"`` gives ``ceil(size / stride)``
  outputs and splits the padding evenly, the extra one after; ``"causal"``
  puts all of it before the start.
* A transposed convolution is a convolution of the stride-dilated input with
  the padding :func:`transpose_geometry` gives.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from graphkeras.backend import config

PADDINGS = ("valid", "same", "causal")


class ConvGeometry(NamedTuple):
    """One convolution call's shapes and settings, per spatial axis."""

    channels_first: bool
    strides: tuple
    dilation: tuple
    kernel_spatial: tuple
    pads: tuple  # (before, after) per spatial axis, applied to the (dilated) input
    output_spatial: tuple


class TransposeGeometry(NamedTuple):
    """A transposed convolution as the stride-dilated input convolved with unit strides.

    ``pads`` is the ``(before, after)`` padding of the dilated input;
    ``input_spatial`` the input's own spatial sizes.
    """

    channels_first: bool
    strides: tuple
    dilation: tuple
    kernel_spatial: tuple
    pads: tuple
    output_spatial: tuple
    input_spatial: tuple


def spatial_tuple(value, rank: int, name: str, minimum: int = 1) -> tuple:
    """``value`` (an int or ``rank`` ints) as a tuple of ``rank`` ints ``>= minimum``."""
    values = (value,) * rank if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != rank or any(
        isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in values
    ):
        raise ValueError(f"{name} must be an int or a tuple of {rank} ints, received {value!r}.")
    if any(v < minimum for v in values):
        raise ValueError(f"{name} must hold ints >= {minimum}, received {name}={value!r}.")
    return tuple(int(v) for v in values)


def standardize_padding(padding) -> str:
    """``padding`` in lower case, one of :data:`PADDINGS`."""
    if not isinstance(padding, str) or padding.lower() not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, received padding={padding!r}.")
    return padding.lower()


def dilated_extent(kernel_size: int, dilation: int) -> int:
    """How many input entries a kernel of ``kernel_size`` taps spans with ``dilation``."""
    return (kernel_size - 1) * dilation + 1


def check_ranks(op: str, input_shape: tuple, kernel_shape: tuple) -> int:
    """The number of spatial axes, after checking the input and the kernel agree on it."""
    ndim = len(input_shape)
    if ndim not in (3, 4, 5):
        raise ValueError(
            f"{op} takes a 3-D, 4-D or 5-D input (batch, spatial dims, channels), "
            f"received an input of shape {input_shape}."
        )
    if len(kernel_shape) != ndim:
        raise ValueError(
            f"{op}: the kernel must have the input's rank ({ndim}), received a kernel of "
            f"shape {kernel_shape} for an input of shape {input_shape}."
        )
    return ndim - 2


def spatial_shape(shape: tuple, channels_first: bool) -> tuple:
    """The spatial sizes of an input of ``shape``."""
    return tuple(shape[2:] if channels_first else shape[1:-1])


def channel_count(shape: tuple, channels_first: bool) -> int:
    """The number of channels of an input of ``shape``."""
    return shape[1] if channels_first else shape[-1]


def group_count(op: str, channels: int, kernel_shape: tuple) -> int:
    """How many groups a kernel ``(*k, in_channels // groups, filters)`` splits channels into."""
    kernel_channels = kernel_shape[-2]
    if kernel_channels <= 0 or channels % kernel_channels:
        raise ValueError(
            f"{op}: the input's {channels} channels must be a multiple of the kernel's "
            f"in_channels (kernel axis -2), received kernel in_channels {kernel_channels}."
        )
    groups = channels // kernel_channels
    if kernel_shape[-1] % groups:
        raise ValueError(
            f"{op}: the kernel's {kernel_shape[-1]} filters must be a multiple of the "
            f"{groups} groups the input's {channels} channels make."
        )
    return groups


def check_depthwise_kernel(channels: int, kernel_shape: tuple) -> None:
    """A depthwise kernel ``(*k, in_channels, multiplier)`` has one slice per input channel."""
    if kernel_shape[-2] != channels:
        raise ValueError(
            f"depthwise_conv: the kernel's in_channels (axis -2) must equal the input's "
            f"{channels} channels, received a kernel of shape {kernel_shape}."
        )


def check_transpose_kernel(channels: int, kernel_shape: tuple) -> None:
    """A transposed convolution's kernel ``(*k, filters, in_channels)`` reads every channel."""
    if kernel_shape[-1] != channels:
        raise ValueError(
            f"conv_transpose: the kernel's last axis (in_channels) must equal the input's "
            f"{channels} channels, received a kernel of shape {kernel_shape}."
        )


def _empty_output_error(
    op: str, input_shape, kernel_spatial, strides: tuple, settings: str
) -> ValueError:
    """The error for a convolution whose output would have no entries on some axis."""
    return ValueError(
        f"{op}: the output would be empty for an input of shape {tuple(input_shape)} "
        f"with kernel size {tuple(kernel_spatial)}, strides {strides}{settings}."
    )


def conv_geometry(
    op: str, input_shape, kernel_spatial, strides, padding, data_format, dilation_rate
) -> ConvGeometry:
    """Output size and input padding of each spatial axis of a convolution."""
    rank = len(input_shape) - 2
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    strides = spatial_tuple(strides, rank, "strides")
    dilation = spatial_tuple(dilation_rate, rank, "dilation_rate")
    padding = standardize_padding(padding)
    pads, outputs = [], []
    spatial = spatial_shape(input_shape, channels_first)
    for size, k, s, d in zip(spatial, kernel_spatial, strides, dilation, strict=True):
        extent = dilated_extent(k, d)
        if padding == "valid":
            before = after = 0
            out = (size - extent) // s + 1
        elif padding == "same":
            out = -(-size // s)
            total = max((out - 1) * s + extent - size, 0)
            before, after = total // 2, total - total // 2
        else:  # causal: everything before the start
            before, after = extent - 1, 0
            out = (size - 1) // s + 1
        if out <= 0 or size <= 0:
            settings = f", dilation_rate {dilation} and padding {padding!r}"
            raise _empty_output_error(op, input_shape, kernel_spatial, strides, settings)
        pads.append((before, after))
        outputs.append(out)
    return ConvGeometry(
        channels_first, strides, dilation, tuple(kernel_spatial), tuple(pads), tuple(outputs)
    )


def transpose_geometry(
    input_shape, kernel_spatial, strides, padding, output_padding, data_format, dilation_rate
) -> TransposeGeometry:
    """The padding of the stride-dilated input that makes a transposed convolution.

    It is the padding Keras 3 gives XLA, so each output axis has ``(size - 1)
    * stride + max(kernel, stride)`` entries (``"valid"``) or ``size *
    stride`` (``"same"``), or the sizes ``output_padding`` asks for.
    """
    rank = len(input_shape) - 2
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    strides = spatial_tuple(strides, rank, "strides")
    dilation = spatial_tuple(dilation_rate, rank, "dilation_rate")
    padding = standardize_padding(padding)
    if padding == "causal":
        raise ValueError("conv_transpose: padding must be 'valid' or 'same', received 'causal'.")
    if output_padding is not None:
        output_padding = spatial_tuple(output_padding, rank, "output_padding", minimum=0)
    pads, outputs = [], []
    spatial = spatial_shape(input_shape, channels_first)
    for axis, (size, k, s, d) in enumerate(
        zip(spatial, kernel_spatial, strides, dilation, strict=True)
    ):
        extent = dilated_extent(k, d)
        extra = None if output_padding is None else output_padding[axis]
        if padding == "valid":
            extra = max(extent, s) - extent if extra is None else extra
            before, after = extent - 1, extent - 1 + extra
        else:
            total = s + extent - 2 if extra is None else extent + extent % 2 - 2 + extra
            before = min(total // 2 + total % 2, extent - 1)
            after = total - before
        out = (size - 1) * s + 2 + before + after - extent
        if out <= 0 or size <= 0:
            settings = f" and padding {padding!r}"
            raise _empty_output_error(
                "conv_transpose", input_shape, kernel_spatial, strides, settings
            )
        pads.append((before, after))
        outputs.append(out)
    return TransposeGeometry(
        channels_first,
        strides,
        dilation,
        tuple(kernel_spatial),
        tuple(pads),
        tuple(outputs),
        spatial,
    )
