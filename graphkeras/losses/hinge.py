"""Hinge losses: maximum-margin losses for classifiers that output scores, not probabilities.

A prediction is penalised until it is on the right side of the decision
boundary by a margin of 1: ``hinge`` linearly, ``squared_hinge``
quadratically, ``categorical_hinge`` comparing the score of the true class
with the best score of the others. Each class wraps its function as a loss
object with Keras 3's name and config.

>>> hinge(K.convert_to_tensor([[1.0, -1.0]]), K.convert_to_tensor([[0.5, 0.5]]))
array([1.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.losses.loss import (
    BuiltinLoss,
    max_over,
    mean_over,
    sum_over,
    targets_and_predictions,
)


def _signed_margins(y_true: Any, y_pred: Any) -> Any:
    """``max(1 - y_true * y_pred, 0)`` per entry, labels in {-1, 1}.

    When every label is 0 or 1 they are mapped to -1 and 1 first, as Keras
    does (a batch of all 0/1 labels is read as binary labels).
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred, same_rank=False)
    is_binary = K.all(K.logical_or(K.equal(y_true, 0.0), K.equal(y_true, 1.0)))
    y_true = K.where(is_binary, K.subtract(K.multiply(2.0, y_true), 1.0), y_true)
    return K.maximum(K.subtract(1.0, K.multiply(y_true, y_pred)), 0.0)


def hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``, the max-margin loss.

    Labels are expected as -1 or 1; when every label is 0 or 1 they are
    mapped to -1 and 1 first, as Keras does.
    """
    return mean_over(_signed_margins(y_true, y_pred), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``: the hinge, squared.

    Smooth at the margin and harsher on large violations than :func:`hinge`;
    labels as for :func:`hinge`.
    """
    return mean_over(K.square(_signed_margins(y_true, y_pred)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` per sample.

    With one-hot targets: zero once the true class outscores every other
    class by at least 1 (the multi-class margin of Crammer and Singer).
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred, same_rank=False)
    positive = sum_over(K.multiply(y_true, y_pred), axis=-1)
    negative = max_over(K.multiply(K.subtract(1.0, y_true), y_pred), axis=-1)
    return K.maximum(K.add(K.subtract(negative, positive), 1.0), 0.0)


class Hinge(BuiltinLoss):
    """The hinge loss, :func:`hinge`, for labels -1/1 (or 0/1, converted)."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "hinge",
        dtype: str | None = None,
    ) -> None:
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(BuiltinLoss):
    """The squared hinge loss, :func:`squared_hinge`, for labels -1/1 (or 0/1, converted)."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "squared_hinge",
        dtype: str | None = None,
    ) -> None:
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(BuiltinLoss):
    """The categorical hinge loss, :func:`categorical_hinge`, for one-hot targets."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_hinge",
        dtype: str | None = None,
    ) -> None:
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)
