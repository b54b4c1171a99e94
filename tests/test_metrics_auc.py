"""Tests for AUC: hand-computed areas, and ROC/PR areas against references written here."""

from __future__ import annotations

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def value(x) -> float:
    return float(K.convert_to_numpy(x))


# --------------------------------------------------------------- references


def exact_roc_auc(y_true, y_pred, weights=None) -> float:
    """The probability that a positive outscores a negative (ties count half)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred, dtype="float64")
    weights = np.ones(len(y_true)) if weights is None else np.asarray(weights, dtype="float64")
    positive, negative = y_true == 1, y_true == 0
    above = y_pred[positive][:, None] > y_pred[negative][None, :]
    tied = y_pred[positive][:, None] == y_pred[negative][None, :]
    pair_weights = weights[positive][:, None] * weights[negative][None, :]
    return float(np.sum(pair_weights * (above + 0.5 * tied)) / np.sum(pair_weights))


def grid_thresholds(num_thresholds: int) -> np.ndarray:
    """The thresholds AUC uses: just below 0, evenly inside, just above 1."""
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return np.array([-1e-7, *inner, 1 + 1e-7])


def counts_at(thresholds, y_true, y_pred, weights=None):
    """Weighted tp, fp, fn at each threshold, a prediction above it being positive."""
    y_true = np.asarray(y_true).astype(bool)
    y_pred = np.asarray(y_pred, dtype="float64")
    weights = np.ones(len(y_true)) if weights is None else np.asarray(weights, dtype="float64")
    tp, fp, fn = [], [], []
    for threshold in thresholds:
        predicted = y_pred > threshold
        tp.append(np.sum(weights * (predicted & y_true)))
        fp.append(np.sum(weights * (predicted & ~y_true)))
        fn.append(np.sum(weights * (~predicted & y_true)))
    return np.array(tp), np.array(fp), np.array(fn)


def trapezoid_roc_auc(thresholds, y_true, y_pred, weights=None) -> float:
    """Trapezoids under the ROC points at the given thresholds."""
    tp, fp, fn = counts_at(thresholds, y_true, y_pred, weights)
    tpr = tp / (tp + fn)
    fpr = fp / fp[0]
    return float(np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2))


def interpolated_pr_auc(thresholds, y_true, y_pred, weights=None, steps=2000) -> float:
    """Area under precision over recall, with tp and predicted positives linear
    between thresholds, integrated numerically (midpoint rule)."""
    tp, fp, fn = counts_at(thresholds, y_true, y_pred, weights)
    positives = tp[0] + fn[0]
    predicted = tp + fp
    area = 0.0
    s = (np.arange(steps) + 0.5) / steps
    for i in range(len(thresholds) - 1):
        if tp[i] == tp[i + 1]:
            continue  # recall does not move: no area
        tp_s = tp[i + 1] + s * (tp[i] - tp[i + 1])
        predicted_s = predicted[i + 1] + s * (predicted[i] - predicted[i + 1])
        precision = tp_s / predicted_s
        area += np.mean(precision) * (tp[i] - tp[i + 1]) / positives
    return float(area)


def well_separated(num_thresholds: int, labels: list[int]):
    """Predictions in distinct buckets between thresholds, one per label, shuffled."""
    rng = np.random.default_rng(len(labels))
    buckets = rng.choice(num_thresholds - 1, size=len(labels), replace=False)
    y_pred = ((buckets + 0.5) / (num_thresholds - 1)).astype("float32")
    return np.array(labels), y_pred


# ----------------------------------------------------------- hand examples


def test_roc_auc_of_a_small_example_by_hand():
    # thresholds [-eps, 0.5, 1 + eps]: tp [2, 1, 0], fp [2, 0, 0], fn [0, 1, 2], tn [0, 2, 2]
    # tpr [1, 0.5, 0], fpr [1, 0, 0]: area (1 + 0.5) / 2 * 1 = 0.75
    metric = metrics.AUC(num_thresholds=3)
    metric.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    result = metric.result()
    assert K.int_shape(result) == () and K.dtype(result) == "float32"
    assert value(result) == 0.75
    np.testing.assert_array_equal(metric.true_positives.numpy(), [2, 1, 0])
    np.testing.assert_array_equal(metric.false_positives.numpy(), [2, 0, 0])
    np.testing.assert_array_equal(metric.true_negatives.numpy(), [0, 2, 2])
    np.testing.assert_array_equal(metric.false_negatives.numpy(), [0, 1, 2])


def test_roc_auc_with_sample_weights_by_hand():
    # weights drop samples 1 and 2: the positive 0.9 beats the negative 0
    metric = metrics.AUC(num_thresholds=3)
    metric.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], sample_weight=[1, 0, 0, 1])
    assert value(metric.result()) == 1.0


def test_pr_auc_of_a_small_example_by_hand():
    # tp [2, 1, 0], predicted [4, 1, 0]. First interval: slope 1/3, intercept 1 - 1/3,
    # area (1/3) * (1 + (2/3) * log 4) / 2; the second is constant precision 1: 1/2.
    metric = metrics.AUC(num_thresholds=3, curve="PR")
    metric.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    expected = (1 / 3) * (1 + (2 / 3) * np.log(4)) / 2 + 0.5
    assert value(metric.result()) == pytest.approx(expected, rel=1e-6)


def test_minoring_and_majoring_bound_the_interpolated_roc_auc():
    y_true, y_pred = [0, 1, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.3, 0.6]
    results = {}
    for method in ("minoring", "interpolation", "majoring"):
        metric = metrics.AUC(num_thresholds=4, summation_method=method)
        metric.update_state(y_true, y_pred)
        results[method] = value(metric.result())
    # tpr at [-eps, 1/3, 2/3, 1+eps]: [1, 2/3, 1/3, 0], fpr [1, 2/3, 0, 0]
    assert results["minoring"] == pytest.approx(1 / 3 * 2 / 3 + 2 / 3 * 1 / 3)
    assert results["majoring"] == pytest.approx(1 / 3 * 1 + 2 / 3 * 2 / 3)
    assert results["interpolation"] == pytest.approx(
        (results["minoring"] + results["majoring"]) / 2
    )


# ---------------------------------------------------------- vs references


def test_roc_auc_is_exact_for_well_separated_predictions():
    y_true, y_pred = well_separated(200, [0, 1] * 30 + [1, 1, 0])
    metric = metrics.AUC()
    metric.update_state(y_true, y_pred)
    assert value(metric.result()) == pytest.approx(exact_roc_auc(y_true, y_pred), abs=1e-6)


def test_weighted_roc_auc_is_exact_for_well_separated_predictions():
    y_true, y_pred = well_separated(200, [1, 0, 0] * 20)
    weights = np.random.default_rng(5).random(len(y_true))
    metric = metrics.AUC()
    metric.update_state(y_true, y_pred, sample_weight=weights)
    expected = exact_roc_auc(y_true, y_pred, weights)
    assert value(metric.result()) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("num_thresholds", [5, 50, 200])
def test_roc_auc_is_the_trapezoid_rule_on_the_thresholded_curve(num_thresholds):
    rng = np.random.default_rng(num_thresholds)
    y_true = rng.integers(0, 2, size=300)
    y_pred = np.clip(rng.normal(0.4 + 0.2 * y_true, 0.2), 0, 1).astype("float32")
    weights = rng.random(300)
    metric = metrics.AUC(num_thresholds=num_thresholds)
    metric.update_state(y_true, y_pred, sample_weight=weights)
    expected = trapezoid_roc_auc(grid_thresholds(num_thresholds), y_true, y_pred, weights)
    assert value(metric.result()) == pytest.approx(expected, abs=1e-5)


def test_roc_auc_approximates_the_exact_auc():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, size=1000)
    y_pred = rng.random(1000).astype("float32") * 0.6 + 0.4 * y_true
    metric = metrics.AUC()
    metric.update_state(y_true, y_pred)
    assert value(metric.result()) == pytest.approx(exact_roc_auc(y_true, y_pred), abs=5e-3)


@pytest.mark.parametrize("num_thresholds", [3, 10, 200])
def test_pr_auc_integrates_the_interpolated_curve(num_thresholds):
    rng = np.random.default_rng(num_thresholds)
    y_true = rng.integers(0, 2, size=200)
    y_pred = np.clip(rng.normal(0.4 + 0.2 * y_true, 0.25), 0, 1).astype("float32")
    weights = rng.random(200)
    metric = metrics.AUC(num_thresholds=num_thresholds, curve="PR")
    metric.update_state(y_true, y_pred, sample_weight=weights)
    expected = interpolated_pr_auc(grid_thresholds(num_thresholds), y_true, y_pred, weights)
    assert value(metric.result()) == pytest.approx(expected, rel=1e-4)


def test_pr_auc_with_careful_summation_is_the_riemann_sum_of_precision():
    y_true, y_pred = [0, 1, 0, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.3, 0.6]
    thresholds = grid_thresholds(4)
    tp, fp, fn = counts_at(thresholds, y_true, y_pred)
    recall = tp / (tp + fn)
    precision = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) > 0)
    for method, pick in (("minoring", np.minimum), ("majoring", np.maximum)):
        metric = metrics.AUC(num_thresholds=4, curve="PR", summation_method=method)
        metric.update_state(y_true, y_pred)
        expected = np.sum((recall[:-1] - recall[1:]) * pick(precision[:-1], precision[1:]))
        assert value(metric.result()) == pytest.approx(expected, rel=1e-6)


def test_explicit_thresholds_are_used_with_end_points_added():
    metric = metrics.AUC(thresholds=[0.7, 0.2, 0.45])
    assert metric.num_thresholds == 5
    assert metric.thresholds == pytest.approx([-1e-7, 0.2, 0.45, 0.7, 1 + 1e-7])
    rng = np.random.default_rng(2)
    y_true = rng.integers(0, 2, size=100)
    y_pred = rng.random(100).astype("float32")
    metric.update_state(y_true, y_pred)
    expected = trapezoid_roc_auc(metric.thresholds, y_true, y_pred)
    assert value(metric.result()) == pytest.approx(expected, abs=1e-6)


def test_predictions_outside_zero_one_count_as_zero_or_one():
    inside, outside = metrics.AUC(num_thresholds=5), metrics.AUC(num_thresholds=5)
    inside.update_state([0, 1, 1, 0], [0.0, 1.0, 0.6, 0.3])
    outside.update_state([0, 1, 1, 0], [-3.0, 7.0, 0.6, 0.3])
    for variable, other in zip(inside.variables, outside.variables, strict=True):
        np.testing.assert_array_equal(variable.numpy(), other.numpy())


def test_from_logits_applies_a_sigmoid_first():
    logits = np.array([-2.0, 0.5, -0.3, 3.0], "float32")
    from_logits = metrics.AUC(num_thresholds=11, from_logits=True)
    from_logits.update_state([0, 0, 1, 1], logits)
    probabilities = metrics.AUC(num_thresholds=11)
    probabilities.update_state([0, 0, 1, 1], 1 / (1 + np.exp(-logits)))
    assert value(from_logits.result()) == value(probabilities.result())


def test_prgain_curve_for_a_perfect_ranking_is_one():
    metric = metrics.AUC(num_thresholds=11, curve="PRGAIN")
    metric.update_state([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    assert value(metric.result()) == pytest.approx(1.0)


# ------------------------------------------------------------ multi-label


def multi_label_data():
    rng = np.random.default_rng(9)
    y_true = rng.integers(0, 2, size=(80, 3))
    y_pred = np.clip(rng.normal(0.35 + 0.3 * y_true, 0.2), 0, 1).astype("float32")
    return y_true, y_pred


def test_multi_label_auc_is_the_mean_of_per_label_aucs():
    y_true, y_pred = multi_label_data()
    metric = metrics.AUC(multi_label=True)
    metric.update_state(y_true, y_pred)
    assert K.int_shape(metric.true_positives.numpy()) == (200, 3)
    per_label = [
        trapezoid_roc_auc(grid_thresholds(200), y_true[:, i], y_pred[:, i]) for i in range(3)
    ]
    assert value(metric.result()) == pytest.approx(np.mean(per_label), abs=1e-5)


def test_multi_label_label_weights_weigh_the_per_label_aucs():
    y_true, y_pred = multi_label_data()
    metric = metrics.AUC(multi_label=True, num_labels=3, label_weights=[1.0, 0.0, 3.0])
    metric.update_state(y_true, y_pred)
    per_label = [
        trapezoid_roc_auc(grid_thresholds(200), y_true[:, i], y_pred[:, i]) for i in range(3)
    ]
    expected = (per_label[0] + 3 * per_label[2]) / 4
    assert value(metric.result()) == pytest.approx(expected, abs=1e-5)


def test_without_multi_label_labels_are_flattened_and_label_weights_weigh_predictions():
    y_true, y_pred = multi_label_data()
    flat = metrics.AUC()
    flat.update_state(y_true, y_pred)
    expected = trapezoid_roc_auc(grid_thresholds(200), y_true.ravel(), y_pred.ravel())
    assert value(flat.result()) == pytest.approx(expected, abs=1e-5)
    weighted = metrics.AUC(label_weights=[1.0, 0.5, 2.0])
    weighted.update_state(y_true, y_pred)
    weights = np.tile([1.0, 0.5, 2.0], len(y_true))
    expected = trapezoid_roc_auc(grid_thresholds(200), y_true.ravel(), y_pred.ravel(), weights)
    assert value(weighted.result()) == pytest.approx(expected, abs=1e-5)


def test_multi_label_state_is_created_on_the_first_update_without_num_labels():
    metric = metrics.AUC(multi_label=True)
    assert metric.variables == []
    assert value(metric.result()) == 0.0
    metric.update_state([[0, 1]], [[0.2, 0.7]])
    assert [v.shape for v in metric.variables] == [(200, 2)] * 4


def test_multi_label_needs_rank_two_predictions():
    with pytest.raises(ValueError, match="rank 2"):
        metrics.AUC(multi_label=True).update_state([0, 1], [0.3, 0.6])


def test_multi_label_rejects_a_different_number_of_labels():
    metric = metrics.AUC(multi_label=True, num_labels=2)
    with pytest.raises(ValueError, match="shape"):
        metric.update_state([[0, 1, 1]], [[0.2, 0.7, 0.1]])


# ------------------------------------------------- batches, reset, config


@pytest.mark.parametrize(
    "make",
    [
        metrics.AUC,
        lambda: metrics.AUC(curve="PR", num_thresholds=37),
        lambda: metrics.AUC(multi_label=True, label_weights=[0.5, 1.0, 2.0]),
        lambda: metrics.AUC(thresholds=[0.3, 0.5, 0.6]),
    ],
)
def test_auc_over_batches_equals_auc_over_all_data(make):
    y_true, y_pred = multi_label_data()
    weights = np.random.default_rng(4).random(len(y_true))
    whole, batched = make(), make()
    whole.update_state(y_true, y_pred, sample_weight=weights)
    for start, stop in [(0, 30), (30, 31), (31, 80)]:
        batched.update_state(y_true[start:stop], y_pred[start:stop], weights[start:stop])
    assert value(batched.result()) == pytest.approx(value(whole.result()), rel=1e-5)


def test_reset_state_starts_over():
    metric = metrics.AUC(num_thresholds=3)
    metric.update_state([1, 0], [0.1, 0.9])
    metric.reset_state()
    assert all(np.all(v.numpy() == 0) for v in metric.variables)
    metric.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert value(metric.result()) == 0.75


def test_argument_errors():
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="DET")
    with pytest.raises(ValueError, match="summation"):
        metrics.AUC(summation_method="trapezoid")
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="num_labels"):
        metrics.AUC(num_labels=3)


def test_curve_and_summation_names_are_case_tolerant():
    metric = metrics.AUC(curve="pr", summation_method="Majoring")
    assert (metric.curve, metric.summation_method) == ("PR", "majoring")


def test_defaults_and_config_round_trip():
    metric = metrics.AUC()
    assert metric.name == "auc"
    assert metric._direction == "up"
    assert metric.get_config() == {
        "name": "auc",
        "dtype": "float32",
        "num_thresholds": 200,
        "curve": "ROC",
        "summation_method": "interpolation",
        "multi_label": False,
        "num_labels": None,
        "label_weights": None,
        "from_logits": False,
    }
    custom = metrics.AUC(
        curve="PR",
        thresholds=[0.3, 0.6],
        multi_label=True,
        num_labels=2,
        label_weights=[1, 2],
        from_logits=True,
        name="pr",
    )
    config = custom.get_config()
    assert config["thresholds"] == pytest.approx([0.3, 0.6])
    assert config["label_weights"] == [1.0, 2.0]
    clone = metrics.AUC.from_config(config)
    assert clone.get_config() == config
    assert clone.thresholds == custom.thresholds


def test_counting_in_chunks_of_samples_gives_the_same_counts(monkeypatch):
    from graphkeras.metrics import confusion_matrix

    y_true, y_pred = multi_label_data()
    whole = metrics.AUC(multi_label=True, num_thresholds=20)
    whole.update_state(y_true, y_pred)
    monkeypatch.setattr(confusion_matrix, "_MAX_COMPARISONS", 7 * 20 * 3)
    chunked = metrics.AUC(multi_label=True, num_thresholds=20)
    chunked.update_state(y_true, y_pred)
    for variable, other in zip(whole.variables, chunked.variables, strict=True):
        np.testing.assert_array_equal(variable.numpy(), other.numpy())


def test_an_empty_batch_changes_nothing():
    metric = metrics.AUC(num_thresholds=3)
    metric.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    metric.update_state(np.zeros((0,)), np.zeros((0,), "float32"))
    assert value(metric.result()) == 0.75
