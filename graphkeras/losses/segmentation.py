"""Segmentation losses: overlap between a predicted mask and the true one, as a loss.

``dice`` and ``tversky`` compare soft masks (probabilities in [0, 1]) with
0/1 targets through their overlap, which suits segmentation where the
object covers a small part of the image and a per-pixel cross-entropy would
be dominated by the background. With ``axis=None`` (the default, as in
Keras 3) the sums run over every axis, batch included, and the loss is one
number for the whole batch; ``axis=(1, 2)`` gives one loss per image.

>>> round(float(dice(K.convert_to_tensor([[1.0, 0.0]]), K.convert_to_tensor([[1.0, 1.0]]))), 4)
0.3333
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.losses.loss import BuiltinLoss, sum_over, targets_and_predictions


def _overlap_axis(axis: Any, rank: int, function: str) -> Any:
    """``axis`` as None, an int or a tuple of ints within ``rank`` (a list, from JSON, too)."""
    if axis is None:
        return None
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    valid = all(isinstance(a, int) and not isinstance(a, bool) and -rank <= a < rank for a in axes)
    if not valid or not axes:
        raise ValueError(
            f"{function}: axis must be None, an int or a tuple of ints in [-{rank}, {rank}) for "
            f"predictions of rank {rank}; received axis={axis!r}."
        )
    return axes if isinstance(axis, (list, tuple)) else axis


def dice(y_true: Any, y_pred: Any, axis: Any = None) -> Any:
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))``, summed over ``axis``.

    0 for a perfect overlap, 1 for none. ``epsilon`` is added to the
    denominator, so two empty masks give 1, as in Keras.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred, same_rank=False)
    axis = _overlap_axis(axis, K.ndim(y_pred), "dice")
    intersection = sum_over(K.multiply(y_true, y_pred), axis=axis)
    total = K.add(K.add(sum_over(y_true, axis=axis), sum_over(y_pred, axis=axis)), K.epsilon())
    return K.subtract(1.0, K.divide(K.multiply(2.0, intersection), total))


def tversky(
    y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Any = None
) -> Any:
    """``1 - TP / (TP + alpha * FP + beta * FN)``, the soft counts summed over ``axis``.

    ``TP = sum(y_pred * y_true)``, ``FP = sum(y_pred * (1 - y_true))``,
    ``FN = sum((1 - y_pred) * y_true)``. ``alpha`` weighs false positives and
    ``beta`` false negatives (raise ``beta`` to favour recall on small
    objects); ``alpha = beta = 0.5`` is the Dice loss. ``epsilon`` is added
    to the denominator.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred, same_rank=False)
    axis = _overlap_axis(axis, K.ndim(y_pred), "tversky")
    true_positives = sum_over(K.multiply(y_pred, y_true), axis=axis)
    false_positives = sum_over(K.multiply(y_pred, K.subtract(1.0, y_true)), axis=axis)
    false_negatives = sum_over(K.multiply(K.subtract(1.0, y_pred), y_true), axis=axis)
    denominator = K.add(
        K.add(true_positives, K.multiply(false_positives, float(alpha))),
        K.add(K.multiply(false_negatives, float(beta)), K.epsilon()),
    )
    return K.subtract(1.0, K.divide(true_positives, denominator))


class Dice(BuiltinLoss):
    """The Dice loss, :func:`dice`, as a loss object (``axis=None``: one loss per batch)."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "dice",
        axis: Any = None,
        dtype: str | None = None,
    ) -> None:
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Tversky(BuiltinLoss):
    """The Tversky loss, :func:`tversky`, as a loss object (``axis=None``: one loss per batch)."""

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "tversky",
        axis: Any = None,
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha, beta=beta, axis=axis
        )
