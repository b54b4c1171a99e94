"""Tests for the accuracy metrics and functions: label shapes, thresholds, top k, weights."""

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


SCORES = np.array([[0.1, 0.6, 0.3], [0.05, 0.95, 0.0], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5]], "float32")
SPARSE = np.array([2, 1, 0, 0])
ONE_HOT = np.eye(3, dtype="float32")[SPARSE]
# The argmax of SCORES is [1, 1, 0, 2], so samples 1 and 2 are right; the labels'
# scores rank 2nd, 1st, 1st and 3rd in their rows.


# --------------------------------------------------------------- functions


def test_accuracy_function_compares_element_wise():
    assert values(metrics.functions.accuracy([1, 2, 3], [1, 0, 3])) == [1.0, 0.0, 1.0]


def test_binary_accuracy_function_thresholds_predictions():
    result = metrics.binary_accuracy([[1], [1], [0], [0]], [[0.98], [0.5], [0.0], [0.6]])
    assert values(result) == [[1.0], [0.0], [1.0], [0.0]]
    assert K.dtype(result) == "float32"


def test_binary_accuracy_function_with_a_threshold():
    result = metrics.binary_accuracy([1, 1, 0], [0.7, 0.8, 0.75], threshold=0.75)
    assert values(result) == [0.0, 1.0, 1.0]


def test_categorical_accuracy_function_compares_argmaxes():
    assert values(metrics.categorical_accuracy(ONE_HOT, SCORES)) == [0.0, 1.0, 1.0, 0.0]


def test_sparse_categorical_accuracy_function_accepts_both_label_shapes():
    expected = [0.0, 1.0, 1.0, 0.0]
    assert values(metrics.sparse_categorical_accuracy(SPARSE, SCORES)) == expected
    assert values(metrics.sparse_categorical_accuracy(SPARSE[:, None], SCORES)) == expected
    float_labels = SPARSE.astype("float32")[:, None]
    assert values(metrics.sparse_categorical_accuracy(float_labels, SCORES)) == expected


def test_top_k_functions_count_a_label_among_the_k_best():
    # ranks of the label's score: 2nd, 1st, 1st, 3rd
    assert values(metrics.top_k_categorical_accuracy(ONE_HOT, SCORES, k=2)) == [1, 1, 1, 0]
    assert values(metrics.sparse_top_k_categorical_accuracy(SPARSE, SCORES, k=2)) == [1, 1, 1, 0]
    assert values(metrics.sparse_top_k_categorical_accuracy(SPARSE, SCORES, k=1)) == [0, 1, 1, 0]


def test_top_k_counts_a_label_tied_with_the_kth_score():
    scores = [[0.5, 0.5, 0.5, 0.1]]
    assert values(metrics.sparse_top_k_categorical_accuracy([2], scores, k=1)) == [1.0]
    assert values(metrics.sparse_top_k_categorical_accuracy([3], scores, k=3)) == [0.0]


def test_top_k_never_counts_a_nan_score():
    scores = [[np.nan, 0.2, 0.1]]
    assert values(metrics.sparse_top_k_categorical_accuracy([0], scores, k=2)) == [0.0]


def test_sparse_top_k_keeps_the_label_shape():
    result = metrics.sparse_top_k_categorical_accuracy(SPARSE[:, None], SCORES, k=2)
    assert values(result) == [[1.0], [1.0], [1.0], [0.0]]


def test_sparse_top_k_from_sorted_ids_looks_at_the_first_k_ids():
    sorted_ids = [[1, 0, 3], [1, 2, 3]]
    top_k = metrics.sparse_top_k_categorical_accuracy
    assert values(top_k([2, 1], sorted_ids, k=1, from_sorted_ids=True)) == [0, 1]
    assert values(top_k([2, 2], sorted_ids, k=2, from_sorted_ids=True)) == [0, 1]


# ----------------------------------------------------------------- classes


def test_accuracy_is_the_fraction_of_equal_values():
    metric = metrics.Accuracy()
    metric.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    result = metric.result()
    assert K.int_shape(result) == () and K.dtype(result) == "float32"
    assert value(result) == 0.75
    metric.reset_state()
    metric.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]], sample_weight=[1, 1, 0, 0])
    assert value(metric.result()) == 0.5


def test_binary_accuracy_metric():
    metric = metrics.BinaryAccuracy()
    metric.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    assert value(metric.result()) == 0.75
    metric.reset_state()
    metric.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert value(metric.result()) == 0.5


def test_binary_accuracy_threshold():
    metric = metrics.BinaryAccuracy(threshold=0.9)
    metric.update_state([1, 1, 0, 0], [0.95, 0.85, 0.5, 0.95])
    assert value(metric.result()) == 0.5


def test_binary_accuracy_on_multi_label_data_averages_each_sample_first():
    metric = metrics.BinaryAccuracy()
    metric.update_state([[1, 0, 1], [0, 0, 0]], [[0.9, 0.1, 0.2], [0.0, 0.0, 0.0]])
    assert value(metric.result()) == pytest.approx((2 / 3 + 1) / 2)


def test_categorical_accuracy_metric():
    metric = metrics.CategoricalAccuracy()
    metric.update_state(ONE_HOT, SCORES)
    assert value(metric.result()) == 0.5
    metric.reset_state()
    metric.update_state(ONE_HOT, SCORES, sample_weight=[0.1, 0.7, 0.1, 0.1])
    assert value(metric.result()) == pytest.approx(0.8)


@pytest.mark.parametrize(
    "labels",
    [SPARSE, SPARSE[:, None], SPARSE.astype("float32"), SPARSE.astype("float32")[:, None]],
    ids=["int (batch,)", "int (batch, 1)", "float (batch,)", "float (batch, 1)"],
)
def test_sparse_categorical_accuracy_metric_for_every_label_form(labels):
    metric = metrics.SparseCategoricalAccuracy()
    metric.update_state(labels, SCORES, sample_weight=[0.1, 0.7, 0.1, 0.1])
    assert value(metric.result()) == pytest.approx(0.8)


def test_top_k_categorical_accuracy_metric():
    metric = metrics.TopKCategoricalAccuracy(k=2)
    metric.update_state(ONE_HOT, SCORES)
    assert value(metric.result()) == 0.75
    assert metrics.TopKCategoricalAccuracy().k == 5


def test_sparse_top_k_categorical_accuracy_metric():
    metric = metrics.SparseTopKCategoricalAccuracy(k=1)
    metric.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert value(metric.result()) == pytest.approx(0.3)


def test_sparse_top_k_from_sorted_ids_metric():
    metric = metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    metric.update_state([2, 1], [[1, 0, 3], [1, 2, 3]])
    assert value(metric.result()) == 0.5


@pytest.mark.parametrize(
    "make, labels",
    [
        (metrics.CategoricalAccuracy, ONE_HOT),
        (metrics.SparseCategoricalAccuracy, SPARSE[:, None]),
        (lambda: metrics.TopKCategoricalAccuracy(k=2), ONE_HOT),
        (lambda: metrics.SparseTopKCategoricalAccuracy(k=2), SPARSE),
    ],
)
def test_accuracy_over_batches_equals_accuracy_over_all_data(make, labels):
    rng = np.random.default_rng(3)
    scores = rng.random((4, 3)).astype("float32")
    labels = np.concatenate([labels] * 3)
    scores = np.concatenate([SCORES, scores, SCORES[::-1]])
    weights = rng.random(len(labels)).astype("float32")
    whole, batched = make(), make()
    whole.update_state(labels, scores, sample_weight=weights)
    for start, stop in [(0, 5), (5, 6), (6, 12)]:
        batched.update_state(labels[start:stop], scores[start:stop], weights[start:stop])
    assert value(batched.result()) == pytest.approx(value(whole.result()), rel=1e-6)


@pytest.mark.parametrize(
    "cls, name",
    [
        (metrics.Accuracy, "accuracy"),
        (metrics.BinaryAccuracy, "binary_accuracy"),
        (metrics.CategoricalAccuracy, "categorical_accuracy"),
        (metrics.SparseCategoricalAccuracy, "sparse_categorical_accuracy"),
        (metrics.TopKCategoricalAccuracy, "top_k_categorical_accuracy"),
        (metrics.SparseTopKCategoricalAccuracy, "sparse_top_k_categorical_accuracy"),
    ],
)
def test_accuracy_metrics_default_names_and_direction(cls, name):
    metric = cls()
    assert metric.name == name
    assert metric._direction == "up"


def test_accuracy_configs_round_trip():
    for metric in [
        metrics.Accuracy(name="a"),
        metrics.BinaryAccuracy(threshold=0.3),
        metrics.CategoricalAccuracy(dtype="float64"),
        metrics.SparseCategoricalAccuracy(),
        metrics.TopKCategoricalAccuracy(k=3),
        metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True),
    ]:
        config = metric.get_config()
        assert "fn" not in config
        assert type(metric).from_config(config).get_config() == config
    assert metrics.BinaryAccuracy(threshold=0.3).get_config()["threshold"] == 0.3
    assert "from_sorted_ids" not in metrics.SparseTopKCategoricalAccuracy().get_config()
