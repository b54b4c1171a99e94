"""Metrics: running statistics of a model's predictions, reported during training.

A metric object accumulates over batches (``update_state``), reports
(``result``) and starts over (``reset_state``); see :class:`Metric`. The
classes have Keras 3's names, arguments, defaults, configs and results;
the per-sample functions Keras exports (``binary_accuracy``, and the loss
functions ``mean_squared_error``, ``binary_crossentropy``, ...) are here
too. :func:`get` turns what ``compile(metrics=...)`` receives (a name, a
config, a class, an object, a function) into a metric.

``get("accuracy")`` gives :class:`Accuracy` (exact equality), as in Keras 3;
it is the model's compile step, not this module, that reads ``"accuracy"``
and ``"acc"`` as binary, categorical or sparse categorical accuracy from the
loss and the output's shape.

>>> m = get("binary_accuracy")
>>> m.update_state([1, 0, 1], [0.9, 0.2, 0.4])
>>> m.result()
array(0.6666667, dtype=float32)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from graphkeras.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
)
from graphkeras.metrics.auc import AUC
from graphkeras.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from graphkeras.metrics.functions import (
    METRIC_FUNCTIONS,
    binary_accuracy,
    binary_crossentropy,
    categorical_accuracy,
    categorical_crossentropy,
    deserialize_function,
    hinge,
    huber,
    kl_divergence,
    mean_absolute_error,
    mean_squared_error,
    serialize_function,
    sparse_categorical_accuracy,
    sparse_categorical_crossentropy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from graphkeras.metrics.metric import Metric
from graphkeras.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Hinge,
    KLDivergence,
    SparseCategoricalCrossentropy,
)
from graphkeras.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from graphkeras.metrics.regression_metrics import (
    MeanAbsoluteError,
    MeanSquaredError,
    RootMeanSquaredError,
)
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.naming import to_snake_case
from graphkeras.utils.serialization import deserialize_configurable, resolve, serialize_object

_CLASSES = (
    Metric,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    KLDivergence,
    Hinge,
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
)

# Every name a string identifier or a config may use, as in Keras 3: each
# class under its own name and its snake_case name (so "binary_accuracy"
# names the class BinaryAccuracy, not the function), plus the usual
# abbreviations of the error metrics.
ALL_METRICS: dict[str, type[Metric]] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
    "mse": MeanSquaredError,
    "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError,
    "kld": KLDivergence,
}
register_keras_module("keras.metrics", ALL_METRICS, METRIC_FUNCTIONS)


def serialize(metric: Metric | Callable | None) -> dict[str, Any] | str | None:
    """A metric's ``{"class_name", "config"}`` (None stays None).

    A built-in metric function is written as ``{"class_name": "function",
    "config": name}``, a registered function as its registered name.

    >>> serialize(TopKCategoricalAccuracy(k=3, name="top3"))["config"]
    {'name': 'top3', 'dtype': 'float32', 'k': 3}
    """
    if metric is None:
        return None
    if isinstance(metric, Metric):
        return serialize_object(metric)
    if callable(metric) and not inspect.isclass(metric):
        return serialize_function(metric)
    raise ValueError(
        f"Cannot serialize {metric!r} as a metric: expected a Metric or a metric function."
    )


def deserialize(
    config: Mapping[str, Any] | str | None, custom_objects: Mapping[str, Any] | None = None
) -> Metric | Callable | None:
    """The metric a config describes: a ``{"class_name", "config"}`` dict or a name.

    A name alone gives the class built with its defaults; a function config
    gives the function. Unknown names raise ValueError listing the known ones.
    """
    if isinstance(config, Mapping) and config.get("class_name") == "function":
        return deserialize_function(config, custom_objects)
    return deserialize_configurable(config, custom_objects, ALL_METRICS, "metric")


def get(identifier: Any) -> Metric | Callable | None:
    """Turn a metric identifier into a metric object (or a metric function).

    Accepts None (kept), a name (``"auc"``, ``"mse"``, ``"Precision"``; a
    class is built with its defaults), a config dict, a Metric, a Metric
    class (instantiated) or any callable ``fn(y_true, y_pred)`` (returned as
    is). Anything else raises ValueError; an unknown name lists the valid
    names.

    >>> get("mse")
    <MeanSquaredError name=mean_squared_error>
    """
    if identifier is None:
        return None
    if isinstance(identifier, Mapping):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = resolve(identifier, None, ALL_METRICS, "metric")
    else:
        obj = identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret the metric identifier {identifier!r} "
        f"(of type {type(identifier).__name__}). Expected None, a name, a config dict, "
        "a Metric, a Metric class or a function."
    )


__all__ = [
    "ALL_METRICS",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Hinge",
    "KLDivergence",
    "SparseCategoricalCrossentropy",
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "FalseNegatives",
    "FalsePositives",
    "METRIC_FUNCTIONS",
    "Mean",
    "MeanAbsoluteError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "Metric",
    "Precision",
    "Recall",
    "RootMeanSquaredError",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "binary_accuracy",
    "binary_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "mean_absolute_error",
    "mean_squared_error",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]
