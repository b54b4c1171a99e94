"""ONNX export of masked recurrent layers, RNN over cells, Bidirectional and TimeDistributed.

Each model is checked by ``onnx.checker.check_model(full_check=True)`` and
run by onnxruntime on batches of two sizes; the outputs must equal
graphkeras's within rtol 1e-5 and atol 1e-6 (two float32 computations of
the same recurrence). Every weight, biases included, is random, so a
misplaced gate block, bias half or direction changes the result. Masks have
holes anywhere: rows with every step masked, rows with every step present,
left (pre) padding and random gaps.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

from onnx_checks import randomised  # noqa: E402

import graphkeras as gk  # noqa: E402
from graphkeras import layers  # noqa: E402
from graphkeras.export import OnnxExportError  # noqa: E402

RTOL = 1e-5
ATOL = 1e-6
BATCH_SIZES = (5, 8)
TIMESTEPS = 7
FEATURES = 3
FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "keras"


def present_steps(batch: int, seed: int) -> np.ndarray:
    """``(batch, TIMESTEPS)`` bools: an all-masked row, a full row, left padding, random holes."""
    generator = np.random.default_rng(seed)
    present = generator.random((batch, TIMESTEPS)) < 0.6
    present[0] = False
    present[1] = True
    present[2] = np.arange(TIMESTEPS) >= 3
    present[3, -1] = False  # the last step absent: a held final output
    return present


def masked_sequences(batch: int, seed: int, mask_value: float = 0.0) -> np.ndarray:
    """Normal features, with every feature of each absent step set to ``mask_value``."""
    generator = np.random.default_rng(seed + 100)
    values = generator.standard_normal((batch, TIMESTEPS, FEATURES)).astype("float32")
    values[~present_steps(batch, seed)] = mask_value
    return values


def padded_ids(batch: int, seed: int) -> np.ndarray:
    """Token ids in ``[1, 9]``, 0 (padding) where a step is absent."""
    generator = np.random.default_rng(seed + 200)
    ids = generator.integers(1, 10, size=(batch, TIMESTEPS)).astype("int32")
    ids[~present_steps(batch, seed)] = 0
    return ids


def assert_matches(model, make_inputs, opset=None):
    """Export, check, and compare onnxruntime with graphkeras on two batch sizes.

    ``make_inputs(batch, seed)`` gives one array per model input.
    """
    proto = gk.export.to_onnx(model, opset=opset)
    onnx.checker.check_model(proto, full_check=True)
    assert unused_nodes(proto) == []
    session = onnxruntime.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    for seed, batch in enumerate(BATCH_SIZES):
        arrays = make_inputs(batch, seed)
        expected = model.predict(arrays if len(arrays) > 1 else arrays[0], verbose=0)
        expected = expected if isinstance(expected, list) else [expected]
        got = session.run(None, dict(zip(model.input_names, arrays, strict=True)))
        assert len(got) == len(expected)
        for exported, wanted in zip(got, expected, strict=True):
            assert exported.shape == np.asarray(wanted).shape
            np.testing.assert_allclose(exported, np.asarray(wanted), rtol=RTOL, atol=ATOL)
    return proto


def unused_nodes(proto) -> list[str]:
    """Nodes none of whose outputs is read (a recurrent node's unread states are optional)."""
    read = {name for node in proto.graph.node for name in node.input}
    read |= {output.name for output in proto.graph.output}
    return [node.name for node in proto.graph.node if not read.intersection(node.output)]


def sequences_only(batch: int, seed: int) -> list[np.ndarray]:
    return [masked_sequences(batch, seed)]


def model_paths(model) -> set[str]:
    """The paths ONNX node names start with: each layer's name (called once here)."""
    return {layer.name for layer in model.layers}


# ------------------------------------------------------------------ masks
RECURRENT = {
    "simple_rnn": layers.SimpleRNN,
    "lstm": layers.LSTM,
    "gru": layers.GRU,
    "gru_reset_before": lambda units, **options: layers.GRU(units, reset_after=False, **options),
}


@pytest.mark.parametrize("kind", sorted(RECURRENT))
def test_masked_recurrent_layers_match_on_masks_with_holes(kind):
    """One masked input read forwards and backwards, as sequences and last outputs."""
    make = RECURRENT[kind]
    inputs = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    masked = layers.Masking()(inputs)
    branches = [
        make(4, return_sequences=True, return_state=True)(masked),
        make(3, return_sequences=True, go_backwards=True, zero_output_for_mask=True)(masked),
        make(4, go_backwards=True, return_state=True)(masked),
        make(2, zero_output_for_mask=True)(masked),
    ]
    outputs = [tensor for branch in branches for tensor in gk.utils.nest.flatten(branch)]
    model = randomised(gk.Model(inputs, outputs, name="masked"))
    proto = assert_matches(model, sequences_only)
    assert {node.name.split(":")[0] for node in proto.graph.node} <= model_paths(model)


@cache
def exported_masked_gru():
    """A masked GRU read backwards with initial states, exported once: (model, session)."""
    sequences = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    state = gk.Input((3,), name="state")
    outputs = layers.GRU(3, return_sequences=True, return_state=True, go_backwards=True)(
        layers.Masking()(sequences), initial_state=[state]
    )
    model = randomised(gk.Model([sequences, state], outputs, name="any_mask"))
    proto = gk.export.to_onnx(model)
    session = onnxruntime.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return model, session


@settings(max_examples=15, deadline=None)
@given(
    present=st.integers(1, 4).flatmap(
        lambda batch: arrays(bool, (batch, TIMESTEPS), elements=st.booleans())
    )
)
def test_any_mask_gives_what_graphkeras_gives(present):
    model, session = exported_masked_gru()
    batch = present.shape[0]
    generator = np.random.default_rng(batch)
    values = generator.standard_normal((batch, TIMESTEPS, FEATURES)).astype("float32")
    values[~present] = 0.0
    state = generator.standard_normal((batch, 3)).astype("float32")
    expected = model.predict([values, state], verbose=0)
    got = session.run(None, {"sequences": values, "state": state})
    for exported, wanted in zip(got, expected, strict=True):
        np.testing.assert_allclose(exported, np.asarray(wanted), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("opset", [13, 18])
def test_masking_and_a_masked_lstm_at_other_opsets(opset):
    """ReduceMax takes its axes as an input from opset 18; Masking's own output is checked."""
    inputs = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    masked = layers.Masking(mask_value=-1.5)(inputs)
    # mask=None, as Keras files record a call given no mask, means the input's own mask.
    read = layers.LSTM(4, return_sequences=True, go_backwards=True)(masked, mask=None)
    model = randomised(gk.Model(inputs, [masked, read], name="masking"))
    assert_matches(model, lambda batch, seed: [masked_sequences(batch, seed, -1.5)], opset)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_masked_layers_with_initial_states_hold_them_on_empty_rows(kind):
    """An all-masked row keeps the given initial states as its output and final states."""
    sequences = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    states = [gk.Input((4,), name=f"state_{index}") for index in range(2 if kind == "lstm" else 1)]
    masked = layers.Masking()(sequences)
    outputs = RECURRENT[kind](4, return_sequences=True, return_state=True)(
        masked, initial_state=states
    )
    last = RECURRENT[kind](4, go_backwards=True)(masked, initial_state=states)
    model = randomised(gk.Model([sequences, *states], [*outputs, last], name="seeded"))

    def make_inputs(batch, seed):
        generator = np.random.default_rng(seed + 300)
        given = [generator.standard_normal((batch, 4)).astype("float32") for _ in states]
        return [masked_sequences(batch, seed), *given]

    assert_matches(model, make_inputs)


def test_embedding_mask_zero_through_bidirectional_dropout_and_time_distributed():
    """Embedding's mask passes Bidirectional, Dropout and TimeDistributed(Dense) to a GRU."""
    ids = gk.Input((TIMESTEPS,), dtype="int32", name="ids")
    embedded = layers.Embedding(10, FEATURES, mask_zero=True)(ids)
    hidden = layers.Bidirectional(layers.SimpleRNN(4, return_sequences=True))(embedded)
    hidden = layers.Dropout(0.3)(hidden)
    hidden = layers.TimeDistributed(layers.Dense(5, activation="tanh"))(hidden)
    outputs = layers.GRU(3, go_backwards=True)(hidden)
    model = randomised(gk.Model(ids, outputs, name="tokens"))
    proto = assert_matches(model, lambda batch, seed: [padded_ids(batch, seed)])
    assert {node.name.split(":")[0] for node in proto.graph.node} <= model_paths(model)

    # A mask no layer reads is not written.
    unread = gk.Model(ids, layers.Embedding(10, 2, mask_zero=True, name="unread")(ids))
    assert [node.name for node in gk.export.to_onnx(unread).graph.node] == ["unread"]


def test_a_mask_given_explicitly_in_the_keras_fixture():
    """Keras files pass Embedding's mask as ``lstm(x, mask=not_equal(ids, 0))``."""
    loaded = gk.models.load_model(FIXTURES / "embedding_recurrent.keras")
    # The fixture's other output reads a slice, an operator exported elsewhere.
    model = gk.Model(loaded.inputs, loaded.get_layer("out").output)
    recorded = np.load(FIXTURES / "embedding_recurrent.keras.npz")["input_0"]
    assert (recorded == 0).any()

    def make_inputs(batch, seed):
        rows = np.resize(recorded, (batch, recorded.shape[1]))
        rows[::2, 0] = 0  # left padding besides the recorded right padding
        return [rows]

    assert_matches(model, make_inputs)


# ------------------------------------------------------------------ Bidirectional
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes(merge_mode):
    """A masked LSTM pair with states, and a GRU pair with its own backward layer."""
    inputs = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    masked = layers.Masking()(inputs)
    with_states = layers.Bidirectional(
        layers.LSTM(4, return_sequences=True, return_state=True), merge_mode=merge_mode
    )(masked)
    backward = layers.GRU(4, go_backwards=True, reset_after=False, name="backward_gru")
    last = layers.Bidirectional(
        layers.GRU(4), merge_mode=merge_mode, backward_layer=backward, name="pair"
    )(inputs)
    outputs = [*gk.utils.nest.flatten(with_states), *gk.utils.nest.flatten(last)]
    model = randomised(gk.Model(inputs, outputs, name="both_ways"))
    proto = assert_matches(model, sequences_only)
    names = [node.name for node in proto.graph.node]
    assert "pair:backward_gru:GRU" in names
    assert {name.split(":")[0] for name in names} <= model_paths(model)


def test_bidirectional_with_initial_states_and_simple_rnn():
    sequences = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    states = [gk.Input((3,), name=f"state_{index}") for index in range(2)]
    outputs = layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True))(
        layers.Masking()(sequences), initial_state=states
    )
    model = randomised(gk.Model([sequences, *states], outputs, name="seeded_pair"))

    def make_inputs(batch, seed):
        generator = np.random.default_rng(seed + 400)
        given = [generator.standard_normal((batch, 3)).astype("float32") for _ in states]
        return [masked_sequences(batch, seed), *given]

    assert_matches(model, make_inputs)


# ------------------------------------------------------------------ RNN over cells
def test_rnn_over_built_in_cells_and_stacked_cells():
    inputs = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    masked = layers.Masking()(inputs)
    cells = [layers.LSTMCell(5), layers.GRUCell(4), layers.SimpleRNNCell(2, activation="relu")]
    outputs = [
        *layers.RNN(cells, return_sequences=True, return_state=True, go_backwards=True)(masked),
        layers.RNN(layers.LSTMCell(3), return_sequences=True)(inputs),
        layers.RNN(layers.GRUCell(3, reset_after=False), go_backwards=True)(masked),
        layers.RNN([layers.GRUCell(3), layers.SimpleRNNCell(2)], zero_output_for_mask=True)(masked),
    ]
    model = randomised(gk.Model(inputs, outputs, name="cells"))
    proto = assert_matches(model, sequences_only)
    assert [node.op_type for node in proto.graph.node].count("LSTM") == 2


# ------------------------------------------------------------------ TimeDistributed
def test_time_distributed_conv_dense_and_nested():
    frames = gk.Input((4, 6, 6, 2), name="frames")
    hidden = layers.TimeDistributed(layers.Conv2D(3, 3, activation="relu"))(frames)
    per_pixel = layers.TimeDistributed(layers.Dense(2, name="mix"), name="per_pixel")
    hidden = layers.TimeDistributed(per_pixel, name="per_frame")(hidden)
    outputs = layers.TimeDistributed(layers.Flatten())(hidden)
    model = randomised(gk.Model(frames, outputs, name="frames"))
    generator = np.random.default_rng(1)
    proto = assert_matches(
        model, lambda batch, seed: [generator.standard_normal((batch, 4, 6, 6, 2), "float32")]
    )
    names = [node.name for node in proto.graph.node]
    assert "per_frame:per_pixel:mix:MatMul" in names
    assert {name.split(":")[0] for name in names} <= model_paths(model)


# A sentence whose words are all masked has a mean of 0/0 (NaN), as the layer computes it.
@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")
def test_time_distributed_folds_the_mask_for_recurrent_layers():
    """Masked documents of sentences: each sentence read by an LSTM, then a Bidirectional GRU."""
    documents = gk.Input((3, TIMESTEPS, FEATURES), name="documents")
    masked = layers.Masking()(documents)
    words = layers.TimeDistributed(layers.LSTM(3, return_sequences=True, go_backwards=True))
    sentences = layers.TimeDistributed(layers.Bidirectional(layers.GRU(2)))(words(masked))
    model = randomised(gk.Model(documents, sentences, name="documents"))

    def make_inputs(batch, seed):
        rows = [masked_sequences(batch, seed + sentence) for sentence in range(3)]
        return [np.stack(rows, axis=1)]

    assert_matches(model, make_inputs)

    # The folded mask reaches a wrapped layer that reads it: a mean over each sentence's words.
    pooled = layers.TimeDistributed(layers.GlobalAveragePooling1D(), name="pool")(masked)
    assert_matches(gk.Model(documents, pooled), make_inputs)


# ------------------------------------------------------------------ refusals
def refusal(model) -> str:
    with pytest.raises(OnnxExportError) as raised:
        gk.export.to_onnx(model)
    return str(raised.value)


def test_what_cannot_be_written_is_refused_by_name():
    inputs = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    masked = layers.Masking()(inputs)
    stacked = layers.RNN([layers.GRUCell(3), layers.SimpleRNNCell(3)], name="stack")(masked)
    message = refusal(gk.Model(inputs, stacked))
    assert "RNN layer 'stack'" in message and "GRUCell" in message

    frames = gk.Input((TIMESTEPS, 5, 5, 1), name="frames")
    message = refusal(gk.Model(frames, layers.ConvLSTM2D(2, 3, name="conv_lstm")(frames)))
    assert "ConvLSTM2D layer 'conv_lstm'" in message and "convolves" in message

    inner_in = gk.Input((FEATURES,))
    inner = gk.Model(inner_in, layers.Dense(2)(inner_in), name="per_step")
    wrapped = layers.TimeDistributed(inner, name="each")(inputs)
    message = refusal(gk.Model(inputs, wrapped))
    assert "TimeDistributed layer 'each'" in message and "model 'per_step'" in message

    class Doubling(layers.SimpleRNNCell):
        def call(self, inputs, states, training=False):
            output, new_states = super().call(inputs, states, training=training)
            return output * 2, [state * 2 for state in new_states]

    custom = layers.RNN(Doubling(3), name="custom")(inputs)
    message = refusal(gk.Model(inputs, custom))
    assert "RNN layer 'custom'" in message and "Doubling" in message

    counts = gk.Input((TIMESTEPS, FEATURES), dtype="int32", name="counts")
    message = refusal(gk.Model(counts, layers.Masking(name="int_mask")(counts)))
    assert "Masking layer 'int_mask' reads int32 inputs" in message
