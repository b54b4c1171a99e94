"""SensitivityAtSpecificity, SpecificityAtSensitivity, PrecisionAtRecall, RecallAtPrecision.

Worked out by hand with 3 thresholds (0, 0.5, 1); a score is positive when
strictly above a threshold.
"""

from __future__ import annotations

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

# Threshold 0: all but the score 0 positive: TP 2, FP 1, TN 1, FN 0.
# Threshold 0.5: 0.6 and 0.9 positive: TP 1, FP 1, TN 1, FN 1.
# Threshold 1: nothing positive: TP 0, FP 0, TN 2, FN 2.
Y_TRUE = [0, 0, 1, 1]
Y_PRED = [0.0, 0.6, 0.3, 0.9]
# Per threshold: sensitivity (= recall) [1, 1/2, 0], specificity [1/2, 1/2, 1],
# precision [2/3, 1/2, 0].


def result(cls, *arguments, **keywords) -> float:
    metric = cls(*arguments, num_thresholds=3, **keywords)
    metric.update_state(Y_TRUE, Y_PRED)
    return float(K.convert_to_numpy(metric.result()))


@pytest.mark.parametrize(
    "cls, constraint, expected",
    [
        (metrics.SensitivityAtSpecificity, 0.5, 1.0),  # specificity >= 1/2 everywhere
        (metrics.SensitivityAtSpecificity, 0.9, 0.0),  # only threshold 1
        (metrics.SpecificityAtSensitivity, 0.5, 0.5),  # thresholds 0 and 0.5
        (metrics.SpecificityAtSensitivity, 0.0, 1.0),
        (metrics.PrecisionAtRecall, 0.5, 2 / 3),
        (metrics.PrecisionAtRecall, 1.0, 2 / 3),
        (metrics.RecallAtPrecision, 0.6, 1.0),  # only threshold 0 reaches 2/3
        (metrics.RecallAtPrecision, 0.7, 0.0),  # none does
    ],
)
def test_best_rate_where_the_other_reaches_the_floor(cls, constraint, expected):
    assert result(cls, constraint) == pytest.approx(expected, rel=1e-6)


def test_sample_weights_and_batches():
    # Weight 0 on the false positive at 0.6: precision 1 at thresholds 0 and 0.5.
    metric = metrics.PrecisionAtRecall(0.5, num_thresholds=3)
    metric.update_state(Y_TRUE[:2], Y_PRED[:2], sample_weight=[1.0, 0.0])
    metric.update_state(Y_TRUE[2:], Y_PRED[2:])
    assert float(K.convert_to_numpy(metric.result())) == pytest.approx(1.0)


def test_class_id_scores_one_column():
    y_true = np.array([[1, 0], [0, 1], [0, 1]])
    y_pred = np.array([[0.1, 0.9], [0.2, 0.8], [0.7, 0.3]])
    metric = metrics.RecallAtPrecision(0.5, num_thresholds=3, class_id=1)
    metric.update_state(y_true, y_pred)
    # Column 1, threshold 0: TP 2, FP 1 (precision 2/3, recall 1).
    assert float(K.convert_to_numpy(metric.result())) == pytest.approx(1.0)


def test_a_single_threshold_is_one_half():
    metric = metrics.SensitivityAtSpecificity(0.0, num_thresholds=1)
    assert metric.thresholds == [0.5]
    metric.update_state(Y_TRUE, Y_PRED)
    assert float(K.convert_to_numpy(metric.result())) == pytest.approx(0.5)


def test_configs_follow_keras():
    metric = metrics.SpecificityAtSensitivity(0.8, num_thresholds=50, class_id=1)
    assert metric.get_config() == {
        "name": "specificity_at_sensitivity",
        "dtype": "float32",
        "class_id": 1,
        "num_thresholds": 50,
        "sensitivity": 0.8,
    }
    assert metric.sensitivity == 0.8
    rebuilt = metrics.deserialize(metrics.serialize(metric))
    assert type(rebuilt) is type(metric) and rebuilt.get_config() == metric.get_config()


@pytest.mark.parametrize(
    "cls, argument",
    [
        (metrics.SensitivityAtSpecificity, "specificity"),
        (metrics.SpecificityAtSensitivity, "sensitivity"),
        (metrics.PrecisionAtRecall, "recall"),
        (metrics.RecallAtPrecision, "precision"),
    ],
)
def test_the_floor_must_lie_in_zero_one(cls, argument):
    with pytest.raises(ValueError, match=rf"{cls.__name__}: {argument} must be a number in"):
        cls(1.5)


@pytest.mark.parametrize("num_thresholds", [0, -3, 2.5, True])
def test_num_thresholds_must_be_a_positive_integer(num_thresholds):
    with pytest.raises(ValueError, match="PrecisionAtRecall: num_thresholds must be an integer"):
        metrics.PrecisionAtRecall(0.5, num_thresholds=num_thresholds)
