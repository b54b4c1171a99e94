"""One rate at the best threshold that keeps another rate above a floor.

A classifier's threshold trades one rate for another: sensitivity (recall)
for specificity, precision for recall. These metrics count the confusion
matrix at ``num_thresholds`` thresholds evenly spread over [0, 1] (cheap
to accumulate over batches, as AUC does) and report the best value of one
rate among the thresholds where the other reaches the value asked for:

- ``SensitivityAtSpecificity(s)``: the best sensitivity with specificity >= s;
- ``SpecificityAtSensitivity(s)``: the best specificity with sensitivity >= s;
- ``PrecisionAtRecall(r)``: the best precision with recall >= r;
- ``RecallAtPrecision(p)``: the best recall with precision >= p.

The result is 0 when no threshold meets the constraint.

>>> m = PrecisionAtRecall(recall=0.5, num_thresholds=3)
>>> m.update_state([0, 0, 1, 1], [0.0, 0.6, 0.3, 0.9])
>>> round(float(m.result()), 4)
0.6667

(Thresholds 0, 0.5 and 1: at 0 the recall is 1 and the precision 2/3, at
0.5 both are 1/2, and at 1 nothing is predicted positive.)
"""

from __future__ import annotations

import numbers
from typing import Any

from graphkeras import backend as K
from graphkeras.metrics import confusion_matrix
from graphkeras.metrics.array_ops import divide_no_nan, snapshot
from graphkeras.metrics.confusion_matrix import (
    FALSE_NEGATIVES,
    FALSE_POSITIVES,
    TRUE_NEGATIVES,
    TRUE_POSITIVES,
)
from graphkeras.metrics.metric import Metric


def _check_rate(value: Any, argument: str, metric: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(
            f"{metric}: {argument} must be a number in [0, 1]; received {argument}={value!r}."
        )
    return value


class SensitivitySpecificityBase(Metric):
    """The confusion-matrix counts at evenly spread thresholds, and the constrained search.

    Subclasses name the constraint (``_constraint``, the argument the user
    gives) and say which two rates :meth:`_rates` returns: the constrained
    one first, then the one maximised.

    Args:
        value: the floor the constrained rate must reach, in [0, 1].
        num_thresholds: how many thresholds (> 0, default 200) to evaluate:
            ``0, 1/(n-1), ..., 1``; a single threshold is 0.5.
        class_id: score one class (one column of multi-class data) only.
        name: the metric's name.
        dtype: dtype of the state and result.
    """

    _direction = "up"
    _constraint = ""

    def __init__(
        self,
        value: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        metric = type(self).__name__
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, numbers.Integral):
            raise ValueError(
                f"{metric}: num_thresholds must be an integer > 0; "
                f"received num_thresholds={num_thresholds!r}."
            )
        if num_thresholds <= 0:
            raise ValueError(
                f"{metric}: num_thresholds must be an integer > 0; "
                f"received num_thresholds={num_thresholds}."
            )
        super().__init__(name=name, dtype=dtype)
        self.value = _check_rate(value, self._constraint or "value", metric)
        self.num_thresholds = int(num_thresholds)
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0, *inner, 1.0]
        self._thresholds_distributed_evenly = num_thresholds > 1
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", self.dtype, name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", self.dtype, name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", self.dtype, name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", self.dtype, name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's counts at every threshold (labels 0/1, scores in [0, 1])."""
        confusion_matrix.update_confusion_matrix_variables(
            {
                TRUE_POSITIVES: self.true_positives,
                TRUE_NEGATIVES: self.true_negatives,
                FALSE_POSITIVES: self.false_positives,
                FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def _rate(self, name: str) -> Any:
        """The rate ``name`` (sensitivity = recall, specificity, precision) per threshold."""
        tp = snapshot(self.true_positives)
        if name == "specificity":
            tn = snapshot(self.true_negatives)
            return divide_no_nan(tn, K.add(tn, snapshot(self.false_positives)))
        if name == "precision":
            return divide_no_nan(tp, K.add(tp, snapshot(self.false_positives)))
        return divide_no_nan(tp, K.add(tp, snapshot(self.false_negatives)))

    def _rates(self) -> tuple[Any, Any]:
        """The (constrained, reported) rates at every threshold; each subclass says which."""
        raise NotImplementedError(f"{type(self).__name__} must implement _rates().")

    def result(self) -> Any:
        constrained, maximised = self._rates()
        feasible = K.greater_equal(constrained, self.value)
        best = K.max(K.where(feasible, maximised, 0.0))
        return K.cast(K.maximum(best, 0.0), self.dtype)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._constraint: self.value,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SensitivitySpecificityBase:
        return cls(**config)


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) among thresholds whose specificity is >= ``specificity``."""

    _constraint = "specificity"

    def __init__(
        self,
        specificity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    @property
    def specificity(self) -> float:
        return self.value

    def _rates(self) -> tuple[Any, Any]:
        return self._rate("specificity"), self._rate("sensitivity")


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity among thresholds whose sensitivity (recall) is >= ``sensitivity``."""

    _constraint = "sensitivity"

    def __init__(
        self,
        sensitivity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    @property
    def sensitivity(self) -> float:
        return self.value

    def _rates(self) -> tuple[Any, Any]:
        return self._rate("sensitivity"), self._rate("specificity")


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision among thresholds whose recall is >= ``recall``."""

    _constraint = "recall"

    def __init__(
        self,
        recall: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    @property
    def recall(self) -> float:
        return self.value

    def _rates(self) -> tuple[Any, Any]:
        return self._rate("recall"), self._rate("precision")


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall among thresholds whose precision is >= ``precision``."""

    _constraint = "precision"

    def __init__(
        self,
        precision: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    @property
    def precision(self) -> float:
        return self.value

    def _rates(self) -> tuple[Any, Any]:
        return self._rate("precision"), self._rate("recall")
