"""AUC: the area under the ROC or precision-recall curve, from thresholded counts.

An exact AUC needs every prediction kept and sorted. Instead, as Keras does,
the metric counts true/false positives/negatives at a fixed grid of
thresholds (``num_thresholds``, evenly spread over [0, 1] plus one just below
0 and one just above 1), which is cheap to accumulate over batches, and sums
the area under the curve through those points. With ``"interpolation"`` the
ROC area is the trapezoid rule; the PR area interpolates the counts
linearly between thresholds (Davis & Goadrich, 2006) rather than the
precision itself. The estimate is exact when no two predictions of different
classes share a bucket between thresholds.

>>> m = AUC(num_thresholds=3)
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
>>> m.result()
array(0.75, dtype=float32)
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.metrics import confusion_matrix
from graphkeras.metrics.array_ops import divide_no_nan
from graphkeras.metrics.confusion_matrix import (
    FALSE_NEGATIVES,
    FALSE_POSITIVES,
    TRUE_NEGATIVES,
    TRUE_POSITIVES,
)
from graphkeras.metrics.metric import Metric

CURVES = ("ROC", "PR", "PRGAIN")
SUMMATION_METHODS = ("interpolation", "majoring", "minoring")


def _curve(curve: Any) -> str:
    for known in CURVES:
        if curve in (known, known.lower()):
            return known
    raise ValueError(f"Invalid AUC curve: {curve!r}. Expected one of {list(CURVES)}.")


def _summation_method(method: Any) -> str:
    for known in SUMMATION_METHODS:
        if method in (known, known.capitalize()):
            return known
    raise ValueError(
        f"Invalid AUC summation method: {method!r}. Expected one of {list(SUMMATION_METHODS)}."
    )


def _leading(x: Any) -> Any:
    """All thresholds but the last (the left end of each interval)."""
    return K.getitem(x, slice(None, -1))


def _trailing(x: Any) -> Any:
    """All thresholds but the first (the right end of each interval)."""
    return K.getitem(x, slice(1, None))


class AUC(Metric):
    """Approximate area under the ROC (default) or precision-recall curve.

    Args:
        num_thresholds: how many thresholds discretise the curve (> 1,
            default 200); more give a closer estimate.
        curve: ``"ROC"``, ``"PR"`` or ``"PRGAIN"`` (precision-recall gain).
        summation_method: ``"interpolation"`` (trapezoids for ROC, the
            Davis-Goadrich interpolation for PR), ``"minoring"`` (the lower
            Riemann sum) or ``"majoring"`` (the upper).
        name: the metric's name (default ``auc``, made unique).
        dtype: dtype of the state and result.
        thresholds: explicit thresholds in [0, 1] instead of the even grid;
            ``-epsilon`` and ``1 + epsilon`` are added at the ends and
            ``num_thresholds`` becomes ``len(thresholds) + 2``.
        multi_label: with labels of shape ``(batch, labels)``, compute one AUC
            per label and average them, instead of flattening all labels
            into one binary problem (use False for multi-class data).
        num_labels: the number of labels with ``multi_label``; without it the
            state is created on the first update.
        label_weights: per-label weights: of the per-label AUCs in the
            average with ``multi_label``, of each label's predictions when
            flattening otherwise.
        from_logits: the predictions are logits; a sigmoid is applied first.
    """

    _direction = "up"

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: list[float] | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ) -> None:
        self.curve = _curve(curve)
        self.summation_method = _summation_method(summation_method)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(value) for value in thresholds)
            self.num_thresholds = len(inner) + 2
            self._thresholds_distributed_evenly = confusion_matrix.is_evenly_distributed(
                [0.0, *inner, 1.0]
            )
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int):
                raise ValueError(
                    f"Argument num_thresholds must be an integer > 1; "
                    f"received num_thresholds={num_thresholds!r}."
                )
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument num_thresholds must be an integer > 1; "
                    f"received num_thresholds={num_thresholds}."
                )
            self.num_thresholds = num_thresholds
            inner = [(index + 1) / (num_thresholds - 1) for index in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        epsilon = K.epsilon()
        self._thresholds = [0.0 - epsilon, *inner, 1.0 + epsilon]

        super().__init__(name=name, dtype=dtype)
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else K.convert_to_tensor(label_weights, dtype=self.dtype)
        )
        self._from_logits = bool(from_logits)
        self._num_labels: int | None = None
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError(
                    f"AUC '{self.name}': num_labels is only used with multi_label=True; "
                    f"received num_labels={num_labels} with multi_label=False."
                )
            self._build(None)

    @property
    def thresholds(self) -> list[float]:
        """The thresholds the curve is evaluated at, end points included."""
        return list(self._thresholds)

    def _build(self, shape: tuple | None) -> None:
        """Create the four count variables, per label with ``multi_label``."""
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"AUC '{self.name}': with multi_label=True, y_pred must have rank 2 "
                    f"(batch, labels); received shape {tuple(shape)}."
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(
            variable_shape, "zeros", dtype=self.dtype, name="true_positives"
        )
        self.false_positives = self.add_variable(
            variable_shape, "zeros", dtype=self.dtype, name="false_positives"
        )
        self.true_negatives = self.add_variable(
            variable_shape, "zeros", dtype=self.dtype, name="true_negatives"
        )
        self.false_negatives = self.add_variable(
            variable_shape, "zeros", dtype=self.dtype, name="false_negatives"
        )
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's counts at every threshold.

        ``y_true`` holds 0/1 labels (non-zero is positive) of ``y_pred``'s
        shape; ``sample_weight`` is broadcastable to ``y_true``.
        """
        y_pred = K.convert_to_tensor(y_pred)
        if not self._built:
            self._build(K.int_shape(y_pred))
        if self._from_logits:
            y_pred = K.sigmoid(y_pred)
        confusion_matrix.update_confusion_matrix_variables(
            {
                TRUE_POSITIVES: self.true_positives,
                TRUE_NEGATIVES: self.true_negatives,
                FALSE_POSITIVES: self.false_positives,
                FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, by_threshold: Any) -> Any:
        """Sum the interval areas; with multi_label, then average the per-label areas."""
        if not self.multi_label:
            return K.sum(by_threshold)
        by_label = K.sum(by_threshold, axis=0)
        if self.label_weights is None:
            return K.mean(by_label)
        return divide_no_nan(
            K.sum(K.multiply(by_label, self.label_weights)), K.sum(self.label_weights)
        )

    def interpolate_pr_auc(self) -> Any:
        """The PR area with true and false positives interpolated linearly between thresholds.

        Within an interval the precision ``tp / p`` (``p = tp + fp``) varies
        as ``(tp_right + slope * (p - p_right)) / p`` with ``slope = dtp / dp``,
        which integrates in closed form over recall to
        ``slope * (dtp + intercept * log(p_left / p_right)) / positives``,
        ``intercept = tp_right - slope * p_right``.
        """
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        zero = K.zeros((), dtype=self.dtype)
        predicted = K.add(tp, fp)
        tp_step = K.subtract(_leading(tp), _trailing(tp))
        predicted_step = K.subtract(_leading(predicted), _trailing(predicted))
        slope = divide_no_nan(tp_step, K.maximum(predicted_step, zero))
        intercept = K.subtract(_trailing(tp), K.multiply(slope, _trailing(predicted)))
        both_positive = K.logical_and(
            K.greater(_leading(predicted), zero), K.greater(_trailing(predicted), zero)
        )
        ratio = K.where(
            both_positive,
            divide_no_nan(_leading(predicted), K.maximum(_trailing(predicted), zero)),
            K.ones_like(_trailing(predicted)),
        )
        area = divide_no_nan(
            K.multiply(slope, K.add(tp_step, K.multiply(intercept, K.log(ratio)))),
            K.maximum(K.add(_trailing(tp), _trailing(fn)), zero),
        )
        return self._average_over_labels(area)

    def result(self) -> Any:
        if not self._built:  # multi_label without num_labels, before any update
            return K.zeros((), dtype=self.dtype)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        recall = divide_no_nan(tp, K.add(tp, fn))
        if self.curve == "ROC":
            x = divide_no_nan(fp, K.add(fp, tn))
            y = recall
        elif self.curve == "PR":
            x = recall
            y = divide_no_nan(tp, K.add(tp, fp))
        else:
            x, y = self._gains()
        if self.summation_method == "interpolation":
            heights = K.divide(K.add(_leading(y), _trailing(y)), K.cast(2.0, self.dtype))
        elif self.summation_method == "minoring":
            heights = K.minimum(_leading(y), _trailing(y))
        else:
            heights = K.maximum(_leading(y), _trailing(y))
        areas = K.multiply(K.subtract(_leading(x), _trailing(x)), heights)
        return self._average_over_labels(areas)

    def _gains(self) -> tuple[Any, Any]:
        """Recall gain and precision gain (Flach & Kull, 2015), clamped where undefined.

        Both are ``1 - (P / N) * (errors / tp)``; with no true positives the
        recall gain is 0 and the precision gain 1, and a negative recall gain
        counts as 0.
        """
        tp, fp = self.true_positives, self.false_positives
        tn, fn = self.true_negatives, self.false_negatives
        zero = K.zeros((), dtype=self.dtype)
        one = K.ones((), dtype=self.dtype)
        scale = divide_no_nan(K.add(tp, fn), K.add(tn, fp))
        recall_gain = K.subtract(one, K.multiply(scale, divide_no_nan(fn, tp)))
        precision_gain = K.subtract(one, K.multiply(scale, divide_no_nan(fp, tp)))
        no_true_positive = K.equal(tp, zero)
        recall_gain = K.maximum(K.where(no_true_positive, zero, recall_gain), zero)
        precision_gain = K.where(no_true_positive, one, precision_gain)
        return recall_gain, precision_gain

    def get_config(self) -> dict[str, Any]:
        label_weights = self.label_weights
        if label_weights is not None:
            label_weights = [float(value) for value in K.convert_to_numpy(label_weights)]
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
