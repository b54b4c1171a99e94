"""ONNX export of SimpleRNN, LSTM and GRU: ONNX's RNN, LSTM and GRU operators.

Each model is checked by ``onnx.checker.check_model(full_check=True)`` and run
by onnxruntime on two batch sizes; the outputs must equal graphkeras's within
rtol 1e-5 and atol 1e-6 (two float32 computations of the same recurrence).
Biases are set to random values so that a misplaced gate block or bias half
changes the result.
"""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

from onnx_checks import randomised  # noqa: E402

import graphkeras as gk  # noqa: E402
from graphkeras import layers  # noqa: E402
from graphkeras.export import OnnxExportError  # noqa: E402

RTOL = 1e-5
ATOL = 1e-6
BATCH_SIZES = (2, 5)
TIMESTEPS = 6
FEATURES = 3


def exported_outputs(proto, feeds: dict) -> list[np.ndarray]:
    onnx.checker.check_model(proto, full_check=True)
    session = onnxruntime.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, feeds)


def assert_exports_faithfully(model, opset=None):
    proto = gk.export.to_onnx(model, opset=opset)
    for seed, batch in enumerate(BATCH_SIZES):
        generator = np.random.default_rng(seed + 10)
        arrays = [
            generator.standard_normal((batch, *tensor.shape[1:])).astype("float32")
            for tensor in model.inputs
        ]
        expected = model.predict(arrays if len(arrays) > 1 else arrays[0], verbose=0)
        expected = expected if isinstance(expected, list) else [expected]
        got = exported_outputs(proto, dict(zip(model.input_names, arrays, strict=True)))
        assert len(got) == len(expected)
        for exported, wanted in zip(got, expected, strict=True):
            assert exported.shape == np.asarray(wanted).shape
            np.testing.assert_allclose(exported, np.asarray(wanted), rtol=RTOL, atol=ATOL)
    return proto


def sequence_model(layer):
    inputs = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    outputs = layer(inputs)
    return randomised(gk.Model(inputs, outputs, name="recurrent"))


LAYERS = {
    "simple_rnn": lambda **options: layers.SimpleRNN(4, **options),
    "lstm": lambda **options: layers.LSTM(4, **options),
    "gru": lambda **options: layers.GRU(4, **options),
    "gru_reset_before": lambda **options: layers.GRU(4, reset_after=False, **options),
}


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_recurrent_layer_matches(kind, return_sequences, return_state, go_backwards):
    layer = LAYERS[kind](
        return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards
    )
    proto = assert_exports_faithfully(sequence_model(layer))
    op_types = {node.op_type for node in proto.graph.node}
    expected_op = {"simple_rnn": "RNN", "lstm": "LSTM"}.get(kind, "GRU")
    assert expected_op in op_types


@pytest.mark.parametrize("kind", ["simple_rnn", "lstm", "gru"])
def test_without_bias_and_with_other_activations(kind):
    options = {"use_bias": False, "activation": "relu"}
    if kind != "simple_rnn":
        options["recurrent_activation"] = "hard_sigmoid"
    assert_exports_faithfully(sequence_model(LAYERS[kind](return_sequences=True, **options)))


def test_linear_activation_and_dropout_are_exported():
    layer = layers.LSTM(4, activation="linear", dropout=0.3, recurrent_dropout=0.2)
    assert_exports_faithfully(sequence_model(layer))


def test_stacked_layers_at_the_lowest_opset():
    inputs = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    hidden = layers.GRU(5, return_sequences=True)(inputs)
    hidden = layers.LSTM(4, return_sequences=True, go_backwards=True)(hidden)
    outputs = layers.SimpleRNN(2)(hidden)
    model = randomised(gk.Model(inputs, outputs, name="stacked"))
    assert_exports_faithfully(model, opset=13)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_initial_states_given_as_inputs(kind):
    sequences = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    states = [gk.Input((4,), name=f"state_{index}") for index in range(2 if kind == "lstm" else 1)]
    outputs = LAYERS[kind](return_sequences=True)(sequences, initial_state=states)
    model = randomised(gk.Model([sequences, *states], outputs, name="seeded"))
    assert_exports_faithfully(model)


def test_unsupported_activation_is_refused_by_name():
    model = sequence_model(layers.LSTM(4, activation="softsign"))
    with pytest.raises(OnnxExportError, match=r"activation='softsign'"):
        gk.export.to_onnx(model)


def test_stateful_layer_is_refused():
    inputs = gk.Input((TIMESTEPS, FEATURES), batch_size=2, name="sequences")
    model = gk.Model(inputs, layers.GRU(4, stateful=True)(inputs))
    with pytest.raises(OnnxExportError, match="stateful"):
        gk.export.to_onnx(model)


class EveryOtherStep(layers.Layer):
    """Passes its input on, masking every other step."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        steps = gk.ops.arange(gk.ops.shape(inputs)[1])
        return gk.ops.broadcast_to(steps % 2 == 0, gk.ops.shape(inputs)[:2])


gk.export.register_onnx_converter(EveryOtherStep, lambda call: call.inputs[0])


def test_a_mask_that_is_not_written_is_refused():
    inputs = gk.Input((TIMESTEPS, FEATURES), name="sequences")
    # A layer computing a mask of its own, with no mask writer: a mask the export cannot write.
    masked = EveryOtherStep()(inputs)
    model = gk.Model(inputs, layers.SimpleRNN(4)(masked))
    with pytest.raises(OnnxExportError, match="SimpleRNN layer 'simple_rnn.*mask"):
        gk.export.to_onnx(model)
