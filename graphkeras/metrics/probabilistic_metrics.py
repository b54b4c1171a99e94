"""Probabilistic metrics: the running mean of a loss, reported without changing training.

``compile(metrics=["binary_crossentropy"])`` tracks a cross-entropy (or
KL divergence, hinge) alongside the loss being minimised, as in Keras 3.
Each class is a :class:`MeanMetricWrapper` around the matching function of
``graphkeras.losses``, with the same options.
"""

from __future__ import annotations

from typing import Any

from graphkeras import losses
from graphkeras.metrics.reduction_metrics import MeanMetricWrapper


class _LossMetric(MeanMetricWrapper):
    """A loss function tracked as a metric; its options are the config."""

    _direction = "down"
    _function = None
    _default_name = ""

    def __init__(self, name: str | None = None, dtype: Any = None, **options: Any) -> None:
        super().__init__(
            fn=type(self)._function, name=name or self._default_name, dtype=dtype, **options
        )

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class BinaryCrossentropy(_LossMetric):
    """The running mean binary cross-entropy (``from_logits``, ``label_smoothing``)."""

    _function = staticmethod(losses.binary_crossentropy)
    _default_name = "binary_crossentropy"

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(_LossMetric):
    """The running mean categorical cross-entropy of one-hot targets."""

    _function = staticmethod(losses.categorical_crossentropy)
    _default_name = "categorical_crossentropy"

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis
        )


class SparseCategoricalCrossentropy(_LossMetric):
    """The running mean categorical cross-entropy of integer targets."""

    _function = staticmethod(losses.sparse_categorical_crossentropy)
    _default_name = "sparse_categorical_crossentropy"

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        axis: int = -1,
    ) -> None:
        super().__init__(name, dtype, from_logits=from_logits, axis=axis)


class KLDivergence(_LossMetric):
    """The running mean Kullback-Leibler divergence of predictions from targets."""

    _function = staticmethod(losses.kl_divergence)
    _default_name = "kl_divergence"

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(name, dtype)


class Hinge(_LossMetric):
    """The running mean hinge loss of targets in {-1, 1} (or {0, 1})."""

    _function = staticmethod(losses.hinge)
    _default_name = "hinge"

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(name, dtype)
