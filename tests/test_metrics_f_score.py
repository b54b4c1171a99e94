"""F1Score and FBetaScore: counts and scores worked out by hand, averages, errors.

Results include Keras's epsilons (1e-7) in the denominators, so the
comparisons use ``rtol=1e-5``.
"""

from __future__ import annotations

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

# Predicted positive above 0.5: [[1, 0], [1, 1], [0, 0]].
# Class 0: TP 1 (row 0), FP 1 (row 1), FN 1 (row 2): precision 1/2, recall 1/2, F1 1/2.
# Class 1: TP 1 (row 1), no errors: F1 1. Support: 2 and 1 true instances.
Y_TRUE = np.array([[1, 0], [0, 1], [1, 0]])
Y_PRED = np.array([[0.9, 0.2], [0.6, 0.7], [0.3, 0.1]])


def value(x) -> np.ndarray:
    return np.asarray(K.convert_to_numpy(x))


@pytest.mark.parametrize(
    "average, expected",
    [
        (None, [0.5, 1.0]),
        ("macro", 0.75),
        ("weighted", (2 * 0.5 + 1 * 1.0) / 3),
        ("micro", 2 / 3),  # pooled: TP 2, FP 1, FN 1
    ],
)
def test_f1_score_averages(average, expected):
    metric = metrics.F1Score(average=average, threshold=0.5)
    metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(value(metric.result()), expected, rtol=1e-5)


def test_without_threshold_each_rows_best_score_is_the_prediction():
    # Row maxima: class 0, class 1, class 0: class 0 TP 2 FP 0 FN 0, class 1 TP 1.
    metric = metrics.F1Score()
    metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(value(metric.result()), [1.0, 1.0], rtol=1e-5)


def test_a_row_of_zeros_predicts_nothing():
    metric = metrics.F1Score(average="micro")
    metric.update_state([[1, 0]], [[0.0, 0.0]])
    np.testing.assert_allclose(value(metric.result()), 0.0, atol=1e-6)


def test_f_beta_weighs_recall_beta_times_as_much_as_precision():
    # One-positive rows [[1, 0], [0, 1]] predicted [[1, 0], [1, 1]]: class 0 has precision 1/2
    # and recall 1: F2 = 5 * 0.5 * 1 / (4 * 0.5 + 1) = 5/6; F0.5 = 1.25 * 0.5 / 1.125 = 5/9.
    y_true, y_pred = [[1, 0], [0, 1]], [[0.9, 0.2], [0.6, 0.7]]
    recall_heavy = metrics.FBetaScore(beta=2.0, threshold=0.5)
    recall_heavy.update_state(y_true, y_pred)
    np.testing.assert_allclose(value(recall_heavy.result()), [5 / 6, 1.0], rtol=1e-5)
    precision_heavy = metrics.FBetaScore(beta=0.5, threshold=0.5)
    precision_heavy.update_state(y_true, y_pred)
    np.testing.assert_allclose(value(precision_heavy.result()), [5 / 9, 1.0], rtol=1e-5)


def test_sample_weights_weigh_rows():
    # Weight 0 on row 1 removes class 0's false positive and class 1's true positive.
    metric = metrics.F1Score(threshold=0.5)
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=[1.0, 0.0, 1.0])
    # Class 0: TP 1, FN 1: F1 = 2/3; class 1: nothing at all: 0.
    np.testing.assert_allclose(value(metric.result()), [2 / 3, 0.0], rtol=1e-5, atol=1e-6)


def test_batches_accumulate():
    metric = metrics.F1Score(average="macro", threshold=0.5)
    metric.update_state(Y_TRUE[:1], Y_PRED[:1])
    metric.update_state(Y_TRUE[1:], Y_PRED[1:])
    np.testing.assert_allclose(value(metric.result()), 0.75, rtol=1e-5)


def test_configs_follow_keras():
    assert metrics.F1Score(average="macro", threshold=0.4).get_config() == {
        "name": "f1_score",
        "dtype": "float32",
        "average": "macro",
        "threshold": 0.4,
    }
    assert metrics.FBetaScore(beta=2).get_config() == {
        "name": "fbeta_score",
        "dtype": "float32",
        "average": None,
        "beta": 2.0,
        "threshold": None,
    }


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"average": "mean"}, "FBetaScore: average must be one of"),
        ({"beta": 0.0}, r"FBetaScore: beta must be a number > 0; received beta=0.0"),
        ({"beta": "2"}, "FBetaScore: beta must be a number"),
        ({"threshold": 0.0}, "FBetaScore: threshold must be None or a number"),
        ({"threshold": 1.5}, "FBetaScore: threshold must be None or a number"),
    ],
)
def test_bad_arguments_are_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        metrics.FBetaScore(**arguments)


def test_inputs_must_be_two_dimensional():
    with pytest.raises(ValueError, match=r"F1Score expects 2D inputs.*\(3,\)"):
        metrics.F1Score().update_state([1, 0, 1], [0.2, 0.4, 0.9])
