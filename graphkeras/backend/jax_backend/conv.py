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

import jax
import jax.numpy as jnp
from jax import lax

from graphkeras.backend import config
from graphkeras.backend.common import convolution_geometry
from graphkeras.backend.common.convolution_geometry import ConvGeometry, TransposeGeometry
from graphkeras.backend.jax_backend.core import unwrap

__all__ = ["conv", "depthwise_conv", "conv_transpose"]


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


def _convolve(
    x,
    kernel,
    geometry: ConvGeometry | TransposeGeometry,
    groups: int,
    input_dilation=None,
    kernel_io=None,
):
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
    convolution_geometry.check_ranks(op, x.shape, kernel.shape)
    geometry = convolution_geometry.conv_geometry(
        op, x.shape, kernel.shape[:-2], strides, padding, data_format, dilation_rate
    )
    channels = convolution_geometry.channel_count(x.shape, geometry.channels_first)
    return geometry, convolution_geometry.group_count(op, channels, kernel.shape)


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
    convolution_geometry.check_ranks("depthwise_conv", x.shape, kernel.shape)
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    channels = convolution_geometry.channel_count(x.shape, channels_first)
    convolution_geometry.check_depthwise_kernel(channels, kernel.shape)
    grouped = jnp.reshape(kernel, (*kernel.shape[:-2], 1, channels * kernel.shape[-1]))
    geometry, groups = _prepare_conv(
        "depthwise_conv", x, grouped, strides, padding, data_format, dilation_rate
    )
    return _convolve(x, grouped, geometry, groups)


# ------------------------------------------------------------- conv_transpose


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
    convolution_geometry.check_ranks("conv_transpose", x.shape, kernel.shape)
    geometry = convolution_geometry.transpose_geometry(
        x.shape, kernel.shape[:-2], strides, padding, output_padding, data_format, dilation_rate
    )
    channels = convolution_geometry.channel_count(x.shape, geometry.channels_first)
    convolution_geometry.check_transpose_kernel(channels, kernel.shape)
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
