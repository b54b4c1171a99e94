"""MultiHeadAttention: weights, values, masks, shapes, training, config, gradients.

The reference is a per-head numpy implementation written below (project,
scale, softmax, combine, project back), independent of the layer's einsum
equations; one case also compares with numbers Keras 3.15.1 (JAX backend)
produced for the same inputs and weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients
from layer_test_tools import deterministic

import graphkeras as gk
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

RNG = np.random.default_rng(0)
QUERY = RNG.normal(size=(2, 4, 5)).astype("float32")
VALUE = RNG.normal(size=(2, 6, 7)).astype("float32")
KEY = RNG.normal(size=(2, 6, 3)).astype("float32")
VALUE_MASK = np.array([[1, 1, 1, 0, 0, 1], [1, 0, 1, 1, 1, 0]], bool)


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def reference(query, value, key, weights, allowed=None):
    """Multi-head attention head by head; ``allowed`` (batch, T, S) says which pairs attend.

    Returns the output (batch, T, dim) and the weights (batch, heads, T, S).
    """
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    key_dim = wq.shape[-1]
    output = np.zeros((*query.shape[:-1], wo.shape[-1])) + bo
    all_weights = []
    for head in range(wq.shape[1]):
        q = query @ wq[:, head] + bq[head]
        k = key @ wk[:, head] + bk[head]
        v = value @ wv[:, head] + bv[head]
        scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(key_dim)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        head_weights = softmax(scores)
        all_weights.append(head_weights)
        output += (head_weights @ v) @ wo[head]
    return output, np.stack(all_weights, axis=1)


def built_layer(query=QUERY, value=VALUE, key=KEY, **kwargs):
    """A layer built for these inputs, with random (non-zero) biases."""
    layer = layers.MultiHeadAttention(**{"num_heads": 2, "key_dim": 3, **kwargs})
    layer(query, value, key=key)
    layer.set_weights([RNG.normal(size=w.shape).astype(layer.dtype) for w in layer.weights])
    return layer


# ------------------------------------------------------------------ weights


def test_weights_are_query_key_value_then_output_kernels_and_biases():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    layer(gk.Input((4, 5)), gk.Input((6, 7)), key=gk.Input((6, 8)))
    assert [w.shape for w in layer.weights] == [
        (5, 2, 3),
        (2, 3),
        (8, 2, 3),
        (2, 3),
        (7, 2, 3),
        (2, 3),
        (2, 3, 5),
        (5,),
    ]
    assert [w.name for w in layer.weights] == ["kernel", "bias"] * 4
    sublayers = [layer.query_dense, layer.key_dense, layer.value_dense, layer.output_dense]
    assert [sublayer.name for sublayer in sublayers] == [
        "query",
        "key",
        "value",
        "attention_output",
    ]


def test_value_dim_and_output_shape_set_the_value_and_output_weights():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=9)
    layer(gk.Input((4, 5)), gk.Input((6, 7)))
    assert [w.shape for w in layer.weights][4:] == [(7, 2, 4), (2, 4), (2, 4, 9), (9,)]


def test_without_bias_only_the_four_kernels_remain():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, use_bias=False)
    layer(gk.Input((4, 5)), gk.Input((6, 7)))
    assert [w.shape for w in layer.weights] == [(5, 2, 3), (7, 2, 3), (7, 2, 3), (2, 3, 5)]


def test_the_gate_projection_comes_between_key_and_value():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, use_gate=True)
    layer(gk.Input((4, 5)), gk.Input((6, 7)))
    assert [w.shape for w in layer.weights][4:8] == [(5, 2, 4), (2, 4), (7, 2, 4), (2, 4)]


def test_count_params_adds_up_the_four_projections():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    layer(gk.Input((4, 5)), gk.Input((6, 7)))
    assert layer.count_params() == (5 * 6 + 6) + 2 * (7 * 6 + 6) + (6 * 5 + 5)


# ------------------------------------------------------------------ values


def test_output_and_scores_match_the_per_head_reference():
    layer = built_layer()
    outputs, weights = layer(QUERY, VALUE, key=KEY, return_attention_scores=True)
    expected_outputs, expected_weights = reference(QUERY, VALUE, KEY, layer.get_weights())
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outputs, expected_outputs, rtol=1e-4, atol=1e-5)


def test_without_a_key_the_value_is_the_key():
    layer = built_layer(key=None)
    expected, _ = reference(QUERY, VALUE, VALUE, layer.get_weights())
    np.testing.assert_allclose(layer(QUERY, VALUE), expected, rtol=1e-4, atol=1e-5)


def test_output_shape_projects_to_the_requested_sizes():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=(2, 5))
    assert layer(QUERY, VALUE).shape == (2, 4, 2, 5)


def test_reproduces_numbers_from_keras():
    query, value = deterministic((1, 2, 3), 0.1), deterministic((1, 3, 4), 0.2)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2, value_dim=3)
    layer(query, value)
    layer.set_weights([deterministic(w.shape, 1.0 + i) for i, w in enumerate(layer.weights)])
    outputs, weights = layer(
        query, value, value_mask=np.array([[True, True, False]]), return_attention_scores=True
    )
    # keras.layers.MultiHeadAttention with the same weights, Keras 3.15.1 on JAX.
    np.testing.assert_allclose(
        outputs,
        [[[0.4791632, 0.2772481, -0.0550612], [0.4787073, 0.2768514, -0.0552121]]],
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        weights,
        [
            [
                [[0.483048, 0.516952, 0.0], [0.4797747, 0.5202253, 0.0]],
                [[0.4896181, 0.5103819, 0.0], [0.4817486, 0.5182515, 0.0]],
            ]
        ],
        rtol=1e-5,
        atol=1e-7,
    )


def test_the_gate_multiplies_the_heads_by_a_sigmoid_of_the_query():
    layer = built_layer(key=None, use_gate=True)
    wq, bq, wk, bk, wg, bg, wv, bv, wo, bo = layer.get_weights()
    _, weights = reference(QUERY, VALUE, VALUE, [wq, bq, wk, bk, wv, bv, wo, bo])
    expected = np.zeros((2, 4, 5)) + bo
    for head in range(2):
        gate = 1.0 / (1.0 + np.exp(-(QUERY @ wg[:, head] + bg[head])))
        heads = weights[:, head] @ (VALUE @ wv[:, head] + bv[head])
        expected += (heads * gate) @ wo[head]
    np.testing.assert_allclose(layer(QUERY, VALUE), expected, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------ masks


def test_masked_value_steps_get_no_attention():
    layer = built_layer()
    outputs, weights = layer(
        QUERY, VALUE, key=KEY, value_mask=VALUE_MASK, return_attention_scores=True
    )
    allowed = np.broadcast_to(VALUE_MASK[:, None, :], (2, 4, 6))
    expected_outputs, expected_weights = reference(QUERY, VALUE, KEY, layer.get_weights(), allowed)
    assert np.all(np.asarray(weights)[0][..., ~VALUE_MASK[0]] < 1e-30)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(outputs, expected_outputs, rtol=1e-4, atol=1e-5)


def test_a_key_mask_masks_like_a_value_mask():
    layer = built_layer()
    by_key = layer(QUERY, VALUE, key=KEY, key_mask=VALUE_MASK)
    by_value = layer(QUERY, VALUE, key=KEY, value_mask=VALUE_MASK)
    np.testing.assert_allclose(by_key, by_value, rtol=1e-6)


def test_attention_mask_forbids_the_pairs_it_marks_false():
    layer = built_layer()
    allowed = RNG.uniform(size=(2, 4, 6)) > 0.4
    allowed[:, :, 0] = True
    outputs, weights = layer(
        QUERY, VALUE, key=KEY, attention_mask=allowed, return_attention_scores=True
    )
    expected_outputs, expected_weights = reference(QUERY, VALUE, KEY, layer.get_weights(), allowed)
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(outputs, expected_outputs, rtol=1e-4, atol=1e-5)


def test_causal_mask_lets_each_step_see_only_itself_and_the_past():
    query = RNG.normal(size=(2, 4, 5)).astype("float32")
    layer = built_layer(query, query, None)
    outputs, weights = layer(query, query, use_causal_mask=True, return_attention_scores=True)
    allowed = np.tril(np.ones((4, 4), bool))[None]
    expected_outputs, expected_weights = reference(
        query, query, query, layer.get_weights(), allowed
    )
    np.testing.assert_allclose(weights, expected_weights, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(outputs, expected_outputs, rtol=1e-4, atol=1e-5)


def test_masks_of_the_inputs_reach_the_layer_in_a_model():
    tokens = gk.Input((6,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True)(tokens)
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    outputs = attention(embedded, embedded, return_attention_scores=True)
    model = gk.Model(tokens, outputs)
    ids = np.array([[3, 1, 4, 0, 0, 0], [2, 7, 1, 8, 2, 0]])
    _, weights = model.predict(ids)
    padding = ids == 0
    # A real query step gives padded key steps no weight ...
    assert np.all(weights[0][:, :3][:, :, padding[0]] < 1e-30)
    # ... and a padded query step, which may attend to nothing, gets zero weights.
    assert np.all(weights[0][:, 3:] == 0.0)


def test_output_carries_the_query_mask():
    query = layers.Masking(0.0)(gk.Input((4, 5)))
    outputs = layers.MultiHeadAttention(num_heads=2, key_dim=3)(query, gk.Input((6, 7)))
    assert (outputs._keras_mask.shape, outputs._keras_mask.dtype) == ((None, 4), "bool")


def test_a_query_step_with_nothing_to_attend_to_gets_zero_scores():
    layer = built_layer()
    no_keys = np.zeros((2, 6), bool)
    _, weights = layer(QUERY, VALUE, key=KEY, value_mask=no_keys, return_attention_scores=True)
    np.testing.assert_array_equal(weights, np.zeros((2, 2, 4, 6)))


# ------------------------------------------------------------------ shapes


def test_symbolic_output_and_score_shapes():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    outputs, scores = layer(gk.Input((4, 5)), gk.Input((6, 7)), return_attention_scores=True)
    assert outputs.shape == (None, 4, 5)
    assert scores.shape == (None, 2, 4, 6)


def test_symbolic_shapes_with_unknown_sequence_lengths():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    outputs, scores = layer(gk.Input((None, 5)), gk.Input((None, 7)), return_attention_scores=True)
    assert outputs.shape == (None, None, 5)
    assert scores.shape == (None, 2, None, None)


def test_compute_output_shape_keeps_the_query_shape():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    assert layer.compute_output_shape((None, 4, 5), (None, 6, 7)) == (None, 4, 5)


def test_eager_shapes_match_the_symbolic_ones():
    outputs, scores = built_layer()(QUERY, VALUE, key=KEY, return_attention_scores=True)
    assert outputs.shape == (2, 4, 5) and scores.shape == (2, 2, 4, 6)


def test_attention_over_two_axes_normalizes_over_both():
    query = RNG.normal(size=(2, 3, 2, 5)).astype("float32")
    value = RNG.normal(size=(2, 4, 2, 5)).astype("float32")
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))
    outputs, scores = layer(query, value, return_attention_scores=True)
    assert outputs.shape == (2, 3, 2, 5)
    assert scores.shape == (2, 2, 3, 2, 4, 2)
    np.testing.assert_allclose(np.asarray(scores).sum(axis=(-2, -1)), 1.0, rtol=1e-5)


def test_attention_over_one_inner_axis_treats_the_other_as_batch():
    query = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    value = RNG.normal(size=(2, 3, 6, 5)).astype("float32")
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=2)
    outputs, scores = layer(query, value, return_attention_scores=True)
    assert scores.shape == (2, 3, 2, 4, 6)
    # Each slice along axis 1 is an ordinary attention over axis 2.
    expected, _ = reference(query[:, 1], value[:, 1], value[:, 1], layer.get_weights())
    np.testing.assert_allclose(np.asarray(outputs)[:, 1], expected, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------ training


def test_dropout_drops_attention_weights_only_while_training():
    layer = built_layer(dropout=0.5, seed=2)
    inference = layer(QUERY, VALUE, key=KEY)
    expected, _ = reference(QUERY, VALUE, KEY, layer.get_weights())
    np.testing.assert_allclose(inference, expected, rtol=1e-4, atol=1e-5)
    training = layer(QUERY, VALUE, key=KEY, training=True)
    assert np.abs(np.asarray(training) - np.asarray(inference)).max() > 1e-3


# ------------------------------------------------------------------ config


def test_config_round_trip():
    layer = layers.MultiHeadAttention(
        num_heads=3,
        key_dim=4,
        value_dim=2,
        dropout=0.1,
        use_bias=False,
        output_shape=(6,),
        attention_axes=(1,),
        kernel_initializer="he_normal",
        seed=5,
        name="mha",
    )
    config = layer.get_config()
    assert config["num_heads"] == 3 and config["value_dim"] == 2
    assert config["output_shape"] == [6] and config["attention_axes"] == [1]
    clone = layers.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config


def test_a_rebuilt_layer_with_copied_weights_gives_the_same_output():
    layer = built_layer(value_dim=4)
    clone = layers.MultiHeadAttention.from_config(layer.get_config())
    clone(QUERY, VALUE, key=KEY)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(
        clone(QUERY, VALUE, key=KEY), layer(QUERY, VALUE, key=KEY), rtol=1e-6, atol=1e-7
    )


def test_a_model_with_key_and_attention_mask_inputs_round_trips_through_its_config():
    query, value, key = gk.Input((4, 5)), gk.Input((6, 7)), gk.Input((6, 3))
    allowed = gk.Input((4, 6), dtype="bool")
    outputs = layers.MultiHeadAttention(num_heads=2, key_dim=3)(
        query, value, key=key, attention_mask=allowed, return_attention_scores=True
    )
    model = gk.Model([query, value, key, allowed], outputs)
    clone = gk.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    mask = RNG.uniform(size=(2, 4, 6)) > 0.3
    for mine, theirs in zip(
        clone.predict([QUERY, VALUE, KEY, mask]),
        model.predict([QUERY, VALUE, KEY, mask]),
        strict=True,
    ):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------ gradients


def test_gradients_for_inputs_and_every_weight_match_finite_differences():
    query = RNG.normal(size=(1, 2, 3))
    value = RNG.normal(size=(1, 3, 2))
    layer = built_layer(query, value, None, num_heads=2, key_dim=2, dtype="float64")
    check_layer_gradients(
        lambda q, v: layer(q, v, value_mask=np.array([[True, False, True]])),
        [query, value],
        layer.weights,
    )


def test_gradients_with_a_causal_mask_and_a_separate_key():
    query = RNG.normal(size=(1, 3, 2))
    key = RNG.normal(size=(1, 3, 2))
    layer = built_layer(query, query, key, num_heads=1, key_dim=2, dtype="float64")
    check_layer_gradients(
        lambda q, k: layer(q, q, key=k, use_causal_mask=True), [query, key], layer.weights
    )


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"num_heads": 0, "key_dim": 2}, "num_heads"),
        ({"num_heads": 2, "key_dim": -1}, "key_dim"),
        ({"num_heads": 2, "key_dim": 2.5}, "key_dim"),
        ({"num_heads": 2, "key_dim": 2, "value_dim": 0}, "value_dim"),
        ({"num_heads": 2, "key_dim": 2, "dropout": 1.5}, "dropout"),
        ({"num_heads": 2, "key_dim": 2, "output_shape": (0,)}, "output_shape"),
        ({"num_heads": 2, "key_dim": 2, "attention_axes": "x"}, "attention_axes"),
        ({"num_heads": 2, "key_dim": 2, "sliding_window": 0}, "sliding_window"),
        ({"num_heads": 2, "key_dim": 2, "seed": -3}, "seed"),
    ],
)
def test_bad_constructor_arguments_are_rejected_naming_the_argument(arguments, named):
    with pytest.raises(ValueError, match=named):
        layers.MultiHeadAttention(**arguments)


def test_a_query_of_rank_two_is_rejected_naming_the_layer():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")
    with pytest.raises(ValueError, match=r"'mha'.*rank at least 3.*\(None, 5\)"):
        layer(gk.Input((5,)), gk.Input((5,)))


def test_value_and_key_of_different_lengths_are_rejected():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    with pytest.raises(ValueError, match="value and key"):
        layer(gk.Input((4, 5)), gk.Input((6, 7)), key=gk.Input((5, 7)))


def test_an_attention_axis_outside_the_steps_is_rejected():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(3,))
    with pytest.raises(ValueError, match="attention_axes"):
        layer(gk.Input((4, 5)), gk.Input((6, 5)))


def test_calling_without_a_value_is_rejected():
    with pytest.raises(ValueError, match="query and a value"):
        layers.MultiHeadAttention(num_heads=2, key_dim=3)(gk.Input((4, 5)))


def test_a_failed_first_call_leaves_the_layer_unbuilt_and_usable():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    with pytest.raises(ValueError):
        layer(gk.Input((4, 5)), gk.Input((6, 7)), key=gk.Input((5, 7)))
    assert not layer.built and layer.weights == []
    assert layer(gk.Input((4, 5)), gk.Input((6, 7))).shape == (None, 4, 5)


def test_a_built_layer_rejects_a_value_of_other_features_when_the_graph_is_built():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")
    layer(gk.Input((4, 5)), gk.Input((6, 7)))
    with pytest.raises(ValueError, match=r"'mha'.*value of rank 3 with 7 features.*\(None, 6, 9\)"):
        layer(gk.Input((4, 5)), gk.Input((6, 9)))


def test_a_built_layer_rejects_a_query_of_another_rank_on_arrays():
    layer = built_layer()
    with pytest.raises(ValueError, match=r"query of rank 3 with 5 features"):
        layer(np.zeros((2, 4, 5, 1), "float32"), np.zeros((2, 6, 7, 1), "float32"))


def test_projection_weights_sit_where_keras_saves_them_in_a_keras_file():
    from graphkeras.interop.keras_weight_layout import weight_slots

    query, value = gk.Input((4, 5)), gk.Input((6, 5))
    model = gk.Model(
        [query, value],
        layers.MultiHeadAttention(num_heads=2, key_dim=3, use_gate=True)(query, value),
    )
    slots = {path: [v.shape for v in variables] for path, variables, _ in weight_slots(model)}
    # The groups of a model.weights.h5 written by Keras 3.15.1 for the same model.
    prefix = "layers/multi_head_attention"
    assert slots[f"{prefix}/query_dense/vars"] == [(5, 2, 3), (2, 3)]
    assert slots[f"{prefix}/key_dense/vars"] == [(5, 2, 3), (2, 3)]
    assert slots[f"{prefix}/value_dense/vars"] == [(5, 2, 3), (2, 3)]
    assert slots[f"{prefix}/_gate_dense/vars"] == [(5, 2, 3), (2, 3)]
    assert slots[f"{prefix}/output_dense/vars"] == [(2, 3, 5), (5,)]
