"""F-scores: the harmonic mean of precision and recall, per class or overall.

``FBetaScore`` weighs recall ``beta`` times as much as precision
(``F1Score`` is ``beta = 1``). Both take one-hot (or multi-label) targets
of shape ``(batch, classes)`` and scores of the same shape. A score counts
as a positive prediction when it is above ``threshold``; without a
threshold, each row's highest score is the one positive prediction. The
metric keeps weighted true-positive, false-positive and false-negative
counts, per class or (``average="micro"``) pooled over all classes.

>>> m = F1Score(average="macro", threshold=0.5)
>>> m.update_state([[1, 0], [0, 1], [1, 0]], [[0.9, 0.2], [0.6, 0.7], [0.3, 0.1]])
>>> round(float(m.result()), 4)
0.75
"""

from __future__ import annotations

import numbers
from typing import Any

from graphkeras import backend as K
from graphkeras.metrics.array_ops import check_batch_by_columns, snapshot
from graphkeras.metrics.metric import Metric

AVERAGES = (None, "micro", "macro", "weighted")

# A prediction at or below this magnitude is never the positive one of its row
# (a row of zeros predicts nothing), as in Keras.
_ZERO_SCORE = 1e-9


class FBetaScore(Metric):
    """The F-beta score, ``(1 + beta**2) * precision * recall / (beta**2 * precision + recall)``.

    Args:
        average: None (one score per class), ``"micro"`` (one score from the
            counts pooled over classes), ``"macro"`` (the mean of the per-class
            scores) or ``"weighted"`` (their mean weighted by each class's
            number of true instances).
        beta: how many times more recall counts than precision (> 0).
        threshold: a score above it is a positive prediction (in (0, 1]);
            None: each row's highest score is.
        name: the metric's name (default ``fbeta_score``).
        dtype: dtype of the state and result.
    """

    _direction = "up"

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        threshold: float | None = None,
        name: str = "fbeta_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if average not in AVERAGES:
            raise ValueError(
                f"{type(self).__name__}: average must be one of {list(AVERAGES)}; "
                f"received average={average!r}."
            )
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not beta > 0.0:
            raise ValueError(
                f"{type(self).__name__}: beta must be a number > 0; received beta={beta!r}."
            )
        if threshold is not None and (
            isinstance(threshold, bool)
            or not isinstance(threshold, numbers.Real)
            or not 0.0 < threshold <= 1.0
        ):
            raise ValueError(
                f"{type(self).__name__}: threshold must be None or a number with "
                f"0 < threshold <= 1; received threshold={threshold!r}."
            )
        self.average = average
        self.beta = float(beta)
        self.threshold = None if threshold is None else float(threshold)
        # Counts are summed over the batch axis per class, or over everything (micro).
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        """Create the counts, one per class (or one in all with micro averaging)."""
        check_batch_by_columns(type(self).__name__, y_true_shape, y_pred_shape)
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in (
            "true_positives",
            "false_positives",
            "false_negatives",
            "intermediate_weights",
        ):
            setattr(self, name, self.add_variable(shape, "zeros", dtype=self.dtype, name=name))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's weighted counts.

        ``y_true`` holds 0/1 targets of shape ``(batch, classes)``, ``y_pred``
        scores of the same shape; ``sample_weight`` is a ``(batch,)`` vector
        (or broadcastable to the targets).
        """
        y_true = K.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = K.convert_to_tensor(y_pred, dtype=self.dtype)
        if not self._built:
            self._build(K.int_shape(y_true), K.int_shape(y_pred))
        if K.int_shape(y_true) != K.int_shape(y_pred):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' needs y_true and y_pred of the same shape; "
                f"received y_true.shape={K.int_shape(y_true)}, "
                f"y_pred.shape={K.int_shape(y_pred)}."
            )
        if self.threshold is None:
            row_best = K.max(y_pred, axis=-1, keepdims=True)
            predicted = K.logical_and(
                K.greater_equal(y_pred, row_best), K.greater(K.abs(y_pred), _ZERO_SCORE)
            )
        else:
            predicted = K.greater(y_pred, self.threshold)
        predicted = K.cast(predicted, self.dtype)
        weights = None
        if sample_weight is not None:
            weights = K.convert_to_tensor(sample_weight, dtype=self.dtype)
            while K.ndim(weights) < K.ndim(y_true):
                weights = K.expand_dims(weights, -1)

        def weighted_count(values: Any) -> Any:
            if weights is not None:
                values = K.multiply(values, weights)
            return K.sum(values, axis=self.axis)

        missed = K.subtract(1.0, predicted)
        self.true_positives.assign_add(weighted_count(K.multiply(predicted, y_true)))
        self.false_positives.assign_add(
            weighted_count(K.multiply(predicted, K.subtract(1.0, y_true)))
        )
        self.false_negatives.assign_add(weighted_count(K.multiply(missed, y_true)))
        self.intermediate_weights.assign_add(weighted_count(y_true))

    def result(self) -> Any:
        if not self._built:
            return K.zeros((), dtype=self.dtype)
        epsilon = K.epsilon()
        true_positives = snapshot(self.true_positives)
        precision = K.divide(
            true_positives, K.add(K.add(true_positives, snapshot(self.false_positives)), epsilon)
        )
        recall = K.divide(
            true_positives, K.add(K.add(true_positives, snapshot(self.false_negatives)), epsilon)
        )
        beta_squared = self.beta**2
        harmonic = K.divide(
            K.multiply(precision, recall),
            K.add(K.add(K.multiply(beta_squared, precision), recall), epsilon),
        )
        scores = K.multiply(harmonic, 1.0 + beta_squared)
        if self.average == "weighted":
            support = snapshot(self.intermediate_weights)
            weights = K.divide(support, K.add(K.sum(support), epsilon))
            return K.cast(K.sum(K.multiply(scores, weights)), self.dtype)
        if self.average is not None:
            return K.cast(K.mean(scores), self.dtype)
        return K.cast(scores, self.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score: the harmonic mean of precision and recall (``FBetaScore`` with ``beta=1``).

    >>> m = F1Score(threshold=0.5)
    >>> m.update_state([[1, 0], [0, 1]], [[0.9, 0.2], [0.6, 0.7]])
    >>> [round(float(score), 4) for score in m.result()]
    [0.6667, 1.0]
    """

    def __init__(
        self,
        average: str | None = None,
        threshold: float | None = None,
        name: str = "f1_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["beta"]
        return config
