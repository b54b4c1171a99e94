"""Element-wise math, reductions, linear algebra and reshaping on numpy arrays.

Every function takes arrays or Variables (read through their value) and
returns a new array; none changes its inputs.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.matrix_arguments import batch_dot_axes, check_matrix_rank
from graphkeras.backend.numpy_backend.core import unwrap

# ---------------------------------------------------------------- element-wise


def add(x, y) -> np.ndarray:
    """``x + y`` with broadcasting."""
    return np.add(unwrap(x), unwrap(y))


def subtract(x, y) -> np.ndarray:
    """``x - y`` with broadcasting."""
    return np.subtract(unwrap(x), unwrap(y))


def multiply(x, y) -> np.ndarray:
    """``x * y`` with broadcasting."""
    return np.multiply(unwrap(x), unwrap(y))


def divide(x, y) -> np.ndarray:
    """True division ``x / y`` with broadcasting."""
    return np.true_divide(unwrap(x), unwrap(y))


def power(x, y) -> np.ndarray:
    """``x ** y`` with broadcasting."""
    return np.power(unwrap(x), unwrap(y))


def negative(x) -> np.ndarray:
    """``-x``."""
    return np.negative(unwrap(x))


def abs(x) -> np.ndarray:  # noqa: A001 - the backend mirrors the numpy name
    """``|x|``."""
    return np.abs(unwrap(x))


def sign(x) -> np.ndarray:
    """-1, 0 or 1 by the sign of each entry."""
    return np.sign(unwrap(x))


def sqrt(x) -> np.ndarray:
    """Square root."""
    return np.sqrt(unwrap(x))


def square(x) -> np.ndarray:
    """``x * x``."""
    return np.square(unwrap(x))


def exp(x) -> np.ndarray:
    """Natural exponential."""
    return np.exp(unwrap(x))


def log(x) -> np.ndarray:
    """Natural logarithm."""
    return np.log(unwrap(x))


def maximum(x, y) -> np.ndarray:
    """Element-wise larger of ``x`` and ``y``."""
    return np.maximum(unwrap(x), unwrap(y))


def minimum(x, y) -> np.ndarray:
    """Element-wise smaller of ``x`` and ``y``."""
    return np.minimum(unwrap(x), unwrap(y))


def clip(x, min_value, max_value) -> np.ndarray:
    """``x`` limited to ``[min_value, max_value]`` (either may be None)."""
    return np.clip(unwrap(x), min_value, max_value)


def where(condition, x, y) -> np.ndarray:
    """``x`` where ``condition`` holds, else ``y``."""
    return np.where(unwrap(condition), unwrap(x), unwrap(y))


def equal(x, y) -> np.ndarray:
    """Element-wise ``x == y`` (bool)."""
    return np.equal(unwrap(x), unwrap(y))


def not_equal(x, y) -> np.ndarray:
    """Element-wise ``x != y`` (bool)."""
    return np.not_equal(unwrap(x), unwrap(y))


def greater(x, y) -> np.ndarray:
    """Element-wise ``x > y`` (bool)."""
    return np.greater(unwrap(x), unwrap(y))


def greater_equal(x, y) -> np.ndarray:
    """Element-wise ``x >= y`` (bool)."""
    return np.greater_equal(unwrap(x), unwrap(y))


def less(x, y) -> np.ndarray:
    """Element-wise ``x < y`` (bool)."""
    return np.less(unwrap(x), unwrap(y))


def less_equal(x, y) -> np.ndarray:
    """Element-wise ``x <= y`` (bool)."""
    return np.less_equal(unwrap(x), unwrap(y))


def logical_and(x, y) -> np.ndarray:
    """Element-wise and of two boolean arrays."""
    return np.logical_and(unwrap(x), unwrap(y))


def logical_or(x, y) -> np.ndarray:
    """Element-wise or of two boolean arrays."""
    return np.logical_or(unwrap(x), unwrap(y))


def logical_not(x) -> np.ndarray:
    """Element-wise not of a boolean array."""
    return np.logical_not(unwrap(x))


# ------------------------------------------------------------------ reductions


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def sum(x, axis=None, keepdims: bool = False) -> np.ndarray:  # noqa: A001
    """Sum over ``axis`` (an int, a tuple of ints, or None for all)."""
    return np.sum(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims: bool = False) -> np.ndarray:
    """Mean over ``axis``."""
    return np.mean(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims: bool = False) -> np.ndarray:  # noqa: A001
    """Maximum over ``axis``."""
    return np.max(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims: bool = False) -> np.ndarray:  # noqa: A001
    """Minimum over ``axis``."""
    return np.min(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims: bool = False) -> np.ndarray:
    """Product over ``axis``."""
    return np.prod(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims: bool = False) -> np.ndarray:
    """Population variance over ``axis``."""
    return np.var(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims: bool = False) -> np.ndarray:
    """Population standard deviation over ``axis``."""
    return np.std(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims: bool = False) -> np.ndarray:  # noqa: A001
    """Whether any entry along ``axis`` is true."""
    return np.any(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims: bool = False) -> np.ndarray:  # noqa: A001
    """Whether every entry along ``axis`` is true."""
    return np.all(unwrap(x), axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis: int | None = -1, keepdims: bool = False) -> np.ndarray:
    """Index of the (first) largest entry along ``axis``; None: in the flattened array.

    The default axis is the last, as Keras 2's backend had it (Keras 3's
    ``ops.argmax`` defaults to None and passes its axis explicitly).
    """
    return np.argmax(unwrap(x), axis=axis, keepdims=keepdims)


def argmin(x, axis: int | None = -1, keepdims: bool = False) -> np.ndarray:
    """Index of the (first) smallest entry along ``axis``; None: in the flattened array."""
    return np.argmin(unwrap(x), axis=axis, keepdims=keepdims)


def logsumexp(x, axis=None, keepdims: bool = False) -> np.ndarray:
    """``log(sum(exp(x)))`` over ``axis``, shifted by the largest entry so nothing overflows.

    A slice of all ``-inf`` (or an empty one) gives ``-inf``; one holding
    ``+inf`` gives ``+inf``. Integer inputs are computed in ``floatx()``.
    """
    x = np.asarray(unwrap(x))
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx())
    axes = _axis(axis)
    if x.size == 0:
        return np.full(np.sum(x, axis=axes, keepdims=keepdims).shape, -np.inf, dtype=x.dtype)
    peak = np.max(x, axis=axes, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0).astype(x.dtype, copy=False)
    with np.errstate(divide="ignore"):
        total = np.log(np.sum(np.exp(x - peak), axis=axes, keepdims=True)) + peak
    if keepdims:
        return total
    return total.reshape(()) if axes is None else np.squeeze(total, axis=axes)


# -------------------------------------------------------------- linear algebra


def dot(x, y) -> np.ndarray:
    """Keras ``dot``: contract the last axis of ``x`` with the second-to-last of ``y``.

    For a matrix ``y`` this is ``x @ y`` on any leading batch axes of ``x``.
    """
    x = unwrap(x)
    y = unwrap(y)
    if y.ndim <= 2:
        return np.matmul(x, y)
    return np.dot(x, y)


def matmul(x, y) -> np.ndarray:
    """``x @ y`` with numpy's batching rules."""
    return np.matmul(unwrap(x), unwrap(y))


def batch_dot(x, y, axes) -> np.ndarray:
    """Per-sample dot product of ``x`` and ``y`` along ``axes`` (axis 0 is the batch).

    ``axes`` is an int (the same axis of both) or a pair ``(axis_of_x,
    axis_of_y)``. The result keeps the other axes of ``x`` then of ``y``;
    a result of rank 1 is returned as ``(batch, 1)``, as in Keras.
    """
    x = unwrap(x)
    y = unwrap(y)
    axis_x, axis_y = batch_dot_axes(x.shape, y.shape, axes)
    x_moved = np.moveaxis(x, axis_x, -1)
    y_moved = np.moveaxis(y, axis_y, 1)
    batch = x.shape[0]
    x_rest = x_moved.shape[1:-1]
    y_rest = y_moved.shape[2:]
    depth = x.shape[axis_x]
    product = np.matmul(
        x_moved.reshape(batch, -1, depth), y_moved.reshape(batch, depth, -1)
    ).reshape((batch, *x_rest, *y_rest))
    if product.ndim == 1:
        product = product[:, None]
    return product


def l2_normalize(x, axis=-1) -> np.ndarray:
    """``x`` divided by its L2 norm along ``axis`` (the norm floored at 1e-12)."""
    x = unwrap(x)
    squared = np.sum(np.square(x), axis=_axis(axis), keepdims=True)
    return x / np.sqrt(np.maximum(squared, np.asarray(1e-12, dtype=x.dtype)))


def tril(x, k: int = 0) -> np.ndarray:
    """The lower triangle of the last two axes: entries above diagonal ``k`` set to 0.

    ``k = 0`` is the main diagonal, ``k > 0`` diagonals above it, ``k < 0`` below.
    """
    x = np.asarray(unwrap(x))
    check_matrix_rank("tril", x.shape)
    return np.tril(x, k=k)


def triu(x, k: int = 0) -> np.ndarray:
    """The upper triangle of the last two axes: entries below diagonal ``k`` set to 0."""
    x = np.asarray(unwrap(x))
    check_matrix_rank("triu", x.shape)
    return np.triu(x, k=k)


def qr(x, mode: str = "reduced") -> tuple:
    """QR decomposition ``(q, r)`` of a matrix."""
    return np.linalg.qr(unwrap(x), mode=mode)


# ------------------------------------------------------------------- reshaping


def reshape(x, shape) -> np.ndarray:
    """``x`` with a new shape (one entry may be -1)."""
    return np.reshape(unwrap(x), shape)


def transpose(x, axes=None) -> np.ndarray:
    """Axes reversed, or permuted by ``axes``."""
    return np.transpose(unwrap(x), axes)


def expand_dims(x, axis: int) -> np.ndarray:
    """A new axis of length 1 at ``axis``."""
    return np.expand_dims(unwrap(x), axis)


def squeeze(x, axis=None) -> np.ndarray:
    """Axes of length 1 removed (only ``axis`` when given)."""
    return np.squeeze(unwrap(x), axis=_axis(axis))


def concatenate(tensors, axis: int = -1) -> np.ndarray:
    """Join arrays along an existing axis."""
    return np.concatenate([unwrap(t) for t in tensors], axis=axis)


def stack(tensors, axis: int = 0) -> np.ndarray:
    """Join arrays along a new axis."""
    return np.stack([unwrap(t) for t in tensors], axis=axis)


def repeat(x, repeats: int, axis=None) -> np.ndarray:
    """Each entry repeated ``repeats`` times along ``axis``."""
    return np.repeat(unwrap(x), repeats, axis=axis)


def tile(x, repeats) -> np.ndarray:
    """``x`` repeated as a whole ``repeats[i]`` times along axis ``i``."""
    return np.tile(unwrap(x), repeats)


def batch_flatten(x) -> np.ndarray:
    """``(batch, ...)`` to ``(batch, everything else)``."""
    x = unwrap(x)
    return np.reshape(x, (x.shape[0], -1))


def getitem(x, key) -> np.ndarray:
    """``x[key]`` with numpy indexing (ints, slices, Ellipsis, None)."""
    return unwrap(x)[key]
