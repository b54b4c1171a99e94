"""Pooling and padding on JAX arrays: ``max_pool``, ``average_pool``, ``pad``.

Pooling is XLA's ``reduce_window`` with explicit padding, so the rules are
the numpy backend's (and Keras 3's): ``"valid"`` keeps the windows that fit
inside the input; ``"same"`` gives ``ceil(size / stride)`` windows per
spatial axis and pads the input by the shortfall, one half before (rounded
down) and the rest after. Max pooling pads with the lowest value, so padding
never wins; average pooling divides each window's sum by the number of real
(unpadded) entries it covers, a count that depends on the shapes only and is
computed once, with numpy, while the call is traced.

The gradients are JAX's: a max window's gradient goes to its first largest
entry, an average window's is shared by the entries it averaged.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from graphkeras.backend import config
from graphkeras.backend.common.pad_widths import pad_widths
from graphkeras.backend.common.pool_geometry import pool_geometry
from graphkeras.backend.jax_backend.core import unwrap

__all__ = ["max_pool", "average_pool", "pad"]

_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


# ------------------------------------------------------------------- geometry


class _PoolGeometry:
    """Window, strides and padding of one pooling call, per axis of the input.

    ``window``, ``strides`` and ``pads`` cover every axis of ``x`` (1 and no
    padding on the batch and channel axes), as ``lax.reduce_window`` takes them.
    """

    def __init__(self, shape: tuple, pool_size, strides, padding: str, data_format) -> None:
        ndim = len(shape)
        axes, pool_size, strides, self.pads = pool_geometry(
            shape, pool_size, strides, padding, data_format
        )
        self.window, self.strides = [1] * ndim, [1] * ndim
        for axis, window, stride in zip(axes, pool_size, strides, strict=True):
            self.window[axis], self.strides[axis] = window, stride
        self.spatial_shape = tuple(shape[axis] if axis in axes else 1 for axis in range(ndim))

    @property
    def padded(self) -> bool:
        return any(before or after for before, after in self.pads)

    def reduce(self, x: jax.Array, initial, operation) -> jax.Array:
        return lax.reduce_window(x, initial, operation, self.window, self.strides, self.pads)

    def window_counts(self, dtype) -> np.ndarray:
        """How many real entries each window covers, shaped to broadcast against the output."""
        ones = np.ones(self.spatial_shape, dtype)
        padded = np.pad(ones, self.pads)
        view = np.lib.stride_tricks.sliding_window_view(padded, self.window)
        steps = tuple(slice(None, None, stride) for stride in self.strides)
        return view[steps].sum(axis=tuple(range(len(self.window), 2 * len(self.window))))


def _lowest(dtype) -> np.ndarray:
    """The value max pooling pads with: it never wins a window.

    A NumPy scalar, not a JAX one: inside ``jax.jit`` a JAX constant is traced,
    and ``lax.reduce_window`` then cannot tell its reduction is a max, which
    leaves it without a gradient.
    """
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    if jnp.issubdtype(dtype, jnp.integer):
        return np.array(np.iinfo(dtype).min, dtype)
    return np.array(False, dtype)


# -------------------------------------------------------------------- pooling


def max_pool(x, pool_size, strides=None, padding: str = "valid", data_format=None) -> jax.Array:
    """The largest entry of each window over the spatial axes of ``x``.

    ``x`` is ``(batch, *spatial, channels)`` (``channels_last``) or ``(batch,
    channels, *spatial)``, with 1, 2 or 3 spatial axes (any number works);
    ``pool_size`` and ``strides`` are an int or one int per spatial axis,
    ``strides=None`` meaning ``pool_size``.
    """
    x = jnp.asarray(unwrap(x))
    geometry = _PoolGeometry(x.shape, pool_size, strides, padding, data_format)
    return geometry.reduce(x, _lowest(x.dtype), lax.max)


def average_pool(x, pool_size, strides=None, padding: str = "valid", data_format=None) -> jax.Array:
    """The mean of each window over the spatial axes of ``x`` (arguments as ``max_pool``).

    With ``padding="same"`` a window that hangs over the border is averaged
    over its real entries only, as Keras 3 does. Integer input is averaged
    in ``floatx()``.
    """
    x = jnp.asarray(unwrap(x))
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(config.floatx())
    geometry = _PoolGeometry(x.shape, pool_size, strides, padding, data_format)
    sums = geometry.reduce(x, np.array(0, x.dtype), lax.add)  # NumPy: see _lowest
    if geometry.padded:
        counts = geometry.window_counts(x.dtype)
    else:
        counts = np.asarray(np.prod(geometry.window), x.dtype)
    return (sums / counts).astype(x.dtype)


# -------------------------------------------------------------------- padding


def pad(x, pad_width, mode: str = "constant", constant_values=0) -> jax.Array:
    """``x`` grown by ``pad_width`` entries before and after each axis.

    ``mode`` is ``"constant"`` (filled with ``constant_values``), ``"edge"``,
    ``"reflect"``, ``"symmetric"`` or ``"wrap"``, as ``numpy.pad``. The dtype
    of ``x`` is kept. ``pad_width`` is read as Python numbers: it fixes the
    result's shape, so it cannot be a traced value.
    """
    x = jnp.asarray(unwrap(x))
    widths = pad_widths(pad_width, x.ndim)
    if mode not in _PAD_MODES:
        raise ValueError(f"mode must be one of {_PAD_MODES}, received mode={mode!r}.")
    if mode == "constant":
        fill = jnp.asarray(unwrap(constant_values)).astype(x.dtype)
        return jnp.pad(x, widths, mode="constant", constant_values=fill)
    return jnp.pad(x, widths, mode=mode)
