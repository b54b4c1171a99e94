"""Normalizations of ``gk.ops.nn``: by a norm, by moments, by batch, layer and RMS statistics.

Each is written with backend reductions and arithmetic, so gradients flow
into the input and into the statistics and scales passed in.
"""

from __future__ import annotations

import warnings
from typing import Any

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float
from graphkeras.ops.operation import operation


@operation
def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (at least ``epsilon``)."""
    x = as_float(x)
    epsilon = K.epsilon() if epsilon is None else epsilon
    norm = K.norm(x, ord=order, axis=axis, keepdims=True)
    return K.divide(x, K.maximum(norm, epsilon))


@operation
def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` of ``x`` over ``axes``."""
    x = as_float(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    return (
        K.mean(x, axis=axes, keepdims=keepdims),
        K.var(x, axis=axes, keepdims=keepdims),
    )


def _along(vector: Any, axis: int, rank: int, dtype: str) -> Any:
    """A 1-D ``vector`` shaped to broadcast along ``axis`` of a rank-``rank`` array."""
    shape = [1] * rank
    shape[axis] = -1
    return K.reshape(K.cast(vector, dtype), tuple(shape))


@operation
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``(x - mean) / sqrt(variance + epsilon) * scale + offset``, per entry of ``axis``.

    ``mean``, ``variance``, ``offset`` and ``scale`` are vectors of the
    length of ``x``'s ``axis``.
    """
    x = as_float(x)
    rank, dtype = K.ndim(x), K.dtype(x)
    axis = axis % rank
    factor = K.divide(1.0, K.sqrt(K.add(_along(variance, axis, rank, dtype), epsilon)))
    if scale is not None:
        factor = K.multiply(factor, _along(scale, axis, rank, dtype))
    result = K.multiply(K.subtract(x, _along(mean, axis, rank, dtype)), factor)
    if offset is not None:
        result = K.add(result, _along(offset, axis, rank, dtype))
    return result


def _sorted_axes(axis: Any, rank: int) -> tuple:
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(sorted(a % rank for a in axes))


def _over(values: Any, x: Any, axes: tuple) -> Any:
    """Scales or offsets given for the ``axes`` of ``x``, shaped to broadcast against it."""
    values = K.cast(as_float(values), K.dtype(x))
    rank = K.ndim(x)
    if K.ndim(values) == rank or axes == (rank - 1,):
        return values
    shape = [1] * rank
    for a in axes:
        shape[a] = K.int_shape(x)[a]
    return K.reshape(values, tuple(shape))


@operation
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, *, rms_scaling=False):
    """``x`` normalized to mean 0 and variance 1 over ``axis``, then ``* gamma + beta``.

    ``rms_scaling`` (deprecated in Keras 3, which warns) divides by the
    standard deviation without centering and ignores ``beta``; use
    ``rms_normalization`` for RMS normalization.
    """
    x = as_float(x)
    epsilon = K.epsilon() if epsilon is None else epsilon
    axes = _sorted_axes(axis, K.ndim(x))
    variance = K.var(x, axis=axes, keepdims=True)
    factor = K.divide(1.0, K.sqrt(K.add(variance, epsilon)))
    if rms_scaling:
        warnings.warn(
            "ops.layer_normalization: rms_scaling=True is deprecated in Keras 3 (it scales by "
            "the variance, not the root mean square); use ops.rms_normalization.",
            stacklevel=2,
        )
        result = K.multiply(x, factor)
        return result if gamma is None else K.multiply(result, _over(gamma, x, axes))
    result = K.multiply(K.subtract(x, K.mean(x, axis=axes, keepdims=True)), factor)
    if gamma is not None:
        result = K.multiply(result, _over(gamma, x, axes))
    if beta is not None:
        result = K.add(result, _over(beta, x, axes))
    return result


@operation
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x`` divided by its root mean square over ``axis`` (plus ``epsilon``), then ``* scale``."""
    x = as_float(x)
    epsilon = K.epsilon() if epsilon is None else epsilon
    axes = _sorted_axes(axis, K.ndim(x))
    mean_square = K.mean(K.square(x), axis=axes, keepdims=True)
    result = K.multiply(x, K.divide(1.0, K.sqrt(K.add(mean_square, epsilon))))
    return result if scale is None else K.multiply(result, K.cast(as_float(scale), K.dtype(x)))
