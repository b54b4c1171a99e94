"""Record what Keras 3 computes for the losses and metrics: the reference graphkeras is tested on.

Run it by hand, never in CI, in an environment that has Keras 3 and JAX
(not the project's own), for example::

    python -m venv keras-venv
    keras-venv/bin/pip install keras jax
    KERAS_BACKEND=jax keras-venv/bin/python scripts/record_keras_loss_metric_values.py

It writes ``tests/data/keras_loss_metric_values.json``: for each case the
inputs, the loss or metric (by class or function name and constructor
arguments), what Keras returned and, for a loss object, the gradient of the
loss with respect to ``y_pred`` (by ``jax.grad``), plus the Keras version.
``tests/test_keras_loss_metric_values.py`` reads that file and checks that
graphkeras gives the same numbers; it never imports Keras.

Inputs are small fixed arrays drawn from a seeded generator, so running the
script again gives the same file (up to the Keras version's own changes).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax  # noqa: E402
import keras  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_loss_metric_values.json"
RNG = np.random.default_rng(20260607)


def as_list(x: Any) -> Any:
    """A JSON-ready copy of ``x``: arrays become nested lists, tuples lists."""
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return [as_list(item) for item in x]
    if isinstance(x, dict):
        return {key: as_list(value) for key, value in x.items()}
    if isinstance(x, (bool, int, float, str)):
        return x
    array = np.asarray(x)
    if array.dtype.kind in "iub":
        return array.tolist()
    return np.asarray(array, dtype="float64").tolist()


def probabilities(shape: tuple) -> np.ndarray:
    return RNG.uniform(0.05, 0.95, size=shape).astype("float32")


def distributions(shape: tuple) -> np.ndarray:
    x = RNG.uniform(0.05, 1.0, size=shape)
    return (x / x.sum(axis=-1, keepdims=True)).astype("float32")


def one_hot(labels: list[int], classes: int) -> np.ndarray:
    return np.eye(classes, dtype="float32")[labels]


def unit_rows(shape: tuple) -> np.ndarray:
    x = RNG.normal(size=shape)
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype("float32")


# --------------------------------------------------------------------- inputs

REGRESSION_TRUE = np.array([[1.0, 9.0, 2.0], [-5.0, -2.0, 6.0], [0.0, 0.5, 3.0]], "float32")
REGRESSION_PRED = np.array([[4.0, 8.0, 12.0], [8.0, 1.0, 3.0], [0.2, -0.4, 40.0]], "float32")
POSITIVE_TRUE = np.array([[1.0, 9.0, 2.0], [5.0, 0.0, 6.0], [0.5, 0.25, 3.0]], "float32")
POSITIVE_PRED = np.array([[4.0, 8.0, 12.0], [8.0, 1.0, 3.0], [0.2, 0.4, 2.5]], "float32")
BINARY_TRUE = np.array(
    [[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]], "float32"
)
BINARY_PROB = probabilities((4, 3))
LOGITS = RNG.normal(size=(4, 3)).astype("float32") * 2.0
SIGNED_TRUE = 2.0 * BINARY_TRUE - 1.0
SCORES = RNG.normal(size=(4, 3)).astype("float32")
ONE_HOT = one_hot([0, 2, 1, 1], 3)
LABELS = np.array([0, 2, 1, 1], "int32")
CLASS_PROB = distributions((4, 3))
SAMPLE_WEIGHT = np.array([0.5, 2.0, 0.0, 1.5], "float32")
MASKS_TRUE = (RNG.uniform(size=(2, 4, 4)) > 0.5).astype("float32")
MASKS_PRED = probabilities((2, 4, 4))
EMBEDDING_LABELS = np.array([0, 1, 0, 2, 1, 0, 3], "int32")
EMBEDDINGS = unit_rows((7, 4))

# ----------------------------------------------------------------- the cases


def loss_cases() -> list[dict]:
    """(class name, constructor arguments, y_true, y_pred, sample weights to try)."""
    three = SAMPLE_WEIGHT[:3]
    return [
        ("MeanSquaredError", {}, REGRESSION_TRUE, REGRESSION_PRED, three),
        ("MeanAbsoluteError", {}, REGRESSION_TRUE, REGRESSION_PRED, three),
        ("MeanAbsolutePercentageError", {}, REGRESSION_TRUE, REGRESSION_PRED, three),
        ("MeanSquaredLogarithmicError", {}, REGRESSION_TRUE, REGRESSION_PRED, three),
        ("MeanSquaredLogarithmicError", {}, POSITIVE_TRUE, POSITIVE_PRED, None),
        ("CosineSimilarity", {}, REGRESSION_TRUE, REGRESSION_PRED, three),
        ("CosineSimilarity", {"axis": 0}, REGRESSION_TRUE, REGRESSION_PRED, None),
        ("Huber", {"delta": 0.5}, REGRESSION_TRUE / 4, REGRESSION_PRED / 4, three),
        ("LogCosh", {}, REGRESSION_TRUE, REGRESSION_PRED, three),
        ("Poisson", {}, POSITIVE_TRUE, POSITIVE_PRED, three),
        ("KLDivergence", {}, CLASS_PROB, distributions((4, 3)), SAMPLE_WEIGHT),
        ("Hinge", {}, BINARY_TRUE, SCORES, SAMPLE_WEIGHT),
        ("Hinge", {}, SIGNED_TRUE, SCORES, None),
        ("SquaredHinge", {}, BINARY_TRUE, SCORES, SAMPLE_WEIGHT),
        ("SquaredHinge", {}, SIGNED_TRUE, SCORES, None),
        ("CategoricalHinge", {}, ONE_HOT, SCORES, SAMPLE_WEIGHT),
        ("BinaryCrossentropy", {}, BINARY_TRUE, BINARY_PROB, SAMPLE_WEIGHT),
        ("BinaryFocalCrossentropy", {}, BINARY_TRUE, BINARY_PROB, SAMPLE_WEIGHT),
        (
            "BinaryFocalCrossentropy",
            {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5},
            BINARY_TRUE,
            BINARY_PROB,
            SAMPLE_WEIGHT,
        ),
        ("BinaryFocalCrossentropy", {"from_logits": True}, BINARY_TRUE, LOGITS, None),
        (
            "BinaryFocalCrossentropy",
            {"label_smoothing": 0.1, "gamma": 3.0},
            BINARY_TRUE,
            BINARY_PROB,
            None,
        ),
        ("CategoricalCrossentropy", {}, ONE_HOT, CLASS_PROB, SAMPLE_WEIGHT),
        ("CategoricalFocalCrossentropy", {}, ONE_HOT, CLASS_PROB, SAMPLE_WEIGHT),
        (
            "CategoricalFocalCrossentropy",
            {"from_logits": True, "alpha": 0.5, "gamma": 1.0},
            ONE_HOT,
            LOGITS,
            None,
        ),
        ("CategoricalFocalCrossentropy", {"label_smoothing": 0.2}, ONE_HOT, CLASS_PROB, None),
        ("SparseCategoricalCrossentropy", {"from_logits": True}, LABELS, LOGITS, SAMPLE_WEIGHT),
        ("CategoricalGeneralizedCrossEntropy", {}, LABELS, CLASS_PROB, SAMPLE_WEIGHT),
        ("CategoricalGeneralizedCrossEntropy", {"q": 0.8}, LABELS, CLASS_PROB, None),
        ("Dice", {}, MASKS_TRUE, MASKS_PRED, None),
        ("Dice", {"axis": (1, 2)}, MASKS_TRUE, MASKS_PRED, np.array([0.25, 1.0], "float32")),
        ("Tversky", {}, MASKS_TRUE, MASKS_PRED, None),
        (
            "Tversky",
            {"alpha": 0.3, "beta": 0.7, "axis": (1, 2)},
            MASKS_TRUE,
            MASKS_PRED,
            np.array([0.25, 1.0], "float32"),
        ),
        ("Circle", {}, EMBEDDING_LABELS, EMBEDDINGS, None),
        (
            "Circle",
            {"gamma": 10.0, "margin": 0.25},
            EMBEDDING_LABELS,
            EMBEDDINGS,
            np.linspace(0.5, 2.0, 7).astype("float32"),
        ),
        ("Circle", {"gamma": 5.0, "remove_diagonal": False}, EMBEDDING_LABELS, EMBEDDINGS, None),
    ]


def ctc_cases() -> list[tuple]:
    """(class name, constructor arguments, labels, logits, sample weights)."""
    return [
        ("CTC", {}, CTC_LABELS, CTC_LOGITS, SAMPLE_WEIGHT),
        ("CTC", {"reduction": "sum"}, CTC_LABELS, CTC_LOGITS * 3.0, None),
    ]


REDUCTION_CASES = [
    ("MeanAbsolutePercentageError", REGRESSION_TRUE, REGRESSION_PRED, SAMPLE_WEIGHT[:3]),
    ("BinaryFocalCrossentropy", BINARY_TRUE, BINARY_PROB, SAMPLE_WEIGHT),
    ("Circle", EMBEDDING_LABELS, EMBEDDINGS, np.linspace(0.5, 2.0, 7).astype("float32")),
]
REDUCTIONS = ["sum", "none", "mean_with_sample_weight"]


def function_cases() -> list[tuple]:
    """(namespace, function name, keyword arguments, y_true, y_pred)."""
    return [
        ("losses", "mean_absolute_percentage_error", {}, REGRESSION_TRUE, REGRESSION_PRED),
        ("losses", "mean_squared_logarithmic_error", {}, REGRESSION_TRUE, REGRESSION_PRED),
        ("losses", "cosine_similarity", {"axis": -1}, REGRESSION_TRUE, REGRESSION_PRED),
        ("losses", "log_cosh", {}, REGRESSION_TRUE, REGRESSION_PRED),
        ("losses", "poisson", {}, POSITIVE_TRUE, POSITIVE_PRED),
        ("losses", "squared_hinge", {}, BINARY_TRUE, SCORES),
        ("losses", "categorical_hinge", {}, ONE_HOT, SCORES),
        ("losses", "binary_focal_crossentropy", {"gamma": 2.5}, BINARY_TRUE, BINARY_PROB),
        ("losses", "categorical_focal_crossentropy", {}, ONE_HOT, CLASS_PROB),
        ("losses", "dice", {"axis": (1, 2)}, MASKS_TRUE, MASKS_PRED),
        ("losses", "tversky", {"alpha": 0.2, "beta": 0.8}, MASKS_TRUE, MASKS_PRED),
        ("losses", "circle", {"gamma": 20.0}, EMBEDDING_LABELS, EMBEDDINGS),
        ("losses", "ctc", {}, CTC_LABELS, CTC_LOGITS),
        ("losses", "categorical_generalized_cross_entropy", {"q": 0.5}, LABELS, CLASS_PROB),
        ("metrics", "pearson_correlation", {}, REGRESSION_TRUE, REGRESSION_PRED),
        ("metrics", "pearson_correlation", {"axis": 0}, REGRESSION_TRUE, REGRESSION_PRED),
        ("metrics", "concordance_correlation", {}, REGRESSION_TRUE, REGRESSION_PRED),
        ("metrics", "concordance_correlation", {"axis": 0}, REGRESSION_TRUE, REGRESSION_PRED),
    ]


def two_batches(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: Any) -> list:
    """The data split in two update_state calls, the first with its sample weights."""
    half = len(y_true) // 2
    weights = None if sample_weight is None else sample_weight[:half]
    return [(y_true[:half], y_pred[:half], weights), (y_true[half:], y_pred[half:], None)]


SEGMENT_TRUE = np.array([[0, 1, 2, 2], [1, 1, 0, 2], [2, 0, 0, 1]], "int32")
SEGMENT_PRED = np.array([[0, 2, 2, 2], [1, 0, 0, 2], [2, 0, 1, 1]], "int32")
SEGMENT_SCORES = RNG.normal(size=(3, 4, 3)).astype("float32")
THRESHOLD_TRUE = (RNG.uniform(size=(12,)) > 0.5).astype("float32")
THRESHOLD_PRED = RNG.uniform(size=(12,)).astype("float32")
MULTI_CLASS_PROB = distributions((8, 3))
MULTI_CLASS_TRUE = one_hot([0, 1, 2, 2, 1, 0, 0, 2], 3)
R2_TRUE = RNG.normal(size=(6, 2)).astype("float32")
R2_PRED = (R2_TRUE + 0.5 * RNG.normal(size=(6, 2))).astype("float32")
SERIES_TRUE = RNG.normal(size=(4, 5)).astype("float32")
SERIES_PRED = (0.7 * SERIES_TRUE + 0.4 * RNG.normal(size=(4, 5)) + 0.3).astype("float32")
# CTC: label sequences padded with 0 (the blank), including a repeat and an empty one.
CTC_LABELS = np.array([[1, 2, 0], [3, 3, 0], [2, 1, 3], [0, 0, 0]], "int32")
CTC_LOGITS = RNG.normal(size=(4, 6, 4)).astype("float32")


def metric_cases() -> list[tuple]:
    """(class name, constructor arguments, [(y_true, y_pred, sample_weight), ...])."""
    regression = two_batches(POSITIVE_TRUE, POSITIVE_PRED, SAMPLE_WEIGHT[:3])
    cases = [
        ("MeanAbsolutePercentageError", {}, regression),
        ("MeanSquaredLogarithmicError", {}, regression),
        ("CosineSimilarity", {}, two_batches(REGRESSION_TRUE, REGRESSION_PRED, SAMPLE_WEIGHT)),
        ("CosineSimilarity", {"axis": 0}, [(REGRESSION_TRUE, REGRESSION_PRED, None)]),
        ("LogCoshError", {}, two_batches(REGRESSION_TRUE, REGRESSION_PRED, SAMPLE_WEIGHT)),
        ("Poisson", {}, regression),
        ("KLDivergence", {}, two_batches(CLASS_PROB, distributions((4, 3)), SAMPLE_WEIGHT)),
        ("Hinge", {}, two_batches(BINARY_TRUE, SCORES, SAMPLE_WEIGHT)),
        ("SquaredHinge", {}, two_batches(BINARY_TRUE, SCORES, SAMPLE_WEIGHT)),
        ("CategoricalHinge", {}, two_batches(ONE_HOT, SCORES, SAMPLE_WEIGHT)),
        ("PearsonCorrelation", {}, two_batches(SERIES_TRUE, SERIES_PRED, SAMPLE_WEIGHT)),
        ("ConcordanceCorrelation", {}, two_batches(SERIES_TRUE, SERIES_PRED, SAMPLE_WEIGHT)),
        ("ConcordanceCorrelation", {"axis": 0}, [(SERIES_TRUE, SERIES_PRED, None)]),
        ("R2Score", {}, two_batches(R2_TRUE, R2_PRED, None)),
        ("R2Score", {"class_aggregation": "variance_weighted_average"}, [(R2_TRUE, R2_PRED, None)]),
        ("R2Score", {"class_aggregation": None}, [(R2_TRUE, R2_PRED, np.arange(6.0) / 5)]),
        ("R2Score", {"num_regressors": 2}, two_batches(R2_TRUE, R2_PRED, None)),
    ]
    f_data = two_batches(MULTI_CLASS_TRUE, MULTI_CLASS_PROB, np.linspace(0.5, 2.0, 8))
    for average in (None, "micro", "macro", "weighted"):
        cases.append(("F1Score", {"average": average}, f_data))
        cases.append(("F1Score", {"average": average, "threshold": 0.3}, f_data))
    cases.append(("FBetaScore", {"beta": 2.0, "average": "macro"}, f_data))
    cases.append(("FBetaScore", {"beta": 0.5, "threshold": 0.4}, f_data))
    segments = [
        (SEGMENT_TRUE[:2], SEGMENT_PRED[:2], None),
        (SEGMENT_TRUE[2:], SEGMENT_PRED[2:], None),
    ]
    weighted_segments = [(SEGMENT_TRUE, SEGMENT_PRED, np.array([[1, 2, 0, 1]] * 3, "int32"))]
    one_hot_segments = [(np.eye(3, dtype="float32")[SEGMENT_TRUE], SEGMENT_SCORES, None)]
    cases += [
        ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, segments),
        ("IoU", {"num_classes": 3, "target_class_ids": [1]}, weighted_segments),
        ("IoU", {"num_classes": 3, "target_class_ids": [0, 1], "ignore_class": 2}, segments),
        ("MeanIoU", {"num_classes": 3}, segments),
        ("MeanIoU", {"num_classes": 4}, weighted_segments),
        (
            "MeanIoU",
            {"num_classes": 3, "sparse_y_pred": False},
            [(SEGMENT_TRUE, SEGMENT_SCORES, None)],
        ),
        ("BinaryIoU", {}, [(THRESHOLD_TRUE, THRESHOLD_PRED, None)]),
        (
            "BinaryIoU",
            {"target_class_ids": [1], "threshold": 0.3},
            [(THRESHOLD_TRUE, THRESHOLD_PRED, None)],
        ),
        ("OneHotIoU", {"num_classes": 3, "target_class_ids": [0, 2]}, one_hot_segments),
        ("OneHotMeanIoU", {"num_classes": 3}, one_hot_segments),
    ]
    threshold_data = two_batches(THRESHOLD_TRUE, THRESHOLD_PRED, np.linspace(0.2, 1.0, 12))
    cases += [
        ("SensitivityAtSpecificity", {"specificity": 0.5}, threshold_data),
        ("SensitivityAtSpecificity", {"specificity": 0.8, "num_thresholds": 7}, threshold_data),
        ("SpecificityAtSensitivity", {"sensitivity": 0.6}, threshold_data),
        ("SpecificityAtSensitivity", {"sensitivity": 0.5, "num_thresholds": 1}, threshold_data),
        ("PrecisionAtRecall", {"recall": 0.7}, threshold_data),
        ("RecallAtPrecision", {"precision": 0.6}, threshold_data),
        ("RecallAtPrecision", {"precision": 1.0, "num_thresholds": 5}, threshold_data),
        (
            "PrecisionAtRecall",
            {"recall": 0.5, "class_id": 2},
            [(MULTI_CLASS_TRUE, MULTI_CLASS_PROB, None)],
        ),
    ]
    return cases


# ------------------------------------------------------------------ recording


def record_loss(name: str, arguments: dict, y_true: Any, y_pred: Any, sample_weight: Any) -> dict:
    loss = getattr(keras.losses, name)(**arguments)
    result = loss(y_true, y_pred, sample_weight=sample_weight)
    gradient = None
    if loss.reduction not in (None, "none"):
        gradient = jax.grad(lambda p: loss(y_true, p, sample_weight=sample_weight))(
            jax.numpy.asarray(y_pred)
        )
    return {
        "kind": "loss",
        "name": name,
        "arguments": as_list(arguments),
        "y_true": as_list(y_true),
        "y_pred": as_list(y_pred),
        "sample_weight": as_list(sample_weight),
        "result": as_list(result),
        "gradient": as_list(gradient),
        "config": as_list(loss.get_config()),
    }


def record_metric(name: str, arguments: dict, batches: list) -> dict:
    metric = getattr(keras.metrics, name)(**arguments)
    for y_true, y_pred, sample_weight in batches:
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    return {
        "kind": "metric",
        "name": name,
        "arguments": as_list(arguments),
        "batches": [
            {"y_true": as_list(t), "y_pred": as_list(p), "sample_weight": as_list(w)}
            for t, p, w in batches
        ],
        "result": as_list(metric.result()),
        "config": as_list(metric.get_config()),
    }


def record_function(namespace: str, name: str, arguments: dict, y_true: Any, y_pred: Any) -> dict:
    function = getattr(getattr(keras, namespace), name)
    return {
        "kind": "function",
        "namespace": namespace,
        "name": name,
        "arguments": as_list(arguments),
        "y_true": as_list(y_true),
        "y_pred": as_list(y_pred),
        "result": as_list(function(y_true, y_pred, **arguments)),
    }


def main() -> None:
    cases = []
    for name, arguments, y_true, y_pred, sample_weight in loss_cases():
        cases.append(record_loss(name, arguments, y_true, y_pred, None))
        if sample_weight is not None:
            cases.append(record_loss(name, arguments, y_true, y_pred, sample_weight))
    for name, arguments, y_true, y_pred, sample_weight in ctc_cases():
        cases.append(record_loss(name, arguments, y_true, y_pred, sample_weight))
    for name, y_true, y_pred, sample_weight in REDUCTION_CASES:
        for reduction in REDUCTIONS:
            cases.append(record_loss(name, {"reduction": reduction}, y_true, y_pred, sample_weight))
    for namespace, name, arguments, y_true, y_pred in function_cases():
        cases.append(record_function(namespace, name, arguments, y_true, y_pred))
    for name, arguments, batches in metric_cases():
        cases.append(record_metric(name, arguments, batches))
    document = {
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "note": "Recorded by scripts/record_keras_loss_metric_values.py; do not edit by hand.",
        "cases": cases,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases from Keras {keras.__version__} written to {OUTPUT}")


if __name__ == "__main__":
    main()
