"""Probabilistic metrics: the running mean of a loss, reported without changing training.

``compile(metrics=["binary_crossentropy"])`` tracks a cross-entropy (or the
KL divergence, the Poisson loss) alongside the loss being minimised, as in
Keras 3. Each class is a :class:`BuiltinMeanMetric` around the matching
function of ``graphkeras.losses``, with the same options.

>>> m = Poisson()
>>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
>>> round(float(m.result()), 4)
1.0
"""

from __future__ import annotations

from typing import Any

from graphkeras import losses
from graphkeras.metrics.reduction_metrics import BuiltinMeanMetric


class BinaryCrossentropy(BuiltinMeanMetric):
    """The running mean binary cross-entropy (``from_logits``, ``label_smoothing``)."""

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            losses.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(BuiltinMeanMetric):
    """The running mean categorical cross-entropy of one-hot targets."""

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            losses.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(BuiltinMeanMetric):
    """The running mean categorical cross-entropy of integer targets."""

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(
            losses.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            axis=axis,
        )


class KLDivergence(BuiltinMeanMetric):
    """The running mean Kullback-Leibler divergence of predictions from targets."""

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Poisson(BuiltinMeanMetric):
    """The running mean Poisson loss, ``mean(y_pred - y_true * log(y_pred + epsilon))``."""

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(losses.poisson, name=name, dtype=dtype)
