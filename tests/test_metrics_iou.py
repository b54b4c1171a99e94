"""The intersection-over-union metrics: confusion matrices and IoUs worked out by hand.

Results carry Keras's epsilon (1e-7) in their denominators; comparisons use
``rtol=1e-5``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from graphkeras import backend as K
from graphkeras import metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

# Labels and predictions of 6 pixels, 3 classes. Confusion matrix (rows: true):
#   [[1, 1, 0],    class 0: TP 1, labelled 2, predicted 2: IoU 1 / 3
#    [0, 2, 0],    class 1: TP 2, labelled 2, predicted 3: IoU 2 / 3
#    [1, 0, 1]]    class 2: TP 1, labelled 2, predicted 1: IoU 1 / 2
Y_TRUE = np.array([[0, 0, 1], [1, 2, 2]])
Y_PRED = np.array([[0, 1, 1], [1, 0, 2]])


def value(x) -> np.ndarray:
    return np.asarray(K.convert_to_numpy(x))


def test_the_confusion_matrix_counts_labels_by_prediction():
    metric = metrics.MeanIoU(num_classes=3)
    metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_array_equal(metric.total_cm.numpy(), [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    assert metric.total_cm.dtype == "int32"


def test_mean_iou_averages_every_class():
    metric = metrics.MeanIoU(num_classes=3)
    metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(value(metric.result()), (1 / 3 + 2 / 3 + 1 / 2) / 3, rtol=1e-5)


def test_iou_averages_the_target_classes():
    metric = metrics.IoU(num_classes=3, target_class_ids=[1, 2])
    metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(value(metric.result()), (2 / 3 + 1 / 2) / 2, rtol=1e-5)


def test_classes_never_seen_are_left_out_of_the_mean():
    metric = metrics.MeanIoU(num_classes=5)
    metric.update_state(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(value(metric.result()), (1 / 3 + 2 / 3 + 1 / 2) / 3, rtol=1e-5)


def test_ignore_class_and_out_of_range_ids_are_not_counted():
    # The pixels labelled 2 (and the one labelled 7) are dropped, leaving the matrix
    # [[1, 1, 0], [0, 2, 0], [0, 0, 0]]: class 0 IoU 1 / (2 + 1 - 1), class 1 2 / (2 + 3 - 2).
    metric = metrics.MeanIoU(num_classes=3, ignore_class=2)
    metric.update_state(np.append(Y_TRUE, 7), np.append(Y_PRED, 0))
    np.testing.assert_array_equal(metric.total_cm.numpy(), [[1, 1, 0], [0, 2, 0], [0, 0, 0]])
    np.testing.assert_allclose(value(metric.result()), (1 / 2 + 2 / 3) / 2, rtol=1e-5)


def test_integer_sample_weights_count_pixels_several_times():
    metric = metrics.MeanIoU(num_classes=3)
    metric.update_state(Y_TRUE, Y_PRED, sample_weight=[[2, 1, 1], [1, 1, 0]])
    np.testing.assert_array_equal(metric.total_cm.numpy(), [[2, 1, 0], [0, 2, 0], [1, 0, 0]])


def test_float_weights_with_the_integer_dtype_warn_and_truncate():
    metric = metrics.MeanIoU(num_classes=3)
    with pytest.warns(UserWarning, match="float sample weights are truncated"):
        metric.update_state([0, 1], [0, 1], sample_weight=[1.9, 0.5])
    np.testing.assert_array_equal(metric.total_cm.numpy(), [[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    weighted = metrics.MeanIoU(num_classes=3, dtype="float32")
    weighted.update_state([0, 1], [0, 1], sample_weight=[1.5, 0.5])
    np.testing.assert_allclose(weighted.total_cm.numpy(), np.diag([1.5, 0.5, 0.0]))


def test_one_hot_labels_and_scores_are_read_through_their_argmax():
    one_hot = np.eye(3)[Y_TRUE]
    scores = np.eye(3)[Y_PRED] * 0.6 + 0.1
    metric = metrics.OneHotMeanIoU(num_classes=3)
    metric.update_state(one_hot, scores)
    np.testing.assert_allclose(value(metric.result()), (1 / 3 + 2 / 3 + 1 / 2) / 3, rtol=1e-5)
    targeted = metrics.OneHotIoU(num_classes=3, target_class_ids=[0])
    targeted.update_state(one_hot, scores)
    np.testing.assert_allclose(value(targeted.result()), 1 / 3, rtol=1e-5)


def test_binary_iou_thresholds_the_predictions():
    # Predictions >= 0.3: [0, 1, 1, 1]. Class 0: TP 1, labelled 1, predicted 1: 1.
    # Class 1: TP 3, labelled 3, predicted 3: 1. With threshold 0.5: [0, 1, 0, 1].
    y_true, y_pred = [0, 1, 1, 1], [0.2, 0.7, 0.4, 0.9]
    low = metrics.BinaryIoU(threshold=0.3)
    low.update_state(y_true, y_pred)
    np.testing.assert_allclose(value(low.result()), 1.0, rtol=1e-5)
    half = metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.5)
    half.update_state(y_true, y_pred)
    # Class 0: TP 1, labelled 1, predicted 2: 1/2; class 1: TP 2 of 3: 2/3.
    np.testing.assert_allclose(value(half.result()), (1 / 2 + 2 / 3) / 2, rtol=1e-5)


def test_configs_follow_keras():
    assert metrics.MeanIoU(num_classes=3).get_config() == {
        "name": "mean_io_u",
        "dtype": "int32",
        "num_classes": 3,
        "ignore_class": None,
        "sparse_y_true": True,
        "sparse_y_pred": True,
        "axis": -1,
    }
    assert metrics.BinaryIoU(target_class_ids=[1]).get_config() == {
        "target_class_ids": [1],
        "threshold": 0.5,
        "name": "binary_io_u",
        "dtype": "int32",
    }
    one_hot = metrics.OneHotIoU(num_classes=2, target_class_ids=[1], name="fg")
    assert "sparse_y_true" not in one_hot.get_config()
    rebuilt = metrics.deserialize(metrics.serialize(one_hot))
    assert type(rebuilt) is metrics.OneHotIoU and rebuilt.get_config() == one_hot.get_config()


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"num_classes": 0, "target_class_ids": [0]}, "IoU: num_classes must be >= 1"),
        ({"num_classes": 2.0, "target_class_ids": [0]}, "IoU: num_classes must be an integer"),
        ({"num_classes": 3, "target_class_ids": [3]}, r"target_class_ids must be .* \[0, 3\)"),
        ({"num_classes": 3, "target_class_ids": []}, "target_class_ids must be a non-empty"),
    ],
)
def test_bad_arguments_are_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        metrics.IoU(**arguments)


def test_labels_and_predictions_must_be_as_many():
    with pytest.raises(ValueError, match="needs as many predictions as labels"):
        metrics.MeanIoU(num_classes=2).update_state([0, 1, 1], [0, 1])


@settings(max_examples=15, deadline=None)
@given(
    hnp.arrays("int64", (10,), elements=st.integers(0, 3)),
    hnp.arrays("int64", (10,), elements=st.integers(0, 3)),
)
def test_mean_iou_matches_a_count_by_hand(y_true, y_pred):
    metric = metrics.MeanIoU(num_classes=4)
    metric.update_state(y_true[:4], y_pred[:4])
    metric.update_state(y_true[4:], y_pred[4:])
    ious = []
    for c in range(4):
        both = np.sum((y_true == c) & (y_pred == c))
        either = np.sum((y_true == c) | (y_pred == c))
        if either:
            ious.append(both / either)
    np.testing.assert_allclose(value(metric.result()), np.mean(ious), rtol=1e-5)
