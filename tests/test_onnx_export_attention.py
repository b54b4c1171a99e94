"""ONNX export of the attention layers, Dot, Group- and UnitNormalization, and of masks.

Every model is checked by ``onnx.checker.check_model(full_check=True)`` and
run by onnxruntime; its outputs must equal graphkeras's within rtol 1e-5 and
atol 1e-6 (two float32 computations of the same formula). Masked models are
fed ids chosen to hold padding (0), including a sample that is all padding,
so that masked scores, zeroed query steps and fully masked rows are all met.
The Keras-made ``transformer_block`` fixtures are exported and compared with
Keras's recorded outputs in test_onnx_export_models.py.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

from onnx_checks import (  # noqa: E402
    assert_exports_faithfully,
    assert_runs_like_graphkeras,
    randomised,
    with_random_weights,
)

import graphkeras as gk  # noqa: E402
from graphkeras import backend as K  # noqa: E402
from graphkeras import layers  # noqa: E402
from graphkeras.export import (  # noqa: E402
    OnnxExportError,
    onnx_masks,
    onnx_registry,
    register_onnx_converter,
    register_onnx_mask_writer,
)

# Small weights of mixed signs: the scores of deep attention stacks stay where float32
# rounding cannot dominate the softmax.
small_random_weights = functools.partial(randomised, scale=0.3)

# Padding (id 0) inside sequences, at the ends, and a sample of padding only.
PADDED_IDS = np.array(
    [[3, 0, 5, 7, 0], [1, 2, 3, 4, 5], [0, 0, 0, 0, 0], [9, 8, 0, 0, 0]], dtype="int32"
)


@pytest.fixture
def own_registry(monkeypatch):
    """Converters and mask writers registered in a test are forgotten after it."""
    monkeypatch.setattr(onnx_registry, "_converters", dict(onnx_registry._converters))
    monkeypatch.setattr(onnx_masks, "_mask_writers", dict(onnx_masks._mask_writers))


def test_attention_and_additive_attention_in_each_scoring_setting():
    query = gk.Input((4, 6), name="query")
    value = gk.Input((5, 3), name="value")
    key = gk.Input((5, 6), name="key")
    plain = layers.Attention(name="plain")([query, key])
    scaled, scores = layers.Attention(use_scale=True, dropout=0.5, name="scaled")(
        [query, value, key], return_attention_scores=True
    )
    concat = layers.Attention(score_mode="concat", use_scale=True, name="concat")([query, key])
    additive = layers.AdditiveAttention(name="additive")([query, value, key], use_causal_mask=True)
    unscaled = layers.AdditiveAttention(use_scale=False, name="unscaled")([query, key])
    model = gk.Model(
        [query, value, key], [plain, scaled, scores, concat, additive, unscaled], name="scoring"
    )
    proto = assert_exports_faithfully(with_random_weights(model))
    # The scale weights are initializers the score nodes read, not folded constants.
    initializers = {initializer.name for initializer in proto.graph.initializer}
    assert {"scaled/scale", "concat/concat_score_weight", "additive/scale"} <= initializers


@pytest.mark.parametrize("opset", [17, 18])
def test_multi_head_attention_settings(opset):
    """Gate, value_dim, output_shape, separate key, causal mask, attention_mask, scores, and
    attention over two axes and over one non-default axis (the Reduce ops change at 18)."""
    query = gk.Input((4, 6), name="query")
    value = gk.Input((5, 3), name="value")
    key = gk.Input((5, 2), name="key")
    allowed = gk.Input((4, 5), name="allowed")  # float: cast to bool as the layer casts it
    gated = layers.MultiHeadAttention(
        2, 3, value_dim=4, output_shape=(2, 5), use_gate=True, dropout=0.3, name="gated"
    )
    gated_output, gated_scores = gated(
        query, value, key=key, return_attention_scores=True, use_causal_mask=True
    )
    masked = layers.MultiHeadAttention(3, 2, use_bias=False, name="masked")(
        query, value, attention_mask=allowed
    )
    grid = gk.Input((3, 4, 5), name="grid")
    two_axes = layers.MultiHeadAttention(2, 3, attention_axes=(1, 2), name="two_axes")(grid, grid)
    second_axis = layers.MultiHeadAttention(2, 3, attention_axes=2, name="second_axis")(grid, grid)
    model = gk.Model(
        [query, value, key, allowed, grid],
        [gated_output, gated_scores, masked, two_axes, second_axis],
    )
    generator = np.random.default_rng(3)
    feeds = []
    for batch in (2, 5):
        arrays = [
            generator.standard_normal((batch, *tensor.shape[1:])).astype("float32")
            for tensor in model.inputs
        ]
        arrays[3] = (generator.random((batch, 4, 5)) < 0.6).astype("float32")
        arrays[3][0, 1] = 0.0  # a query step allowed no key at all
        feeds.append(arrays)
    assert_runs_like_graphkeras(with_random_weights(model), feeds, opset=opset)


def embedded_ids(output_dim: int = 6):
    ids = gk.Input((5,), dtype="int32", name="ids")
    return ids, layers.Embedding(10, output_dim, mask_zero=True, name="embed")(ids)


def test_padding_masks_reach_every_attention_layer_and_pass_through_others():
    """Embedding(mask_zero) masks, handed on by Dropout, LayerNormalization and Add (an or),
    read by each attention layer; scores returned (masked weights zeroed) and not (a fully
    masked row uniform), with a sliding window, and masks passed explicitly."""
    ids, embedded = embedded_ids()
    attended = layers.Attention(name="attention")([embedded, embedded], use_causal_mask=True)
    additive = layers.AdditiveAttention(name="additive")([embedded, attended])
    dropped = layers.Dropout(0.5)(additive)
    summed = layers.LayerNormalization()(layers.Add()([embedded, dropped]))
    heads = layers.MultiHeadAttention(2, 3, sliding_window=2, name="heads")(summed, summed)
    heads_output, heads_scores = layers.MultiHeadAttention(2, 3, name="scored")(
        embedded, heads, key=summed, value_mask=embedded._keras_mask, return_attention_scores=True
    )
    explicit = layers.Attention(name="explicit")(
        [heads, embedded], mask=[None, embedded._keras_mask]
    )
    model = gk.Model(ids, [attended, additive, heads, heads_output, heads_scores, explicit])
    proto = assert_runs_like_graphkeras(
        small_random_weights(model), [[PADDED_IDS], [PADDED_IDS[1:3]]]
    )
    # One mask tensor per masked layer output that a converter read, written once.
    mask_nodes = [node.name for node in proto.graph.node if ":mask" in node.name]
    assert "embed:mask:Equal" in mask_nodes and "embed:mask:Not" in mask_nodes
    # The masks changed what was compared: padded keys get no weight, and the sample of
    # padding only has every returned weight zeroed.
    scores = model.predict(PADDED_IDS, verbose=0)[4]
    assert np.all(scores[0][..., [1, 4]] == 0) and np.all(scores[2] == 0)
    assert np.all(scores[1] > 0)


def test_a_mask_made_inside_a_nested_model_reaches_attention_outside_it():
    ids, embedded = embedded_ids()
    encoder = gk.Model(ids, layers.Dense(4, name="project")(embedded), name="encoder")
    outer_ids = gk.Input((5,), dtype="int32", name="outer_ids")
    encoded = encoder(outer_ids)
    model = gk.Model(outer_ids, layers.MultiHeadAttention(2, 3)(encoded, encoded))
    proto = assert_runs_like_graphkeras(small_random_weights(model), [[PADDED_IDS]])
    assert "encoder/embed:mask:Equal" in [node.name for node in proto.graph.node]


def test_float16_attention_casts_a_float32_value_and_masks_with_float16_offsets():
    """A float16 layer's value input stays float32 until its projection casts it, as the
    sublayer does; masked scores use float16's offsets. Compared within float16's own
    precision (rtol 2e-3, about two units in the last place)."""
    ids, embedded = embedded_ids(8)
    tokens = gk.Input((5, 8), name="tokens")
    heads = layers.MultiHeadAttention(2, 4, dtype="float16", name="heads")(tokens, embedded)
    attended = layers.Attention(dtype="float16", name="attended")([tokens, embedded])
    model = small_random_weights(gk.Model([tokens, ids], [heads, attended]))
    rows = np.random.default_rng(5).standard_normal((4, 5, 8)).astype("float32")
    assert_runs_like_graphkeras(model, [[rows, PADDED_IDS]], rtol=2e-3, atol=2e-3)


def test_causal_masks_follow_sequence_lengths_unknown_at_export():
    tokens = gk.Input((None, 4), name="tokens")
    causal = layers.Attention(name="causal")([tokens, tokens], use_causal_mask=True)
    heads = layers.MultiHeadAttention(2, 3, sliding_window=2, name="heads")(
        causal, causal, use_causal_mask=True
    )
    model = with_random_weights(gk.Model(tokens, [causal, heads]))
    generator = np.random.default_rng(4)
    feeds = [[generator.standard_normal((2, steps, 4)).astype("float32")] for steps in (3, 6)]
    proto = assert_runs_like_graphkeras(model, feeds)
    assert any(node.op_type == "Range" for node in proto.graph.node)


def test_dot_with_axes_and_normalize():
    first = gk.Input((4, 3), name="first")
    second = gk.Input((4, 5), name="second")
    vectors = gk.Input((3,), name="vectors")
    grid = layers.Dot(axes=1, name="grid")([first, second])
    crossed = layers.Dot(axes=(1, 2), normalize=True, name="crossed")(
        [first, layers.Permute((2, 1))(second)]
    )
    cosine = layers.Dot(axes=-1, normalize=True, name="cosine")([vectors, vectors])
    model = gk.Model([first, second, vectors], [grid, crossed, cosine])
    assert_exports_faithfully(model)


@pytest.mark.parametrize("opset", [17, 18])
def test_group_and_unit_normalization(opset):
    channels_last = gk.Input((5, 6), name="channels_last")
    channels_first = gk.Input((6, 3, 2), name="channels_first")
    grouped = layers.GroupNormalization(groups=3, name="grouped")(channels_last)
    per_channel = layers.GroupNormalization(groups=-1, center=False, name="per_channel")(
        channels_last
    )
    first_axis = layers.GroupNormalization(groups=2, axis=1, scale=False, name="first_axis")(
        channels_first
    )
    unit = layers.UnitNormalization(name="unit")(channels_last)
    unit_axes = layers.UnitNormalization(axis=(1, 3), name="unit_axes")(channels_first)
    model = gk.Model(
        [channels_last, channels_first], [grouped, per_channel, first_axis, unit, unit_axes]
    )
    assert_exports_faithfully(with_random_weights(model), opset=opset)


class KeepsPositiveSteps(layers.Layer):
    """Masks the steps whose features sum to 0 or less: a mask of its own, with no ONNX form."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.greater(K.sum(inputs, axis=-1), 0.0)


def test_a_custom_mask_is_refused_naming_both_layers_until_it_has_a_mask_writer(own_registry):
    register_onnx_converter(KeepsPositiveSteps, lambda call: call.inputs[0])
    tokens = gk.Input((5, 4), name="tokens")
    kept = KeepsPositiveSteps(name="kept")(tokens)
    model = gk.Model(tokens, layers.MultiHeadAttention(2, 3, name="heads")(kept, kept))
    with pytest.raises(
        OnnxExportError, match="MultiHeadAttention layer 'heads'.*KeepsPositiveSteps layer 'kept'"
    ):
        gk.export.to_onnx(model)

    def positive_steps(call):
        summed = call.reduce("ReduceSum", call.inputs[0], [2], keepdims=False)
        return call.add("Greater", [summed, call.constant(0.0)])

    register_onnx_mask_writer(KeepsPositiveSteps, positive_steps)
    assert_exports_faithfully(small_random_weights(model))


@pytest.mark.parametrize("opset", [17, 18])
def test_concatenated_masks_on_either_axis(opset):
    """Concatenate's mask: any over the features of the joined, spread masks (ReduceMax's
    axes become an input at opset 18)."""
    ids, embedded = embedded_ids()
    plain = gk.Input((5, 6), name="plain")
    features = layers.Concatenate(name="features")([embedded, plain, embedded])
    steps = layers.Concatenate(axis=1, name="steps")([embedded, plain])
    model = gk.Model(
        [ids, plain],
        [
            layers.Attention(name="on_features")([features, features]),
            layers.MultiHeadAttention(2, 3, name="on_steps")(steps, steps),
        ],
    )
    rows = np.random.default_rng(6).standard_normal((4, 5, 6)).astype("float32")
    assert_runs_like_graphkeras(small_random_weights(model), [[PADDED_IDS, rows]], opset=opset)
