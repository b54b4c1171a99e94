"""Regression metrics: running mean errors between targets and predictions.

Each sample's error is averaged over its last axis, then the samples are
averaged (weighted by ``sample_weight``) over every batch seen.
``RootMeanSquaredError`` takes the square root of that running mean, not the
mean of per-batch roots, so it too does not depend on how data is batched.

>>> m = MeanSquaredError()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
>>> m.result()
array(0.25, dtype=float32)
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.losses import squeeze_or_expand_to_same_rank
from graphkeras.metrics import functions
from graphkeras.metrics.reduction_metrics import Mean, MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """The running mean of ``mean(square(y_true - y_pred), axis=-1)``."""

    _direction = "down"

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(fn=functions.mean_squared_error, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """The running mean of ``mean(abs(y_true - y_pred), axis=-1)``.

    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
    >>> m.result()
    array(0.5, dtype=float32)
    """

    _direction = "down"

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(fn=functions.mean_absolute_error, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """The square root of the running mean squared error.

    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    array(0.5, dtype=float32)
    """

    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's squared errors to the running mean."""
        y_true = K.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = K.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        squared_error = K.square(K.subtract(y_pred, y_true))
        super().update_state(squared_error, sample_weight=sample_weight)

    def result(self) -> Any:
        return K.sqrt(super().result())
