"""Attention and AdditiveAttention: weights, values, masks, shapes, config, gradients.

References are numpy formulas written in each test (scores, softmax over the
value steps, weighted sum); one AdditiveAttention case also compares with
numbers Keras 3.15.1 (JAX backend) produced for the same inputs and weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients

import graphkeras as gk
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

RNG = np.random.default_rng(0)
QUERY = RNG.normal(size=(2, 3, 4)).astype("float32")
VALUE = RNG.normal(size=(2, 5, 6)).astype("float32")
KEY = RNG.normal(size=(2, 5, 4)).astype("float32")
QUERY_MASK = np.array([[True, True, False], [True, False, True]])
VALUE_MASK = np.array([[True, True, True, False, False], [True, False, True, True, True]])


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def dot_scores(query, key):
    return np.einsum("bqd,bvd->bqv", query, key)


def additive_scores(query, key, scale):
    return (scale * np.tanh(query[:, :, None, :] + key[:, None, :, :])).sum(axis=-1)


def deterministic(shape, phase: float) -> np.ndarray:
    """Inputs and weights shared with the Keras run that produced the literal values."""
    count = int(np.prod(shape))
    return (0.5 * np.sin(np.arange(count) * 0.7 + phase)).reshape(shape).astype("float32")


# ----------------------------------------------------------- Attention: weights


def test_attention_has_no_weights_by_default():
    layer = layers.Attention()
    layer([QUERY, VALUE, KEY])
    assert layer.weights == []


def test_attention_weights_are_scale_then_concat_score_weight_scalars_starting_at_one():
    layer = layers.Attention(use_scale=True, score_mode="concat")
    layer.build([QUERY.shape, VALUE.shape, KEY.shape])
    assert [(w.name, w.shape) for w in layer.weights] == [
        ("scale", ()),
        ("concat_score_weight", ()),
    ]
    assert layer.get_weights() == [1.0, 1.0]


# ----------------------------------------------------------- Attention: values


def test_attention_of_one_query_step_over_two_keys_by_hand():
    query = np.float32([[[1.0, 0.0]]])
    key = np.float32([[[1.0, 0.0], [0.0, 1.0]]])
    value = np.float32([[[10.0], [20.0]]])
    weight = np.e / (np.e + 1.0)  # softmax of the scores [1, 0]
    outputs, scores = layers.Attention()([query, value, key], return_attention_scores=True)
    np.testing.assert_allclose(scores, [[[weight, 1.0 - weight]]], rtol=1e-6)
    np.testing.assert_allclose(outputs, [[[10.0 * weight + 20.0 * (1.0 - weight)]]], rtol=1e-6)


def test_attention_dot_scores_softmax_over_value_steps_weight_the_values():
    expected = softmax(dot_scores(QUERY, KEY)) @ VALUE
    np.testing.assert_allclose(
        layers.Attention()([QUERY, VALUE, KEY]), expected, rtol=1e-5, atol=1e-6
    )


def test_attention_on_query_and_value_uses_the_value_as_key():
    value = RNG.normal(size=(2, 5, 4)).astype("float32")
    expected = softmax(dot_scores(QUERY, value)) @ value
    np.testing.assert_allclose(layers.Attention()([QUERY, value]), expected, rtol=1e-5, atol=1e-6)


def test_attention_scale_multiplies_the_dot_scores():
    layer = layers.Attention(use_scale=True)
    layer.build([QUERY.shape, VALUE.shape, KEY.shape])
    layer.set_weights([np.float32(0.5)])
    expected = softmax(0.5 * dot_scores(QUERY, KEY)) @ VALUE
    np.testing.assert_allclose(layer([QUERY, VALUE, KEY]), expected, rtol=1e-5, atol=1e-6)


def test_attention_concat_scores_sum_tanh_of_scaled_pairs_times_the_score_weight():
    layer = layers.Attention(use_scale=True, score_mode="concat")
    layer.build([QUERY.shape, VALUE.shape, KEY.shape])
    layer.set_weights([np.float32(0.7), np.float32(1.5)])
    scores = 1.5 * np.tanh(0.7 * (QUERY[:, :, None, :] + KEY[:, None, :, :])).sum(axis=-1)
    _, weights = layer([QUERY, VALUE, KEY], return_attention_scores=True)
    np.testing.assert_allclose(weights, softmax(scores), rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------- Attention: masks


def test_attention_gives_masked_value_steps_no_weight():
    _, weights = layers.Attention()(
        [QUERY, VALUE, KEY], mask=[None, VALUE_MASK], return_attention_scores=True
    )
    weights = np.asarray(weights)
    assert np.all(weights[np.broadcast_to(~VALUE_MASK[:, None, :], weights.shape)] < 1e-30)
    masked_scores = np.where(VALUE_MASK[:, None, :], dot_scores(QUERY, KEY), -np.inf)
    np.testing.assert_allclose(weights, softmax(masked_scores), rtol=1e-5, atol=1e-7)


def test_attention_zeroes_the_output_of_masked_query_steps():
    outputs = np.asarray(layers.Attention()([QUERY, VALUE, KEY], mask=[QUERY_MASK, None]))
    assert np.all(outputs[~QUERY_MASK] == 0.0)
    expected = softmax(dot_scores(QUERY, KEY)) @ VALUE
    np.testing.assert_allclose(outputs[QUERY_MASK], expected[QUERY_MASK], rtol=1e-5)


def test_attention_causal_mask_hides_later_steps():
    query = RNG.normal(size=(2, 4, 3)).astype("float32")
    _, weights = layers.Attention()(
        [query, query], use_causal_mask=True, return_attention_scores=True
    )
    upper = np.triu(np.ones((4, 4), bool), k=1)
    assert np.all(np.asarray(weights)[:, upper] < 1e-30)
    scores = np.where(upper, -np.inf, dot_scores(query, query))
    np.testing.assert_allclose(weights, softmax(scores), rtol=1e-5, atol=1e-7)


def test_attention_takes_its_masks_from_the_inputs_in_a_model():
    query_input, value_input = gk.Input((3, 4)), gk.Input((5, 4))
    outputs = layers.Attention()(
        [layers.Masking(0.0)(query_input), layers.Masking(0.0)(value_input)]
    )
    model = gk.Model([query_input, value_input], outputs)
    query, value = QUERY.copy(), KEY.copy()
    query[0, 2] = 0.0
    value[1, 1:3] = 0.0
    query_mask = np.any(query != 0.0, axis=-1)
    value_mask = np.any(value != 0.0, axis=-1)
    expected = layers.Attention()([query, value], mask=[query_mask, value_mask])
    np.testing.assert_allclose(model.predict([query, value]), expected, rtol=1e-6, atol=1e-7)


def test_attention_output_carries_the_query_mask():
    outputs = layers.Attention()([layers.Masking(0.0)(gk.Input((3, 4))), gk.Input((5, 4))])
    assert (outputs._keras_mask.shape, outputs._keras_mask.dtype) == ((None, 3), "bool")
    mask = layers.Attention().compute_mask([QUERY, VALUE, KEY], mask=[QUERY_MASK, VALUE_MASK])
    np.testing.assert_array_equal(mask, QUERY_MASK)


def test_attention_output_has_no_mask_without_input_masks():
    outputs = layers.Attention()([gk.Input((3, 4)), gk.Input((5, 4))])
    assert outputs._keras_mask is None


# ----------------------------------------------------------- Attention: shapes


def test_attention_symbolic_shapes_with_scores():
    outputs, scores = layers.Attention()(
        [gk.Input((3, 4)), gk.Input((5, 6)), gk.Input((5, 4))], return_attention_scores=True
    )
    assert outputs.shape == (None, 3, 6)
    assert scores.shape == (None, 3, 5)


def test_attention_compute_output_shape_takes_the_value_features():
    layer = layers.Attention()
    assert layer.compute_output_shape([(None, 3, 4), (None, 5, 6), (None, 5, 4)]) == (None, 3, 6)


def test_attention_eager_shapes_match_the_symbolic_ones():
    outputs, scores = layers.Attention()([QUERY, VALUE, KEY], return_attention_scores=True)
    assert outputs.shape == (2, 3, 6) and scores.shape == (2, 3, 5)


# ----------------------------------------------------------- Attention: training


def test_attention_dropout_acts_only_while_training():
    layer = layers.Attention(dropout=0.5, seed=1)
    expected = layers.Attention()([QUERY, VALUE, KEY])
    np.testing.assert_allclose(layer([QUERY, VALUE, KEY]), expected, rtol=1e-6)
    _, weights = layer([QUERY, VALUE, KEY], training=True, return_attention_scores=True)
    _, plain = layers.Attention()([QUERY, VALUE, KEY], return_attention_scores=True)
    weights = np.asarray(weights)
    dropped = weights == 0.0
    assert dropped.any() and (~dropped).any()
    np.testing.assert_allclose(weights[~dropped], 2.0 * np.asarray(plain)[~dropped], rtol=1e-5)


# ----------------------------------------------------------- Attention: config


def test_attention_config_round_trip():
    layer = layers.Attention(use_scale=True, score_mode="concat", dropout=0.25, seed=3)
    config = layer.get_config()
    assert {key: config[key] for key in ("use_scale", "score_mode", "dropout", "seed")} == {
        "use_scale": True,
        "score_mode": "concat",
        "dropout": 0.25,
        "seed": 3,
    }
    assert layers.Attention.from_config(config).get_config() == config


def test_attention_model_round_trips_through_its_config():
    query_input, value_input = gk.Input((3, 4)), gk.Input((5, 4))
    outputs = layers.Attention(use_scale=True)([query_input, value_input], use_causal_mask=True)
    model = gk.Model([query_input, value_input], outputs)
    model.set_weights([np.float32(0.8)])
    clone = gk.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(
        clone.predict([QUERY, KEY]), model.predict([QUERY, KEY]), rtol=1e-6, atol=1e-7
    )


# ----------------------------------------------------------- Attention: gradients


def test_attention_gradients_match_finite_differences():
    layer = layers.Attention(use_scale=True, dtype="float64")
    query, value, key = (RNG.normal(size=shape) for shape in ((2, 2, 3), (2, 3, 2), (2, 3, 3)))
    layer.build([query.shape, value.shape, key.shape])
    layer.set_weights([np.float64(0.7)])
    check_layer_gradients(
        lambda q, v, k: layer([q, v, k], mask=[None, VALUE_MASK[:, :3]]),
        [query, value, key],
        [layer.scale],
    )


def test_attention_concat_gradients_match_finite_differences():
    layer = layers.Attention(use_scale=True, score_mode="concat", dtype="float64")
    query, value = RNG.normal(size=(1, 2, 3)), RNG.normal(size=(1, 3, 3))
    layer.build([query.shape, value.shape])
    check_layer_gradients(
        lambda q, v: layer([q, v], use_causal_mask=False),
        [query, value],
        [layer.scale, layer.concat_score_weight],
    )


# ----------------------------------------------------------- Attention: errors


def test_attention_rejects_an_unknown_score_mode():
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="general")


@pytest.mark.parametrize("dropout", [-0.1, 1.5, "high"])
def test_attention_rejects_a_dropout_outside_zero_one(dropout):
    with pytest.raises(ValueError, match="dropout"):
        layers.Attention(dropout=dropout)


def test_attention_rejects_a_negative_seed():
    with pytest.raises(ValueError, match="seed"):
        layers.Attention(seed=-1)


def test_attention_called_on_one_tensor_is_rejected_naming_the_layer():
    with pytest.raises(ValueError, match=r"'attn'.*\[query, value\]"):
        layers.Attention(name="attn")(gk.Input((3, 4)))


def test_attention_called_on_four_tensors_is_rejected():
    with pytest.raises(ValueError, match="2 or 3 inputs"):
        layers.Attention()([gk.Input((3, 4))] * 4)


def test_attention_rejects_query_and_key_of_different_features():
    with pytest.raises(ValueError, match=r"same number of features.*\(None, 5, 3\)"):
        layers.Attention()([gk.Input((3, 4)), gk.Input((5, 3))])


def test_attention_rejects_rank_two_inputs():
    with pytest.raises(ValueError, match="at least 3"):
        layers.Attention()([gk.Input((4,)), gk.Input((4,))])


def test_attention_rejects_a_mask_that_is_not_a_list():
    with pytest.raises(ValueError, match="mask"):
        layers.Attention()([QUERY, VALUE, KEY], mask=VALUE_MASK)


# ------------------------------------------------------- AdditiveAttention


def test_additive_attention_scale_is_a_vector_of_the_query_features():
    layer = layers.AdditiveAttention()
    layer.build([QUERY.shape, VALUE.shape, KEY.shape])
    assert [(w.name, w.shape) for w in layer.weights] == [("scale", (4,))]


def test_additive_attention_without_scale_has_no_weights():
    layer = layers.AdditiveAttention(use_scale=False)
    layer([QUERY, VALUE, KEY])
    assert layer.weights == []


def test_additive_attention_scores_sum_scaled_tanh_of_query_plus_key():
    layer = layers.AdditiveAttention()
    layer.build([QUERY.shape, VALUE.shape, KEY.shape])
    scale = np.float32([0.5, -1.0, 2.0, 0.25])
    layer.set_weights([scale])
    expected = softmax(additive_scores(QUERY, KEY, scale))
    outputs, weights = layer([QUERY, VALUE, KEY], return_attention_scores=True)
    np.testing.assert_allclose(weights, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outputs, expected @ VALUE, rtol=1e-5, atol=1e-5)


def test_additive_attention_reproduces_numbers_from_keras():
    layer = layers.AdditiveAttention()
    query, value = deterministic((1, 2, 3), 0.3), deterministic((1, 3, 3), 0.4)
    layer.build([query.shape, value.shape])
    layer.set_weights([deterministic((3,), 2.0)])
    outputs, weights = layer([query, value], return_attention_scores=True)
    # keras.layers.AdditiveAttention with the same scale, Keras 3.15.1 on JAX.
    np.testing.assert_allclose(
        outputs,
        [[[0.0643396, 0.0498199, 0.0118691], [0.0620916, 0.0492817, 0.0132939]]],
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        weights,
        [[[0.3675468, 0.3856468, 0.2468063], [0.3686018, 0.3819066, 0.2494916]]],
        rtol=1e-5,
    )


def test_additive_attention_masks_value_steps_and_query_steps():
    layer = layers.AdditiveAttention(use_scale=False)
    outputs, weights = layer(
        [QUERY, VALUE, KEY], mask=[QUERY_MASK, VALUE_MASK], return_attention_scores=True
    )
    scores = np.where(VALUE_MASK[:, None, :], additive_scores(QUERY, KEY, 1.0), -np.inf)
    np.testing.assert_allclose(weights, softmax(scores), rtol=1e-5, atol=1e-7)
    assert np.all(np.asarray(outputs)[~QUERY_MASK] == 0.0)


def test_additive_attention_config_has_no_score_mode_and_round_trips():
    layer = layers.AdditiveAttention(use_scale=False, dropout=0.1)
    config = layer.get_config()
    assert "score_mode" not in config
    assert config["use_scale"] is False and config["dropout"] == 0.1
    assert layers.AdditiveAttention.from_config(config).get_config() == config


def test_additive_attention_rejects_score_mode():
    with pytest.raises(TypeError, match="score_mode"):
        layers.AdditiveAttention(score_mode="dot")


def test_additive_attention_gradients_match_finite_differences():
    layer = layers.AdditiveAttention(dtype="float64")
    query, value, key = (RNG.normal(size=shape) for shape in ((1, 2, 3), (1, 3, 2), (1, 3, 3)))
    layer.build([query.shape, value.shape, key.shape])
    check_layer_gradients(
        lambda q, v, k: layer([q, v, k], use_causal_mask=True),
        [query, value, key],
        [layer.scale],
    )


def test_a_built_additive_attention_rejects_queries_of_other_features():
    layer = layers.AdditiveAttention(name="additive")
    layer([QUERY, VALUE, KEY])
    query, key = np.zeros((2, 3, 5), "float32"), np.zeros((2, 5, 5), "float32")
    with pytest.raises(ValueError, match=r"'additive'.*4 features.*\(2, 3, 5\)"):
        layer([query, VALUE, key])
