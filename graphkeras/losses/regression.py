"""Regression losses: how far real-valued predictions are from real-valued targets.

Each function returns one loss per sample, the last axis averaged away
(``cosine_similarity`` sums over its ``axis``); each class wraps its
function as a loss object with Keras 3's name, arguments and config.

>>> mean_absolute_percentage_error(K.convert_to_tensor([[100.0, 200.0, 300.0]]),
...                                K.convert_to_tensor([[90.0, 210.0, 310.0]]))
array([6.111111], dtype=float32)
"""

from __future__ import annotations

import math
from typing import Any

from graphkeras import backend as K
from graphkeras.losses.loss import BuiltinLoss, mean_over, sum_over, targets_and_predictions


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(y_true - y_pred), axis=-1)``: one loss per sample.

    >>> mean_squared_error(K.convert_to_tensor([[0.0, 1.0]]), K.convert_to_tensor([[1.0, 1.0]]))
    array([0.5], dtype=float32)
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred)
    return mean_over(K.square(K.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(abs(y_true - y_pred), axis=-1)``: one loss per sample, less swayed by outliers."""
    y_true, y_pred = targets_and_predictions(y_true, y_pred)
    return mean_over(K.abs(K.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """``100 * mean(abs((y_true - y_pred) / y_true), axis=-1)``: the error relative to the target.

    A target's magnitude is floored at ``epsilon`` (1e-7) before dividing, as
    Keras does, so a zero target gives a huge but finite loss instead of inf.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred)
    scale = K.maximum(K.abs(y_true), K.epsilon())
    relative_error = K.abs(K.divide(K.subtract(y_true, y_pred), scale))
    return K.multiply(100.0, mean_over(relative_error, axis=-1))


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(log(y_pred + 1) - log(y_true + 1)), axis=-1)``: squared error of log-counts.

    It weighs relative rather than absolute errors (10 vs 12 costs as much as
    1000 vs 1200, roughly). Values below ``epsilon`` count as ``epsilon``, as
    in Keras, which keeps the logarithm defined for negative predictions
    (and gives them no gradient).
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred)
    log_pred = K.log(K.add(K.maximum(y_pred, K.epsilon()), 1.0))
    log_true = K.log(K.add(K.maximum(y_true, K.epsilon()), 1.0))
    return mean_over(K.square(K.subtract(log_pred, log_true)), axis=-1)


def l2_normalize(x: Any, axis: Any = -1) -> Any:
    """``x / ||x||`` along ``axis``, with the squared norm floored at ``epsilon ** 2``.

    A zero vector stays zero (with a finite gradient) instead of becoming
    NaN, as Keras 3's ``ops.normalize`` does.
    """
    square_sum = K.sum(K.square(x), axis=axis, keepdims=True)
    return K.divide(x, K.sqrt(K.maximum(square_sum, K.epsilon() ** 2)))


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: minus the cosine of the angle.

    -1 for vectors pointing the same way, 0 for orthogonal ones (and for a
    zero vector), 1 for opposite ones; minimising it aligns the predictions
    with the targets whatever their lengths.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred)
    products = K.multiply(l2_normalize(y_true, axis=axis), l2_normalize(y_pred, axis=axis))
    return K.negative(sum_over(products, axis=axis))


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Squared error for small errors, absolute error for large ones, averaged on the last axis.

    Per entry, with ``e = y_pred - y_true``: ``0.5 * e ** 2`` where
    ``|e| <= delta``, else ``delta * |e| - 0.5 * delta ** 2``; the two pieces
    meet with the same slope at ``|e| = delta``, so outliers pull linearly
    instead of quadratically.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred)
    delta = float(delta)
    error = K.subtract(y_pred, y_true)
    abs_error = K.abs(error)
    quadratic = K.multiply(0.5, K.square(error))
    linear = K.subtract(K.multiply(delta, abs_error), 0.5 * delta * delta)
    return mean_over(K.where(K.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``: about ``e**2 / 2`` for small errors
    and ``|e| - log(2)`` for large ones, like Huber but smooth everywhere.

    Computed as ``e + softplus(-2 e) - log(2)``, which never overflows where
    ``cosh`` would.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred)
    error = K.subtract(y_pred, y_true)
    per_entry = K.subtract(K.add(error, K.softplus(K.multiply(-2.0, error))), math.log(2.0))
    return mean_over(per_entry, axis=-1)


class MeanSquaredError(BuiltinLoss):
    """The mean of squared errors, :func:`mean_squared_error`, as a loss object."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_squared_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(BuiltinLoss):
    """The mean of absolute errors, :func:`mean_absolute_error`, as a loss object."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_absolute_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(BuiltinLoss):
    """The mean absolute percentage error, :func:`mean_absolute_percentage_error`.

    >>> MeanAbsolutePercentageError()([100.0, 200.0, 300.0], [90.0, 210.0, 310.0])
    array(6.111111, dtype=float32)
    """

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_absolute_percentage_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype
        )


class MeanSquaredLogarithmicError(BuiltinLoss):
    """The mean squared logarithmic error, :func:`mean_squared_logarithmic_error`."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_squared_logarithmic_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype
        )


class CosineSimilarity(BuiltinLoss):
    """Minus the cosine similarity along ``axis``, :func:`cosine_similarity`, as a loss."""

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "cosine_similarity",
        dtype: str | None = None,
    ) -> None:
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Huber(BuiltinLoss):
    """The Huber loss, :func:`huber`: quadratic below ``delta``, linear above it."""

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "huber_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(BuiltinLoss):
    """The logarithm of the hyperbolic cosine of the error, :func:`log_cosh`, as a loss."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "log_cosh",
        dtype: str | None = None,
    ) -> None:
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)
