"""Running sums and products along an axis (``cumsum``, ``cumprod``) and their gradients.

Entry ``i`` of ``cumsum`` is the sum of entries ``0..i`` along the axis;
``cumprod`` the product. With ``axis=None`` the flattened array is scanned.
The result has ``dtype`` when given, else ``x``'s dtype (a bool array counts
in int32), as Keras 3 does: numpy alone would widen int32 to int64.

Gradients: entry ``j`` of ``x`` reaches every output ``i >= j``, so the
gradient of ``cumsum`` is the reversed running sum of the upstream gradient.
For ``cumprod`` the derivative of output ``i`` by ``x[j]`` is the product of
the other entries up to ``i``; it is computed exactly even where ``x`` has
zeros (see :func:`cumprod_gradient`).
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.numpy_backend.core import unwrap
from graphkeras.backend.numpy_backend.gradients import _cast_like, _v


def _scan_dtype(x: np.ndarray, dtype) -> str:
    if dtype is not None:
        return config.standardize_dtype(dtype)
    return "int32" if x.dtype == np.bool_ else x.dtype.name


def cumsum(x, axis=None, dtype=None) -> np.ndarray:
    """Running sum along ``axis`` (of the flattened ``x`` when None)."""
    x = np.asarray(unwrap(x))
    return np.cumsum(x, axis=axis, dtype=_scan_dtype(x, dtype))


def cumprod(x, axis=None, dtype=None) -> np.ndarray:
    """Running product along ``axis`` (of the flattened ``x`` when None)."""
    x = np.asarray(unwrap(x))
    return np.cumprod(x, axis=axis, dtype=_scan_dtype(x, dtype))


# ---------------------------------------------------------------- gradients


def _along_last(x: np.ndarray, axis) -> np.ndarray:
    """``x`` with the scanned axis last (flattened first when ``axis`` is None)."""
    return x.reshape(-1) if axis is None else np.moveaxis(x, axis, -1)


def _back_to(gradient: np.ndarray, x: np.ndarray, axis) -> np.ndarray:
    """A gradient laid out by :func:`_along_last`, back in ``x``'s layout and dtype."""
    gradient = gradient.reshape(x.shape) if axis is None else np.moveaxis(gradient, -1, axis)
    return _cast_like(gradient, x)


def _reversed_cumsum(values: np.ndarray) -> np.ndarray:
    """Entry ``j``: the sum of entries ``j..end`` along the last axis."""
    return np.flip(np.cumsum(np.flip(values, -1), axis=-1), -1)


def cumsum_gradient(upstream, output, arguments, needs) -> dict:
    x, axis = _v(arguments["x"]), arguments["axis"]
    return {"x": _back_to(_reversed_cumsum(_along_last(upstream, axis)), x, axis)}


def cumprod_gradient(upstream, output, arguments, needs) -> dict:
    """``d sum(g * cumprod(x)) / d x[j]``: ``sum over i >= j of g[i] * prod(x[k], k <= i, k != j)``.

    Before a row's first zero ``z`` that is ``reversed_cumsum(g * out)[j] / x[j]``
    (``x[j]`` is not zero there). After it every product holds ``x[z] = 0``,
    so the gradient is 0. At ``z`` itself it is
    ``out[z - 1] * sum over i >= z of g[i] * prod(x[z + 1 .. i])``, a running
    product that skips everything up to ``z``. No division by zero happens.
    """
    x, axis = _v(arguments["x"]), arguments["axis"]
    values = _along_last(x, axis).astype(upstream.dtype, copy=False)
    g = _along_last(upstream, axis)
    out = _along_last(output, axis).astype(upstream.dtype, copy=False)
    if values.shape[-1] == 0:
        return {"x": _cast_like(np.zeros(x.shape, upstream.dtype), x)}
    positions = np.arange(values.shape[-1])
    is_zero = values == 0
    first_zero = np.where(is_zero.any(-1), is_zero.argmax(-1), values.shape[-1])[..., None]
    before = positions < first_zero
    gradient = np.where(before, _reversed_cumsum(g * out) / np.where(before, values, 1), 0)
    if is_zero.any():
        after_zero = np.cumprod(np.where(positions > first_zero, values, 1), axis=-1)
        tail = np.sum(np.where(positions >= first_zero, g * after_zero, 0), -1, keepdims=True)
        out_before = np.take_along_axis(out, np.maximum(first_zero - 1, 0), -1)
        at_zero = np.where(first_zero > 0, out_before, 1) * tail
        gradient = np.where(positions == first_zero, at_zero, gradient)
    return {"x": _back_to(gradient, x, axis)}


GRADIENTS: dict = {
    "cumsum": (cumsum_gradient, ("x",)),
    "cumprod": (cumprod_gradient, ("x",)),
}
