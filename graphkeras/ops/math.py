"""``gk.ops.math``: Keras 3's math operations (top-k, log-sum-exp, error functions)."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.operation import operation


@operation
def top_k(x, k, sorted=True, is_stable=True):  # noqa: A002 (Keras 3's argument name)
    """``(values, indices)`` of the ``k`` largest entries along the last axis."""
    values, indices = K.top_k(as_tensor(x), k, sorted=sorted)
    return values, K.cast(indices, "int32")


@operation
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, stable."""
    return K.logsumexp(as_float(x), axis=axis, keepdims=keepdims)


@operation
def erf(x):
    """The error function."""
    return K.erf(as_float(x))


@operation
def erfc(x):
    """``1 - erf(x)``, accurate in the tails."""
    return K.erfc(as_float(x))


@operation
def rsqrt(x):
    """``1 / sqrt(x)``."""
    return K.divide(1.0, K.sqrt(as_float(x)))


@operation
def in_top_k(targets, predictions, k):
    """Whether each target's prediction is among the ``k`` largest of its row."""
    predictions = as_float(predictions)
    targets = K.cast(as_tensor(targets), "int32")
    target_scores = K.take_along_axis(predictions, K.expand_dims(targets, -1), axis=-1)
    larger = K.sum(K.cast(K.greater(predictions, target_scores), "int32"), axis=-1)
    return K.less(larger, k)
