"""Reductions of ``gk.ops.numpy``: sums, means, extremes and running totals over axes.

``axis`` is an int, a tuple (or list) of ints, or None for every axis.
Keras 3's dtypes: a mean or variance of integers is ``floatx()``; a sum or
product of bools or small integers is int32 (NumPy would give int64).
"""

from __future__ import annotations

import builtins
from typing import Any

from graphkeras import backend as K
from graphkeras.ops.dtypes import accumulated, as_float, as_tensor
from graphkeras.ops.operation import operation


def _reduction_axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


@operation(name="sum")
def sum(x, axis=None, keepdims=False):  # noqa: A001 (Keras 3's name)
    """Sum over ``axis`` (all axes when None); bools and small integers sum as int32."""
    x = as_tensor(x)
    dtype = K.dtype(x)
    if dtype == "bool":
        x = K.cast(x, "int32")
    return accumulated(K.sum(x, axis=_reduction_axis(axis), keepdims=keepdims), dtype)


@operation
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; integers give ``floatx()``."""
    return K.mean(as_float(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def var(x, axis=None, keepdims=False):
    """Population variance over ``axis``."""
    return K.var(as_float(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``."""
    return K.std(as_float(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``, in ``dtype`` when given (bools and small integers as int32)."""
    x = as_tensor(x)
    if dtype is not None:
        x = K.cast(x, K.standardize_dtype(dtype))
    elif K.dtype(x) == "bool":
        x = K.cast(x, "int32")
    return accumulated(K.prod(x, axis=_reduction_axis(axis), keepdims=keepdims), K.dtype(x))


@operation(name="max")
def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001 (Keras 3's name)
    """Largest entry over ``axis``, at least ``initial`` when given."""
    result = K.max(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)
    return result if initial is None else K.maximum(result, initial)


@operation(name="min")
def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001 (Keras 3's name)
    """Smallest entry over ``axis``, at most ``initial`` when given."""
    result = K.min(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)
    return result if initial is None else K.minimum(result, initial)


@operation
def amax(x, axis=None, keepdims=False):
    """Largest entry over ``axis`` (``max``)."""
    return K.max(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def amin(x, axis=None, keepdims=False):
    """Smallest entry over ``axis`` (``min``)."""
    return K.min(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation(name="any")
def any(x, axis=None, keepdims=False):  # noqa: A001 (Keras 3's name)
    """Whether any entry over ``axis`` is nonzero."""
    return K.any(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation(name="all")
def all(x, axis=None, keepdims=False):  # noqa: A001 (Keras 3's name)
    """Whether every entry over ``axis`` is nonzero."""
    return K.all(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def argmax(x, axis=None, keepdims=False):
    """Index of the largest entry along ``axis`` (of the flattened array when None), int32."""
    return K.cast(K.argmax(as_tensor(x), axis=axis, keepdims=keepdims), "int32")


@operation
def argmin(x, axis=None, keepdims=False):
    """Index of the smallest entry along ``axis``, int32."""
    return K.cast(K.argmin(as_tensor(x), axis=axis, keepdims=keepdims), "int32")


@operation
def count_nonzero(x, axis=None):
    """How many entries over ``axis`` are nonzero (int32)."""
    counts = K.sum(K.cast(K.not_equal(as_tensor(x), 0), "int32"), axis=_reduction_axis(axis))
    return accumulated(counts, "int32")


@operation
def average(x, axis=None, weights=None):
    """Mean over ``axis``, weighted by ``weights`` (1-D along ``axis``, or ``x``'s shape)."""
    x = as_float(x)
    if weights is None:
        return K.mean(x, axis=axis)
    weights = as_float(weights)
    if axis is not None and K.ndim(weights) == 1 and K.ndim(x) > 1:
        shape = [1] * K.ndim(x)
        shape[axis] = K.int_shape(weights)[0]
        weights = K.reshape(weights, tuple(shape))
    return K.divide(K.sum(K.multiply(x, weights), axis=axis), K.sum(weights, axis=axis))


@operation
def cumsum(x, axis=None, dtype=None):
    """Running sum along ``axis`` (of the flattened array when None)."""
    return K.cumsum(as_tensor(x), axis=axis, dtype=dtype)


@operation
def cumprod(x, axis=None, dtype=None):
    """Running product along ``axis``."""
    return K.cumprod(as_tensor(x), axis=axis, dtype=dtype)


@operation
def ptp(x, axis=None, keepdims=False):
    """The range over ``axis``: largest minus smallest entry ("peak to peak")."""
    x = as_tensor(x)
    axis = _reduction_axis(axis)
    return K.subtract(
        K.max(x, axis=axis, keepdims=keepdims), K.min(x, axis=axis, keepdims=keepdims)
    )


@operation
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """The integral of ``y`` along ``axis`` by the trapezoidal rule (points ``x``, or ``dx`` apart).

    ``x`` is 1-D (one point per entry along ``axis``) or has ``y``'s shape.
    """
    y = as_float(y)
    rank = K.ndim(y)
    axis = axis % rank
    head = (builtins.slice(None),) * axis
    heights = K.multiply(
        K.add(
            K.getitem(y, (*head, builtins.slice(1, None))),
            K.getitem(y, (*head, builtins.slice(None, -1))),
        ),
        0.5,
    )
    if x is None:
        return K.multiply(K.sum(heights, axis=axis), dx)
    x = K.cast(as_tensor(x), K.dtype(y))
    if K.ndim(x) == 1:
        x = K.reshape(x, tuple(-1 if a == axis else 1 for a in range(rank)))
    x_head = (builtins.slice(None),) * axis
    widths = K.subtract(
        K.getitem(x, (*x_head, builtins.slice(1, None))),
        K.getitem(x, (*x_head, builtins.slice(None, -1))),
    )
    return K.sum(K.multiply(heights, widths), axis=axis)
