"""Vector and matrix norms (``norm``, Keras 3's ``ops.norm``) and their gradients.

The axes and orders, and what each order computes, are those of
:mod:`graphkeras.backend.common.norm_arguments`, which checks them.

Gradients: the derivative of each, with subgradients at the kinks: 0 for a
zero vector or matrix (where the 2-norm has none), an even split between
tied extremes (as ``max`` does), 0 for ``ord=0`` (a count). The singular
value norms assume distinct singular values (2, -2) and full rank ('nuc'),
where they are differentiable.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.norm_arguments import check_ord, norm_axes
from graphkeras.backend.numpy_backend.core import unwrap
from graphkeras.backend.numpy_backend.gradients import _cast_like, _expand_reduced, _v


def _extreme_of_sums(magnitude: np.ndarray, sum_axis, extreme_axis: int, largest: bool):
    """``max`` (or ``min``) over ``extreme_axis`` of ``|x|`` summed over ``sum_axis`` (or not)."""
    sums = magnitude if sum_axis is None else np.sum(magnitude, axis=sum_axis, keepdims=True)
    pick = np.max if largest else np.min
    return sums, pick(sums, axis=extreme_axis, keepdims=True)


def _singular_values(x: np.ndarray, axes: tuple) -> np.ndarray:
    moved = np.moveaxis(x, axes, (-2, -1))
    return np.linalg.svd(moved, compute_uv=False)


def _keepdims_norm(x: np.ndarray, ord, axes: tuple) -> np.ndarray:
    """The norm with every reduced axis kept as length 1."""
    magnitude = np.abs(x)
    if ord in (None, "fro", 2) and (len(axes) == 1 or ord != 2):
        return np.sqrt(np.sum(x * x, axis=axes, keepdims=True))
    if len(axes) == 1:
        (axis,) = axes
        if ord == 1:
            return np.sum(magnitude, axis=axis, keepdims=True)
        if ord in (np.inf, -np.inf):
            return _extreme_of_sums(magnitude, None, axis, ord > 0)[1]
        if ord == 0:
            return np.sum(x != 0, axis=axis, keepdims=True).astype(x.dtype)
        with np.errstate(divide="ignore"):
            return np.sum(magnitude**ord, axis=axis, keepdims=True) ** (1.0 / ord)
    rows, columns = axes
    if ord in (1, -1):
        return _extreme_of_sums(magnitude, rows, columns, ord > 0)[1]
    if ord in (np.inf, -np.inf):
        return _extreme_of_sums(magnitude, columns, rows, ord > 0)[1]
    singular = _singular_values(x, axes)
    value = {"nuc": np.sum, 2: np.max, -2: np.min}[ord](singular, axis=-1)
    return np.expand_dims(value, axis=axes)


def norm(x, ord=None, axis=None, keepdims: bool = False) -> np.ndarray:
    """The norm of the vectors along ``axis`` or the matrices on its two axes (see module).

    Integer and bool inputs are computed in ``floatx()``.

    >>> norm(np.array([3.0, -4.0])).item(), norm(np.array([3.0, -4.0]), ord=1).item()
    (5.0, 7.0)
    """
    x = np.asarray(unwrap(x))
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx())
    axes = norm_axes("norm", x.ndim, ord, axis)
    check_ord(ord, axes)
    result = _keepdims_norm(x, ord, axes).astype(x.dtype, copy=False)
    return result if keepdims else np.squeeze(result, axis=axes)


# ---------------------------------------------------------------- gradients


def _split_between_extremes(x, magnitude, sum_axis, extreme_axis: int, largest: bool):
    """d extreme-of-sums / dx: ``sign(x)`` on the extreme slices, split between ties."""
    sums, extreme = _extreme_of_sums(magnitude, sum_axis, extreme_axis, largest)
    hits = sums == extreme
    return np.sign(x) * hits / np.sum(hits, axis=extreme_axis, keepdims=True)


def _singular_value_gradient(x: np.ndarray, ord, axes: tuple) -> np.ndarray:
    """d sigma / dx for the largest (2), smallest (-2) or all ('nuc') singular values."""
    moved = np.moveaxis(x, axes, (-2, -1))
    u, _, vh = np.linalg.svd(moved, full_matrices=False)
    if ord == "nuc":
        derivative = u @ vh
    else:
        k = 0 if ord == 2 else -1
        derivative = u[..., :, k, None] * vh[..., None, k, :]
    return np.moveaxis(derivative, (-2, -1), axes)


def norm_gradient(upstream, output, arguments, needs) -> dict:
    x = _v(arguments["x"])
    ord = arguments["ord"]
    values = x if np.issubdtype(x.dtype, np.floating) else x.astype(upstream.dtype)
    axes = norm_axes("norm", values.ndim, ord, arguments["axis"])
    # The reduced axes as _expand_reduced reads them from the arguments.
    reduced = {"axis": axes, "keepdims": arguments["keepdims"]}
    g = _expand_reduced(upstream, values, reduced)
    out = _expand_reduced(output, values, reduced)
    magnitude = np.abs(values)
    if ord in (None, "fro") or (ord == 2 and len(axes) == 1):
        safe = np.where(out > 0, out, 1)
        derivative = np.where(out > 0, values / safe, 0)
    elif ord == 0:
        derivative = np.zeros_like(values)
    elif len(axes) == 1 and ord == 1:
        derivative = np.sign(values)
    elif len(axes) == 1 and ord in (np.inf, -np.inf):
        derivative = _split_between_extremes(values, magnitude, None, axes[0], ord > 0)
    elif len(axes) == 1:
        # d (sum |x|^p)^(1/p) / dx = sign(x) (|x| / norm)^(p - 1); 0 where x or the norm is 0.
        safe = np.where(out > 0, out, 1)
        ratio = np.where((magnitude > 0) & (out > 0), magnitude / safe, 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            derivative = np.where(ratio > 0, np.sign(values) * ratio ** (ord - 1), 0)
    elif ord in (1, -1):
        derivative = _split_between_extremes(values, magnitude, axes[0], axes[1], ord > 0)
    elif ord in (np.inf, -np.inf):
        derivative = _split_between_extremes(values, magnitude, axes[1], axes[0], ord > 0)
    else:
        derivative = _singular_value_gradient(values, ord, axes)
    return {"x": _cast_like(g * derivative, x)}


GRADIENTS: dict = {"norm": (norm_gradient, ("x",))}
