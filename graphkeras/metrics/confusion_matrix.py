"""Counting a binary confusion matrix at many thresholds at once.

Precision, Recall, AUC and the TruePositives-style counters all keep, for
each of T thresholds, the (weighted) number of true positives, false
positives, true negatives and false negatives. A prediction counts as
positive at a threshold when it is strictly above it; a label counts as
positive when it is non-zero. :func:`update_confusion_matrix_variables`
adds one batch to those counts.

Thresholds spread evenly over [0, 1] (AUC's default) are compared the way
Keras 3 buckets them: predictions are clipped to [0, 1], and a prediction
``p`` is positive at the i-th of T thresholds when ``p * (T - 1) > i``; when
the first threshold sits just below 0 (AUC adds ``-epsilon``), every
prediction is positive there. Other thresholds are compared directly.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from graphkeras import backend as K
from graphkeras.losses import squeeze_or_expand_to_same_rank
from graphkeras.metrics.array_ops import broadcast_to, top_k_mask

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"
CONDITIONS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)

# The value given to predictions outside the top k, and the threshold used
# with top_k when none is given: far below any real score.
NEG_INF = -1e10


def _as_list(thresholds: Any) -> list:
    if isinstance(thresholds, (list, tuple)):
        return list(thresholds)
    if isinstance(thresholds, Iterable) and not isinstance(thresholds, str):
        return list(thresholds)
    return [thresholds]


def parse_thresholds(thresholds: Any, default_threshold: float = 0.5) -> list[float]:
    """The thresholds as a list of floats: ``[default_threshold]`` when None.

    Given thresholds must be numbers in [0, 1]; ValueError lists the others.
    """
    if thresholds is None:
        return [float(default_threshold)]
    values = _as_list(thresholds)
    invalid = [
        value
        for value in values
        if not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not 0.0 <= float(value) <= 1.0
    ]
    if invalid or not values:
        raise ValueError(
            f"Threshold values must be numbers in [0, 1]; received thresholds={thresholds!r} "
            f"(invalid: {invalid})."
        )
    return [float(value) for value in values]


def threshold_config(thresholds: Any) -> Any:
    """``thresholds`` as given to a constructor, in a JSON-ready form."""
    if thresholds is None:
        return None
    if isinstance(thresholds, numbers.Real):
        return float(thresholds)
    return [float(value) for value in _as_list(thresholds)]


def is_evenly_distributed(thresholds: list[float]) -> bool:
    """Whether 3 or more thresholds are ``0, 1/(n-1), ..., 1`` within floating-point noise."""
    count = len(thresholds)
    if count < 3:
        return False
    tolerance = K.epsilon()
    for index, value in enumerate(thresholds):
        expected = index / (count - 1)
        if abs(value - expected) > tolerance + 1e-5 * abs(expected):
            return False
    return True


def update_confusion_matrix_variables(
    variables: Mapping[str, Any],
    y_true: Any,
    y_pred: Any,
    thresholds: list[float],
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight: Any = None,
    multi_label: bool = False,
    label_weights: Any = None,
    thresholds_distributed_evenly: bool = False,
) -> None:
    """Add one batch's confusion-matrix counts to ``variables``.

    Args:
        variables: maps some of ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"`` to
            variables of shape ``(T,)``, or ``(T, labels)`` with ``multi_label``.
        y_true: labels, the shape of ``y_pred`` (a trailing axis of 1 may differ).
        y_pred: scores, normally in [0, 1].
        thresholds: the T thresholds, in increasing order.
        top_k: only each row's k highest predictions may be positive.
        class_id: count only this class (the last axis's index).
        sample_weight: weights broadcastable to the labels (a ``(batch,)``
            vector weighs whole rows).
        multi_label: count each label (last axis) separately instead of
            flattening all predictions into one binary problem.
        label_weights: per-label weights applied when flattening.
        thresholds_distributed_evenly: compare as Keras's bucketed counting
            does (see the module docstring).
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "label_weights with multi_label=True are applied when averaging per-label "
            "results, not when counting; pass label_weights=None here."
        )
    unknown = [key for key in variables if key not in CONDITIONS]
    if unknown or not variables:
        raise ValueError(
            f"Confusion-matrix variables must be keyed by some of {CONDITIONS}; "
            f"received keys {list(variables)}."
        )
    dtype = next(iter(variables.values())).dtype
    y_true = K.cast(K.convert_to_tensor(y_true), dtype)
    y_pred = K.cast(K.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if K.int_shape(y_true) != K.int_shape(y_pred):
        raise ValueError(
            "y_true and y_pred must have the same shape; received y_true of shape "
            f"{K.int_shape(y_true)} and y_pred of shape {K.int_shape(y_pred)}."
        )
    if sample_weight is not None:
        sample_weight = K.expand_dims(K.cast(K.convert_to_tensor(sample_weight), dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = K.where(top_k_mask(y_pred, top_k), y_pred, K.full((), NEG_INF, dtype=dtype))
    if class_id is not None:
        if K.ndim(y_pred) == 1:
            raise ValueError(
                "With class_id, y_pred must have shape (num_samples, num_classes); "
                f"received shape {K.int_shape(y_pred)}."
            )
        y_true = K.getitem(y_true, (Ellipsis, class_id, None))
        y_pred = K.getitem(y_pred, (Ellipsis, class_id, None))

    weights = None
    if sample_weight is not None:
        weights = broadcast_to(sample_weight, K.int_shape(y_pred))
    if label_weights is not None:
        label_weights = K.expand_dims(K.cast(K.convert_to_tensor(label_weights), dtype), 0)
        label_weights = broadcast_to(label_weights, K.int_shape(y_pred))
        weights = label_weights if weights is None else K.multiply(weights, label_weights)

    # Samples along axis 1, after a leading threshold axis: (T, N*labels) when
    # flattened, (T, N, labels) per label.
    if multi_label:
        threshold_shape = (len(thresholds), 1, 1)
        y_pred = K.expand_dims(y_pred, 0)
        y_true = K.expand_dims(y_true, 0)
        weights = None if weights is None else K.expand_dims(weights, 0)
    else:
        threshold_shape = (len(thresholds), 1)
        y_pred = K.reshape(y_pred, (1, -1))
        y_true = K.reshape(y_true, (1, -1))
        weights = None if weights is None else K.reshape(weights, (1, -1))

    # Every sample is compared with every threshold; chunks of samples bound
    # the memory that takes.
    sample_count = K.int_shape(y_pred)[1]
    per_sample = len(thresholds) * math.prod(K.int_shape(y_pred)[2:])
    chunk = max(1, _MAX_COMPARISONS // max(per_sample, 1))
    totals: dict[str, Any] = {}
    for start in range(0, max(sample_count, 1), chunk):
        rows = (slice(None), slice(start, start + chunk))
        counts = _count_outcomes(
            list(variables),
            K.getitem(y_true, rows),
            K.getitem(y_pred, rows),
            None if weights is None else K.getitem(weights, rows),
            thresholds,
            threshold_shape,
            thresholds_distributed_evenly,
            dtype,
        )
        for key, count in counts.items():
            totals[key] = count if key not in totals else K.add(totals[key], count)
    for key, variable in variables.items():
        if K.int_shape(totals[key]) != tuple(variable.shape):
            raise ValueError(
                f"Confusion-matrix counts of shape {K.int_shape(totals[key])} do not fit the "
                f"metric variable '{variable.name}' of shape {tuple(variable.shape)}."
            )
    for key, variable in variables.items():
        variable.assign_add(totals[key])


# The most prediction-threshold comparisons held in memory at once.
_MAX_COMPARISONS = 1 << 22


def _count_outcomes(
    keys: list[str],
    y_true: Any,
    y_pred: Any,
    weights: Any,
    thresholds: list[float],
    threshold_shape: tuple[int, ...],
    thresholds_distributed_evenly: bool,
    dtype: str,
) -> dict[str, Any]:
    """The weighted count of each requested outcome at each threshold, for these samples."""
    if thresholds_distributed_evenly:
        predicted_positive = _above_even_thresholds(y_pred, thresholds, threshold_shape, dtype)
    else:
        threshold_values = K.reshape(K.convert_to_tensor(thresholds, dtype=dtype), threshold_shape)
        predicted_positive = K.greater(y_pred, threshold_values)
    label_positive = K.not_equal(y_true, K.zeros((), dtype=dtype))
    cells = {
        TRUE_POSITIVES: (label_positive, predicted_positive),
        FALSE_POSITIVES: (K.logical_not(label_positive), predicted_positive),
        TRUE_NEGATIVES: (K.logical_not(label_positive), K.logical_not(predicted_positive)),
        FALSE_NEGATIVES: (label_positive, K.logical_not(predicted_positive)),
    }
    zero = K.zeros((), dtype=dtype)
    counts = {}
    for key in keys:
        label_mask, prediction_mask = cells[key]
        both = K.logical_and(label_mask, prediction_mask)
        counted = K.cast(both, dtype) if weights is None else K.where(both, weights, zero)
        counts[key] = K.sum(counted, axis=1)
    return counts


def _above_even_thresholds(
    y_pred: Any, thresholds: list[float], threshold_shape: tuple[int, ...], dtype: str
) -> Any:
    """Positive predictions at evenly spread thresholds, counted as Keras buckets them."""
    count = len(thresholds)
    y_pred = K.clip(y_pred, K.zeros((), dtype=dtype), K.ones((), dtype=dtype))
    scaled = K.multiply(y_pred, K.cast(count - 1, dtype))
    indices = K.reshape(K.cast(K.arange(count), dtype), threshold_shape)
    positive = K.greater(scaled, indices)
    if thresholds[0] < 0.0 or thresholds[-1] > 1.0:
        is_first = K.equal(indices, K.zeros((), dtype=dtype))
        positive = K.logical_or(positive, is_first)
    return positive
