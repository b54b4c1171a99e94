"""Thresholded classification metrics: confusion-matrix counts, Precision and Recall.

A prediction is positive when it is above a threshold (0.5 by default), a
label when it is non-zero. These metrics keep weighted counts of the
outcomes, one per threshold, so their results over many batches equal those
over all the data at once. Given several thresholds, the result is a vector
with one value per threshold; given one, a scalar.

``top_k`` restricts the positives to each row's k highest predictions;
``class_id`` looks at one class (one column of multi-class data) only.

>>> m = Precision()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> round(float(m.result()), 4)
0.6667
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.metrics import confusion_matrix
from graphkeras.metrics.array_ops import divide_no_nan, snapshot
from graphkeras.metrics.confusion_matrix import (
    FALSE_NEGATIVES,
    FALSE_POSITIVES,
    NEG_INF,
    TRUE_NEGATIVES,
    TRUE_POSITIVES,
)
from graphkeras.metrics.metric import Metric


def _first_if_single(values: Any, thresholds: list[float]) -> Any:
    """The one value for a single threshold (a 0-d array), else the per-threshold vector."""
    return K.getitem(values, 0) if len(thresholds) == 1 else values


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion-matrix outcome, at each threshold."""

    _condition = ""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.thresholds = confusion_matrix.parse_thresholds(thresholds, default_threshold=0.5)
        self.init_thresholds = confusion_matrix.threshold_config(thresholds)
        self._thresholds_distributed_evenly = confusion_matrix.is_evenly_distributed(
            self.thresholds
        )
        self.accumulator = self.add_variable(
            (len(self.thresholds),), "zeros", dtype=self.dtype, name="accumulator"
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's count of the outcome at each threshold."""
        confusion_matrix.update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self) -> Any:
        return _first_if_single(snapshot(self.accumulator), self.thresholds)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The weighted number of positive labels predicted positive.

    >>> m = TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()
    array(2., dtype=float32)
    """

    _condition = TRUE_POSITIVES


class FalsePositives(_ConfusionMatrixConditionCount):
    """The weighted number of negative labels predicted positive."""

    _condition = FALSE_POSITIVES


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The weighted number of negative labels predicted negative."""

    _condition = TRUE_NEGATIVES


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The weighted number of positive labels predicted negative."""

    _condition = FALSE_NEGATIVES


class _PositiveRate(Metric):
    """Precision and Recall: true positives over true positives plus one kind of error."""

    _direction = "up"
    # The confusion-matrix outcome in the denominator besides the true positives.
    _error = ""
    _error_name = ""

    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.thresholds = confusion_matrix.parse_thresholds(
            thresholds, default_threshold=0.5 if top_k is None else NEG_INF
        )
        self.init_thresholds = confusion_matrix.threshold_config(thresholds)
        self.top_k = top_k
        self.class_id = class_id
        self._thresholds_distributed_evenly = confusion_matrix.is_evenly_distributed(
            self.thresholds
        )
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(
            shape, "zeros", dtype=self.dtype, name="true_positives"
        )
        self._errors = self.add_variable(shape, "zeros", dtype=self.dtype, name=self._error_name)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's true positives and errors at each threshold.

        ``y_true`` has the shape of ``y_pred`` (non-zero is positive);
        ``y_pred`` holds scores in [0, 1]; ``sample_weight`` is broadcastable
        to ``y_true`` (a ``(batch,)`` vector weighs whole rows).
        """
        confusion_matrix.update_confusion_matrix_variables(
            {TRUE_POSITIVES: self.true_positives, self._error: self._errors},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self) -> Any:
        rate = divide_no_nan(self.true_positives, K.add(self.true_positives, self._errors))
        return _first_if_single(rate, self.thresholds)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PositiveRate):
    """Of the predictions called positive, the (weighted) fraction that are right.

    ``tp / (tp + fp)``; 0 while nothing has been predicted positive. With
    ``top_k``, only each row's k highest predictions are called positive
    (the threshold then defaults to none at all); with ``class_id``, only
    that class is scored.

    >>> m = Precision(top_k=2)
    >>> m.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    >>> m.result()
    array(0., dtype=float32)

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5): a
            prediction above the threshold is positive. With logits, use 0.
        top_k: count only the k highest predictions of each row.
        class_id: the class (index on the last axis) to score.
        name: the metric's name (default ``precision``, made unique).
        dtype: dtype of the state and result.
    """

    _error = FALSE_POSITIVES
    _error_name = "false_positives"

    @property
    def false_positives(self) -> Any:
        """The running weighted count of false positives, per threshold."""
        return self._errors


class Recall(_PositiveRate):
    """Of the positive labels, the (weighted) fraction predicted positive.

    ``tp / (tp + fn)``; 0 while no positive label has been seen. ``top_k``
    and ``class_id`` work as in :class:`Precision`.

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0])
    >>> m.result()
    array(1., dtype=float32)
    """

    _error = FALSE_NEGATIVES
    _error_name = "false_negatives"

    @property
    def false_negatives(self) -> Any:
        """The running weighted count of false negatives, per threshold."""
        return self._errors
