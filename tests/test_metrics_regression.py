"""Tests for the regression metrics: mean squared, mean absolute and root mean squared error."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def value(x) -> float:
    return float(K.convert_to_numpy(x))


Y_TRUE = [[0, 1], [0, 0]]
Y_PRED = [[1, 1], [0, 0]]


def test_error_functions_average_the_last_axis():
    y_true, y_pred = [[0.0, 1.0], [2.0, 2.0]], [[1.0, 1.0], [0.0, 0.0]]
    squared = metrics.mean_squared_error(y_true, y_pred)
    absolute = metrics.mean_absolute_error(y_true, y_pred)
    np.testing.assert_allclose(K.convert_to_numpy(squared), [0.5, 4.0])
    np.testing.assert_allclose(K.convert_to_numpy(absolute), [0.5, 2.0])


def test_error_functions_give_floats_for_integer_inputs():
    assert K.dtype(metrics.mean_squared_error([1, 2], [1, 4])) == "float32"


def test_error_functions_match_a_trailing_axis_of_one():
    # (batch, 1) targets against (batch,) predictions: one error per sample, not a matrix
    result = metrics.mean_absolute_error([[1.0], [2.0]], [0.0, 0.0])
    assert K.int_shape(result) == (2,)
    np.testing.assert_allclose(K.convert_to_numpy(result), [1.0, 2.0])


def test_mean_squared_error_metric():
    metric = metrics.MeanSquaredError()
    metric.update_state(Y_TRUE, Y_PRED)
    result = metric.result()
    assert K.int_shape(result) == () and K.dtype(result) == "float32"
    assert value(result) == 0.25
    metric.reset_state()
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 0])
    assert value(metric.result()) == 0.5


def test_mean_absolute_error_metric():
    metric = metrics.MeanAbsoluteError()
    metric.update_state([[0.0, 3.0]], [[1.0, 1.0]])
    assert value(metric.result()) == 1.5
    metric.update_state([[0.0, 0.0]], [[0.0, 0.0]], sample_weight=[2.0])
    assert value(metric.result()) == pytest.approx(1.5 / 3)


def test_root_mean_squared_error_is_the_root_of_the_running_mean():
    metric = metrics.RootMeanSquaredError()
    metric.update_state(Y_TRUE, Y_PRED)
    assert value(metric.result()) == 0.5
    metric.reset_state()
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=[1, 0])
    assert value(metric.result()) == pytest.approx(math.sqrt(0.5))


def test_root_mean_squared_error_does_not_depend_on_batching():
    batched = metrics.RootMeanSquaredError()
    batched.update_state([0.0], [3.0])
    batched.update_state([0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    # sqrt((9 + 1 + 1 + 1) / 4), not the mean of per-batch roots
    assert value(batched.result()) == pytest.approx(math.sqrt(3.0))


@pytest.mark.parametrize(
    "cls", [metrics.MeanSquaredError, metrics.MeanAbsoluteError, metrics.RootMeanSquaredError]
)
def test_regression_metrics_over_batches_equal_one_batch(cls):
    rng = np.random.default_rng(0)
    y_true = rng.normal(size=(11, 3)).astype("float32")
    y_pred = rng.normal(size=(11, 3)).astype("float32")
    weights = rng.random(11).astype("float32")
    whole, batched = cls(), cls()
    whole.update_state(y_true, y_pred, sample_weight=weights)
    for start, stop in [(0, 4), (4, 5), (5, 11)]:
        batched.update_state(y_true[start:stop], y_pred[start:stop], weights[start:stop])
    assert value(batched.result()) == pytest.approx(value(whole.result()), rel=1e-5)


def test_mean_squared_error_against_numpy():
    rng = np.random.default_rng(1)
    y_true = rng.normal(size=(6, 4))
    y_pred = rng.normal(size=(6, 4))
    weights = rng.random(6)
    metric = metrics.MeanSquaredError(dtype="float64")
    metric.update_state(y_true, y_pred, sample_weight=weights)
    expected = np.sum(np.mean((y_true - y_pred) ** 2, axis=-1) * weights) / np.sum(weights)
    assert value(metric.result()) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "cls, name",
    [
        (metrics.MeanSquaredError, "mean_squared_error"),
        (metrics.MeanAbsoluteError, "mean_absolute_error"),
        (metrics.RootMeanSquaredError, "root_mean_squared_error"),
    ],
)
def test_regression_metrics_names_direction_and_configs(cls, name):
    metric = cls()
    assert metric.name == name
    assert metric._direction == "down"
    assert metric.get_config() == {"name": name, "dtype": "float32"}
    assert cls.from_config({"name": "e", "dtype": "float64"}).dtype == "float64"
