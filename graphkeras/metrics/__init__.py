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
from graphkeras.metrics.correlation_metrics import ConcordanceCorrelation, PearsonCorrelation
from graphkeras.metrics.f_score_metrics import F1Score, FBetaScore
from graphkeras.metrics.functions import (
    METRIC_FUNCTIONS,
    binary_accuracy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_accuracy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    concordance_correlation,
    deserialize_function,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    pearson_correlation,
    poisson,
    serialize_function,
    sparse_categorical_accuracy,
    sparse_categorical_crossentropy,
    sparse_top_k_categorical_accuracy,
    squared_hinge,
    top_k_categorical_accuracy,
)
from graphkeras.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from graphkeras.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from graphkeras.metrics.metric import Metric
from graphkeras.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from graphkeras.metrics.reduction_metrics import BuiltinMeanMetric, Mean, MeanMetricWrapper, Sum
from graphkeras.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)
from graphkeras.metrics.sensitivity_specificity import (
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
)
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.naming import to_snake_case
from graphkeras.utils.serialization import deserialize_configurable, resolve, serialize_object

_CLASSES = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    # Regression
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    # Confusion-matrix based
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    # Correlation
    ConcordanceCorrelation,
    PearsonCorrelation,
    # Hinge
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    # Probabilistic
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    KLDivergence,
    Poisson,
    # Accuracy
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    # F-score
    F1Score,
    FBetaScore,
    # Intersection over union
    IoU,
    BinaryIoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)

# Every name a string identifier or a config may use, as in Keras 3: each
# class under its own name and its snake_case name (so "binary_accuracy"
# names the class BinaryAccuracy, not the function, and "r2_score" R2Score),
# plus the usual abbreviations.
ALL_METRICS: dict[str, type[Metric]] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
    "bce": BinaryCrossentropy,
    "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError,
    "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError,
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
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryIoU",
    "BuiltinMeanMetric",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "ConcordanceCorrelation",
    "CosineSimilarity",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "IoU",
    "KLDivergence",
    "LogCoshError",
    "METRIC_FUNCTIONS",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "OneHotIoU",
    "OneHotMeanIoU",
    "PearsonCorrelation",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "concordance_correlation",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "pearson_correlation",
    "poisson",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "squared_hinge",
    "top_k_categorical_accuracy",
]
