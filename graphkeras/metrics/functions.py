"""Metric functions: one value per sample from labels and predictions, no state.

``binary_accuracy(y_true, y_pred)`` gives 1.0 for each sample predicted
right and 0.0 otherwise; ``mean_squared_error`` gives each sample's squared
error averaged over its last axis. The stateful metrics average these over
every batch seen (``MeanMetricWrapper``), and ``compile(metrics=[fn])``
accepts any such function. These are the functions Keras 3 exports under
``keras.metrics``, with its shape rules: sparse labels may have shape
``(batch,)`` or ``(batch, 1)``, as ints or floats. The error and
crossentropy functions are the losses module's own, as in Keras.

>>> sparse_categorical_accuracy([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0.0]])
array([0., 1.], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphkeras import backend as K
from graphkeras.losses import (
    ALL_LOSSES,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
    squeeze_or_expand_to_same_rank,
)
from graphkeras.metrics.array_ops import float_tensor, in_top_k
from graphkeras.utils.serialization import (
    deserialize_object,
    get_registered_name,
    get_registered_object,
    resolve,
    serialize_object,
)


def accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the prediction equals the label exactly, else 0.0 (element-wise)."""
    y_pred = K.convert_to_tensor(y_pred)
    y_true = K.convert_to_tensor(y_true, dtype=K.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return K.cast(K.equal(y_true, y_pred), K.floatx())


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """1.0 where ``y_pred > threshold`` agrees with the 0/1 label, else 0.0 (element-wise)."""
    y_pred = K.convert_to_tensor(y_pred)
    y_true = K.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = K.cast(K.greater(y_pred, threshold), K.dtype(y_true))
    return K.cast(K.equal(y_true, predicted), K.floatx())


def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 per sample where the highest prediction is at the one-hot label's class.

    Logits work as well as probabilities: only the argmax matters.
    """
    y_pred = K.convert_to_tensor(y_pred)
    labels = K.cast(K.argmax(K.convert_to_tensor(y_true), axis=-1), K.dtype(y_pred))
    labels_shape = K.int_shape(labels)
    squeezed = False
    if K.ndim(labels) == K.ndim(y_pred) and labels_shape[-1] == 1:
        labels = K.squeeze(labels, -1)
        squeezed = True
    predicted = K.cast(K.argmax(y_pred, axis=-1), K.dtype(labels))
    matches = K.cast(K.equal(labels, predicted), K.floatx())
    return K.reshape(matches, labels_shape) if squeezed else matches


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 per sample where the highest prediction is at the integer label.

    Labels have shape ``(batch,)`` or ``(batch, 1)`` and may be floats; the
    result has shape ``(batch,)``.
    """
    y_pred = K.convert_to_tensor(y_pred)
    y_true = K.convert_to_tensor(y_true, dtype=K.dtype(y_pred))
    labels_shape = K.int_shape(y_true)
    squeezed = False
    if K.ndim(y_true) == K.ndim(y_pred) and labels_shape[-1] == 1:
        y_true = K.squeeze(y_true, -1)
        squeezed = True
    predicted = K.cast(K.argmax(y_pred, axis=-1), K.dtype(y_true))
    matches = K.cast(K.equal(y_true, predicted), K.floatx())
    if squeezed:
        matches = K.reshape(matches, labels_shape)
    if K.ndim(matches) > 1 and K.int_shape(matches)[-1] == 1:
        matches = K.squeeze(matches, -1)
    return matches


def _in_top_k_per_sample(labels: Any, y_pred: Any, k: int) -> Any:
    """``in_top_k`` for labels of any rank, as 0.0/1.0 in the labels' shape."""
    labels_shape = K.int_shape(labels)
    if K.ndim(y_pred) > 2:
        y_pred = K.reshape(y_pred, (-1, K.int_shape(y_pred)[-1]))
    if len(labels_shape) > 1:
        labels = K.reshape(labels, (-1,))
    matches = K.cast(in_top_k(labels, y_pred, k), K.floatx())
    return K.reshape(matches, labels_shape) if len(labels_shape) > 1 else matches


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 per sample where the one-hot label's class is among the ``k`` highest predictions.

    A label tied with the k-th highest score counts as found.
    """
    y_pred = K.convert_to_tensor(y_pred)
    labels = K.cast(K.argmax(K.convert_to_tensor(y_true), axis=-1), "int32")
    return _in_top_k_per_sample(labels, y_pred, k)


def sparse_top_k_categorical_accuracy(
    y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
) -> Any:
    """1.0 per sample where the integer label is among the ``k`` highest predictions.

    With ``from_sorted_ids=True``, ``y_pred`` holds class ids already sorted
    from best to worst, shape ``(batch, N)`` with ``N >= k``, and a sample
    counts when its label is among the first ``k``. The result has the
    labels' shape.
    """
    y_pred = K.convert_to_tensor(y_pred)
    if not from_sorted_ids:
        return _in_top_k_per_sample(K.convert_to_tensor(y_true, dtype="int32"), y_pred, k)
    labels = K.convert_to_tensor(y_true, dtype=K.dtype(y_pred))
    labels_shape = K.int_shape(labels)
    if K.ndim(y_pred) > 2:
        y_pred = K.reshape(y_pred, (-1, K.int_shape(y_pred)[-1]))
    labels = K.reshape(labels, (-1,))
    best_ids = K.getitem(y_pred, (slice(None), slice(None, k)))
    found = K.any(K.equal(K.expand_dims(labels, 1), best_ids), axis=1)
    return K.reshape(K.cast(found, K.floatx()), labels_shape)


def _centered(x: Any, axis: int) -> Any:
    return K.subtract(x, K.mean(x, axis=axis, keepdims=True))


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Pearson's correlation coefficient between ``y_true`` and ``y_pred`` along ``axis``.

    ``mean(z(y_true) * z(y_pred), axis)``, ``z`` the standard score (centred,
    divided by the population standard deviation): 1 for predictions that
    rise linearly with the targets, -1 for ones that fall, 0 for no linear
    relation; NaN where either side is constant along ``axis``, as in Keras.
    """
    y_pred = float_tensor(y_pred)
    y_true = K.convert_to_tensor(y_true, dtype=K.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    true_centered, pred_centered = _centered(y_true, axis), _centered(y_pred, axis)
    true_scores = K.divide(true_centered, K.std(true_centered, axis=axis, keepdims=True))
    pred_scores = K.divide(pred_centered, K.std(pred_centered, axis=axis, keepdims=True))
    return K.mean(K.multiply(true_scores, pred_scores), axis=axis)


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Lin's concordance correlation coefficient between ``y_true`` and ``y_pred`` along ``axis``.

    ``2 * cov / (var(y_true) + var(y_pred) + (mean(y_true) - mean(y_pred)) ** 2)``
    (population moments, ``epsilon`` added to the denominator): like the
    Pearson correlation, but predictions must also match the targets' scale
    and offset to score 1, since it measures agreement with the line
    ``y_pred = y_true``.
    """
    y_pred = float_tensor(y_pred)
    y_true = K.convert_to_tensor(y_true, dtype=K.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    true_mean = K.mean(y_true, axis=axis, keepdims=True)
    pred_mean = K.mean(y_pred, axis=axis, keepdims=True)
    true_centered, pred_centered = K.subtract(y_true, true_mean), K.subtract(y_pred, pred_mean)
    spread = K.add(
        K.add(
            K.var(true_centered, axis=axis, keepdims=True),
            K.var(pred_centered, axis=axis, keepdims=True),
        ),
        K.square(K.subtract(true_mean, pred_mean)),
    )
    covariance_terms = K.multiply(2.0, K.multiply(true_centered, pred_centered))
    return K.mean(K.divide(covariance_terms, K.add(spread, K.epsilon())), axis=axis)


# The metric functions a config may name.
METRIC_FUNCTIONS: dict[str, Callable] = {
    function.__name__: function
    for function in (
        accuracy,
        binary_accuracy,
        categorical_accuracy,
        sparse_categorical_accuracy,
        top_k_categorical_accuracy,
        sparse_top_k_categorical_accuracy,
        mean_squared_error,
        mean_absolute_error,
        binary_crossentropy,
        categorical_crossentropy,
        sparse_categorical_crossentropy,
        hinge,
        huber,
        kl_divergence,
        mean_absolute_percentage_error,
        mean_squared_logarithmic_error,
        log_cosh,
        poisson,
        squared_hinge,
        categorical_hinge,
        binary_focal_crossentropy,
        categorical_focal_crossentropy,
        pearson_correlation,
        concordance_correlation,
    )
}


def serialize_function(function: Callable) -> dict[str, Any] | str:
    """How a config stores a metric function.

    A built-in function becomes ``{"class_name": "function", "config": name}``
    (Keras 3's form); one registered with ``register_serializable`` becomes
    its registered name; a callable object with ``get_config`` (a loss, say)
    its ``{"class_name", "config"}``. Anything else cannot be stored: ValueError.
    """
    name = getattr(function, "__name__", None)
    if name is not None and METRIC_FUNCTIONS.get(name) is function:
        return {"class_name": "function", "config": name}
    if hasattr(function, "get_config"):
        return serialize_object(function)
    registered_name = get_registered_name(function)
    if get_registered_object(registered_name) is function:
        return registered_name
    raise ValueError(
        f"Cannot serialize the metric function {function!r}: it is not a built-in metric "
        "function and is not registered. Register it with "
        "graphkeras.utils.register_serializable()."
    )


def deserialize_function(
    config: Mapping[str, Any] | str, custom_objects: Mapping[str, Any] | None = None
) -> Callable:
    """The function a config from :func:`serialize_function` describes."""
    if isinstance(config, Mapping):
        if config.get("class_name") != "function":
            return deserialize_object(config, custom_objects, ALL_LOSSES, "metric function")
        config = config.get("config")
    return resolve(config, custom_objects, METRIC_FUNCTIONS, "metric function")
