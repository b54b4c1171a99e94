"""The losses added with the loss families: values by hand, gradients, configs, names, errors.

Every expected value here is worked out in the test from the formula, on
inputs small enough to follow by hand. (The same losses are compared with
numbers recorded from Keras 3 in ``test_keras_loss_metric_values.py``.)
Values are float32 unless a test asks for float64: ``rtol=1e-6`` there,
``1e-12`` in float64.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from gradient_checks import Case, run_gradient_check
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import losses

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

EPSILON = 1e-7


def value(x) -> np.ndarray:
    return np.asarray(K.convert_to_numpy(x))


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


# ---------------------------------------------------------------- regression


def test_mean_absolute_percentage_error_is_the_mean_relative_error_in_percent():
    # |2 - 1| / 2 = 0.5 and |-4 - -2| / 4 = 0.5: a mean of 0.5, i.e. 50 %.
    result = losses.mean_absolute_percentage_error([[2.0, -4.0]], [[1.0, -2.0]])
    np.testing.assert_allclose(value(result), [50.0], rtol=1e-6)


def test_mean_absolute_percentage_error_floors_a_zero_target_at_epsilon():
    # |0 - 0.001| / max(0, 1e-7) = 1e4, times 100.
    result = losses.mean_absolute_percentage_error([[0.0]], np.array([[1e-3]], "float64"))
    np.testing.assert_allclose(value(result), [1e6], rtol=1e-12)


def test_mean_squared_logarithmic_error_compares_log_of_one_plus_values():
    # log(1 + y): targets 0 and 1, predictions 1 and 2; both differences are 1.
    # (A target of 0 counts as epsilon: its log is log(1 + 1e-7), not 0.)
    e = math.e
    result = losses.mean_squared_logarithmic_error(
        np.array([[0.0, e - 1.0]]), np.array([[e - 1.0, e * e - 1.0]])
    )
    expected = ((1.0 - math.log1p(EPSILON)) ** 2 + 1.0) / 2
    np.testing.assert_allclose(value(result), [expected], rtol=1e-12)


def test_mean_squared_logarithmic_error_counts_negative_values_as_epsilon():
    result = losses.mean_squared_logarithmic_error([[0.0, 3.0]], [[-5.0, 3.0]])
    np.testing.assert_allclose(value(result), [0.0], atol=1e-12)


def test_cosine_similarity_is_minus_the_cosine_per_sample():
    # [1, 0] against [0, 3]: orthogonal, 0; [1, 1] against [2, 2]: aligned, -1.
    result = losses.cosine_similarity([[1.0, 0.0], [1.0, 1.0]], [[0.0, 3.0], [2.0, 2.0]])
    np.testing.assert_allclose(value(result), [0.0, -1.0], rtol=1e-6, atol=1e-7)


def test_cosine_similarity_of_a_zero_vector_is_zero_with_a_finite_gradient():
    y_pred = np.array([[0.0, 0.0]])
    with K.GradientTape() as tape:
        tape.watch(y_pred)
        result = losses.CosineSimilarity(dtype="float64")([[1.0, 2.0]], y_pred)
    assert value(result) == 0.0
    assert np.all(np.isfinite(tape.gradient(result, y_pred)))


def test_cosine_similarity_along_the_batch_axis():
    # Columns [1, 1] and [0, 1] against [0, 2] and [3, 2]: cosines 1/sqrt(2) and 2/sqrt(13).
    result = losses.cosine_similarity([[1.0, 0.0], [1.0, 1.0]], [[0.0, 3.0], [2.0, 2.0]], axis=0)
    np.testing.assert_allclose(value(result), [-1 / math.sqrt(2), -2 / math.sqrt(13)], rtol=1e-6)


def test_log_cosh_is_the_log_of_the_hyperbolic_cosine_of_the_error():
    y_pred = np.array([[0.0, 1.0, -2.0]])
    expected = (0.0 + math.log(math.cosh(1.0)) + math.log(math.cosh(2.0))) / 3
    np.testing.assert_allclose(value(losses.log_cosh(np.zeros((1, 3)), y_pred)), [expected])


def test_log_cosh_of_a_huge_error_is_finite():
    # cosh(100) overflows float32; log(cosh(e)) is e - log(2) there.
    result = losses.log_cosh(np.zeros((1, 1), "float32"), np.array([[100.0]], "float32"))
    np.testing.assert_allclose(value(result), [100.0 - math.log(2.0)], rtol=1e-6)


# ------------------------------------------------------------- probabilistic


def test_poisson_is_the_rate_minus_the_count_times_its_log():
    # 1 - 2 * log(1) = 1 and 3 - 0 * log(3) = 3: a mean of 2 (log of the rate plus epsilon).
    result = losses.poisson(np.array([[2.0, 0.0]]), np.array([[1.0, 3.0]]))
    expected = ((1.0 - 2.0 * math.log(1.0 + EPSILON)) + 3.0) / 2
    np.testing.assert_allclose(value(result), [expected], rtol=1e-12)


def test_binary_focal_crossentropy_scales_each_entry_by_one_minus_p_t_to_gamma():
    # Target 1 at p = 0.8: p_t = 0.8, factor 0.2**2; target 0 at p = 0.8: p_t = 0.2, 0.8**2.
    right = 0.2**2 * -math.log(0.8)
    wrong = 0.8**2 * -math.log(0.2)
    result = losses.binary_focal_crossentropy(np.array([[1.0, 0.0]]), np.array([[0.8, 0.8]]))
    np.testing.assert_allclose(value(result), [(right + wrong) / 2], rtol=1e-9)
    balanced = losses.binary_focal_crossentropy(
        np.array([[1.0, 0.0]]), np.array([[0.8, 0.8]]), apply_class_balancing=True, alpha=0.25
    )
    np.testing.assert_allclose(value(balanced), [(0.25 * right + 0.75 * wrong) / 2], rtol=1e-9)


def test_binary_focal_crossentropy_from_logits_applies_a_sigmoid_first():
    logit = math.log(0.8 / 0.2)  # sigmoid(logit) = 0.8
    from_logits = losses.binary_focal_crossentropy([[1.0]], [[logit]], from_logits=True)
    np.testing.assert_allclose(value(from_logits), [0.2**2 * -math.log(0.8)], rtol=1e-5)


def test_categorical_focal_crossentropy_weights_the_true_class_term():
    # -alpha * (1 - 0.8)**2 * log(0.8) for the true class; the other class has target 0.
    result = losses.categorical_focal_crossentropy(np.array([[0.0, 1.0]]), np.array([[0.2, 0.8]]))
    np.testing.assert_allclose(value(result), [0.25 * 0.04 * -math.log(0.8)], rtol=1e-9)


def test_categorical_focal_crossentropy_normalises_and_smooths_like_categorical():
    # Predictions [1, 4] normalise to [0.2, 0.8]; smoothing 0.5 over 2 classes gives [0.25, 0.75].
    result = losses.categorical_focal_crossentropy(
        np.array([[0.0, 1.0]]), np.array([[1.0, 4.0]]), alpha=1.0, gamma=1.0, label_smoothing=0.5
    )
    expected = 0.25 * 0.8 * -math.log(0.2) + 0.75 * 0.2 * -math.log(0.8)
    np.testing.assert_allclose(value(result), [expected], rtol=1e-9)


def test_categorical_generalized_cross_entropy_is_one_minus_p_to_q_over_q():
    # Label 1 has probability 0.64: (1 - sqrt(0.64)) / 0.5 = 0.4.
    result = losses.categorical_generalized_cross_entropy([1], np.array([[0.2, 0.64, 0.16]]), q=0.5)
    np.testing.assert_allclose(value(result), [0.4], rtol=1e-12)


def test_categorical_generalized_cross_entropy_loss_object_takes_labels_with_a_trailing_axis():
    loss = losses.CategoricalGeneralizedCrossEntropy(q=0.5, dtype="float64")
    y_pred = np.array([[0.2, 0.64, 0.16], [0.75, 0.0, 0.25]])
    # (1 - 0.8) / 0.5 = 0.4 and (1 - 0.5) / 0.5 = 1: a mean of 0.7.
    np.testing.assert_allclose(value(loss([[1], [2]], y_pred)), 0.7, rtol=1e-12)


@pytest.mark.parametrize("q", [0.0, 1.0, -0.5, 2, True, "half"])
def test_generalized_cross_entropy_refuses_q_outside_zero_one(q):
    with pytest.raises(ValueError, match=r"categorical_generalized_cross_entropy: q must be"):
        losses.CategoricalGeneralizedCrossEntropy(q=q)


def test_generalized_cross_entropy_refuses_labels_that_name_no_class():
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\).*\[3\.0\]"):
        losses.categorical_generalized_cross_entropy([3], [[0.2, 0.3, 0.5]], q=0.5)


# --------------------------------------------------------------------- hinge


def test_squared_hinge_squares_the_margins():
    # Margins max(1 - 1 * 0.3, 0) = 0.7 and max(1 + 0.5, 0) = 1.5: (0.49 + 2.25) / 2.
    result = losses.squared_hinge(np.array([[1.0, -1.0]]), np.array([[0.3, 0.5]]))
    np.testing.assert_allclose(value(result), [1.37], rtol=1e-12)


def test_squared_hinge_converts_zero_one_labels():
    y_pred = np.array([[0.3, 0.5]])
    np.testing.assert_allclose(
        value(losses.squared_hinge(np.array([[1.0, 0.0]]), y_pred)),
        value(losses.squared_hinge(np.array([[1.0, -1.0]]), y_pred)),
    )


def test_categorical_hinge_compares_the_true_score_with_the_best_other():
    # 0.5 - 0.8 + 1 = 0.7; then 0.3 - 2.0 + 1 < 0, so 0.
    y_true = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    y_pred = np.array([[0.5, 0.8, 0.1], [0.1, 2.0, 0.3]])
    np.testing.assert_allclose(value(losses.categorical_hinge(y_true, y_pred)), [0.7, 0.0])


# -------------------------------------------------------------- segmentation

MASK_TRUE = np.array([[1.0, 1.0, 0.0, 0.0]])
MASK_PRED = np.array([[1.0, 0.5, 1.0, 0.0]])  # TP 1.5, FP 1, FN 0.5


def test_dice_is_one_minus_twice_the_overlap_over_the_total():
    # 1 - 2 * 1.5 / (2 + 2.5) = 1/3.
    np.testing.assert_allclose(value(losses.dice(MASK_TRUE, MASK_PRED)), 1 / 3, rtol=1e-6)


def test_tversky_weighs_false_positives_by_alpha_and_false_negatives_by_beta():
    # 1 - 1.5 / (1.5 + 0.3 * 1 + 0.7 * 0.5)
    result = losses.tversky(MASK_TRUE, MASK_PRED, alpha=0.3, beta=0.7)
    np.testing.assert_allclose(value(result), 1 - 1.5 / 2.15, rtol=1e-6)


def test_dice_over_the_whole_batch_or_per_sample():
    y_true = np.concatenate([MASK_TRUE, [[0.0, 0.0, 1.0, 1.0]]])
    y_pred = np.concatenate([MASK_PRED, [[0.0, 0.0, 1.0, 1.0]]])
    # axis=None: intersection 1.5 + 2, totals 4.5 + 4; axis=1: 1/3 and 0.
    np.testing.assert_allclose(value(losses.dice(y_true, y_pred)), 1 - 7 / 8.5, rtol=1e-6)
    per_sample = losses.dice(y_true, y_pred, axis=1)
    np.testing.assert_allclose(value(per_sample), [1 / 3, 0.0], rtol=1e-6, atol=1e-7)
    weighted = losses.Dice(axis=1)(y_true, y_pred, sample_weight=[3.0, 1.0])
    np.testing.assert_allclose(value(weighted), (3 * (1 / 3) + 0.0) / 2, rtol=1e-6)


def test_sample_weights_that_do_not_fit_the_losses_are_refused():
    # Along axis 0 there is one loss per column (3), not per sample (4).
    with pytest.raises(ValueError, match=r"sample_weight of shape \(4,\) cannot weigh losses"):
        losses.CosineSimilarity(axis=0)(np.ones((4, 3)), np.ones((4, 3)), sample_weight=np.ones(4))


def test_two_empty_masks_give_a_dice_loss_of_one():
    np.testing.assert_allclose(value(losses.dice(np.zeros((1, 3)), np.zeros((1, 3)))), 1.0)


@pytest.mark.parametrize("axis", [3, (0, 5), "rows", 1.5, ()])
def test_segmentation_losses_refuse_a_bad_axis(axis):
    with pytest.raises(ValueError, match=r"tversky: axis must be None, an int or a tuple"):
        losses.tversky(MASK_TRUE, MASK_PRED, axis=axis)


@settings(max_examples=20, deadline=None)
@given(
    hnp.arrays("float64", (2, 5), elements=st.integers(0, 1).map(float)),
    hnp.arrays("float64", (2, 5), elements=st.floats(0.0, 1.0)),
)
def test_dice_lies_in_zero_one_and_is_tversky_with_equal_weights(y_true, y_pred):
    dice = value(losses.dice(y_true, y_pred, axis=1))
    assert np.all((dice >= -1e-12) & (dice <= 1.0 + 1e-12))
    tversky = value(losses.tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=1))
    # Equal but for where epsilon sits in the denominators.
    np.testing.assert_allclose(dice, tversky, rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------- similarity

# Two embeddings of class 0 that coincide, one of class 1 orthogonal to them.
CIRCLE_LABELS = np.array([0, 0, 1])
CIRCLE_EMBEDDINGS = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])


def test_circle_loss_of_each_sample_by_hand():
    # Samples 0 and 1: the positive pair at distance 0 gives -1 * 0.25 * (0.25 - 0) and the
    # negative pair at distance 1 gives 1 * max(1.25 - 1, 0) * (0.75 - 1), both -0.0625;
    # sample 2 has no positive pair: loss 0.
    result = losses.circle(CIRCLE_LABELS, CIRCLE_EMBEDDINGS, gamma=1.0, margin=0.25)
    expected = softplus(-0.125)
    np.testing.assert_allclose(value(result), [expected, expected, 0.0], rtol=1e-12)


def test_circle_loss_object_averages_over_samples_with_a_positive_pair():
    loss = losses.Circle(gamma=1.0, margin=0.25, dtype="float64")
    np.testing.assert_allclose(
        value(loss(CIRCLE_LABELS, CIRCLE_EMBEDDINGS)), softplus(-0.125), rtol=1e-12
    )
    summed = losses.Circle(gamma=1.0, margin=0.25, reduction="sum", dtype="float64")
    np.testing.assert_allclose(
        value(summed(CIRCLE_LABELS, CIRCLE_EMBEDDINGS)), 2 * softplus(-0.125), rtol=1e-12
    )


def test_circle_loss_against_reference_embeddings():
    # Query [1, 0] of class 0 against references of classes 0 and 1; with the diagonal
    # removed (the default, which assumes the references are the queries) it has no positive.
    arguments = {"ref_labels": [0, 1], "ref_embeddings": [[1.0, 0.0], [0.0, 1.0]]}
    arguments.update(gamma=1.0, margin=0.25)
    assert value(losses.circle([0], [[1.0, 0.0]], **arguments)) == [0.0]
    result = losses.circle([0], [[1.0, 0.0]], remove_diagonal=False, **arguments)
    np.testing.assert_allclose(value(result), [softplus(-0.125)], rtol=1e-6)


# ------------------------------------------------------------------ sequence


def test_ctc_sums_the_probability_of_every_path_that_reads_as_the_labels():
    # Two steps, blank and class 1 at probability 1/2 each: 01, 10 and 11 read "1".
    uniform = np.log(np.full((1, 2, 2), 0.5))
    np.testing.assert_allclose(value(losses.ctc([[1]], uniform)), [-math.log(0.75)], rtol=1e-12)


def test_ctc_needs_a_blank_between_repeated_labels():
    # "1 1" in three steps: only the path 1, blank, 1; a third label is padding.
    uniform = np.log(np.full((1, 3, 2), 0.5))
    np.testing.assert_allclose(value(losses.ctc([[1, 1, 0]], uniform)), [math.log(8.0)])
    too_short = np.log(np.full((1, 2, 2), 0.5))
    assert value(losses.ctc([[1, 1]], too_short))[0] == np.inf


def test_ctc_matches_a_count_over_every_path():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(3, 4, 3))
    labels = np.array([[1, 2], [2, 2], [0, 0]])
    log_probabilities = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    expected = []
    for sample, row in enumerate(labels):
        target = [label for label in row if label != 0]
        total = 0.0
        for path in itertools.product(range(3), repeat=4):
            read = [c for t, c in enumerate(path) if c != 0 and (t == 0 or path[t - 1] != c)]
            if read == target:
                total += math.exp(sum(log_probabilities[sample, t, c] for t, c in enumerate(path)))
        expected.append(-math.log(total))
    np.testing.assert_allclose(value(losses.ctc(labels, logits)), expected, rtol=1e-10)


@pytest.mark.parametrize(
    "y_true, y_pred, message",
    [
        (np.ones((2,)), np.zeros((2, 3, 4)), r"ctc: y_true must hold integer labels of shape"),
        (np.ones((2, 1)), np.zeros((2, 4)), r"ctc: y_pred must hold logits of shape"),
        (np.ones((3, 1)), np.zeros((2, 3, 4)), r"ctc: y_true and y_pred must have the same batch"),
    ],
)
def test_ctc_refuses_bad_shapes(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        losses.ctc(y_true, y_pred)


# ------------------------------------------------------------------ gradients

RNG = np.random.default_rng(7)
PROBABILITIES = RNG.uniform(0.1, 0.9, size=(4, 3))
BINARY = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
ONE_HOT = np.eye(3)[[0, 2, 1, 1]]
REGRESSION_TRUE = RNG.uniform(0.5, 3.0, size=(4, 3))
REGRESSION_PRED = RNG.uniform(0.5, 3.0, size=(4, 3))
SCORES = np.array([[0.6, -1.7, 2.9], [-0.2, 1.4, 0.35], [3.1, -0.45, 0.8], [-2.2, 0.05, 1.6]])
EMBEDDINGS = RNG.normal(size=(6, 3))
EMBEDDINGS /= np.linalg.norm(EMBEDDINGS, axis=-1, keepdims=True)

GRADIENT_CASES = [
    ("MeanAbsolutePercentageError", {}, REGRESSION_TRUE, REGRESSION_PRED),
    ("MeanSquaredLogarithmicError", {}, REGRESSION_TRUE, REGRESSION_PRED),
    ("CosineSimilarity", {}, REGRESSION_TRUE - 1.5, REGRESSION_PRED - 1.5),
    ("CosineSimilarity", {"axis": 0}, REGRESSION_TRUE - 1.5, REGRESSION_PRED - 1.5),
    ("LogCosh", {}, REGRESSION_TRUE, REGRESSION_PRED),
    ("Poisson", {}, REGRESSION_TRUE, REGRESSION_PRED),
    ("SquaredHinge", {}, BINARY, SCORES * 0.3),
    ("CategoricalHinge", {}, ONE_HOT, SCORES * 0.3),
    ("BinaryFocalCrossentropy", {}, BINARY, PROBABILITIES),
    (
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "gamma": 1.5},
        BINARY,
        PROBABILITIES,
    ),
    ("BinaryFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, BINARY, SCORES),
    ("CategoricalFocalCrossentropy", {}, ONE_HOT, PROBABILITIES),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "gamma": 1.0}, ONE_HOT, SCORES),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.7}, np.array([0, 2, 1, 1]), PROBABILITIES),
    ("Dice", {}, BINARY, PROBABILITIES),
    ("Dice", {"axis": 1}, BINARY, PROBABILITIES),
    ("Tversky", {"alpha": 0.3, "beta": 0.7, "axis": 1}, BINARY, PROBABILITIES),
    ("Circle", {"gamma": 4.0}, np.array([0, 1, 0, 2, 1, 1]), EMBEDDINGS),
    ("CTC", {}, np.array([[1, 2, 0], [3, 3, 0], [2, 0, 0], [0, 0, 0]]), RNG.normal(size=(4, 5, 4))),
]


@pytest.mark.parametrize(
    "name, arguments, y_true, y_pred",
    GRADIENT_CASES,
    ids=[f"{case[0]}-{case[1]}" for case in GRADIENT_CASES],
)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weighted"])
def test_tape_gradient_matches_finite_differences(name, arguments, y_true, y_pred, weighted):
    if name == "CTC" and weighted and K.backend() == "jax":
        # CTC's time-step loop runs op by op on the JAX tape (a minute on 2 cores); the
        # unweighted case checks its gradient there, the weighting is the same code as NumPy's.
        pytest.skip("CTC's weighted gradient is checked on NumPy only (runtime)")
    loss = getattr(losses, name)(**arguments, dtype="float64")
    losses_count = len(y_pred) if arguments.get("axis") != 0 else y_pred.shape[1]
    sample_weight = np.linspace(0.5, 2.0, losses_count) if weighted else None
    case = Case(
        op=name,
        id=str(arguments),
        function=lambda B, x: loss(y_true, x, sample_weight=sample_weight),
        inputs=[y_pred],
        rtol=1e-5,
        atol=1e-8,
    )
    run_gradient_check(K, case)


# ---------------------------------------------------- equivalences, stability


@settings(max_examples=20, deadline=None)
@given(hnp.arrays("float64", (3, 4), elements=st.floats(0.02, 0.98)))
def test_focal_losses_without_focusing_are_the_crossentropies(y_pred):
    y_binary = (y_pred > 0.5).astype("float64")[::-1]
    np.testing.assert_allclose(
        value(losses.binary_focal_crossentropy(y_binary, y_pred, gamma=0.0)),
        value(losses.binary_crossentropy(y_binary, y_pred)),
        rtol=1e-12,
    )
    one_hot = np.eye(4)[[0, 3, 1]]
    np.testing.assert_allclose(
        value(losses.categorical_focal_crossentropy(one_hot, y_pred, alpha=1.0, gamma=0.0)),
        value(losses.categorical_crossentropy(one_hot, y_pred)),
        rtol=1e-12,
    )


@settings(max_examples=20, deadline=None)
@given(hnp.arrays("float64", (2, 3), elements=st.floats(-50.0, 50.0)))
def test_log_cosh_lies_between_abs_minus_log_two_and_abs(error):
    per_entry = value(
        losses.LogCosh(reduction=None, dtype="float64")(np.zeros((6, 1)), error.reshape(6, 1))
    )
    magnitude = np.abs(error.reshape(6))
    assert np.all(per_entry <= magnitude + 1e-12)
    assert np.all(per_entry >= magnitude - math.log(2.0) - 1e-12)


# ------------------------------------------------------ objects, names, configs

NEW_LOSSES = {
    losses.MeanAbsolutePercentageError: "mean_absolute_percentage_error",
    losses.MeanSquaredLogarithmicError: "mean_squared_logarithmic_error",
    losses.CosineSimilarity: "cosine_similarity",
    losses.LogCosh: "log_cosh",
    losses.Poisson: "poisson",
    losses.SquaredHinge: "squared_hinge",
    losses.CategoricalHinge: "categorical_hinge",
    losses.BinaryFocalCrossentropy: "binary_focal_crossentropy",
    losses.CategoricalFocalCrossentropy: "categorical_focal_crossentropy",
    losses.CategoricalGeneralizedCrossEntropy: "categorical_generalized_cross_entropy",
    losses.Dice: "dice",
    losses.Tversky: "tversky",
    losses.Circle: "circle",
    losses.CTC: "ctc",
}


@pytest.mark.parametrize("cls", list(NEW_LOSSES), ids=lambda cls: cls.__name__)
def test_default_names_and_functions_follow_keras(cls):
    loss = cls()
    assert loss.name == NEW_LOSSES[cls]
    assert loss.reduction == "sum_over_batch_size"
    assert loss.fn is getattr(losses, NEW_LOSSES[cls])
    assert losses.get(cls.__name__).get_config() == loss.get_config()


def test_keras_configs_of_the_new_losses():
    assert losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=3.0).get_config() == {
        "name": "binary_focal_crossentropy",
        "reduction": "sum_over_batch_size",
        "apply_class_balancing": True,
        "alpha": 0.25,
        "gamma": 3.0,
        "from_logits": False,
        "label_smoothing": 0.0,
        "axis": -1,
    }
    assert losses.Tversky(alpha=0.3, beta=0.7, axis=(1, 2)).get_config() == {
        "name": "tversky",
        "reduction": "sum_over_batch_size",
        "alpha": 0.3,
        "beta": 0.7,
        "axis": (1, 2),
    }
    assert losses.Circle().get_config() == {
        "name": "circle",
        "reduction": "sum_over_batch_size",
        "gamma": 80.0,
        "margin": 0.4,
        "remove_diagonal": True,
    }
    assert losses.CosineSimilarity(axis=0).axis == 0
    assert losses.BinaryFocalCrossentropy(gamma=3.0).gamma == 3.0


ROUND_TRIP = [
    losses.MeanAbsolutePercentageError(reduction="sum"),
    losses.MeanSquaredLogarithmicError(name="msle_loss"),
    losses.CosineSimilarity(axis=0, reduction=None),
    losses.LogCosh(dtype="float64"),
    losses.Poisson(),
    losses.SquaredHinge(reduction="mean_with_sample_weight"),
    losses.CategoricalHinge(),
    losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.4, from_logits=True),
    losses.CategoricalFocalCrossentropy(gamma=1.0, label_smoothing=0.1),
    losses.CategoricalGeneralizedCrossEntropy(q=0.3),
    losses.Dice(axis=(1,)),
    losses.Tversky(alpha=0.1, beta=0.9),
    losses.Circle(gamma=10.0, margin=0.3, remove_diagonal=False),
]


@pytest.mark.parametrize("loss", ROUND_TRIP, ids=lambda loss: type(loss).__name__)
def test_config_round_trip_through_json(loss):
    import json

    config = json.loads(json.dumps(losses.serialize(loss)))
    rebuilt = losses.deserialize(config)
    assert type(rebuilt) is type(loss)
    assert json.loads(json.dumps(rebuilt.get_config())) == config["config"]


@pytest.mark.parametrize(
    "name, function",
    [
        ("mape", losses.mean_absolute_percentage_error),
        ("MAPE", losses.mean_absolute_percentage_error),
        ("msle", losses.mean_squared_logarithmic_error),
        ("MSLE", losses.mean_squared_logarithmic_error),
        ("logcosh", losses.log_cosh),
        ("log_cosh", losses.log_cosh),
        ("poisson", losses.poisson),
        ("squared_hinge", losses.squared_hinge),
        ("categorical_hinge", losses.categorical_hinge),
        ("cosine_similarity", losses.cosine_similarity),
        ("binary_focal_crossentropy", losses.binary_focal_crossentropy),
        ("categorical_focal_crossentropy", losses.categorical_focal_crossentropy),
        ("dice", losses.dice),
        ("tversky", losses.tversky),
        ("circle", losses.circle),
        ("ctc", losses.ctc),
    ],
)
def test_function_names_and_aliases_resolve_to_the_functions(name, function):
    assert losses.get(name) is function
    assert losses.serialize(function) == function.__name__


def test_wrapping_a_new_function_serializes_it_by_name():
    wrapper = losses.LossFunctionWrapper(losses.tversky, alpha=0.2, beta=0.8)
    config = wrapper.get_config()
    assert config["fn"] == "tversky" and config["alpha"] == 0.2
    rebuilt = losses.LossFunctionWrapper.from_config(config)
    np.testing.assert_allclose(
        value(rebuilt(MASK_TRUE, MASK_PRED)), value(wrapper(MASK_TRUE, MASK_PRED))
    )


def test_a_loss_function_can_mark_the_losses_that_count_with_a_keras_mask():
    def first_sample_only(y_true, y_pred):
        per_sample = losses.mean_squared_error(y_true, y_pred)
        K.set_keras_mask(per_sample, K.convert_to_tensor([True, False]))
        return per_sample

    loss = losses.LossFunctionWrapper(first_sample_only)
    np.testing.assert_allclose(value(loss([[0.0], [0.0]], [[2.0], [10.0]])), 4.0)


def test_compile_takes_the_new_losses_by_name_and_trains():
    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(3,))
    model = gk.Model(inputs, gk.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mape")
    x = np.random.default_rng(1).uniform(1.0, 2.0, size=(16, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    prediction = model.predict(x, verbose=0)
    expected = 100 * np.mean(np.abs((y - prediction) / y))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-5)
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
