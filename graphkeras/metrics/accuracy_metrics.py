"""Accuracy metrics: the running fraction of samples predicted right.

Each class is the running mean of one function from ``functions.py``, and
they differ only in what "right" means for the labels at hand: equal values
(``Accuracy``), a thresholded probability (``BinaryAccuracy``), the argmax
against one-hot labels (``CategoricalAccuracy``) or integer labels
(``SparseCategoricalAccuracy``), or the label among the k best scores
(``TopKCategoricalAccuracy``, ``SparseTopKCategoricalAccuracy``). Sample
weights weigh samples; a weight of 0 leaves a sample out.

>>> m = SparseCategoricalAccuracy()
>>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
>>> m.result()
array(0.5, dtype=float32)
"""

from __future__ import annotations

from typing import Any

from graphkeras.metrics import functions
from graphkeras.metrics.reduction_metrics import MeanMetricWrapper


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> m.result()
    array(0.75, dtype=float32)
    """

    _direction = "up"

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(fn=functions.accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often a probability above ``threshold`` (0.5) matches a 0/1 label.

    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1.0], [0.0], [0.6]])
    >>> m.result()
    array(0.75, dtype=float32)
    """

    _direction = "up"

    def __init__(
        self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5
    ) -> None:
        super().__init__(fn=functions.binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the highest prediction falls on the class of a one-hot label.

    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    >>> m.result()
    array(0.5, dtype=float32)
    """

    _direction = "up"

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=functions.categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the highest prediction falls on an integer label.

    Labels have shape ``(batch,)`` or ``(batch, 1)``, ints or floats.

    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]], sample_weight=[0.7, 0.3])
    >>> m.result()
    array(0.3, dtype=float32)
    """

    _direction = "up"

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=functions.sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often a one-hot label's class is among the ``k`` (5) highest predictions.

    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    >>> m.result()
    array(0.5, dtype=float32)
    """

    _direction = "up"

    def __init__(
        self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None
    ) -> None:
        super().__init__(fn=functions.top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often an integer label is among the ``k`` (5) highest predictions.

    With ``from_sorted_ids=True`` the predictions are class ids sorted from
    best to worst instead of scores, and the first ``k`` are checked.

    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
    >>> m.result()
    array(0.5, dtype=float32)
    """

    _direction = "up"

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(
            fn=functions.sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self) -> dict[str, Any]:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
