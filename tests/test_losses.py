"""Tests for graphkeras.losses: values, reductions, weights, stability, gradients, configs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras import losses
from graphkeras.utils.serialization import register_serializable

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

EPSILON = 1e-7


def value(x) -> np.ndarray:
    return np.asarray(K.convert_to_numpy(x))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@register_serializable(package="test_losses")
def doubled_squared_error(y_true, y_pred):
    """A registered custom loss function."""
    return K.mean(K.multiply(2.0, K.square(K.subtract(y_true, y_pred))), axis=-1)


# Regression targets and predictions, 2 samples of 3 entries.
Y_TRUE = np.array([[1.0, 9.0, 2.0], [-5.0, -2.0, 6.0]])
Y_PRED = np.array([[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]])
# Binary targets and probabilities.
B_TRUE = np.array([[0.0, 1.0], [0.0, 0.0], [1.0, 1.0]])
B_PROB = np.array([[0.6, 0.4], [0.4, 0.6], [0.9, 0.2]])
# One-hot targets, their integer labels, and class probabilities.
C_TRUE = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
C_LABELS = np.array([1, 2, 0])
C_PROB = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
C_LOGITS = np.array([[1.0, 3.0, -2.0], [0.5, 2.0, -1.0], [-0.3, 0.1, 0.7]])


# ------------------------------------------------------------ function values


def test_mean_squared_error_averages_squared_errors_per_sample():
    expected = np.mean((Y_TRUE - Y_PRED) ** 2, axis=-1)  # [110/3, 187/3]
    np.testing.assert_allclose(value(losses.mean_squared_error(Y_TRUE, Y_PRED)), expected)
    np.testing.assert_allclose(expected, [110 / 3, 187 / 3])


def test_mean_absolute_error_averages_absolute_errors_per_sample():
    expected = np.mean(np.abs(Y_TRUE - Y_PRED), axis=-1)
    np.testing.assert_allclose(value(losses.mean_absolute_error(Y_TRUE, Y_PRED)), expected)
    np.testing.assert_allclose(expected, [14 / 3, 19 / 3])


def test_huber_is_quadratic_below_delta_and_linear_above():
    y_true = np.array([[0.0, 1.0, 0.0, 0.0]])
    y_pred = np.array([[0.5, 3.0, -0.2, -4.0]])
    delta = 1.0
    error = np.abs(y_pred - y_true)  # 0.5, 2, 0.2, 4
    per_entry = np.where(error <= delta, 0.5 * error**2, delta * error - 0.5 * delta**2)
    np.testing.assert_allclose(per_entry, [[0.125, 1.5, 0.02, 3.5]])
    np.testing.assert_allclose(
        value(losses.huber(y_true, y_pred)), per_entry.mean(axis=-1), rtol=1e-6
    )


def test_huber_delta_moves_the_switch_point():
    error = np.array([[0.5, 3.0]])
    per_entry = np.array([[0.5 * 0.5**2, 2.0 * 3.0 - 0.5 * 2.0**2]])
    result = losses.huber(np.zeros((1, 2)), error, delta=2.0)
    np.testing.assert_allclose(value(result), per_entry.mean(axis=-1))


def test_huber_matches_keras_doc_example():
    result = losses.huber([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])
    assert float(np.mean(value(result))) == pytest.approx(0.155, abs=1e-6)


def test_kl_divergence_sums_over_the_last_axis_after_clipping():
    y_true = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
    y_pred = np.array([[0.3, 0.6, 0.1], [0.0, 0.5, 0.5]])
    t, p = np.clip(y_true, EPSILON, 1), np.clip(y_pred, EPSILON, 1)
    expected = np.sum(t * np.log(t / p), axis=-1)
    np.testing.assert_allclose(value(losses.kl_divergence(y_true, y_pred)), expected, rtol=1e-12)


def test_hinge_with_signed_labels():
    y_true = np.array([[-1.0, 1.0, 1.0], [1.0, -1.0, -1.0]])
    y_pred = np.array([[0.3, 0.2, 1.5], [-0.4, -2.0, 0.6]])
    expected = np.mean(np.maximum(1 - y_true * y_pred, 0), axis=-1)
    np.testing.assert_allclose(value(losses.hinge(y_true, y_pred)), expected)


def test_hinge_converts_zero_one_labels_to_signed():
    y_pred = np.array([[0.3, 0.2, 1.5], [-0.4, -2.0, 0.6]])
    zero_one = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    signed = 2 * zero_one - 1
    np.testing.assert_allclose(
        value(losses.hinge(zero_one, y_pred)), value(losses.hinge(signed, y_pred))
    )


def test_binary_crossentropy_from_probabilities():
    p = np.clip(B_PROB, EPSILON, 1 - EPSILON)
    expected = np.mean(-(B_TRUE * np.log(p) + (1 - B_TRUE) * np.log(1 - p)), axis=-1)
    np.testing.assert_allclose(value(losses.binary_crossentropy(B_TRUE, B_PROB)), expected)
    # The Keras documentation's values for the first two samples.
    np.testing.assert_allclose(expected[:2], [0.916, 0.714], atol=1e-3)


def test_binary_crossentropy_from_logits():
    logits = np.array([[-18.6, 0.51], [2.94, -12.8]])
    y_true = np.array([[0.0, 1.0], [0.0, 0.0]])
    # The textbook stable form: max(x, 0) - x * z + log(1 + exp(-|x|)).
    entries = np.maximum(logits, 0) - logits * y_true + np.log1p(np.exp(-np.abs(logits)))
    result = value(losses.binary_crossentropy(y_true, logits, from_logits=True))
    np.testing.assert_allclose(result, entries.mean(axis=-1), rtol=1e-12)
    np.testing.assert_allclose(result, [0.235, 1.496], atol=1e-3)  # Keras's doc values


def test_binary_crossentropy_averages_over_the_given_axis():
    y_true = np.array([[[1.0], [0.0]], [[1.0], [1.0]]])
    y_pred = np.array([[[0.8], [0.3]], [[0.6], [0.9]]])
    entries = -(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))
    result = losses.binary_crossentropy(y_true, y_pred, axis=1)
    np.testing.assert_allclose(value(result), entries.mean(axis=1), rtol=1e-12)


def test_categorical_crossentropy_from_probabilities():
    p = np.clip(C_PROB / C_PROB.sum(axis=-1, keepdims=True), EPSILON, 1 - EPSILON)
    expected = -np.sum(C_TRUE * np.log(p), axis=-1)
    result = value(losses.categorical_crossentropy(C_TRUE, C_PROB))
    np.testing.assert_allclose(result, expected)
    np.testing.assert_allclose(result[:2], [0.0513, 2.303], atol=1e-3)  # Keras's doc values


def test_categorical_crossentropy_normalises_probabilities_by_their_sum():
    unnormalised = C_PROB * np.array([[2.0], [0.5], [3.0]])
    np.testing.assert_allclose(
        value(losses.categorical_crossentropy(C_TRUE, unnormalised)),
        value(losses.categorical_crossentropy(C_TRUE, C_PROB)),
    )


def test_categorical_crossentropy_from_logits_uses_log_softmax():
    log_softmax = C_LOGITS - np.log(np.sum(np.exp(C_LOGITS), axis=-1, keepdims=True))
    expected = -np.sum(C_TRUE * log_softmax, axis=-1)
    result = losses.categorical_crossentropy(C_TRUE, C_LOGITS, from_logits=True)
    np.testing.assert_allclose(value(result), expected, rtol=1e-12)


def test_categorical_crossentropy_along_axis_0():
    result = losses.categorical_crossentropy(C_TRUE.T, C_LOGITS.T, from_logits=True, axis=0)
    expected = losses.categorical_crossentropy(C_TRUE, C_LOGITS, from_logits=True)
    np.testing.assert_allclose(value(result), value(expected), rtol=1e-12)


def test_sparse_categorical_crossentropy_reads_the_labelled_probability():
    p = np.clip(C_PROB / C_PROB.sum(axis=-1, keepdims=True), EPSILON, 1 - EPSILON)
    expected = -np.log(p[np.arange(3), C_LABELS])
    result = losses.sparse_categorical_crossentropy(C_LABELS, C_PROB)
    np.testing.assert_allclose(value(result), expected)


def test_sparse_categorical_crossentropy_from_logits():
    log_softmax = C_LOGITS - np.log(np.sum(np.exp(C_LOGITS), axis=-1, keepdims=True))
    expected = -log_softmax[np.arange(3), C_LABELS]
    result = losses.sparse_categorical_crossentropy(C_LABELS, C_LOGITS, from_logits=True)
    np.testing.assert_allclose(value(result), expected, rtol=1e-12)


@pytest.mark.parametrize(
    "labels",
    [C_LABELS, C_LABELS[:, None], C_LABELS.astype("float32"), C_LABELS[:, None].astype("float64")],
    ids=["int_batch", "int_batch_1", "float_batch", "float_batch_1"],
)
def test_sparse_labels_may_be_int_or_float_with_or_without_trailing_axis(labels):
    result = losses.sparse_categorical_crossentropy(labels, C_LOGITS, from_logits=True)
    dense = losses.categorical_crossentropy(C_TRUE, C_LOGITS, from_logits=True)
    np.testing.assert_allclose(value(result), value(dense), rtol=1e-12)
    loss_object = losses.SparseCategoricalCrossentropy(from_logits=True)
    assert float(value(loss_object(labels, C_LOGITS))) == pytest.approx(
        float(np.mean(value(dense))), rel=1e-6
    )


def test_sparse_categorical_crossentropy_over_a_sequence():
    logits = np.stack([C_LOGITS, C_LOGITS[::-1]])  # (2, 3, 3)
    labels = np.stack([C_LABELS, C_LABELS[::-1]])  # (2, 3)
    result = value(losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))
    assert result.shape == (2, 3)
    single = value(losses.sparse_categorical_crossentropy(C_LABELS, C_LOGITS, from_logits=True))
    np.testing.assert_allclose(result[0], single, rtol=1e-12)
    np.testing.assert_allclose(result[1], single[::-1], rtol=1e-12)


def test_sparse_categorical_crossentropy_rejects_labels_out_of_range():
    with pytest.raises(ValueError, match=r"\[0, 3\).*3\.0"):
        losses.sparse_categorical_crossentropy(np.array([0, 3, 1]), C_PROB)


def test_sparse_categorical_crossentropy_rejects_mismatched_label_shape():
    with pytest.raises(ValueError, match=r"y_true.shape=\(2,\)"):
        losses.sparse_categorical_crossentropy(np.array([0, 1]), C_PROB)


def test_categorical_crossentropy_rejects_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        losses.categorical_crossentropy(C_TRUE[:, :2], C_PROB)


def test_categorical_crossentropy_rejects_a_bool_axis():
    with pytest.raises(ValueError, match="axis must be an int"):
        losses.categorical_crossentropy(C_TRUE, C_PROB, axis=True)


def test_categorical_crossentropy_warns_for_a_single_class():
    with pytest.warns(SyntaxWarning, match="num_classes > 1"):
        losses.categorical_crossentropy(np.ones((2, 1)), np.ones((2, 1)))


def test_per_sample_functions_drop_the_last_axis():
    for function in (
        losses.mean_squared_error,
        losses.mean_absolute_error,
        losses.huber,
        losses.kl_divergence,
        losses.hinge,
        losses.binary_crossentropy,
        losses.categorical_crossentropy,
    ):
        assert value(function(C_TRUE, C_PROB)).shape == (3,), function.__name__


# ------------------------------------------------------------ label smoothing


def test_binary_label_smoothing_squeezes_targets_towards_one_half():
    smoothing = 0.2
    smoothed = B_TRUE * (1 - smoothing) + 0.5 * smoothing
    expected = losses.binary_crossentropy(smoothed, B_PROB)
    result = losses.binary_crossentropy(B_TRUE, B_PROB, label_smoothing=smoothing)
    np.testing.assert_allclose(value(result), value(expected), rtol=1e-12)
    loss_object = losses.BinaryCrossentropy(label_smoothing=smoothing)
    assert float(value(loss_object(B_TRUE, B_PROB))) == pytest.approx(
        float(np.mean(value(expected))), rel=1e-6
    )


def test_categorical_label_smoothing_spreads_over_all_classes():
    smoothing = 0.1
    smoothed = C_TRUE * (1 - smoothing) + smoothing / 3
    log_softmax = C_LOGITS - np.log(np.sum(np.exp(C_LOGITS), axis=-1, keepdims=True))
    expected = -np.sum(smoothed * log_softmax, axis=-1)
    result = losses.categorical_crossentropy(
        C_TRUE, C_LOGITS, from_logits=True, label_smoothing=smoothing
    )
    np.testing.assert_allclose(value(result), expected, rtol=1e-12)


def test_label_smoothing_outside_zero_one_is_rejected():
    with pytest.raises(ValueError, match="label_smoothing=1.5"):
        losses.CategoricalCrossentropy(label_smoothing=1.5)


# ------------------------------------------------------ from_logits agreement


def test_binary_crossentropy_from_logits_matches_sigmoid_probabilities():
    logits = np.array([[-2.0, 0.5], [1.5, -0.3], [0.0, 3.0]])
    with_logits = losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    with_probabilities = losses.BinaryCrossentropy(dtype="float64")
    assert float(value(with_logits(B_TRUE, logits))) == pytest.approx(
        float(value(with_probabilities(B_TRUE, sigmoid(logits)))), rel=1e-9
    )


def test_categorical_crossentropy_from_logits_matches_softmax_probabilities():
    with_logits = losses.CategoricalCrossentropy(from_logits=True, dtype="float64")
    with_probabilities = losses.CategoricalCrossentropy(dtype="float64")
    assert float(value(with_logits(C_TRUE, C_LOGITS))) == pytest.approx(
        float(value(with_probabilities(C_TRUE, softmax(C_LOGITS)))), rel=1e-9
    )


def test_sparse_categorical_crossentropy_from_logits_matches_softmax_probabilities():
    with_logits = losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    with_probabilities = losses.SparseCategoricalCrossentropy(dtype="float64")
    assert float(value(with_logits(C_LABELS, C_LOGITS))) == pytest.approx(
        float(value(with_probabilities(C_LABELS, softmax(C_LOGITS)))), rel=1e-9
    )


# ------------------------------------------------------------------ stability

EXTREME_LOGITS = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]])


@pytest.mark.parametrize(
    "loss, y_true",
    [
        (losses.BinaryCrossentropy(from_logits=True), np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])),
        (losses.CategoricalCrossentropy(from_logits=True), np.array([[0, 1.0, 0], [1.0, 0, 0]])),
        (losses.SparseCategoricalCrossentropy(from_logits=True), np.array([1, 0])),
    ],
    ids=["binary", "categorical", "sparse"],
)
def test_extreme_logits_give_finite_losses_and_gradients_without_warnings(loss, y_true):
    logits = EXTREME_LOGITS.astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with K.GradientTape() as tape:
            tape.watch(logits)
            result = loss(y_true, logits)
        gradient = tape.gradient(result, logits)
    assert np.isfinite(value(result))
    assert value(result) > 100.0  # confidently wrong somewhere: a large, exact loss
    assert np.all(np.isfinite(gradient))


def test_extreme_logits_give_exact_binary_crossentropy():
    logits = np.array([[1000.0, -1000.0, 1000.0]])
    y_true = np.array([[1.0, 0.0, 0.0]])
    result = losses.binary_crossentropy(y_true, logits, from_logits=True)
    np.testing.assert_allclose(value(result), [1000.0 / 3])


def test_probabilities_of_exactly_zero_and_one_are_clipped():
    y_true = np.array([[1.0, 0.0]])
    y_pred = np.array([[0.0, 1.0]], dtype="float32")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        binary = value(losses.binary_crossentropy(y_true, y_pred))
        categorical = value(losses.categorical_crossentropy(y_true, y_pred))
        divergence = value(losses.kl_divergence(y_true, y_pred))
    # Clipped in float32, where 1 - epsilon rounds to 1 - 1.19e-7.
    p = np.clip(y_pred, np.float32(EPSILON), np.float32(1 - EPSILON))
    expected_binary = np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=-1)
    np.testing.assert_allclose(binary, expected_binary, rtol=1e-6)
    np.testing.assert_allclose(categorical, [-np.log(EPSILON)], rtol=1e-6)
    np.testing.assert_allclose(
        divergence, [-np.log(EPSILON) + EPSILON * np.log(EPSILON)], rtol=1e-6
    )


# ------------------------------------------------------------------ reductions


def per_sample_mse() -> np.ndarray:
    return np.mean((Y_TRUE - Y_PRED) ** 2, axis=-1)


def test_default_reduction_divides_the_sum_by_the_number_of_losses():
    result = losses.MeanSquaredError()(Y_TRUE, Y_PRED)
    assert K.is_tensor(result) and result.shape == ()  # numpy: an np.ndarray
    assert float(result) == pytest.approx(per_sample_mse().sum() / 2, rel=1e-6)


def test_sum_reduction_adds_the_losses():
    result = losses.MeanSquaredError(reduction="sum")(Y_TRUE, Y_PRED)
    assert result.shape == ()
    assert float(result) == pytest.approx(per_sample_mse().sum(), rel=1e-6)


def test_mean_reduction_equals_sum_over_batch_size():
    mean = losses.MeanSquaredError(reduction="mean")(Y_TRUE, Y_PRED, sample_weight=[1.0, 3.0])
    default = losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=[1.0, 3.0])
    assert float(mean) == pytest.approx(float(default), rel=1e-6)


@pytest.mark.parametrize("reduction", ["none", None])
def test_no_reduction_returns_the_weighted_losses(reduction):
    result = losses.MeanSquaredError(reduction=reduction)(Y_TRUE, Y_PRED, sample_weight=[2.0, 0.5])
    np.testing.assert_allclose(value(result), per_sample_mse() * [2.0, 0.5], rtol=1e-6)


def test_mean_with_sample_weight_divides_by_the_sum_of_weights():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    weights = np.array([1.2, 3.4])
    expected = np.sum(per_sample_mse() * weights) / weights.sum()
    assert float(loss(Y_TRUE, Y_PRED, sample_weight=weights)) == pytest.approx(expected, rel=1e-6)
    # Without weights it is the plain mean.
    assert float(loss(Y_TRUE, Y_PRED)) == pytest.approx(per_sample_mse().mean(), rel=1e-6)


def test_mean_with_sample_weight_of_all_zero_weights_is_zero_not_nan():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(loss(Y_TRUE, Y_PRED, sample_weight=[0.0, 0.0])) == 0.0


@pytest.mark.parametrize("shape", [(0, 3), (0, 4, 3)])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "mean_with_sample_weight", "sum"])
def test_empty_batch_gives_zero_not_nan(shape, reduction):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = losses.MeanSquaredError(reduction=reduction)(np.zeros(shape), np.zeros(shape))
    assert result.shape == () and float(result) == 0.0


@pytest.mark.parametrize("reduction", ["average", "auto", "SUM", 3])
def test_unknown_reduction_is_a_value_error_naming_it(reduction):
    with pytest.raises(ValueError, match=f"reduction={reduction!r}"):
        losses.MeanSquaredError(reduction=reduction)


# --------------------------------------------------------------- sample weights


def test_sample_weight_per_sample_scales_each_loss():
    weights = np.array([0.3, 0.7])
    expected = np.sum(per_sample_mse() * weights) / 2
    result = losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=weights)
    assert float(result) == pytest.approx(expected, rel=1e-6)


def test_scalar_sample_weight_scales_the_loss():
    result = losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=2.3)
    assert float(result) == pytest.approx(2.3 * per_sample_mse().mean(), rel=1e-6)


def test_sample_weight_with_a_trailing_axis_matches_flat_weights():
    loss = losses.MeanSquaredError()
    flat = loss(Y_TRUE, Y_PRED, sample_weight=np.array([1.2, 3.4]))
    column = loss(Y_TRUE, Y_PRED, sample_weight=np.array([[1.2], [3.4]]))
    assert float(flat) == pytest.approx(float(column), rel=1e-7)


def test_batch_weights_scale_every_timestep_of_sequence_losses():
    y_true = Y_TRUE.reshape(2, 3, 1)
    y_pred = Y_PRED.reshape(2, 3, 1)  # per-sample losses of shape (batch=2, time=3)
    weights = np.array([0.25, 2.0])
    squared = (Y_TRUE - Y_PRED) ** 2
    loss = losses.MeanSquaredError(reduction=None)
    np.testing.assert_allclose(
        value(loss(y_true, y_pred, sample_weight=weights)), squared * weights[:, None], rtol=1e-6
    )
    mean = losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights)
    assert float(mean) == pytest.approx(np.sum(squared * weights[:, None]) / 6, rel=1e-6)


def test_timestep_weights_weight_each_entry():
    y_true = Y_TRUE.reshape(2, 3, 1)
    y_pred = Y_PRED.reshape(2, 3, 1)
    weights = np.array([3.0, 6.0, 5.0, 0.0, 4.0, 2.0]).reshape(2, 3)
    squared = (Y_TRUE - Y_PRED) ** 2
    result = losses.MeanSquaredError()(y_true, y_pred, sample_weight=weights)
    assert float(result) == pytest.approx(np.sum(squared * weights) / 6, rel=1e-6)


def test_zero_sample_weights_give_zero():
    assert float(losses.MeanSquaredError()(Y_TRUE, Y_PRED, sample_weight=0.0)) == 0.0


def test_keras_doc_values_with_sample_weight():
    y_true = np.array([[0, 1], [0, 0]])
    logits = np.array([[-18.6, 0.51], [2.94, -12.8]])
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert float(loss(y_true, logits)) == pytest.approx(0.8654, abs=1e-4)
    assert float(loss(y_true, logits, sample_weight=[0.8, 0.2])) == pytest.approx(0.243, abs=1e-3)
    categorical = losses.CategoricalCrossentropy()
    assert float(categorical(C_TRUE[:2], C_PROB[:2])) == pytest.approx(1.177, abs=1e-3)
    weighted = categorical(C_TRUE[:2], C_PROB[:2], sample_weight=np.array([0.3, 0.7]))
    assert float(weighted) == pytest.approx(0.814, abs=1e-3)


def test_targets_of_shape_batch_line_up_with_predictions_of_shape_batch_1():
    y_true = np.array([1.0, 0.0, 1.0])
    y_pred = np.array([[0.9], [0.1], [0.8]])
    result = losses.MeanSquaredError()(y_true, y_pred)
    assert float(result) == pytest.approx(np.mean((y_true - y_pred[:, 0]) ** 2), rel=1e-6)


# ----------------------------------------------------------------- ignore_class


def test_ignore_class_zeroes_ignored_losses():
    y_true = np.array([[-1, 2]])
    logits = np.array([[[0.854, 0.698, 0.598], [0.088, 0.86, 0.018]]])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1, reduction=None)
    expected_second = -(0.018 - np.log(np.sum(np.exp([0.088, 0.86, 0.018]))))
    np.testing.assert_allclose(value(loss(y_true, logits)), [[0.0, expected_second]], rtol=1e-6)
    np.testing.assert_allclose(expected_second, 1.480129, rtol=1e-6)  # Keras's test value
    np.testing.assert_allclose(value(loss(y_true[..., None], logits)), [[0.0, expected_second]])


def test_ignore_class_averages_over_the_labelled_samples_only():
    labels = np.array([1, 255, 0])
    kept = losses.sparse_categorical_crossentropy(C_LABELS, C_PROB)
    loss = losses.SparseCategoricalCrossentropy(ignore_class=255)
    expected = (value(kept)[0] + value(kept)[2]) / 2
    assert float(loss(labels, C_PROB)) == pytest.approx(expected, rel=1e-6)
    total = losses.SparseCategoricalCrossentropy(ignore_class=255, reduction="sum")
    assert float(total(labels, C_PROB)) == pytest.approx(2 * expected, rel=1e-6)


def test_ignore_class_combines_with_sample_weight():
    labels = np.array([1, -1, 0])
    weights = np.array([2.0, 5.0, 0.5])
    kept = value(losses.sparse_categorical_crossentropy(C_LABELS, C_PROB))
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    expected = (2.0 * kept[0] + 0.5 * kept[2]) / 2
    assert float(loss(labels, C_PROB, sample_weight=weights)) == pytest.approx(expected, rel=1e-6)


def test_everything_ignored_gives_zero_and_zero_gradient():
    logits = C_LOGITS.copy()
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1, dtype="float64")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with K.GradientTape() as tape:
            tape.watch(logits)
            result = loss(np.array([-1, -1, -1]), logits)
        gradient = tape.gradient(result, logits)
    assert float(result) == 0.0
    np.testing.assert_array_equal(gradient, np.zeros_like(logits))


def test_ignored_positions_may_hold_any_prediction():
    y_pred = C_PROB.copy()
    y_pred[1] = [np.nan, -3.0, np.inf]
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    expected = value(losses.sparse_categorical_crossentropy(C_LABELS, C_PROB))[[0, 2]].sum() / 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(loss(np.array([1, -1, 0]), y_pred)) == pytest.approx(expected, rel=1e-6)


# ----------------------------------------------------------------------- dtypes


@pytest.mark.parametrize(
    "loss",
    [
        losses.MeanSquaredError(),
        losses.MeanAbsoluteError(),
        losses.Huber(),
        losses.KLDivergence(),
        losses.Hinge(),
        losses.BinaryCrossentropy(),
        losses.CategoricalCrossentropy(),
    ],
    ids=lambda loss: type(loss).__name__,
)
def test_float32_inputs_give_a_float32_loss(loss):
    result = loss(C_TRUE.astype("float32"), C_PROB.astype("float32"))
    assert K.dtype(result) == "float32"
    unreduced = type(loss)(reduction=None)(C_TRUE.astype("float32"), C_PROB.astype("float32"))
    assert K.dtype(unreduced) == "float32"


def test_sparse_float32_predictions_with_int_labels_give_float32():
    result = losses.SparseCategoricalCrossentropy()(C_LABELS, C_PROB.astype("float32"))
    assert K.dtype(result) == "float32"
    function_result = losses.sparse_categorical_crossentropy(C_LABELS, C_PROB.astype("float32"))
    assert K.dtype(function_result) == "float32"


def test_default_dtype_is_floatx_and_float64_inputs_are_converted():
    loss = losses.MeanSquaredError()
    assert loss.dtype == "float32"
    result = loss(Y_TRUE, Y_PRED, sample_weight=np.array([1.0, 2.0]))
    assert K.dtype(result) == "float32"


def test_dtype_argument_sets_the_computation_dtype():
    loss = losses.MeanSquaredError(dtype="float64")
    result = loss(Y_TRUE.astype("float32"), Y_PRED.astype("float32"))
    assert K.dtype(result) == "float64"


def test_functions_keep_the_prediction_dtype():
    assert K.dtype(losses.mean_squared_error(Y_TRUE, Y_PRED.astype("float32"))) == "float32"
    assert K.dtype(losses.mean_squared_error(Y_TRUE, Y_PRED)) == "float64"
    assert K.dtype(losses.mean_squared_error(Y_TRUE, Y_PRED.astype("int32"))) == "float32"


def test_integer_dtype_is_rejected():
    with pytest.raises(ValueError, match="dtype='int32'"):
        losses.MeanSquaredError(dtype="int32")


# -------------------------------------------------------------------- gradients


def finite_difference_gradient(function, x: np.ndarray, step: float = 1e-6) -> np.ndarray:
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += step
        minus[index] -= step
        gradient[index] = (float(function(plus)) - float(function(minus))) / (2 * step)
    return gradient


RNG = np.random.default_rng(1234)
PROBABILITIES = RNG.uniform(0.1, 0.9, size=(4, 3))
LOGITS = RNG.normal(size=(4, 3))
SOFT_TARGETS = softmax(RNG.normal(size=(4, 3)))
BINARY_TARGETS = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
ONE_HOT = np.eye(3)[[0, 2, 1, 1]]
# Hinge margins and Huber errors kept clear of their kinks.
REGRESSION_PRED = np.array(
    [[0.6, -1.7, 2.9], [-0.2, 1.4, 0.35], [3.1, -0.45, 0.8], [-2.2, 0.05, 1.6]]
)
SIGNED_TARGETS = 2 * BINARY_TARGETS - 1

GRADIENT_CASES = [
    (losses.MeanSquaredError, {}, SOFT_TARGETS, REGRESSION_PRED),
    (losses.MeanAbsoluteError, {}, SOFT_TARGETS, REGRESSION_PRED),
    (losses.Huber, {"delta": 1.0}, SOFT_TARGETS, REGRESSION_PRED),
    (losses.KLDivergence, {}, SOFT_TARGETS, PROBABILITIES),
    (losses.Hinge, {}, SIGNED_TARGETS, REGRESSION_PRED * 0.3),
    (losses.BinaryCrossentropy, {}, BINARY_TARGETS, PROBABILITIES),
    (losses.BinaryCrossentropy, {"from_logits": True}, BINARY_TARGETS, LOGITS),
    (losses.BinaryCrossentropy, {"label_smoothing": 0.2}, BINARY_TARGETS, PROBABILITIES),
    (losses.CategoricalCrossentropy, {}, ONE_HOT, PROBABILITIES),
    (losses.CategoricalCrossentropy, {"from_logits": True}, ONE_HOT, LOGITS),
    (
        losses.CategoricalCrossentropy,
        {"label_smoothing": 0.1, "from_logits": True},
        ONE_HOT,
        LOGITS,
    ),
    (losses.SparseCategoricalCrossentropy, {}, np.array([0, 2, 1, 1]), PROBABILITIES),
    (losses.SparseCategoricalCrossentropy, {"from_logits": True}, np.array([0, 2, 1, 1]), LOGITS),
    (
        losses.SparseCategoricalCrossentropy,
        {"from_logits": True, "ignore_class": -1},
        np.array([0, -1, 1, 2]),
        LOGITS,
    ),
]


@pytest.mark.parametrize(
    "cls, arguments, y_true, y_pred",
    GRADIENT_CASES,
    ids=[f"{case[0].__name__}-{case[1]}" for case in GRADIENT_CASES],
)
@pytest.mark.parametrize("sample_weight", [None, np.array([0.5, 2.0, 0.0, 1.5])], ids=["", "sw"])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum"])
def test_tape_gradient_matches_finite_differences(
    cls, arguments, y_true, y_pred, sample_weight, reduction
):
    loss = cls(**arguments, reduction=reduction, dtype="float64")
    y_pred = np.array(y_pred, dtype="float64")
    with K.GradientTape() as tape:
        tape.watch(y_pred)
        result = loss(y_true, y_pred, sample_weight=sample_weight)
    gradient = tape.gradient(result, y_pred)
    assert gradient is not None and gradient.shape == y_pred.shape
    expected = finite_difference_gradient(
        lambda x: loss(y_true, x, sample_weight=sample_weight), y_pred
    )
    np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-8)


def test_gradient_reaches_a_float32_variable_with_the_default_dtype():
    weights = K.variable(C_LOGITS.astype("float32"))
    with K.GradientTape() as tape:
        result = losses.CategoricalCrossentropy(from_logits=True)(C_TRUE, weights)
    gradient = tape.gradient(result, weights)
    expected = (softmax(C_LOGITS) - C_TRUE) / 3  # d(mean cross-entropy)/d(logits)
    np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-7)


def test_gradient_of_the_unreduced_losses_seeds_each_sample():
    logits = LOGITS.copy()
    loss = losses.BinaryCrossentropy(from_logits=True, reduction=None, dtype="float64")
    with K.GradientTape() as tape:
        tape.watch(logits)
        per_sample = loss(BINARY_TARGETS, logits)
    gradient = tape.gradient(per_sample, logits)
    np.testing.assert_allclose(gradient, (sigmoid(LOGITS) - BINARY_TARGETS) / 3, rtol=1e-10)


# ------------------------------------------------------------ objects, configs


def test_default_names_follow_keras():
    names = {
        losses.MeanSquaredError: "mean_squared_error",
        losses.MeanAbsoluteError: "mean_absolute_error",
        losses.Huber: "huber_loss",
        losses.KLDivergence: "kl_divergence",
        losses.Hinge: "hinge",
        losses.BinaryCrossentropy: "binary_crossentropy",
        losses.CategoricalCrossentropy: "categorical_crossentropy",
        losses.SparseCategoricalCrossentropy: "sparse_categorical_crossentropy",
    }
    for cls, name in names.items():
        assert cls().name == name
        assert cls().reduction == "sum_over_batch_size"


def test_keras_configs():
    assert losses.MeanSquaredError().get_config() == {
        "name": "mean_squared_error",
        "reduction": "sum_over_batch_size",
    }
    assert losses.Huber(delta=2.0).get_config() == {
        "name": "huber_loss",
        "reduction": "sum_over_batch_size",
        "delta": 2.0,
    }
    assert losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1).get_config() == {
        "name": "binary_crossentropy",
        "reduction": "sum_over_batch_size",
        "from_logits": True,
        "label_smoothing": 0.1,
        "axis": -1,
    }
    assert losses.SparseCategoricalCrossentropy(ignore_class=3, axis=0).get_config() == {
        "name": "sparse_categorical_crossentropy",
        "reduction": "sum_over_batch_size",
        "from_logits": False,
        "ignore_class": 3,
        "axis": 0,
    }


ROUND_TRIP_LOSSES = [
    losses.MeanSquaredError(reduction="sum", name="my_mse"),
    losses.MeanAbsoluteError(reduction=None),
    losses.Huber(delta=0.3, reduction="mean_with_sample_weight"),
    losses.KLDivergence(dtype="float64"),
    losses.Hinge(reduction="none"),
    losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2, axis=0),
    losses.CategoricalCrossentropy(label_smoothing=0.1, reduction="mean"),
    losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1),
    losses.LossFunctionWrapper(losses.huber, delta=0.5, name="wrapped"),
    losses.LossFunctionWrapper(doubled_squared_error, reduction="sum"),
]


@pytest.mark.parametrize("loss", ROUND_TRIP_LOSSES, ids=lambda loss: type(loss).__name__)
def test_config_round_trip_rebuilds_an_equal_loss(loss):
    rebuilt = type(loss).from_config(loss.get_config())
    assert type(rebuilt) is type(loss)
    assert rebuilt.get_config() == loss.get_config()
    through_serialize = losses.deserialize(losses.serialize(loss))
    assert through_serialize.get_config() == loss.get_config()
    y_true, y_pred = C_TRUE, C_PROB
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        y_true = C_LABELS
    np.testing.assert_allclose(
        value(rebuilt(y_true, y_pred)), value(loss(y_true, y_pred)), rtol=1e-6, atol=1e-7
    )


def test_loss_function_wrapper_config_names_its_function():
    config = losses.LossFunctionWrapper(losses.huber, delta=0.5).get_config()
    assert config == {
        "name": "loss_function_wrapper",
        "reduction": "sum_over_batch_size",
        "fn": "huber",
        "delta": 0.5,
    }
    custom = losses.LossFunctionWrapper(doubled_squared_error).get_config()
    assert custom["fn"] == "test_losses>doubled_squared_error"


def test_loss_function_wrapper_passes_its_kwargs():
    loss = losses.LossFunctionWrapper(losses.huber, delta=2.0)
    expected = np.mean(value(losses.huber(Y_TRUE, Y_PRED, delta=2.0)))
    assert float(loss(Y_TRUE, Y_PRED)) == pytest.approx(expected, rel=1e-6)


def test_loss_function_wrapper_needs_a_callable():
    with pytest.raises(TypeError, match="callable fn"):
        losses.LossFunctionWrapper("mse")


def test_subclassed_loss_uses_its_call_and_an_automatic_name():
    class SquaredError(losses.Loss):
        def call(self, y_true, y_pred):
            return K.square(K.subtract(y_true, y_pred))

    first, second = SquaredError(), SquaredError()
    assert (first.name, second.name) == ("squared_error", "squared_error_1")
    y_true = np.array([1.0, 0.0, 1.0, 0.0])
    y_pred = np.array([0.1, 0.2, 0.3, 0.4])
    assert float(first(y_true, y_pred)) == pytest.approx(np.mean((y_true - y_pred) ** 2))


def test_base_loss_call_is_not_implemented():
    with pytest.raises(NotImplementedError, match="Loss does not implement call"):
        losses.Loss()(Y_TRUE, Y_PRED)


# ------------------------------------------------------ get, serialize, deserialize


@pytest.mark.parametrize(
    "name, function",
    [
        ("mse", losses.mean_squared_error),
        ("MSE", losses.mean_squared_error),
        ("mae", losses.mean_absolute_error),
        ("MAE", losses.mean_absolute_error),
        ("kld", losses.kl_divergence),
        ("KLD", losses.kl_divergence),
        ("bce", losses.binary_crossentropy),
        ("BCE", losses.binary_crossentropy),
        ("mean_squared_error", losses.mean_squared_error),
        ("mean_absolute_error", losses.mean_absolute_error),
        ("huber", losses.huber),
        ("kl_divergence", losses.kl_divergence),
        ("hinge", losses.hinge),
        ("binary_crossentropy", losses.binary_crossentropy),
        ("categorical_crossentropy", losses.categorical_crossentropy),
        ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
    ],
)
def test_get_resolves_function_names_and_aliases_to_functions(name, function):
    assert losses.get(name) is function
    assert losses.deserialize(name) is function


@pytest.mark.parametrize(
    "cls",
    [
        losses.MeanSquaredError,
        losses.MeanAbsoluteError,
        losses.Huber,
        losses.KLDivergence,
        losses.Hinge,
        losses.BinaryCrossentropy,
        losses.CategoricalCrossentropy,
        losses.SparseCategoricalCrossentropy,
    ],
)
def test_get_builds_loss_objects_from_class_names_and_classes(cls):
    assert type(losses.get(cls.__name__)) is cls
    assert type(losses.get(cls)) is cls
    assert type(losses.deserialize(cls.__name__)) is cls


def test_get_accepts_none_configs_objects_and_callables():
    assert losses.get(None) is None
    config = {"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}
    loss = losses.get(config)
    assert isinstance(loss, losses.CategoricalCrossentropy) and loss.from_logits
    existing = losses.Huber()
    assert losses.get(existing) is existing
    assert losses.get(doubled_squared_error) is doubled_squared_error


def test_get_resolves_registered_functions_by_name():
    assert losses.get("test_losses>doubled_squared_error") is doubled_squared_error


def test_unknown_name_lists_the_known_losses():
    with pytest.raises(ValueError, match=r"Unknown loss: 'typo'") as error:
        losses.get("typo")
    for name in ("'mse'", "'MSE'", "'MeanSquaredError'", "'binary_crossentropy'"):
        assert name in str(error.value)
    with pytest.raises(ValueError, match="Unknown loss"):
        losses.deserialize({"class_name": "NoSuchLoss", "config": {}})


def test_get_rejects_what_is_not_a_loss():
    with pytest.raises(ValueError, match="Could not interpret the loss identifier 3"):
        losses.get(3)


def test_serialize_writes_functions_by_name_and_objects_by_config():
    assert losses.serialize(None) is None
    assert losses.serialize(losses.mean_squared_error) == "mean_squared_error"
    assert losses.serialize(doubled_squared_error) == "test_losses>doubled_squared_error"
    assert losses.serialize(losses.Huber(delta=2.0)) == {
        "class_name": "Huber",
        "config": {"name": "huber_loss", "reduction": "sum_over_batch_size", "delta": 2.0},
    }


def test_serialize_rejects_an_unregistered_function():
    with pytest.raises(ValueError, match="Cannot serialize the loss"):
        losses.serialize(lambda y_true, y_pred: y_pred)


def test_deserialize_reads_keras_function_configs():
    config = {"module": "keras.losses", "class_name": "function", "config": "mse"}
    assert losses.deserialize(config) is losses.mean_squared_error


def test_deserialize_uses_custom_objects():
    class MyLoss(losses.MeanSquaredError):
        pass

    config = {"class_name": "MyLoss", "config": {"name": "mine", "reduction": "sum"}}
    loss = losses.deserialize(config, custom_objects={"MyLoss": MyLoss})
    assert type(loss) is MyLoss and loss.reduction == "sum"


def test_repr_shows_the_configuration():
    assert repr(losses.Huber(delta=2.0)) == (
        "Huber(name='huber_loss', reduction='sum_over_batch_size', delta=2.0)"
    )
    unregistered = losses.LossFunctionWrapper(lambda y_true, y_pred: y_pred, name="anonymous")
    assert repr(unregistered) == (
        "LossFunctionWrapper(fn='<lambda>', name='anonymous', reduction='sum_over_batch_size')"
    )


def test_gradient_for_a_watched_float32_array_with_the_default_dtype():
    logits = LOGITS.astype("float32")
    with K.GradientTape() as tape:
        tape.watch(logits)
        result = losses.SparseCategoricalCrossentropy(from_logits=True)(
            np.array([0, 2, 1, 1]), logits
        )
    gradient = tape.gradient(result, logits)
    assert gradient.dtype == np.float32
    expected = (softmax(LOGITS) - ONE_HOT) / 4
    np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-7)
