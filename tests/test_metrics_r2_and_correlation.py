"""R2Score and the correlation metrics: values worked out by hand, batching, errors.

Float32 results are compared with ``rtol=1e-6`` (``1e-5`` where a sum of
squares is subtracted from another).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from graphkeras import backend as K
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

# Column 0: residuals 0, 0, 0, 1 (SS_res 1) around a mean of 2.5 (SS_tot 5): R2 = 0.8.
# Column 1: residuals 1, 0, 0, 0 (SS_res 1) around a mean of 1 (SS_tot 4): R2 = 0.75.
Y_TRUE = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 2.0], [4.0, 2.0]])
Y_PRED = np.array([[1.0, 1.0], [2.0, 0.0], [3.0, 2.0], [5.0, 2.0]])


def value(x) -> np.ndarray:
    return np.asarray(K.convert_to_numpy(x))


@pytest.mark.parametrize(
    "aggregation, expected",
    [
        ("uniform_average", (0.8 + 0.75) / 2),
        ("variance_weighted_average", (5 * 0.8 + 4 * 0.75) / 9),
        (None, [0.8, 0.75]),
    ],
)
def test_r2_score_per_column_and_aggregated(aggregation, expected):
    metric = metrics.R2Score(class_aggregation=aggregation)
    metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(value(metric.result()), expected, rtol=1e-5)


def test_r2_score_over_batches_equals_r2_over_all_data():
    metric = metrics.R2Score()
    metric.update_state(Y_TRUE[:1], Y_PRED[:1])
    metric.update_state(Y_TRUE[1:], Y_PRED[1:])
    np.testing.assert_allclose(value(metric.result()), 0.775, rtol=1e-5)


def test_r2_score_weights_samples():
    # Weight 0 drops the last sample of column 0: perfect predictions of [1, 2, 3].
    metric = metrics.R2Score(class_aggregation=None)
    metric.update_state(Y_TRUE[:, :1], Y_PRED[:, :1], sample_weight=[1.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(value(metric.result()), [1.0], rtol=1e-6)


def test_adjusted_r2_score():
    # 1 - (1 - 0.8) * (4 - 1) / (4 - 1 - 1)
    metric = metrics.R2Score(num_regressors=1)
    metric.update_state(Y_TRUE[:, :1], Y_PRED[:, :1])
    np.testing.assert_allclose(value(metric.result()), 0.7, rtol=1e-5)


def test_adjusted_r2_score_falls_back_with_a_warning_when_samples_are_too_few():
    metric = metrics.R2Score(num_regressors=3)
    metric.update_state(Y_TRUE[:, :1], Y_PRED[:, :1])
    with pytest.warns(UserWarning, match="divides by zero"):
        np.testing.assert_allclose(value(metric.result()), 0.8, rtol=1e-5)
    metric = metrics.R2Score(num_regressors=9)
    metric.update_state(Y_TRUE[:, :1], Y_PRED[:, :1])
    with pytest.warns(UserWarning, match="more independent predictors"):
        np.testing.assert_allclose(value(metric.result()), 0.8, rtol=1e-5)


def test_r2_score_of_constant_targets_is_zero_or_nan_as_in_keras():
    metric = metrics.R2Score(class_aggregation=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and without a division warning
        metric.update_state([[1.0, 1.0], [1.0, 1.0]], [[1.0, 2.0], [1.0, 0.0]])
        result = value(metric.result())
    assert math.isnan(result[0]) and result[1] == 0.0


def test_r2_score_before_any_update_and_after_reset_is_zero():
    metric = metrics.R2Score()
    assert value(metric.result()) == 0.0
    metric.update_state(Y_TRUE, Y_PRED)
    metric.reset_state()
    metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(value(metric.result()), 0.775, rtol=1e-5)


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"class_aggregation": "mean"}, "R2Score: invalid class_aggregation"),
        ({"num_regressors": -1}, "R2Score: num_regressors must be >= 0"),
        ({"num_regressors": 1.5}, "R2Score: num_regressors must be an integer"),
    ],
)
def test_r2_score_refuses_bad_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        metrics.R2Score(**arguments)


def test_r2_score_needs_two_dimensional_inputs():
    with pytest.raises(ValueError, match=r"R2Score expects 2D inputs.*\(2, 2, 1\)"):
        metrics.R2Score().update_state(np.zeros((2, 2, 1)), np.zeros((2, 2, 1)))


@settings(max_examples=15, deadline=None)
@given(
    hnp.arrays("float64", (6, 2), elements=st.floats(-10, 10)),
    hnp.arrays("float64", (6, 2), elements=st.floats(-10, 10)),
    st.integers(1, 5),
)
def test_r2_score_does_not_depend_on_batching(y_true, y_pred, split):
    y_true = y_true + np.arange(6.0)[:, None]  # never constant
    whole, batched = metrics.R2Score(dtype="float64"), metrics.R2Score(dtype="float64")
    whole.update_state(y_true, y_pred)
    batched.update_state(y_true[:split], y_pred[:split])
    batched.update_state(y_true[split:], y_pred[split:])
    np.testing.assert_allclose(value(batched.result()), value(whole.result()), rtol=1e-9)


def test_pearson_correlation_by_hand():
    # Targets centred: [-1, 0, 1]; predictions [2, 4, 7] centred: [-7/3, -1/3, 8/3].
    covariance = (7 / 3 + 8 / 3) / 3
    deviation_true = math.sqrt(2 / 3)
    deviation_pred = math.sqrt((49 + 1 + 64) / 27)
    metric = metrics.PearsonCorrelation()
    metric.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])
    expected = covariance / (deviation_true * deviation_pred)
    np.testing.assert_allclose(value(metric.result()), expected, rtol=1e-6)


def test_concordance_correlation_penalises_scale_and_offset():
    # 2 cov / (var_t + var_p + (mean_t - mean_p)^2) = 2 * 4/3 / (2/3 + 8/3 + 4) = 4/11.
    metric = metrics.ConcordanceCorrelation()
    metric.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])
    np.testing.assert_allclose(value(metric.result()), 4 / 11, rtol=1e-6)
    identical = metrics.ConcordanceCorrelation()
    identical.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(value(identical.result()), 1.0, rtol=1e-6)


def test_correlations_along_the_batch_axis_average_the_columns():
    # Column 0 rises with its targets (r = 1), column 1 falls (r = -1).
    metric = metrics.PearsonCorrelation(axis=0)
    metric.update_state([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]], [[1.0, 3.0], [2.0, 2.0], [4.0, 1.0]])
    r_first = np.corrcoef([1, 2, 3], [1, 2, 4])[0, 1]
    np.testing.assert_allclose(value(metric.result()), (r_first - 1.0) / 2, rtol=1e-6, atol=1e-7)
    assert metric.get_config() == {"name": "pearson_correlation", "dtype": "float32", "axis": 0}
