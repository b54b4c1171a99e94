"""Loss-valued metrics: cross-entropies, KL divergence and hinge as running means."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def value(metric) -> float:
    return float(gk.backend.convert_to_numpy(metric.result()))


def test_binary_crossentropy_is_the_mean_over_batches():
    metric = metrics.BinaryCrossentropy()
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]], "float32")
    y_pred = np.array([[0.9], [0.2], [0.6], [0.4]], "float32")
    metric.update_state(y_true[:2], y_pred[:2])
    metric.update_state(y_true[2:], y_pred[2:])
    expected = -np.mean(np.log([0.9, 0.8, 0.6, 0.6]))
    assert value(metric) == pytest.approx(expected, rel=1e-5)


def test_sparse_categorical_crossentropy_from_logits():
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]], "float32")
    labels = np.array([0, 2])
    metric = metrics.SparseCategoricalCrossentropy(from_logits=True)
    metric.update_state(labels, logits)
    log_softmax = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    assert value(metric) == pytest.approx(-np.mean(log_softmax[[0, 1], labels]), rel=1e-5)


def test_categorical_crossentropy_kl_and_hinge_values():
    y_true = np.array([[0.0, 1.0], [1.0, 0.0]], "float32")
    y_pred = np.array([[0.25, 0.75], [0.5, 0.5]], "float32")
    cce = metrics.CategoricalCrossentropy()
    cce.update_state(y_true, y_pred)
    assert value(cce) == pytest.approx(-np.mean(np.log([0.75, 0.5])), rel=1e-5)
    soft = np.array([[0.4, 0.6]], "float32")
    kl = metrics.KLDivergence()
    kl.update_state(soft, np.array([[0.5, 0.5]], "float32"))
    assert value(kl) == pytest.approx(np.sum(soft * np.log(soft / 0.5)), rel=1e-4)
    hinge = metrics.Hinge()
    hinge.update_state(np.array([[1.0, -1.0]], "float32"), np.array([[0.3, 0.2]], "float32"))
    assert value(hinge) == pytest.approx(np.mean([0.7, 1.2]), rel=1e-5)


@pytest.mark.parametrize(
    "name",
    [
        "binary_crossentropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "kl_divergence",
        "kld",
        "hinge",
        "BinaryCrossentropy",
    ],
)
def test_names_resolve_to_metric_objects(name):
    assert isinstance(metrics.get(name), metrics.Metric)


def test_config_round_trip_keeps_the_options():
    metric = metrics.BinaryCrossentropy(name="bce", from_logits=True, label_smoothing=0.1)
    rebuilt = metrics.deserialize(metrics.serialize(metric))
    assert rebuilt.get_config() == metric.get_config()
    assert rebuilt.get_config()["from_logits"] is True


def test_compile_accepts_a_crossentropy_metric():
    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(3,))
    model = gk.Model(inputs, gk.layers.Dense(1, activation="sigmoid")(inputs))
    model.compile(optimizer="sgd", loss="mse", metrics=["binary_crossentropy"])
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    p = np.clip(model.predict(x), 1e-7, 1 - 1e-7)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert results["binary_crossentropy"] == pytest.approx(expected, rel=1e-4)
