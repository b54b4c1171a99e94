"""On JAX, fit with every built-in loss and metric runs as one compiled step.

A step that turns a traced value into a Python number cannot be one XLA
program; the engine then runs it op by op and warns (compiled_steps.py).
That fallback is a safety net, not how the built-in losses and metrics may
work: here the warning is an error, so each one must update under
``jax.jit`` with backend ops only. The numbers themselves are checked
against closed forms in test_losses.py and the test_metrics_* suites.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from compiled_step_tools import backend_selected

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras import losses as L
from graphkeras import metrics as M

pytestmark = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)

ROWS, FEATURES, CLASSES = 8, 4, 3


@pytest.fixture(autouse=True)
def jax_selected() -> Iterator[None]:
    with backend_selected("jax"):
        yield


def _targets(kind: str) -> np.ndarray:
    """Targets of one kind for ``ROWS`` rows and ``CLASSES`` outputs."""
    rng = np.random.default_rng(1)
    labels = rng.integers(0, CLASSES, ROWS)
    if kind == "one_hot":
        return np.eye(CLASSES, dtype="float32")[labels]
    if kind == "sparse":
        return labels.astype("int32")
    if kind == "sequence_labels":  # two labels per 5-step sequence, 0 (the blank) pads, for CTC
        labels = np.zeros((ROWS, 5), dtype="int32")
        labels[:, :2] = rng.integers(1, CLASSES, (ROWS, 2))
        return labels
    raise ValueError(f"unknown target kind {kind!r}")


def _heads_model(names: list[str], sequence: bool = False) -> gk.Model:
    """One softmax head of ``CLASSES`` per name, all on the same input."""
    inputs = gk.Input((5, FEATURES) if sequence else (FEATURES,))
    outputs = {
        name: layers.Dense(CLASSES, activation="softmax", name=name)(inputs) for name in names
    }
    return gk.Model(inputs, outputs)


def _fit_compiled(losses: dict, metrics: dict, kinds: dict, sequence: bool = False) -> dict:
    """One epoch of fit of a head per entry of ``kinds`` with the op-by-op fallback's warning
    as an error; the last epoch's logs.

    One model with many heads makes one compiled step for many losses and
    metrics (each compile costs seconds): should one of them fall back, run
    its head alone to find which.
    """
    x = np.random.default_rng(0).random((ROWS, *((5,) if sequence else ()), FEATURES))
    x = x.astype("float32")
    model = _heads_model(sorted(kinds), sequence)
    model.compile(optimizer="sgd", loss=losses, metrics=metrics)
    y = {name: _targets(kind) for name, kind in kinds.items()}
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*cannot be compiled as one program.*")
        history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert model._compiled_steps._refused == set()
    logs = {name: values[-1] for name, values in history.history.items()}
    assert np.isfinite(logs["loss"])
    return logs


LOSSES = {
    "BinaryCrossentropy": (L.BinaryCrossentropy, "one_hot"),
    "BinaryFocalCrossentropy": (L.BinaryFocalCrossentropy, "one_hot"),
    "CategoricalCrossentropy": (L.CategoricalCrossentropy, "one_hot"),
    "CategoricalFocalCrossentropy": (L.CategoricalFocalCrossentropy, "one_hot"),
    "CategoricalGeneralizedCrossEntropy": (L.CategoricalGeneralizedCrossEntropy, "sparse"),
    "SparseCategoricalCrossentropy": (L.SparseCategoricalCrossentropy, "sparse"),
    "SparseCategoricalCrossentropy_ignore_class": (
        lambda: L.SparseCategoricalCrossentropy(ignore_class=0),
        "sparse",
    ),
    "KLDivergence": (L.KLDivergence, "one_hot"),
    "Poisson": (L.Poisson, "one_hot"),
    "MeanSquaredError": (L.MeanSquaredError, "one_hot"),
    "MeanAbsoluteError": (L.MeanAbsoluteError, "one_hot"),
    "MeanAbsolutePercentageError": (L.MeanAbsolutePercentageError, "one_hot"),
    "MeanSquaredLogarithmicError": (L.MeanSquaredLogarithmicError, "one_hot"),
    "Huber": (L.Huber, "one_hot"),
    "LogCosh": (L.LogCosh, "one_hot"),
    "CosineSimilarity": (L.CosineSimilarity, "one_hot"),
    "Hinge": (L.Hinge, "one_hot"),
    "SquaredHinge": (L.SquaredHinge, "one_hot"),
    "CategoricalHinge": (L.CategoricalHinge, "one_hot"),
    "Dice": (L.Dice, "one_hot"),
    "Tversky": (L.Tversky, "one_hot"),
    "Circle": (L.Circle, "sparse"),
    "by_name_sparse_crossentropy": (lambda: "sparse_categorical_crossentropy", "sparse"),
    "by_name_categorical_crossentropy": (lambda: "categorical_crossentropy", "one_hot"),
    "by_name_mse": (lambda: "mse", "one_hot"),
}


def test_every_builtin_loss_trains_compiled() -> None:
    losses = {name: make() for name, (make, _) in LOSSES.items()}
    logs = _fit_compiled(losses, {}, {name: kind for name, (_, kind) in LOSSES.items()})
    for name in LOSSES:
        assert np.isfinite(logs[f"{name}_loss"]), name


def test_ctc_trains_compiled() -> None:
    logs = _fit_compiled({"ctc": L.CTC()}, {}, {"ctc": "sequence_labels"}, sequence=True)
    assert np.isfinite(logs["loss"])


def test_every_builtin_loss_class_is_covered() -> None:
    """A new built-in loss must be added above, so it is checked compiled too."""
    bases = {"Loss", "LossFunctionWrapper", "BuiltinLoss", "CTC"}  # CTC: its own test above
    builtin = {
        name
        for name, value in vars(L).items()
        if isinstance(value, type) and issubclass(value, L.Loss) and name not in bases
    }
    assert builtin <= set(LOSSES), sorted(builtin - set(LOSSES))


ONE_HOT_METRICS: dict[str, Callable[[], M.Metric]] = {
    "AUC": M.AUC,
    "AUC_multi_label": lambda: M.AUC(multi_label=True, num_thresholds=20),
    "Accuracy": M.Accuracy,
    "BinaryAccuracy": M.BinaryAccuracy,
    "BinaryCrossentropy": M.BinaryCrossentropy,
    "BinaryIoU": M.BinaryIoU,
    "CategoricalAccuracy": M.CategoricalAccuracy,
    "CategoricalCrossentropy": M.CategoricalCrossentropy,
    "CategoricalHinge": M.CategoricalHinge,
    "ConcordanceCorrelation": M.ConcordanceCorrelation,
    "CosineSimilarity": M.CosineSimilarity,
    "F1Score": M.F1Score,
    "FBetaScore": lambda: M.FBetaScore(average="macro", beta=2.0, threshold=0.4),
    "FalseNegatives": M.FalseNegatives,
    "FalsePositives": M.FalsePositives,
    "Hinge": M.Hinge,
    "KLDivergence": M.KLDivergence,
    "LogCoshError": M.LogCoshError,
    "MeanAbsoluteError": M.MeanAbsoluteError,
    "MeanAbsolutePercentageError": M.MeanAbsolutePercentageError,
    "MeanSquaredError": M.MeanSquaredError,
    "MeanSquaredLogarithmicError": M.MeanSquaredLogarithmicError,
    "OneHotIoU": lambda: M.OneHotIoU(num_classes=CLASSES, target_class_ids=[0, 2]),
    "OneHotMeanIoU": lambda: M.OneHotMeanIoU(num_classes=CLASSES),
    "PearsonCorrelation": M.PearsonCorrelation,
    "Poisson": M.Poisson,
    "Precision": M.Precision,
    "Precision_top_k": lambda: M.Precision(top_k=2),
    "PrecisionAtRecall": lambda: M.PrecisionAtRecall(0.5, num_thresholds=20),
    "R2Score": M.R2Score,
    "R2Score_adjusted": lambda: M.R2Score(num_regressors=1),
    "Recall": lambda: M.Recall(thresholds=[0.3, 0.6]),
    "RecallAtPrecision": lambda: M.RecallAtPrecision(0.5, num_thresholds=20),
    "RootMeanSquaredError": M.RootMeanSquaredError,
    "SensitivityAtSpecificity": lambda: M.SensitivityAtSpecificity(0.5, num_thresholds=20),
    "SpecificityAtSensitivity": lambda: M.SpecificityAtSensitivity(0.5, num_thresholds=20),
    "SquaredHinge": M.SquaredHinge,
    "TopKCategoricalAccuracy": lambda: M.TopKCategoricalAccuracy(k=2),
    "TrueNegatives": M.TrueNegatives,
    "TruePositives": M.TruePositives,
}
SPARSE_METRICS: dict[str, Callable[[], M.Metric]] = {
    "IoU": lambda: M.IoU(num_classes=CLASSES, target_class_ids=[1], sparse_y_pred=False),
    "MeanIoU": lambda: M.MeanIoU(num_classes=CLASSES, sparse_y_pred=False),
    "SparseCategoricalAccuracy": M.SparseCategoricalAccuracy,
    "SparseCategoricalCrossentropy": M.SparseCategoricalCrossentropy,
    "SparseTopKCategoricalAccuracy": lambda: M.SparseTopKCategoricalAccuracy(k=2),
}


def test_every_builtin_metric_class_is_covered() -> None:
    """A new built-in metric must be added above, so it is checked compiled too."""
    bases = {"Metric", "Mean", "Sum", "MeanMetricWrapper", "BuiltinMeanMetric"}
    builtin = {
        name
        for name, value in vars(M).items()
        if isinstance(value, type) and issubclass(value, M.Metric) and name not in bases
    }
    covered = {name.split("_")[0] for name in (*ONE_HOT_METRICS, *SPARSE_METRICS)}
    assert builtin <= covered, sorted(builtin - covered)


def test_every_builtin_metric_updates_compiled() -> None:
    """All metrics in one compiled step: a head with one-hot targets, one with labels."""
    one_hot = [make() for make in ONE_HOT_METRICS.values()]
    one_hot += [M.MeanMetricWrapper(L.mean_absolute_error, name="wrapped_mae"), "mae", "acc"]
    sparse = [make() for make in SPARSE_METRICS.values()] + ["acc"]
    logs = _fit_compiled(
        {"one_hot": "categorical_crossentropy", "sparse": "sparse_categorical_crossentropy"},
        {"one_hot": one_hot, "sparse": sparse},
        {"one_hot": "one_hot", "sparse": "sparse"},
    )
    metric_logs = [name for name in logs if not name.endswith("loss")]
    assert len(metric_logs) == len(one_hot) + len(sparse), sorted(logs)
