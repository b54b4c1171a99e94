"""Hinge metrics: the running mean of a hinge loss, for classifiers that output scores.

``Hinge`` and ``SquaredHinge`` take labels -1/1 (0/1 are converted);
``CategoricalHinge`` one-hot targets. Each is a :class:`BuiltinMeanMetric`
around the matching function of ``graphkeras.losses``.

>>> m = Hinge()
>>> m.update_state([[1.0, -1.0]], [[0.5, 0.5]])
>>> m.result()
array(1., dtype=float32)
"""

from __future__ import annotations

from typing import Any

from graphkeras import losses
from graphkeras.metrics.reduction_metrics import BuiltinMeanMetric


class Hinge(BuiltinMeanMetric):
    """The running mean hinge loss of targets in {-1, 1} (or {0, 1})."""

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(losses.hinge, name=name, dtype=dtype)


class SquaredHinge(BuiltinMeanMetric):
    """The running mean squared hinge loss of targets in {-1, 1} (or {0, 1})."""

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(BuiltinMeanMetric):
    """The running mean categorical hinge loss of one-hot targets."""

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None) -> None:
        super().__init__(losses.categorical_hinge, name=name, dtype=dtype)
