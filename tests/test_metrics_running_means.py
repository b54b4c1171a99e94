"""The running-mean metrics added with the loss families, their names, configs and compile.

Expected values are worked out in each test from the formula; float32
results are compared with ``rtol=1e-6``.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

EPSILON = 1e-7


def value(x) -> np.ndarray:
    return np.asarray(K.convert_to_numpy(x))


def test_mean_absolute_percentage_error_metric_weighs_samples():
    metric = metrics.MeanAbsolutePercentageError()
    # Per sample: 100 * |2 - 1| / 2 = 50 and 100 * |4 - 5| / 4 = 25.
    metric.update_state([[2.0], [4.0]], [[1.0], [5.0]], sample_weight=[1.0, 3.0])
    np.testing.assert_allclose(value(metric.result()), (50 + 3 * 25) / 4, rtol=1e-6)
    metric.update_state([[10.0]], [[10.0]])
    np.testing.assert_allclose(value(metric.result()), (50 + 75 + 0) / 5, rtol=1e-6)


def test_mean_squared_logarithmic_error_metric():
    metric = metrics.MeanSquaredLogarithmicError()
    e = math.e
    metric.update_state([[e - 1.0], [1.0]], [[e * e - 1.0], [1.0]])
    np.testing.assert_allclose(value(metric.result()), 0.5, rtol=1e-6)


def test_cosine_similarity_metric_is_the_plain_cosine():
    metric = metrics.CosineSimilarity()
    # Orthogonal (0) then aligned (1), the second weighted 3.
    metric.update_state([[1.0, 0.0], [1.0, 1.0]], [[0.0, 3.0], [2.0, 2.0]], sample_weight=[1, 3])
    np.testing.assert_allclose(value(metric.result()), 0.75, rtol=1e-6)


def test_cosine_similarity_metric_keeps_its_axis_in_the_config():
    metric = metrics.CosineSimilarity(axis=0)
    rebuilt = metrics.deserialize(json.loads(json.dumps(metrics.serialize(metric))))
    assert rebuilt.get_config() == {"name": "cosine_similarity", "dtype": "float32", "axis": 0}
    assert rebuilt._direction == "up"


def test_log_cosh_error_metric_is_named_logcosh():
    metric = metrics.LogCoshError()
    assert metric.name == "logcosh"
    metric.update_state([[0.0, 0.0]], [[1.0, -1.0]])
    np.testing.assert_allclose(value(metric.result()), math.log(math.cosh(1.0)), rtol=1e-6)


def test_poisson_metric():
    metric = metrics.Poisson()
    # 1 - 2 * log(1 + eps) and 3 - 0: a mean of 2 (to float32 precision).
    metric.update_state([[2.0, 0.0]], [[1.0, 3.0]])
    np.testing.assert_allclose(value(metric.result()), 2.0, rtol=1e-6)


def test_hinge_metrics():
    squared = metrics.SquaredHinge()
    squared.update_state([[1.0, -1.0]], [[0.3, 0.5]])  # margins 0.7 and 1.5
    np.testing.assert_allclose(value(squared.result()), (0.49 + 2.25) / 2, rtol=1e-6)
    categorical = metrics.CategoricalHinge()
    categorical.update_state([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]], [[0.5, 0.8, 0.1], [0.1, 2, 0.3]])
    np.testing.assert_allclose(value(categorical.result()), (0.7 + 0.0) / 2, rtol=1e-6)


def test_focal_and_correlation_functions_are_metric_functions():
    assert metrics.binary_focal_crossentropy is gk.losses.binary_focal_crossentropy
    result = metrics.pearson_correlation([[1.0, 2.0, 3.0]], [[3.0, 2.0, 1.0]])
    np.testing.assert_allclose(value(result), [-1.0], rtol=1e-6)
    wrapper = metrics.MeanMetricWrapper(metrics.concordance_correlation, name="ccc")
    rebuilt = metrics.deserialize(json.loads(json.dumps(metrics.serialize(wrapper))))
    assert rebuilt._fn is metrics.concordance_correlation


NEW_METRICS = {
    metrics.MeanAbsolutePercentageError: ("mean_absolute_percentage_error", "down"),
    metrics.MeanSquaredLogarithmicError: ("mean_squared_logarithmic_error", "down"),
    metrics.CosineSimilarity: ("cosine_similarity", "up"),
    metrics.LogCoshError: ("logcosh", "down"),
    metrics.Poisson: ("poisson", "down"),
    metrics.SquaredHinge: ("squared_hinge", "down"),
    metrics.CategoricalHinge: ("categorical_hinge", "down"),
    metrics.PearsonCorrelation: ("pearson_correlation", "up"),
    metrics.ConcordanceCorrelation: ("concordance_correlation", "up"),
    metrics.R2Score: ("r2_score", "up"),
    metrics.F1Score: ("f1_score", "up"),
    metrics.FBetaScore: ("fbeta_score", "up"),
}


@pytest.mark.parametrize("cls", list(NEW_METRICS), ids=lambda cls: cls.__name__)
def test_default_names_and_directions_follow_keras(cls):
    name, direction = NEW_METRICS[cls]
    metric = cls()
    assert metric.name == name
    assert metric._direction == direction
    rebuilt = metrics.deserialize(json.loads(json.dumps(metrics.serialize(metric))))
    assert type(rebuilt) is cls
    assert rebuilt.get_config() == metric.get_config()


@pytest.mark.parametrize(
    "name, cls",
    [
        ("mape", metrics.MeanAbsolutePercentageError),
        ("MAPE", metrics.MeanAbsolutePercentageError),
        ("msle", metrics.MeanSquaredLogarithmicError),
        ("MSLE", metrics.MeanSquaredLogarithmicError),
        ("bce", metrics.BinaryCrossentropy),
        ("r2_score", metrics.R2Score),
        ("f1_score", metrics.F1Score),
        ("f_beta_score", metrics.FBetaScore),
        ("log_cosh_error", metrics.LogCoshError),
        ("cosine_similarity", metrics.CosineSimilarity),
        ("poisson", metrics.Poisson),
        ("squared_hinge", metrics.SquaredHinge),
        ("categorical_hinge", metrics.CategoricalHinge),
        ("pearson_correlation", metrics.PearsonCorrelation),
        ("concordance_correlation", metrics.ConcordanceCorrelation),
        ("binary_io_u", metrics.BinaryIoU),
    ],
)
def test_names_resolve_as_in_keras(name, cls):
    assert type(metrics.get(name)) is cls


@pytest.mark.parametrize(
    "name", ["mean_io_u", "io_u", "sensitivity_at_specificity", "precision_at_recall"]
)
def test_names_of_metrics_with_required_arguments_resolve_to_the_class(name):
    # As in Keras, the name gives the class; building it needs its arguments.
    with pytest.raises(TypeError):
        metrics.get(name)


def test_compile_takes_the_new_metrics_by_name():
    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(3,))
    model = gk.Model(inputs, gk.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse", metrics=["r2_score", "mape"])
    x = np.random.default_rng(1).uniform(1.0, 2.0, size=(16, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    prediction = np.asarray(model.predict(x, verbose=0)).astype("float64")
    r2 = 1 - np.sum((y - prediction) ** 2) / np.sum((y - y.mean()) ** 2)
    mape = 100 * np.mean(np.abs((y - prediction) / y))
    values = sorted(v for k, v in results.items() if k != "loss")
    assert results["r2_score"] == pytest.approx(r2, rel=1e-4, abs=1e-5)
    assert pytest.approx(sorted([r2, mape]), rel=1e-4, abs=1e-5) == values
