"""SimpleRNN, LSTM and GRU: weights, shapes, values, masks, initial and stateful states,
dropout, configs, gradients and argument checks.

Reference values come from three places: numbers Keras 3.15.1 (JAX backend)
printed for the same weights and inputs (pasted below, marked as such), the
layers' own generic step-by-step path (``RNN(cell)``, recorded ops only), and
small NumPy restatements of the equations.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

X = (np.arange(12, dtype="float32").reshape(2, 3, 2) - 5.5) / 6
MASK = np.array([[True, True, False], [False, True, True]])

LAYERS = {
    "LSTM": lambda **kw: layers.LSTM(2, **kw),
    "GRU": lambda **kw: layers.GRU(2, **kw),
    "GRU_before": lambda **kw: layers.GRU(2, reset_after=False, **kw),
    "SimpleRNN": lambda **kw: layers.SimpleRNN(2, **kw),
}


def pattern_weights(layer) -> list:
    """Deterministic weights: ``((index % 7) - 3) / 10`` in each weight's shape."""
    return [
        ((np.arange(int(np.prod(w.shape)), dtype="float32") % 7) - 3).reshape(w.shape) / 10
        for w in layer.weights
    ]


def built(make, x=X, **kwargs):
    layer = make(**kwargs)
    layer(x)
    layer.set_weights(pattern_weights(layer))
    return layer


def numpy_of(value):
    return K.convert_to_numpy(value)


# Printed by Keras 3.15.1 (KERAS_BACKEND=jax) for layer(X) and layer(X, mask=MASK),
# return_sequences=True, after set_weights(pattern_weights(layer)).
KERAS_OUTPUTS = {
    "LSTM": (
        [
            [[-0.04194753, -0.05592987], [-0.03650955, -0.04177130], [-0.00581331, 0.00317032]],
            [[0.03590834, 0.05056438], [0.07034478, 0.08843045], [0.09701611, 0.10960308]],
        ],
        [
            [[-0.04194753, -0.05592987], [-0.03650955, -0.04177130], [-0.03650955, -0.04177130]],
            [[0.0, 0.0], [0.05210784, 0.06481921], [0.08833817, 0.09903752]],
        ],
    ),
    "GRU": (
        [
            [[0.00406243, -0.00468417], [0.02249867, 0.04880554], [0.04839169, 0.13563874]],
            [[0.05260714, 0.18076155], [0.09564988, 0.31935847], [0.13368873, 0.42992061]],
        ],
        [
            [[0.00406243, -0.00468417], [0.02249867, 0.04880554], [0.02249867, 0.04880554]],
            [[0.0, 0.0], [0.06860452, 0.25155157], [0.11928443, 0.40815049]],
        ],
    ),
    "GRU_before": (
        [
            [[0.00468469, -0.02610980], [0.02568058, 0.00652755], [0.05409462, 0.07952278]],
            [[0.06066530, 0.13569948], [0.10664453, 0.26301906], [0.14556375, 0.37694755]],
        ],
        [
            [[0.00468469, -0.02610980], [0.02568058, 0.00652755], [0.02568058, 0.00652755]],
            [[0.0, 0.0], [0.07911311, 0.20152982], [0.13286944, 0.35295135]],
        ],
    ),
    "SimpleRNN": (
        [
            [[0.04995835, -0.01666512], [-0.09635447, -0.09305500], [-0.17658427, -0.12998942]],
            [[-0.33637553, -0.21333867], [-0.34617093, -0.21275789], [-0.45543751, -0.27361372]],
        ],
        [
            [[0.04995835, -0.01666512], [-0.09635447, -0.09305500], [-0.09635447, -0.09305500]],
            [[0.0, 0.0], [-0.44890919, -0.27598733], [-0.42550513, -0.25449958]],
        ],
    ),
}


# ---------------------------------------------------------------- weights


def test_lstm_weights_have_keras_names_shapes_and_order():
    layer = layers.LSTM(4)
    layer(np.zeros((1, 2, 3), "float32"))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [
        ("kernel", (3, 16)),
        ("recurrent_kernel", (4, 16)),
        ("bias", (16,)),
    ]


def test_gru_bias_holds_input_and_recurrent_rows_with_reset_after():
    after, before = layers.GRU(4), layers.GRU(4, reset_after=False)
    after(np.zeros((1, 2, 3), "float32"))
    before(np.zeros((1, 2, 3), "float32"))
    assert [tuple(w.shape) for w in after.weights] == [(3, 12), (4, 12), (2, 12)]
    assert [tuple(w.shape) for w in before.weights] == [(3, 12), (4, 12), (12,)]


def test_simple_rnn_weights_without_bias():
    layer = layers.SimpleRNN(4, use_bias=False)
    layer(np.zeros((1, 2, 3), "float32"))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [
        ("kernel", (3, 4)),
        ("recurrent_kernel", (4, 4)),
    ]


def test_lstm_unit_forget_bias_starts_the_forget_gate_at_one():
    layer = layers.LSTM(3)
    layer(np.zeros((1, 2, 3), "float32"))
    # Keras 3 prints [0 0 0 1 1 1 0 0 0 0 0 0] for LSTM(3)'s initial bias.
    np.testing.assert_array_equal(layer.get_weights()[2], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])


def test_recurrent_kernel_starts_orthogonal():
    layer = layers.SimpleRNN(5)
    layer(np.zeros((1, 2, 3), "float32"))
    recurrent = layer.get_weights()[1]
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(5), atol=1e-5)


# ----------------------------------------------------------------- shapes


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_symbolic_shapes_with_sequences_and_states(name):
    outputs = LAYERS[name](return_sequences=True, return_state=True)(gk.Input((None, 3)))
    states = 2 if name == "LSTM" else 1
    assert [tensor.shape for tensor in outputs] == [(None, None, 2)] + [(None, 2)] * states


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_eager_shapes_match_the_symbolic_ones(name):
    layer = LAYERS[name](return_state=True)
    symbolic = [tensor.shape for tensor in layer(gk.Input((3, 2)))]
    eager = [numpy_of(value).shape for value in layer(X)]
    assert [(2, *shape[1:]) for shape in symbolic] == eager


def test_symbolic_call_runs_no_math():
    layer = layers.LSTM(3, stateful=True)
    layer(gk.Input((4, 2), batch_size=5))
    assert [numpy_of(state).tolist() for state in layer.states] == [[[0.0] * 3] * 5] * 2


# ----------------------------------------------------------------- values


@pytest.mark.parametrize("name", sorted(KERAS_OUTPUTS))
def test_outputs_reproduce_keras(name):
    layer = built(LAYERS[name], return_sequences=True)
    np.testing.assert_allclose(numpy_of(layer(X)), KERAS_OUTPUTS[name][0], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(KERAS_OUTPUTS))
def test_masked_outputs_reproduce_keras(name):
    layer = built(LAYERS[name], return_sequences=True)
    np.testing.assert_allclose(
        numpy_of(layer(X, mask=MASK)), KERAS_OUTPUTS[name][1], rtol=1e-5, atol=1e-7
    )


def test_lstm_matches_the_numpy_equations():
    layer = built(LAYERS["LSTM"], return_state=True)
    kernel, recurrent_kernel, bias = layer.get_weights()
    h = c = np.zeros((2, 2), "float32")
    for t in range(3):
        z = X[:, t] @ kernel + h @ recurrent_kernel + bias
        i, f, g, o = np.split(z, 4, axis=1)
        sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
    output, final_h, final_c = [numpy_of(value) for value in layer(X)]
    np.testing.assert_allclose(output, h, rtol=1e-5)
    np.testing.assert_allclose(final_h, h, rtol=1e-5)
    np.testing.assert_allclose(final_c, c, rtol=1e-5)


@pytest.mark.parametrize(
    ("fused", "cell"),
    [
        (lambda: layers.LSTM(2, return_sequences=True), lambda: layers.LSTMCell(2)),
        (lambda: layers.GRU(2, return_sequences=True), lambda: layers.GRUCell(2)),
        (
            lambda: layers.GRU(2, return_sequences=True, reset_after=False),
            lambda: layers.GRUCell(2, reset_after=False),
        ),
        (lambda: layers.SimpleRNN(2, return_sequences=True), lambda: layers.SimpleRNNCell(2)),
    ],
    ids=["LSTM", "GRU", "GRU_before", "SimpleRNN"],
)
def test_fused_scan_equals_stepping_the_cell(fused, cell):
    layer = built(lambda: fused())
    stepped = layers.RNN(cell(), return_sequences=True)
    stepped(X)
    stepped.set_weights(layer.get_weights())
    np.testing.assert_allclose(numpy_of(stepped(X)), numpy_of(layer(X)), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(
        numpy_of(stepped(X, mask=MASK)), numpy_of(layer(X, mask=MASK)), rtol=1e-5, atol=1e-7
    )


def test_activations_without_a_fused_form_step_the_cell():
    layer = built(lambda: layers.LSTM(2, activation="softsign", return_sequences=True))
    stepped = layers.RNN(layers.LSTMCell(2, activation="softsign"), return_sequences=True)
    stepped(X)
    stepped.set_weights(layer.get_weights())
    np.testing.assert_allclose(numpy_of(layer(X)), numpy_of(stepped(X)), rtol=1e-6)


def test_go_backwards_reads_the_reversed_sequence():
    backwards = built(LAYERS["GRU"], go_backwards=True)
    forwards = built(LAYERS["GRU"])
    np.testing.assert_allclose(
        numpy_of(backwards(X)), numpy_of(forwards(X[:, ::-1].copy())), rtol=1e-6
    )


def test_go_backwards_sequences_come_in_processing_order():
    layer = built(LAYERS["SimpleRNN"], go_backwards=True, return_sequences=True)
    forwards = built(LAYERS["SimpleRNN"], return_sequences=True)
    np.testing.assert_allclose(numpy_of(layer(X)), numpy_of(forwards(X[:, ::-1].copy())), rtol=1e-6)


def test_initial_state_starts_the_scan():
    layer = built(LAYERS["LSTM"], return_state=True)
    _, h, c = layer(X[:, :1].copy())
    one_by_one = layer(X[:, 1:].copy(), initial_state=[h, c])
    whole = layer(X)
    for part, full in zip(one_by_one, whole, strict=True):
        np.testing.assert_allclose(numpy_of(part), numpy_of(full), rtol=1e-6)


def test_lstm_final_h_is_the_last_output():
    output, final_h, _ = built(LAYERS["LSTM"], return_state=True)(X)
    np.testing.assert_array_equal(numpy_of(output), numpy_of(final_h))


def test_float64_layer_computes_in_float64():
    layer = layers.GRU(3, dtype="float64", return_state=True)
    assert [K.dtype(value) for value in layer(X)] == ["float64", "float64"]


# ------------------------------------------------------------------ masks


def test_mask_passes_on_with_return_sequences():
    inputs = gk.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(inputs)
    assert layers.LSTM(4, return_sequences=True)(embedded)._keras_mask is not None
    assert layers.LSTM(4)(embedded)._keras_mask is None


def test_states_carry_no_mask():
    inputs = gk.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(inputs)
    outputs = layers.GRU(4, return_sequences=True, return_state=True)(embedded)
    assert outputs[0]._keras_mask is not None
    assert outputs[1]._keras_mask is None


def test_model_masks_padding_like_a_shorter_sequence():
    inputs = gk.Input((4,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(inputs)
    model = gk.Model(inputs, layers.LSTM(3)(embedded))
    padded = model.predict(np.array([[4, 2, 0, 0]]))
    embedding, lstm = model.layers[1], model.layers[2]
    short = numpy_of(lstm(numpy_of(embedding(np.array([[4, 2]])))))
    np.testing.assert_allclose(padded, short, rtol=1e-6)


def test_zero_output_for_mask_zeroes_masked_steps():
    layer = layers.RNN(layers.SimpleRNNCell(2), return_sequences=True, zero_output_for_mask=True)
    outputs = numpy_of(layer(X, mask=MASK))
    assert np.all(outputs[~MASK] == 0.0)
    assert np.all(outputs[MASK] != 0.0)


# ---------------------------------------------------------- initial state


def test_symbolic_initial_state_is_recorded_on_the_node():
    sequences, h, c = gk.Input((3, 2)), gk.Input((2,)), gk.Input((2,))
    layer = layers.LSTM(2)
    layer(sequences, initial_state=[h, c])
    node = layer.inbound_nodes[0]
    assert node.input_tensors == [sequences, h, c]
    assert node.arguments == {}


def test_initial_state_survives_a_model_config_round_trip():
    sequences, h, c = gk.Input((3, 2)), gk.Input((2,)), gk.Input((2,))
    model = gk.Model([sequences, h, c], layers.LSTM(2)(sequences, initial_state=[h, c]))
    rebuilt = gk.models.model_from_json(model.to_json())
    rebuilt.set_weights(model.get_weights())
    data = [X, np.full((2, 2), 0.5, "float32"), np.full((2, 2), -0.5, "float32")]
    np.testing.assert_allclose(rebuilt.predict(data), model.predict(data), rtol=1e-6)
    assert not np.allclose(model.predict(data), model.predict([X, data[2], data[1]]))


def test_wrong_number_of_initial_states_is_refused():
    with pytest.raises(ValueError, match=r"LSTM 'lstm' expects 2 initial state\(s\)"):
        layers.LSTM(2)(X, initial_state=[np.zeros((2, 2), "float32")])


# --------------------------------------------------------------- stateful


def stateful_gru():
    layer = layers.GRU(2, stateful=True)
    layer(gk.Input((3, 2), batch_size=2))
    layer.set_weights(pattern_weights(layer))
    return layer


def test_stateful_layer_starts_from_the_previous_final_state():
    layer = stateful_gru()
    first = numpy_of(layer(X))
    second = numpy_of(layer(X))
    np.testing.assert_allclose(numpy_of(layer.states[0]), second)
    reference = built(LAYERS["GRU"])
    np.testing.assert_allclose(second, numpy_of(reference(X, initial_state=[first])), rtol=1e-6)


def test_reset_states_goes_back_to_zeros():
    layer = stateful_gru()
    first = numpy_of(layer(X))
    layer(X)
    layer.reset_states()
    np.testing.assert_allclose(numpy_of(layer(X)), first, rtol=1e-6, atol=1e-7)


def test_reset_states_can_set_given_values():
    layer = stateful_gru()
    layer.reset_states([np.ones((2, 2), "float32")])
    np.testing.assert_array_equal(numpy_of(layer.states[0]), np.ones((2, 2)))


def test_stateful_states_are_not_weights():
    layer = stateful_gru()
    assert len(layer.weights) == 3
    assert len(layer.states) == 1 and not layer.states[0].trainable


def test_stateful_layer_needs_a_fixed_batch_size():
    with pytest.raises(ValueError, match=r"GRU 'gru' is stateful, so it needs a fixed batch size"):
        layers.GRU(2, stateful=True)(gk.Input((3, 2)))


def test_stateful_layer_refuses_another_batch_size():
    layer = stateful_gru()
    with pytest.raises(ValueError, match=r"batch size of 2, but received a batch of 1"):
        layer(X[:1])


# ---------------------------------------------------------------- dropout


def test_dropout_is_inactive_in_inference():
    plain = built(LAYERS["LSTM"])
    dropped = built(LAYERS["LSTM"], dropout=0.5, recurrent_dropout=0.5)
    np.testing.assert_allclose(numpy_of(dropped(X)), numpy_of(plain(X)), rtol=1e-6, atol=1e-7)


def test_input_dropout_drops_the_same_features_at_every_step():
    layer = layers.SimpleRNN(
        4,
        dropout=0.5,
        seed=3,
        activation="linear",
        use_bias=False,
        kernel_initializer="identity",
        recurrent_initializer="zeros",
        return_sequences=True,
    )
    ones = np.ones((8, 5, 4), "float32")
    outputs = numpy_of(layer(ones, training=True))
    assert set(np.unique(outputs)) == {0.0, 2.0}
    np.testing.assert_array_equal(outputs, np.repeat(outputs[:, :1], 5, axis=1))


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_recurrent_dropout_changes_training_outputs_only(name):
    layer = LAYERS[name](recurrent_dropout=0.5, seed=1)
    inference = numpy_of(layer(X))
    training = numpy_of(layer(X, training=True))
    assert not np.allclose(training, inference)
    np.testing.assert_allclose(numpy_of(layer(X)), inference, rtol=1e-6, atol=1e-7)


def test_dropout_masks_are_drawn_again_for_each_batch():
    layer = layers.GRU(3, dropout=0.5, recurrent_dropout=0.5, seed=0)
    first = numpy_of(layer(X, training=True))
    assert layer.cell._dropout_mask is None
    assert not np.allclose(first, numpy_of(layer(X, training=True)))


# ----------------------------------------------------------------- config


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_config_round_trip(name):
    layer = LAYERS[name](dropout=0.25, return_sequences=True, go_backwards=True, seed=4)
    config = layer.get_config()
    rebuilt = type(layer).from_config(config)
    assert rebuilt.get_config() == config


def test_lstm_config_lists_the_cell_arguments_flat():
    config = layers.LSTM(3, unit_forget_bias=False).get_config()
    assert "cell" not in config
    assert config["units"] == 3 and config["unit_forget_bias"] is False
    for key in ("return_sequences", "return_state", "go_backwards", "stateful", "unroll"):
        assert config[key] is False
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"


def test_model_with_recurrent_layers_survives_json():
    inputs = gk.Input((3, 2))
    hidden = layers.GRU(4, return_sequences=True)(inputs)
    model = gk.Model(inputs, layers.LSTM(2, go_backwards=True)(hidden))
    rebuilt = gk.models.model_from_json(model.to_json())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(X), model.predict(X), rtol=1e-6)


# -------------------------------------------------------------- gradients


X64 = np.random.default_rng(0).uniform(-1, 1, size=(2, 3, 2))
MASK_FOR_GRADIENTS = np.array([[True, False, True], [True, True, False]])


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_gradients_match_finite_differences(name):
    layer = LAYERS[name](dtype="float64", return_sequences=True)
    layer(X64)
    check_layer_gradients(lambda x: layer(x), [X64], layer.weights)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_masked_backwards_gradients_match_finite_differences(name):
    layer = LAYERS[name](dtype="float64", go_backwards=True, return_state=True)
    layer(X64)

    def call(x):
        return K.concatenate(layer(x, mask=MASK_FOR_GRADIENTS), axis=-1)

    check_layer_gradients(call, [X64], layer.weights)


def test_initial_state_gradients_match_finite_differences():
    layer = layers.LSTM(2, dtype="float64")
    layer(X64)
    h0 = np.full((2, 2), 0.3)
    c0 = np.full((2, 2), -0.2)
    check_layer_gradients(lambda x, h, c: layer(x, initial_state=[h, c]), [X64, h0, c0], [])


def test_fit_lowers_the_loss():
    gk.utils.set_random_seed(0)
    x = np.random.default_rng(1).normal(size=(32, 4, 3)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("float32")[:, None]
    model = gk.Sequential([gk.Input((4, 3)), layers.GRU(6), layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(x, y, epochs=8, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# ---------------------------------------------------------- bad arguments


@pytest.mark.parametrize("units", [0, -2, 1.5, "3"])
def test_units_must_be_a_positive_int(units):
    with pytest.raises(ValueError, match=r"units must be a positive int"):
        layers.LSTM(units)


@pytest.mark.parametrize("argument", ["dropout", "recurrent_dropout"])
def test_dropout_rates_must_lie_in_zero_one(argument):
    with pytest.raises(ValueError, match=rf"{argument} must be a number in \[0.0, 1.0\]"):
        layers.GRU(2, **{argument: 1.5})


def test_use_cudnn_must_be_auto_or_a_bool():
    with pytest.raises(ValueError, match=r"use_cudnn must be 'auto', True or False"):
        layers.LSTM(2, use_cudnn="yes")


def test_return_sequences_must_be_a_bool():
    with pytest.raises(ValueError, match=r"return_sequences must be True or False"):
        layers.SimpleRNN(2, return_sequences="yes")


def test_inputs_of_rank_two_are_refused():
    with pytest.raises(ValueError, match=r'layer "lstm".*expected ndim=3, found ndim=2'):
        layers.LSTM(2)(gk.Input((3,)))


def test_unroll_needs_a_known_number_of_timesteps():
    with pytest.raises(ValueError, match=r"cannot unroll a sequence of unknown length"):
        layers.LSTM(2, unroll=True)(gk.Input((None, 3)))


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['colour'\]"):
        layers.GRU(2, colour="red")


def test_a_built_layer_refuses_another_feature_count():
    layer = layers.LSTM(2)
    layer(X)
    with pytest.raises(ValueError, match=r'layer "lstm".*axis -1 of input shape to have value 2'):
        layer(np.zeros((2, 3, 5), "float32"))


def test_a_refused_first_call_leaves_the_layer_unbuilt():
    layer = layers.GRU(2, stateful=True)
    with pytest.raises(ValueError, match=r"needs a fixed batch size"):
        layer(gk.Input((3, 4)))
    assert not layer.built and not layer.cell.built
    assert layer(gk.Input((3, 5), batch_size=2)).shape == (2, 2)


def test_first_layer_takes_input_shape():
    model = gk.Sequential([layers.SimpleRNN(3, input_shape=(4, 2), return_sequences=True)])
    assert model.output_shape == (None, 4, 3)
    assert model.predict(np.zeros((1, 4, 2), "float32")).shape == (1, 4, 3)


def test_activity_regularizer_penalises_the_output():
    layer = layers.SimpleRNN(2, activity_regularizer="l2")
    output = numpy_of(layer(X))
    (penalty,) = layer.losses
    np.testing.assert_allclose(numpy_of(penalty), 0.01 * np.sum(output**2), rtol=1e-5)


def test_reset_states_with_values_needs_a_stateful_layer():
    with pytest.raises(ValueError, match=r"LSTM 'lstm' is not stateful"):
        built(LAYERS["LSTM"]).reset_states([np.zeros((2, 2), "float32")] * 2)
