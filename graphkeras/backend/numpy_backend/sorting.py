"""Sorting along an axis: ``sort``, ``argsort`` and ``top_k``, and their gradients.

Every sort here is stable, so equal entries keep their order and the results
are the same on every run: ``argsort`` lists tied entries by position, and
``top_k`` lists the largest values first with ties by lowest position (as
``jax.lax.top_k`` and ``tf.math.top_k`` do). NaN sorts as the largest value,
as in numpy.

Sorting only moves values, so the gradient of ``sort`` and of ``top_k``'s
values sends each output entry's gradient back to the position it came from.
Indices are integers and carry no gradient: ``argsort`` is recorded without
one, and a gradient reaching ``top_k``'s indices raises.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend.numpy_backend.autodiff import NotDifferentiableError
from graphkeras.backend.numpy_backend.core import unwrap
from graphkeras.backend.numpy_backend.gradients import _cast_like, _v


def _stable_order(x: np.ndarray, axis) -> np.ndarray:
    """The positions that sort ``x`` ascending along ``axis`` (None: the flattened ``x``)."""
    return np.argsort(x, axis=axis, kind="stable")


def sort(x, axis=-1) -> np.ndarray:
    """``x`` sorted ascending along ``axis`` (None sorts the flattened array)."""
    return np.sort(unwrap(x), axis=axis, kind="stable")


def argsort(x, axis=-1) -> np.ndarray:
    """The int32 positions that sort ``x`` ascending along ``axis``; ties keep their order."""
    return _stable_order(unwrap(x), axis).astype(np.int32)


def top_k(x, k: int, sorted: bool = True) -> tuple:  # noqa: A002 - the Keras name
    """The ``k`` largest entries along the last axis and their int32 positions.

    Returns ``(values, indices)``, each of shape ``x.shape[:-1] + (k,)``, the
    largest first; equal values are listed by lowest position. The result is
    always sorted, which also satisfies ``sorted=False`` (that asks for no
    particular order).

    >>> values, indices = top_k(np.array([1.0, 3.0, 2.0, 3.0]), 2)
    >>> values.tolist(), indices.tolist()
    ([3.0, 3.0], [1, 3])
    """
    x = unwrap(x)
    if np.ndim(x) == 0:
        raise ValueError("top_k() needs an array of rank 1 or more, received a scalar.")
    size = np.shape(x)[-1]
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 0 <= k <= size:
        raise ValueError(
            f"top_k() needs an int k from 0 to the last axis' size {size}, received k={k!r}."
        )
    # Sorting the reversed axis ascending, stably, then reading it backwards lists
    # the largest first and, among equal values, the lowest position first.
    reversed_order = _stable_order(np.flip(x, axis=-1), -1)[..., ::-1]
    indices = (size - 1 - reversed_order[..., :k]).astype(np.int32)
    return np.take_along_axis(x, indices, axis=-1), indices


# ---------------------------------------------------------------- gradients


def _scatter_back(upstream: np.ndarray, positions: np.ndarray, shape: tuple, axis: int):
    """An array of ``shape``, zero except ``upstream`` put at ``positions`` along ``axis``."""
    gradient = np.zeros(shape, dtype=upstream.dtype)
    np.put_along_axis(gradient, positions, upstream, axis=axis)
    return gradient


def sort_gradient(upstream, output, arguments, needs) -> dict:
    """Each sorted entry's gradient, back at the position it was sorted from."""
    x = _v(arguments["x"])
    axis = arguments["axis"]
    if axis is None:
        flat = _scatter_back(upstream, _stable_order(x.ravel(), 0), (x.size,), 0)
        return {"x": _cast_like(flat.reshape(x.shape), x)}
    return {"x": _cast_like(_scatter_back(upstream, _stable_order(x, axis), x.shape, axis), x)}


def top_k_gradient(upstream, output, arguments, needs) -> dict:
    """The values' gradient, back at the positions ``top_k`` read them from."""
    values_gradient, indices_gradient = upstream
    if indices_gradient is not None:
        raise NotDifferentiableError(
            "The gradient reaches the indices of backend op 'top_k', which are integers "
            "and have no gradient; only its values are differentiable."
        )
    x = _v(arguments["x"])
    return {"x": _cast_like(_scatter_back(values_gradient, output[1], x.shape, -1), x)}


GRADIENTS: dict = {
    "sort": (sort_gradient, ("x",)),
    "top_k": (top_k_gradient, ("x",)),
}

# Recorded, so that a gradient reaching them raises instead of vanishing.
NOT_DIFFERENTIABLE: dict = {"argsort": ("x",)}
