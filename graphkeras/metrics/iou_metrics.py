"""Intersection-over-union metrics, the standard score of semantic segmentation.

For a class ``c``, ``IoU = TP / (TP + FP + FN)``: the pixels (or samples)
both labelled and predicted ``c``, over those labelled or predicted ``c``.
The metrics accumulate a ``num_classes x num_classes`` confusion matrix
(rows: true class, columns: predicted class) over every batch, and report
the mean IoU of the chosen classes, leaving out classes never seen in either
labels or predictions.

``IoU`` scores chosen classes, ``MeanIoU`` all of them; labels and
predictions are class ids unless ``sparse_y_true`` / ``sparse_y_pred`` say
they are one-hot (or scores, read through their argmax along ``axis``), as
with ``OneHotIoU`` and ``OneHotMeanIoU``. ``BinaryIoU`` thresholds
probabilities into the two classes 0 and 1.

>>> m = MeanIoU(num_classes=2)
>>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
>>> round(float(m.result()), 4)
0.3333
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

from graphkeras import backend as K
from graphkeras.metrics.array_ops import snapshot
from graphkeras.metrics.metric import Metric

# The dtype of the confusion matrix unless one is given: whole counts, as in
# Keras 3 (whose "int" is int32 outside TensorFlow).
DEFAULT_DTYPE = "int32"
# Classes whose union is at or below this count are left out of the mean.
_EMPTY_UNION = 1e-9


def _check_num_classes(num_classes: Any, metric: str) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral):
        raise ValueError(
            f"{metric}: num_classes must be an integer >= 1; received num_classes={num_classes!r}."
        )
    if num_classes < 1:
        raise ValueError(f"{metric}: num_classes must be >= 1; received num_classes={num_classes}.")
    return int(num_classes)


def _check_target_class_ids(target_class_ids: Any, num_classes: int, metric: str) -> list[int]:
    ids = list(target_class_ids) if isinstance(target_class_ids, (list, tuple)) else None
    if not ids or not all(
        isinstance(i, numbers.Integral) and not isinstance(i, bool) and 0 <= i < num_classes
        for i in ids
    ):
        raise ValueError(
            f"{metric}: target_class_ids must be a non-empty list of class ids in "
            f"[0, {num_classes}); received target_class_ids={target_class_ids!r}."
        )
    return [int(i) for i in ids]


class IoU(Metric):
    """The mean intersection-over-union of the classes in ``target_class_ids``.

    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333

    Args:
        num_classes: the number of classes (the confusion matrix is
            ``num_classes x num_classes``).
        target_class_ids: the ids of the classes whose IoUs are averaged.
        name: the metric's name (default ``io_u``, made unique).
        dtype: dtype of the confusion matrix (default ``"int32"``: float
            sample weights are then truncated, with a warning).
        ignore_class: a label to leave out (such as a "void" class); None
            keeps every label.
        sparse_y_true: whether labels are class ids (True) or one-hot /
            scores along ``axis`` (False).
        sparse_y_pred: the same for predictions.
        axis: the class axis of one-hot labels or predictions.

    Labels and predictions outside ``[0, num_classes)`` are not counted.
    """

    _direction = "up"

    def __init__(
        self,
        num_classes: int,
        target_class_ids: list[int] | tuple[int, ...],
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        super().__init__(name=name, dtype=dtype or DEFAULT_DTYPE)
        self.num_classes = _check_num_classes(num_classes, type(self).__name__)
        self.target_class_ids = _check_target_class_ids(
            target_class_ids, self.num_classes, type(self).__name__
        )
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            (self.num_classes, self.num_classes),
            "zeros",
            dtype=self.dtype,
            name="total_confusion_matrix",
        )

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's (weighted) confusion matrix.

        Labels and predictions are flattened, so any shape works (a batch of
        segmentation maps, say) as long as both hold the same number of
        class ids; ``sample_weight`` weighs each of them.
        """
        if not self.sparse_y_true:
            y_true = K.argmax(K.convert_to_tensor(y_true), axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = K.argmax(K.convert_to_tensor(y_pred), axis=self.axis)
        y_true = K.reshape(K.cast(K.convert_to_tensor(y_true), self.dtype), (-1,))
        y_pred = K.reshape(K.cast(K.convert_to_tensor(y_pred), self.dtype), (-1,))
        if K.int_shape(y_true) != K.int_shape(y_pred):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' needs as many predictions as labels; "
                f"received {K.int_shape(y_true)[0]} labels and {K.int_shape(y_pred)[0]} "
                "predictions."
            )
        weights = self._weights(sample_weight, K.int_shape(y_true))

        classes = self.num_classes
        counted = K.logical_and(
            K.logical_and(K.greater_equal(y_true, 0), K.less(y_true, classes)),
            K.logical_and(K.greater_equal(y_pred, 0), K.less(y_pred, classes)),
        )
        if self.ignore_class is not None:
            counted = K.logical_and(counted, K.not_equal(y_true, self.ignore_class))
        y_true = K.where(counted, y_true, 0)
        y_pred = K.where(counted, y_pred, 0)
        weights = K.where(counted, weights, 0.0)

        # cm[i, j] = sum of the weights of the entries labelled i and predicted j.
        true_one_hot = K.one_hot(y_true, classes, dtype="float64")
        pred_one_hot = K.one_hot(y_pred, classes, dtype="float64")
        weighted_pred = K.multiply(pred_one_hot, K.expand_dims(weights, -1))
        matrix = K.matmul(K.transpose(true_one_hot), weighted_pred)
        self.total_cm.assign_add(K.cast(matrix, self.dtype))

    def _weights(self, sample_weight: Any, shape: tuple) -> Any:
        """One float64 weight per flattened entry, cast through the metric's dtype first."""
        if sample_weight is None:
            return K.ones(shape, dtype="float64")
        sample_weight = K.convert_to_tensor(sample_weight)
        if K.is_float_dtype(K.dtype(sample_weight)) and not K.is_float_dtype(self.dtype):
            warnings.warn(
                f"{type(self).__name__} '{self.name}': float sample weights are truncated to "
                f"the metric's dtype {self.dtype}; use integer weights, or a float dtype.",
                stacklevel=3,
            )
        weights = K.cast(K.cast(sample_weight, self.dtype), "float64")
        if K.ndim(weights) > 1:
            weights = K.reshape(weights, (-1,))
        return K.add(weights, K.zeros(shape, dtype="float64"))

    def result(self) -> Any:
        matrix = K.cast(snapshot(self.total_cm), "float32")
        predicted = K.sum(matrix, axis=0)
        labelled = K.sum(matrix, axis=1)
        true_positives = K.sum(K.multiply(matrix, K.eye(self.num_classes, dtype="float32")), 1)
        union = K.subtract(K.add(predicted, labelled), true_positives)
        ids = K.convert_to_tensor(self.target_class_ids, dtype="int32")
        true_positives = K.take(true_positives, ids)
        union = K.take(union, ids)
        seen = K.greater(union, _EMPTY_UNION)
        iou = K.where(seen, K.divide(true_positives, K.add(union, K.epsilon())), 0.0)
        count = K.sum(K.cast(seen, "float32"))
        return K.divide(K.sum(iou), K.add(count, K.epsilon()))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU for binary labels: a prediction ``>= threshold`` is class 1, below it class 0.

    ``target_class_ids`` chooses the classes averaged: ``[0, 1]`` (the
    default) for both, ``[1]`` for the foreground only.

    >>> m = BinaryIoU(target_class_ids=[1], threshold=0.5)
    >>> m.update_state([0, 1, 1, 1], [0.2, 0.7, 0.4, 0.9])
    >>> round(float(m.result()), 4)
    0.6667
    """

    def __init__(
        self,
        target_class_ids: list[int] | tuple[int, ...] = (0, 1),
        threshold: float = 0.5,
        name: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Threshold the predictions into 0/1, then count as :class:`IoU` does."""
        y_pred = K.convert_to_tensor(y_pred, dtype="float32")
        y_pred = K.cast(K.greater_equal(y_pred, self.threshold), self.dtype)
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict[str, Any]:
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """The mean IoU over all ``num_classes`` classes (those seen at all)."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ) -> None:
        num_classes = _check_num_classes(num_classes, type(self).__name__)
        super().__init__(
            num_classes=num_classes,
            target_class_ids=list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """:class:`IoU` for one-hot labels (and, by default, scores as predictions)."""

    def __init__(
        self,
        num_classes: int,
        target_class_ids: list[int] | tuple[int, ...],
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """:class:`MeanIoU` for one-hot labels (and, by default, scores as predictions)."""

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            num_classes=num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["sparse_y_true"]
        return config
