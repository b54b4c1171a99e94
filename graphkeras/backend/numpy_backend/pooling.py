"""Pooling and padding on numpy arrays: ``max_pool``, ``average_pool``, ``pad``.

Pooling follows Keras 3 (and so XLA's ``reduce_window``): ``"valid"`` keeps
the windows that fit inside the input; ``"same"`` gives ``ceil(size /
stride)`` windows per spatial axis and pads the input by the shortfall, one
half before (rounded down) and the rest after. Max pooling pads with the
lowest value, so padding never wins; average pooling divides each window's
sum by the number of real (unpadded) entries it covers.

Every window is read through one strided view of the (padded) input, never a
Python loop over positions. The gradients run the same view over an array
of flat indices, so they know where each window entry came from, and
scatter-add the upstream gradient there with one ``np.bincount``.

``GRADIENTS`` (op -> (gradient, differentiable inputs)) is merged into the
backend's table by ``numpy_backend/__init__.py``.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.pad_widths import pad_widths
from graphkeras.backend.common.pool_geometry import pool_geometry
from graphkeras.backend.numpy_backend.core import unwrap

# ``np.pad`` modes whose output entries are each a copy of one input entry:
# their gradient sends each output entry's gradient back to that entry.
_COPYING_PAD_MODES = ("edge", "reflect", "symmetric", "wrap")


# ------------------------------------------------------------------- geometry


def _geometry_of_call(x: np.ndarray, arguments: dict):
    """``pool_geometry`` for a recorded pooling call's arguments."""
    return pool_geometry(
        x.shape,
        arguments["pool_size"],
        arguments["strides"],
        arguments["padding"],
        arguments["data_format"],
    )


def _windows(array: np.ndarray, axes, pool_size, strides) -> np.ndarray:
    """A read-only view of every window: ``array``'s shape with each spatial axis
    replaced by the window positions, and the window's own axes appended last."""
    view = np.lib.stride_tricks.sliding_window_view(array, pool_size, axis=axes)
    index = [slice(None)] * view.ndim
    for axis, stride in zip(axes, strides, strict=True):
        index[axis] = slice(None, None, stride)
    return view[tuple(index)]


def _lowest(dtype: np.dtype):
    """The value max pooling pads with: it never wins a window."""
    if np.issubdtype(dtype, np.floating):
        return -np.inf
    if np.issubdtype(dtype, np.integer):
        return np.iinfo(dtype).min
    return False


def _padded(x: np.ndarray, pads, value) -> np.ndarray:
    if not any(before or after for before, after in pads):
        return x
    return np.pad(x, pads, mode="constant", constant_values=value)


def _unpadded(gradient: np.ndarray, pads) -> np.ndarray:
    """The part of a padded array's gradient that belongs to the real input."""
    inner = [
        slice(before, size - after)
        for (before, after), size in zip(pads, gradient.shape, strict=True)
    ]
    return gradient[tuple(inner)]


def _window_indices(shape: tuple, axes, pool_size, strides) -> np.ndarray:
    """For each pooled position, the flat indices of its window's entries: ``(..., window)``."""
    flat = np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape)
    windows = _windows(flat, axes, pool_size, strides)
    return windows.reshape(*windows.shape[: len(shape)], -1)


def _scatter(indices: np.ndarray, values: np.ndarray, shape: tuple, dtype) -> np.ndarray:
    """Sum ``values`` into an array of ``shape`` at the flat ``indices`` (same shapes)."""
    summed = np.bincount(indices.ravel(), weights=values.ravel(), minlength=int(np.prod(shape)))
    return summed.reshape(shape).astype(dtype, copy=False)


def _window_counts(x: np.ndarray, axes, pool_size, strides, pads) -> np.ndarray:
    """How many real input entries each window covers, shaped to broadcast against the output."""
    shape = tuple(x.shape[axis] if axis in axes else 1 for axis in range(x.ndim))
    ones = _padded(np.ones(shape, dtype=x.dtype), pads, 0)
    window_axes = tuple(range(x.ndim, x.ndim + len(axes)))
    return _windows(ones, axes, pool_size, strides).sum(axis=window_axes)


def _float_input(x) -> np.ndarray:
    x = np.asarray(unwrap(x))
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx())
    return x


# -------------------------------------------------------------------- pooling


def max_pool(x, pool_size, strides=None, padding: str = "valid", data_format=None) -> np.ndarray:
    """The largest entry of each window over the spatial axes of ``x``.

    ``x`` is ``(batch, *spatial, channels)`` (``channels_last``) or ``(batch,
    channels, *spatial)``, with 1, 2 or 3 spatial axes (any number works);
    ``pool_size`` and ``strides`` are an int or one int per spatial axis,
    ``strides=None`` meaning ``pool_size``.
    """
    x = np.asarray(unwrap(x))
    axes, pool_size, strides, pads = pool_geometry(
        x.shape, pool_size, strides, padding, data_format
    )
    windows = _windows(_padded(x, pads, _lowest(x.dtype)), axes, pool_size, strides)
    return windows.max(axis=tuple(range(x.ndim, windows.ndim)))


def average_pool(
    x, pool_size, strides=None, padding: str = "valid", data_format=None
) -> np.ndarray:
    """The mean of each window over the spatial axes of ``x`` (arguments as ``max_pool``).

    With ``padding="same"`` a window that hangs over the border is averaged
    over its real entries only, as Keras 3 does.
    """
    x = _float_input(x)
    axes, pool_size, strides, pads = pool_geometry(
        x.shape, pool_size, strides, padding, data_format
    )
    windows = _windows(_padded(x, pads, 0), axes, pool_size, strides)
    sums = windows.sum(axis=tuple(range(x.ndim, windows.ndim)))
    if any(before or after for before, after in pads):
        counts = _window_counts(x, axes, pool_size, strides, pads)
    else:
        counts = np.asarray(np.prod(pool_size), dtype=x.dtype)
    return (sums / counts).astype(x.dtype, copy=False)


def max_pool_gradient(upstream, output, arguments, needs):
    """Each window's gradient goes to the entry that won it (the first, on ties, as XLA)."""
    x = np.asarray(unwrap(arguments["x"]))
    axes, pool_size, strides, pads = _geometry_of_call(x, arguments)
    padded = _padded(x, pads, _lowest(x.dtype))
    windows = _windows(padded, axes, pool_size, strides)
    winners = windows.reshape(*windows.shape[: x.ndim], -1).argmax(axis=-1)
    indices = _window_indices(padded.shape, axes, pool_size, strides)
    sources = np.take_along_axis(indices, winners[..., None], axis=-1)[..., 0]
    gradient = _scatter(sources, np.asarray(upstream), padded.shape, x.dtype)
    return {"x": _unpadded(gradient, pads)}


def average_pool_gradient(upstream, output, arguments, needs):
    """Each window's gradient is shared equally by the real entries it averaged."""
    x = _float_input(arguments["x"])
    axes, pool_size, strides, pads = _geometry_of_call(x, arguments)
    padded_shape = tuple(
        size + before + after for size, (before, after) in zip(x.shape, pads, strict=True)
    )
    if any(before or after for before, after in pads):
        counts = _window_counts(x, axes, pool_size, strides, pads)
    else:
        counts = np.prod(pool_size)
    shares = np.asarray(upstream, dtype="float64") / counts
    indices = _window_indices(padded_shape, axes, pool_size, strides)
    values = np.broadcast_to(shares[..., None], indices.shape)
    gradient = _scatter(indices, values, padded_shape, x.dtype)
    return {"x": _unpadded(gradient, pads)}


# -------------------------------------------------------------------- padding


def pad(x, pad_width, mode: str = "constant", constant_values=0) -> np.ndarray:
    """``x`` grown by ``pad_width`` entries before and after each axis.

    ``mode`` is ``"constant"`` (filled with ``constant_values``), ``"edge"``,
    ``"reflect"``, ``"symmetric"`` or ``"wrap"``, as ``numpy.pad``. The dtype
    of ``x`` is kept.
    """
    x = np.asarray(unwrap(x))
    widths = pad_widths(pad_width, x.ndim)
    if mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=constant_values)
    if mode not in _COPYING_PAD_MODES:
        raise ValueError(
            f"mode must be one of {('constant', *_COPYING_PAD_MODES)}, received mode={mode!r}."
        )
    return np.pad(x, widths, mode=mode)


def pad_gradient(upstream, output, arguments, needs):
    """Constant padding: the inner block of the gradient; copying modes: summed per source."""
    x = np.asarray(unwrap(arguments["x"]))
    widths = pad_widths(arguments["pad_width"], x.ndim)
    mode = arguments["mode"]
    if mode == "constant":
        return {"x": _unpadded(np.asarray(upstream), widths).astype(x.dtype, copy=False)}
    sources = np.pad(np.arange(x.size, dtype=np.intp).reshape(x.shape), widths, mode=mode)
    return {"x": _scatter(sources, np.asarray(upstream), x.shape, x.dtype)}


GRADIENTS: dict = {
    "max_pool": (max_pool_gradient, ("x",)),
    "average_pool": (average_pool_gradient, ("x",)),
    "pad": (pad_gradient, ("x",)),
}
