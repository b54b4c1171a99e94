"""Array helpers the metrics share, composed from backend functions only.

Each of these is a few backend calls: dividing without NaN where the
denominator is zero, broadcasting, picking the top k entries of a row. None
needs numpy, so the metrics run on any backend; a backend that offers one of
them natively (a ``broadcast_to``, a ``top_k``) could replace its body here.
(Matching the ranks of labels and predictions is the losses module's
``squeeze_or_expand_to_same_rank``, shared by both.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras.utils.tracing import is_tracing


def float_tensor(x: Any) -> Any:
    """``x`` as an array of its own float dtype (integers become floatx)."""
    x = K.convert_to_tensor(x)
    return x if K.is_float_dtype(K.dtype(x)) else K.cast(x, K.floatx())


def divide_no_nan(x: Any, y: Any) -> Any:
    """``x / y``, and 0 wherever ``y`` is 0 (a ratio of empty counts is 0, not NaN)."""
    x = K.convert_to_tensor(x)
    y = K.convert_to_tensor(y)
    zero = K.zeros((), dtype=K.dtype(y))
    is_zero = K.equal(y, zero)
    safe_y = K.where(is_zero, K.ones((), dtype=K.dtype(y)), y)
    quotient = K.divide(x, safe_y)
    return K.where(is_zero, K.zeros((), dtype=K.dtype(quotient)), quotient)


def broadcast_to(x: Any, shape: Sequence[int]) -> Any:
    """``x`` repeated along its length-1 (or missing) leading axes to exactly ``shape``."""
    x = K.convert_to_tensor(x)
    shape = tuple(shape)
    if K.int_shape(x) == shape:
        return x
    result = K.add(x, K.zeros(shape, dtype=K.dtype(x)))
    if K.int_shape(result) != shape:
        raise ValueError(f"Cannot broadcast an array of shape {K.int_shape(x)} to shape {shape}.")
    return result


def check_batch_by_columns(metric: str, y_true_shape: tuple, y_pred_shape: tuple) -> None:
    """ValueError naming ``metric`` unless both shapes are ``(batch_size, output_dim)``.

    Metrics that keep one statistic per output column (R2Score, the
    F-scores) need the number of columns known on the first update.
    """
    if (
        len(y_pred_shape) != 2
        or len(y_true_shape) != 2
        or None
        in (
            y_true_shape[-1],
            y_pred_shape[-1],
        )
    ):
        raise ValueError(
            f"{metric} expects 2D inputs of shape (batch_size, output_dim), output_dim known; "
            f"received y_true.shape={y_true_shape} and y_pred.shape={y_pred_shape}."
        )


def is_nan(x: Any) -> Any:
    """Boolean mask of the NaN entries (the only values not equal to themselves)."""
    return K.not_equal(x, x)


def one_hot_mask(indices: Any, num_classes: int) -> Any:
    """Boolean array with one more axis of length ``num_classes``, true at each index."""
    return K.equal(K.expand_dims(indices, -1), K.arange(num_classes))


def in_top_k(targets: Any, predictions: Any, k: int) -> Any:
    """Whether each row's target class scores among the row's ``k`` highest predictions.

    ``targets`` holds class indices, shape ``(batch,)``; ``predictions`` the
    scores, shape ``(batch, classes)``. A target tied with the k-th highest
    score counts as inside (fewer than ``k`` scores beat it); a NaN score
    at the target never does.
    """
    predictions = float_tensor(predictions)
    dtype = K.dtype(predictions)
    lowest = K.full((), -math.inf, dtype=dtype)
    is_target = one_hot_mask(targets, K.int_shape(predictions)[-1])
    target_score = K.max(K.where(is_target, predictions, lowest), axis=-1, keepdims=True)
    target_score = K.where(is_nan(target_score), lowest, target_score)
    beaten_by = K.sum(K.cast(K.greater(predictions, target_score), "int32"), axis=-1)
    return K.less(beaten_by, k)


def top_k_mask(x: Any, k: int) -> Any:
    """Boolean mask of the ``k`` largest entries along the last axis.

    Among equal values the lower index is taken first, so exactly
    ``min(k, x.shape[-1])`` entries are marked in each row (rows holding NaN
    excepted).
    """
    x = float_tensor(x)
    num_classes = K.int_shape(x)[-1]
    classes = K.arange(num_classes)
    lowest = K.full((), -math.inf, dtype=K.dtype(x))
    chosen = K.zeros_like(x, dtype="bool")
    for _ in range(min(int(k), num_classes)):
        largest = K.max(K.where(chosen, lowest, x), axis=-1, keepdims=True)
        candidates = K.logical_and(K.logical_not(chosen), K.equal(x, largest))
        first = K.argmax(K.cast(candidates, "int32"), axis=-1)
        chosen = K.logical_or(chosen, K.equal(K.expand_dims(first, -1), classes))
    return chosen


def snapshot(x: Any) -> Any:
    """A new array holding ``x``'s current value.

    Metric variables are updated in place, so a result that is a variable's
    value (or a slice of it) must be copied before it is handed out. While
    a step is traced into one compiled program the value is a placeholder
    that cannot be copied to the host, and needs no copy: it is immutable,
    and the Variable is given a new one when it is assigned.
    """
    if is_tracing():
        return K.convert_to_tensor(x)
    return K.convert_to_tensor(K.get_value(x))
