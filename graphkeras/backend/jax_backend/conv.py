"""Convolutions on JAX arrays: ``conv``, ``depthwise_conv`` and ``conv_transpose``.

All three are one XLA primitive, ``lax.conv_general_dilated``, which takes
the padding per side, the strides, the kernel's dilation, a dilation of the
input (which a transposed convolution is) and a number of channel groups.
What this module adds is the geometry, the numpy backend's and Keras 3's:

* ``conv``: ``padding="valid"`` pads nothing; ``"same"`` gives ``ceil(size /
  stride)`` outputs and splits the padding evenly, the extra one after;
  ``"causal"`` puts all of it before the start. A kernel ``(*kernel_size,
  in_channels // groups, filters)`` whose in_channels divide the input's
  channels makes that many groups.
* ``depthwise_conv``: its kernel ``(*kernel_size, in_channels,
  depth_multiplier)`` is the grouped kernel ``(*kernel_size, 1, in_channels
  * depth_multiplier)``, one group per input channel.
* ``conv_transpose``: the input dilated by the strides, padded as Keras 3
  gives it to XLA, and convolved with the kernel ``(*kernel_size, filters,
  in_channels)`` flipped in space, its last axis read as the input channels.

The layouts are told to XLA through the dimension numbers, so
``channels_first`` inputs are never transposed here. JAX differentiates
everything.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from graphkeras.backend import config
from graphkeras.backend.jax_backend.core import unwrap

__all__ = ["conv", "depthwise_conv", "conv_transpose"]

_PADDINGS = ("valid", "same", "causal")


class _Geometry(NamedTuple):
    """Everything ``lax.conv_general_dilated`` needs besides the arrays."""

    channels_first: bool
    strides: tuple
    dilation: tuple
    pads: tuple  # (before, after) per spatial axis, applied to the (dilated) input


def _spatial_tuple(value, rank: int, name: str, minimum: int = 1) -> tuple:
    """``value`` (an int or ``rank`` ints) as a tuple of ``rank`` ints ``>= minimum``."""
    values = (value,) * rank if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != rank or any(
        isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in values
    ):
        raise ValueError(f"{name} must be an int or a tuple of {rank} ints, received {value!r}.")
    if any(v < minimum for v in values):
        raise ValueError(f"{name} must hold ints >= {minimum}, received {name}={value!r}.")
    return tuple(int(v) for v in values)


def _check_rank(op: str, x: jax.Array, kernel: jax.Array) -> None:
    if x.ndim not in (3, 4, 5):
        raise ValueError(
            f"{op} takes a 3-D, 4-D or 5-D input (batch, spatial dims, channels), "
            f"received an input of shape {x.shape}."
        )
    if kernel.ndim != x.ndim:
        raise ValueError(
            f"{op}: the kernel must have the input's rank ({x.ndim}), received a kernel of "
            f"shape {kernel.shape} for an input of shape {x.shape}."
        )


def _standardize_padding(padding) -> str:
    if not isinstance(padding, str) or padding.lower() not in _PADDINGS:
        raise ValueError(f"padding must be one of {_PADDINGS}, received padding={padding!r}.")
    return padding.lower()


def _dilated(kernel_size: int, dilation: int) -> int:
    return (kernel_size - 1) * dilation + 1


def _spatial_shape(shape: tuple, channels_first: bool) -> tuple:
    return shape[2:] if channels_first else shape[1:-1]


def _channels(shape: tuple, channels_first: bool) -> int:
    return shape[1] if channels_first else shape[-1]


def _conv_geometry(
    op: str, input_shape, kernel_spatial, strides, padding, data_format, dilation_rate
) -> _Geometry:
    """Strides, dilation and input padding of a convolution, as Keras 3 (and XLA) define them."""
    rank = len(input_shape) - 2
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    strides = _spatial_tuple(strides, rank, "strides")
    dilation = _spatial_tuple(dilation_rate, rank, "dilation_rate")
    padding = _standardize_padding(padding)
    pads = []
    spatial = _spatial_shape(input_shape, channels_first)
    for size, k, s, d in zip(spatial, kernel_spatial, strides, dilation, strict=True):
        extent = _dilated(k, d)
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
            raise ValueError(
                f"{op}: the output would be empty for an input of shape {tuple(input_shape)} "
                f"with kernel size {tuple(kernel_spatial)}, strides {strides}, dilation_rate "
                f"{dilation} and padding {padding!r}."
            )
        pads.append((before, after))
    return _Geometry(channels_first, strides, dilation, tuple(pads))


def _dimension_numbers(
    ndim: int, channels_first: bool, kernel_io: tuple
) -> lax.ConvDimensionNumbers:
    """Where batch, channels and spatial axes lie in the input, the kernel and the output.

    ``kernel_io`` is ``(output channels axis, input channels axis)`` of the kernel,
    whose spatial axes come first.
    """
    spatial = tuple(range(2, ndim)) if channels_first else tuple(range(1, ndim - 1))
    channel_axis = 1 if channels_first else ndim - 1
    image = (0, channel_axis, *spatial)
    return lax.ConvDimensionNumbers(image, (*kernel_io, *range(ndim - 2)), image)


def _common_type(x: jax.Array, kernel: jax.Array) -> tuple[jax.Array, jax.Array]:
    """``x`` and ``kernel`` in their promoted type: XLA convolves two arrays of one type."""
    dtype = jnp.result_type(x, kernel)
    return x.astype(dtype), kernel.astype(dtype)


def _convolve(x, kernel, geometry: _Geometry, groups: int, input_dilation=None, kernel_io=None):
    ndim = x.ndim
    kernel_io = (ndim - 1, ndim - 2) if kernel_io is None else kernel_io
    x, kernel = _common_type(x, kernel)
    return lax.conv_general_dilated(
        x,
        kernel,
        window_strides=geometry.strides,
        padding=geometry.pads,
        lhs_dilation=input_dilation,
        rhs_dilation=geometry.dilation,
        dimension_numbers=_dimension_numbers(ndim, geometry.channels_first, kernel_io),
        feature_group_count=groups,
    )


# ----------------------------------------------------------------------- conv


def _prepare_conv(op: str, x, kernel, strides, padding, data_format, dilation_rate):
    """``(x, kernel, geometry, groups)`` of a (grouped) convolution, every argument checked."""
    _check_rank(op, x, kernel)
    geometry = _conv_geometry(
        op, x.shape, kernel.shape[:-2], strides, padding, data_format, dilation_rate
    )
    channels = _channels(x.shape, geometry.channels_first)
    kernel_channels = kernel.shape[-2]
    if kernel_channels <= 0 or channels % kernel_channels:
        raise ValueError(
            f"{op}: the input's {channels} channels must be a multiple of the kernel's "
            f"in_channels (kernel axis -2), received kernel in_channels {kernel_channels}."
        )
    groups = channels // kernel_channels
    if kernel.shape[-1] % groups:
        raise ValueError(
            f"{op}: the kernel's {kernel.shape[-1]} filters must be a multiple of the "
            f"{groups} groups the input's {channels} channels make."
        )
    return geometry, groups


def conv(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1) -> jax.Array:
    """N-D convolution (cross-correlation) of ``x`` with ``kernel``, as Keras 3's ``ops.conv``.

    ``x`` is ``(batch, *spatial, channels)`` (``channels_first``: channels
    second) with 1, 2 or 3 spatial axes; ``kernel`` is ``(*kernel_size,
    in_channels // groups, filters)``: when the kernel's in_channels divide
    the input's channels, the channels split into that many groups, each
    convolved with its own ``filters // groups`` filters. ``padding`` is
    ``"valid"``, ``"same"`` or ``"causal"`` (see the module docstring).
    """
    x, kernel = jnp.asarray(unwrap(x)), jnp.asarray(unwrap(kernel))
    geometry, groups = _prepare_conv(
        "conv", x, kernel, strides, padding, data_format, dilation_rate
    )
    return _convolve(x, kernel, geometry, groups)


def depthwise_conv(
    x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1
) -> jax.Array:
    """Each input channel convolved with its own ``depth_multiplier`` filters.

    ``kernel`` is ``(*kernel_size, in_channels, depth_multiplier)``; output
    channel ``c * depth_multiplier + m`` is channel ``c`` convolved with
    ``kernel[..., c, m]``, as Keras 3's ``ops.depthwise_conv``.
    """
    x, kernel = jnp.asarray(unwrap(x)), jnp.asarray(unwrap(kernel))
    _check_rank("depthwise_conv", x, kernel)
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    channels = _channels(x.shape, channels_first)
    if kernel.shape[-2] != channels:
        raise ValueError(
            f"depthwise_conv: the kernel's in_channels (axis -2) must equal the input's "
            f"{channels} channels, received a kernel of shape {kernel.shape}."
        )
    grouped = jnp.reshape(kernel, (*kernel.shape[:-2], 1, channels * kernel.shape[-1]))
    geometry, groups = _prepare_conv(
        "depthwise_conv", x, grouped, strides, padding, data_format, dilation_rate
    )
    return _convolve(x, grouped, geometry, groups)


# ------------------------------------------------------------- conv_transpose


def _transpose_geometry(
    x_shape, kernel_spatial, strides, padding, output_padding, data_format, dilation_rate
) -> _Geometry:
    """The convolution of the stride-dilated input that a transposed convolution is.

    Its strides are 1 (the input dilation, not returned here, carries them)
    and its padding is the one Keras 3 gives XLA, so each output axis has
    ``(size - 1) * stride + max(kernel, stride)`` entries (``"valid"``) or
    ``size * stride`` (``"same"``), or the sizes ``output_padding`` asks for.
    """
    rank = len(x_shape) - 2
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    strides = _spatial_tuple(strides, rank, "strides")
    dilation = _spatial_tuple(dilation_rate, rank, "dilation_rate")
    padding = _standardize_padding(padding)
    if padding == "causal":
        raise ValueError("conv_transpose: padding must be 'valid' or 'same', received 'causal'.")
    if output_padding is not None:
        output_padding = _spatial_tuple(output_padding, rank, "output_padding", minimum=0)
    pads = []
    spatial = _spatial_shape(x_shape, channels_first)
    for axis, (size, k, s, d) in enumerate(
        zip(spatial, kernel_spatial, strides, dilation, strict=True)
    ):
        extent = _dilated(k, d)
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
            raise ValueError(
                f"conv_transpose: the output would be empty for an input of shape "
                f"{tuple(x_shape)} with kernel size {tuple(kernel_spatial)}, strides {strides} "
                f"and padding {padding!r}."
            )
        pads.append((before, after))
    return _Geometry(channels_first, strides, dilation, tuple(pads))


def conv_transpose(
    x,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
) -> jax.Array:
    """Transposed convolution (the gradient of ``conv`` for its input), as Keras 3's op.

    ``kernel`` is ``(*kernel_size, filters, in_channels)``. Each output axis
    has size ``(size - 1) * stride + max(kernel, stride)`` for ``"valid"``
    and ``size * stride`` for ``"same"``, where ``kernel`` is the dilated
    kernel extent; with ``output_padding`` it is ``(size - 1) * stride +
    kernel + output_padding`` (``"valid"``) or ``(size - 1) * stride +
    kernel % 2 + output_padding`` (``"same"``).
    """
    x, kernel = jnp.asarray(unwrap(x)), jnp.asarray(unwrap(kernel))
    _check_rank("conv_transpose", x, kernel)
    geometry = _transpose_geometry(
        x.shape, kernel.shape[:-2], strides, padding, output_padding, data_format, dilation_rate
    )
    channels = _channels(x.shape, geometry.channels_first)
    if kernel.shape[-1] != channels:
        raise ValueError(
            f"conv_transpose: the kernel's last axis (in_channels) must equal the input's "
            f"{channels} channels, received a kernel of shape {kernel.shape}."
        )
    rank = x.ndim - 2
    flipped = jnp.flip(kernel, axis=tuple(range(rank)))
    unit_strides = geometry._replace(strides=(1,) * rank)
    return _convolve(
        x,
        flipped,
        unit_strides,
        groups=1,
        input_dilation=geometry.strides,
        kernel_io=(x.ndim - 2, x.ndim - 1),
    )
