"""Reduction metrics: the running (weighted) sum or mean of values, and of metric functions.

``Mean`` keeps two numbers, the weighted total and the total weight, so its
result after many batches is exactly the weighted mean of every sample seen.
``MeanMetricWrapper`` turns any per-sample function (``binary_accuracy``,
``mean_squared_error``, your own) into such a running mean; most built-in
metrics are this wrapper around one function.

>>> m = Mean()
>>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
>>> m.result()
array(2., dtype=float32)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphkeras import backend as K
from graphkeras.losses import ALL_LOSSES, squeeze_or_expand_to_same_rank
from graphkeras.losses.loss import FunctionOptions
from graphkeras.metrics.array_ops import broadcast_to, divide_no_nan, snapshot
from graphkeras.metrics.functions import deserialize_function, serialize_function
from graphkeras.metrics.metric import Metric


def reduce_to_samplewise_values(
    values: Any, sample_weight: Any, reduce_fn: Callable, dtype: str
) -> tuple[Any, Any]:
    """One weighted value per sample, and the weight each sample carries.

    Values are first reduced (with ``reduce_fn``, ``K.mean`` or ``K.sum``)
    over the axes the weights do not cover, then multiplied by the weights;
    finally every axis but the batch axis is reduced. A scalar weight thus
    weighs the batch as a whole. Without weights the second item is None.
    """
    values = K.convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = K.convert_to_tensor(sample_weight, dtype=dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = K.ndim(sample_weight), K.ndim(values)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = broadcast_to(sample_weight, K.int_shape(values))
        values = K.multiply(values, sample_weight)
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    values_ndim = K.ndim(values)
    if values_ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values_ndim)))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of all values seen.

    >>> m = Sum()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> m.result()
    array(4., dtype=float32)
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype=self.dtype, name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add the (weighted) values to the total."""
        values, _ = reduce_to_samplewise_values(values, sample_weight, K.sum, self.dtype)
        self.total.assign_add(K.sum(values))

    def result(self) -> Any:
        return K.cast(snapshot(self.total), self.dtype)


class Mean(Metric):
    """The running (weighted) mean of all values seen: weighted total over total weight.

    Values of rank above one are averaged over their inner axes first, so each
    sample counts once. Before any update (or with all weights zero) the
    result is 0.

    >>> m = Mean()
    >>> m.update_state([1, 3, 5, 7])
    >>> m.result()
    array(4., dtype=float32)
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable((), "zeros", dtype=self.dtype, name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add the batch's weighted values to the total and its weights to the count."""
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, K.mean, self.dtype
        )
        self.total.assign_add(K.sum(values))
        if sample_weight is not None:
            count = K.sum(sample_weight)
        elif K.ndim(values) >= 1:
            count = K.int_shape(values)[0]
        else:
            count = 1
        self.count.assign_add(K.cast(count, self.dtype))

    def result(self) -> Any:
        return divide_no_nan(self.total, self.count)


class MeanMetricWrapper(Mean):
    """The running mean of a per-sample metric function ``fn(y_true, y_pred, **kwargs)``.

    ``fn`` returns one value per sample (or per element; inner axes are
    averaged); ``sample_weight`` weighs the samples as in :class:`Mean`.

    >>> def squared(y_true, y_pred):
    ...     return K.square(K.subtract(y_true, y_pred))
    >>> m = MeanMetricWrapper(squared)
    >>> m.update_state([0.0, 1.0], [1.0, 1.0])
    >>> m.result()
    array(0.5, dtype=float32)

    Args:
        fn: the per-sample function.
        name: the metric's name (default ``mean_metric_wrapper``, made unique).
        dtype: dtype of the result.
        **kwargs: passed to ``fn`` on every call, and stored in the config.
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(name=name, dtype=dtype)
        if not callable(fn):
            raise TypeError(
                f"MeanMetricWrapper '{self.name}': fn must be callable; received {fn!r}."
            )
        self._fn = fn
        self._fn_kwargs = kwargs
        # A loss (function or object) is better when smaller.
        built_in_losses = ALL_LOSSES.values()
        if any(fn is loss for loss in built_in_losses) or type(fn) in built_in_losses:
            self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Compute ``fn`` on the batch and add its values to the running mean."""
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["fn"] = serialize_function(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
    ) -> MeanMetricWrapper:
        """Rebuild the wrapper; ``fn`` is looked up among the metric functions,
        ``custom_objects`` and registered objects."""
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize_function(config["fn"], custom_objects)
        return cls(**config)


class BuiltinMeanMetric(FunctionOptions, MeanMetricWrapper):
    """A built-in running-mean metric: a :class:`MeanMetricWrapper` whose function the class fixes.

    Its config is ``name``, ``dtype`` and the function's options
    (``from_logits``, ``axis``, ...), without ``fn``, as Keras 3 writes its
    built-in metrics. Each option also reads as an attribute
    (``metric.from_logits``).
    """

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BuiltinMeanMetric:
        return cls(**config)
