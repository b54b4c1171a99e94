"""Tests for Precision, Recall and the confusion-matrix counters: thresholds, top_k, class_id."""

from __future__ import annotations

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def value(x) -> float:
    return float(K.convert_to_numpy(x))


def values(x) -> list:
    return K.convert_to_numpy(x).tolist()


# labels and scores: tp at 0.5 = samples 2, 3; fp = sample 0; fn = sample 1
Y_TRUE = [0, 1, 1, 1]
Y_PRED = [1, 0, 1, 1]


# ------------------------------------------------------------ the counters


@pytest.mark.parametrize(
    "cls, y_true, y_pred",
    [
        (metrics.TruePositives, [0, 1, 1, 1], [1, 0, 1, 1]),
        (metrics.FalsePositives, [0, 1, 0, 0], [0, 0, 1, 1]),
        (metrics.TrueNegatives, [0, 1, 0, 0], [1, 1, 0, 0]),
        (metrics.FalseNegatives, [0, 1, 1, 1], [0, 1, 0, 0]),
    ],
)
def test_each_counter_counts_its_outcome_with_weights(cls, y_true, y_pred):
    metric = cls()
    metric.update_state(y_true, y_pred)
    result = metric.result()
    assert K.int_shape(result) == () and K.dtype(result) == "float32"
    assert value(result) == 2.0
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
    assert value(metric.result()) == 1.0


def test_counters_with_several_thresholds_give_one_count_each():
    metric = metrics.TruePositives(thresholds=[0.15, 0.5, 0.85])
    metric.update_state([1, 1, 1, 0], [0.1, 0.6, 0.9, 0.95])
    assert values(metric.result()) == [2.0, 2.0, 1.0]
    assert metric.get_config()["thresholds"] == [0.15, 0.5, 0.85]


def test_a_prediction_equal_to_the_threshold_is_negative():
    metric = metrics.FalseNegatives(thresholds=0.5)
    metric.update_state([1, 1], [0.5, 0.50001])
    assert value(metric.result()) == 1.0


# --------------------------------------------------------------- Precision


def test_precision_is_tp_over_predicted_positives():
    metric = metrics.Precision()
    metric.update_state(Y_TRUE, Y_PRED)
    result = metric.result()
    assert K.int_shape(result) == () and K.dtype(result) == "float32"
    assert value(result) == pytest.approx(2 / 3)
    metric.reset_state()
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=[0, 0, 1, 0])
    assert value(metric.result()) == 1.0


def test_precision_with_nothing_predicted_positive_is_zero():
    metric = metrics.Precision()
    metric.update_state([1, 1], [0.1, 0.2])
    assert value(metric.result()) == 0.0


def test_precision_with_several_thresholds():
    metric = metrics.Precision(thresholds=[0.25, 0.75])
    metric.update_state([0, 1, 1, 0], [0.3, 0.5, 0.8, 0.9])
    # at 0.25: 4 predicted, 2 right; at 0.75: samples 2, 3 predicted, 1 right
    assert values(metric.result()) == [0.5, 0.5]
    metric.update_state([1], [0.95])
    assert values(metric.result()) == pytest.approx([0.6, 2 / 3])


def test_precision_with_evenly_spread_thresholds():
    metric = metrics.Precision(thresholds=[0.0, 0.5, 1.0])
    metric.update_state([0, 1, 1, 0, 1], [0.0, 0.5, 0.7, 1.0, 1.0])
    # positive above each threshold: 0.0 never, 0.5 only above 0, 1.0 at all but the last
    assert values(metric.result()) == pytest.approx([3 / 4, 2 / 3, 0.0])


def test_precision_top_k_takes_the_first_of_tied_scores():
    metric = metrics.Precision(top_k=2)
    metric.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert value(metric.result()) == 0.0
    metric = metrics.Precision(top_k=4)
    metric.update_state([0, 0, 1, 1], [1, 1, 1, 1])
    assert value(metric.result()) == 0.5


def test_precision_top_k_on_rows():
    metric = metrics.Precision(top_k=2)
    metric.update_state(
        [[0, 0, 1, 1], [1, 0, 0, 0]],
        [[0.1, 0.4, 0.3, 0.2], [0.4, 0.3, 0.2, 0.1]],
    )
    # row 0 keeps classes 1, 2 (one right); row 1 keeps 0, 1 (one right)
    assert value(metric.result()) == 0.5


def test_precision_top_k_still_applies_the_threshold():
    metric = metrics.Precision(top_k=2, thresholds=0.35)
    metric.update_state(
        [[0, 0, 1, 1], [1, 0, 0, 0]],
        [[0.1, 0.4, 0.3, 0.2], [0.4, 0.3, 0.2, 0.1]],
    )
    # kept and above 0.35: row 0 class 1 (wrong), row 1 class 0 (right)
    assert value(metric.result()) == 0.5


def test_precision_class_id_scores_one_column():
    metric = metrics.Precision(class_id=2)
    metric.update_state(
        [[0, 0, 1], [0, 1, 0], [0, 0, 1], [1, 0, 0]],
        [[0.1, 0.2, 0.7], [0.1, 0.1, 0.8], [0.6, 0.1, 0.3], [0.2, 0.2, 0.6]],
    )
    # column 2 above 0.5: samples 0 (right), 1 and 3 (wrong)
    assert value(metric.result()) == pytest.approx(1 / 3)


def test_precision_top_k_with_class_id():
    metric = metrics.Precision(top_k=1, class_id=2)
    metric.update_state(
        [[0, 0, 1], [0, 1, 0], [0, 0, 1]],
        [[0.1, 0.2, 0.7], [0.1, 0.5, 0.4], [0.5, 0.1, 0.4]],
    )
    # class 2 is the top prediction only in sample 0, where it is right
    assert value(metric.result()) == 1.0


def test_precision_class_id_needs_a_class_axis():
    metric = metrics.Precision(class_id=1)
    with pytest.raises(ValueError, match="class_id"):
        metric.update_state([0, 1], [0.3, 0.6])


def test_precision_row_weights_weigh_every_class_of_the_row():
    metric = metrics.Precision()
    metric.update_state([[1, 0], [0, 1]], [[0.9, 0.8], [0.7, 0.6]], sample_weight=[3.0, 1.0])
    # row 0: one tp, one fp, weight 3; row 1: one fp, one tp, weight 1
    assert value(metric.result()) == 0.5
    metric.reset_state()
    metric.update_state([[1, 0], [0, 1]], [[0.9, 0.8], [0.7, 0.2]], sample_weight=[3.0, 1.0])
    assert value(metric.result()) == pytest.approx(3 / 7)


def test_precision_accepts_labels_with_a_trailing_axis_of_one():
    metric = metrics.Precision()
    metric.update_state([[0], [1], [1], [1]], Y_PRED)
    assert value(metric.result()) == pytest.approx(2 / 3)


def test_precision_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        metrics.Precision().update_state([[0, 1, 1]], [[0.1, 0.2]])


# ------------------------------------------------------------------ Recall


def test_recall_is_tp_over_actual_positives():
    metric = metrics.Recall()
    metric.update_state(Y_TRUE, Y_PRED)
    assert value(metric.result()) == pytest.approx(2 / 3)
    metric.reset_state()
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=[0, 0, 1, 0])
    assert value(metric.result()) == 1.0


def test_recall_with_several_thresholds():
    metric = metrics.Recall(thresholds=[0.25, 0.75])
    metric.update_state([0, 1, 1, 1], [0.3, 0.5, 0.8, 0.1])
    assert values(metric.result()) == pytest.approx([2 / 3, 1 / 3])


def test_recall_top_k_counts_labels_found_among_the_k_best():
    metric = metrics.Recall(top_k=1)
    metric.update_state([[0, 1, 1], [1, 0, 0]], [[0.1, 0.5, 0.4], [0.2, 0.7, 0.1]])
    # three positive labels; only row 0 class 1 is a top-1 prediction
    assert value(metric.result()) == pytest.approx(1 / 3)


def test_recall_class_id():
    metric = metrics.Recall(class_id=0)
    metric.update_state([[1, 0], [1, 0], [0, 1]], [[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    assert value(metric.result()) == 0.5


def test_recall_with_labels_that_are_not_zero_or_one_counts_non_zero_as_positive():
    metric = metrics.Recall()
    metric.update_state([2.0, 0.0, -1.0], [0.9, 0.9, 0.1])
    assert value(metric.result()) == 0.5


# ------------------------------------------------------ shared behaviours


@pytest.mark.parametrize(
    "make",
    [
        lambda: metrics.Precision(thresholds=[0.2, 0.5, 0.8]),
        lambda: metrics.Recall(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        lambda: metrics.Precision(top_k=2),
        lambda: metrics.Recall(class_id=1),
        lambda: metrics.TrueNegatives(thresholds=[0.3, 0.6]),
    ],
)
def test_results_over_batches_equal_results_over_all_data(make):
    rng = np.random.default_rng(7)
    y_true = rng.integers(0, 2, size=(13, 3))
    y_pred = rng.random((13, 3)).astype("float32")
    weights = rng.random(13).astype("float32")
    whole, batched = make(), make()
    whole.update_state(y_true, y_pred, sample_weight=weights)
    for start, stop in [(0, 6), (6, 7), (7, 13)]:
        batched.update_state(y_true[start:stop], y_pred[start:stop], weights[start:stop])
    np.testing.assert_allclose(
        K.convert_to_numpy(batched.result()), K.convert_to_numpy(whole.result()), rtol=1e-5
    )


def test_precision_and_recall_against_counts_in_numpy():
    rng = np.random.default_rng(11)
    y_true = rng.integers(0, 2, size=50)
    y_pred = rng.random(50).astype("float32")
    weights = rng.random(50)
    thresholds = [0.1, 0.45, 0.7]
    precision = metrics.Precision(thresholds=thresholds)
    recall = metrics.Recall(thresholds=thresholds)
    precision.update_state(y_true, y_pred, sample_weight=weights)
    recall.update_state(y_true, y_pred, sample_weight=weights)
    for index, threshold in enumerate(thresholds):
        predicted = y_pred > threshold
        tp = np.sum(weights * (predicted & (y_true == 1)))
        fp = np.sum(weights * (predicted & (y_true == 0)))
        fn = np.sum(weights * (~predicted & (y_true == 1)))
        assert values(precision.result())[index] == pytest.approx(tp / (tp + fp), rel=1e-5)
        assert values(recall.result())[index] == pytest.approx(tp / (tp + fn), rel=1e-5)


@pytest.mark.parametrize("thresholds", [1.5, [0.5, -0.1], [None], "high", []])
def test_thresholds_outside_zero_one_are_rejected(thresholds):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Precision(thresholds=thresholds)


def test_defaults_names_and_variables():
    precision, recall = metrics.Precision(), metrics.Recall()
    assert (precision.name, recall.name) == ("precision", "recall")
    assert metrics.Precision().name == "precision_1"
    assert precision.thresholds == [0.5]
    assert metrics.Precision(top_k=3).thresholds == [-1e10]
    assert [v.name for v in precision.variables] == ["true_positives", "false_positives"]
    assert [v.name for v in recall.variables] == ["true_positives", "false_negatives"]
    assert precision.false_positives is precision.variables[1]
    assert recall.false_negatives is recall.variables[1]
    assert metrics.TruePositives().name == "true_positives"
    assert precision._direction == "up"


def test_configs_round_trip():
    for metric in [
        metrics.Precision(thresholds=[0.2, 0.7], class_id=1, name="p"),
        metrics.Recall(top_k=2, thresholds=0.4),
        metrics.FalsePositives(thresholds=[0.1, 0.9], dtype="float64"),
    ]:
        config = metric.get_config()
        clone = type(metric).from_config(config)
        assert clone.get_config() == config
        assert clone.thresholds == metric.thresholds
    assert metrics.Precision().get_config() == {
        "name": "precision",
        "dtype": "float32",
        "thresholds": None,
        "top_k": None,
        "class_id": None,
    }
