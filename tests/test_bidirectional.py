"""Bidirectional: a recurrent layer run both ways over a sequence, the results merged.

The references are a plain numpy simple RNN written below (``tanh(x_t @
kernel + h @ recurrent + bias)`` step by step): the forward direction reads
the sequence as given, the backward one reads it reversed and its outputs
are flipped back. Two literal references were produced by Keras 3.15.1
(JAX backend) from the weights the test sets, as noted where they appear.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients
from layer_test_tools import MaskRecorder, run_op_by_op

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.layers.rnn import GRU, LSTM, SimpleRNN

pytestmark = pytest.mark.usefixtures("backend")

RNG = np.random.default_rng(7)
X = RNG.normal(size=(2, 4, 3)).astype("float32")
# Forward kernel, recurrent kernel, bias; then the backward layer's.
WEIGHTS = [
    RNG.normal(size=shape).astype("float32") * 0.5
    for shape in [(3, 2), (2, 2), (2,), (3, 2), (2, 2), (2,)]
]


def rnn_reference(x, kernel, recurrent, bias, state=None):
    """Every step's output of a tanh simple RNN, and its final state."""
    state = np.zeros((x.shape[0], kernel.shape[1])) if state is None else state
    outputs = []
    for step in range(x.shape[1]):
        state = np.tanh(x[:, step] @ kernel + state @ recurrent + bias)
        outputs.append(state)
    return np.stack(outputs, axis=1), state


def forward_reference(x, state=None):
    return rnn_reference(x, *WEIGHTS[:3], state=state)


def backward_reference(x, state=None):
    """The backward direction's outputs in time order, and its final state."""
    outputs, final = rnn_reference(x[:, ::-1], *WEIGHTS[3:], state=state)
    return outputs[:, ::-1], final


def bidirectional(merge_mode="concat", **rnn_arguments) -> layers.Bidirectional:
    wrapper = layers.Bidirectional(SimpleRNN(2, **rnn_arguments), merge_mode=merge_mode)
    wrapper.build((None, 4, 3))
    wrapper.set_weights(WEIGHTS)
    return wrapper


# ------------------------------------------------------------------- shapes


def test_concat_of_sequences_doubles_the_features():
    outputs = layers.Bidirectional(LSTM(3, return_sequences=True))(gk.Input((5, 4)))
    assert (outputs.shape, outputs.dtype) == ((None, 5, 6), "float32")


@pytest.mark.parametrize("merge_mode", ["sum", "mul", "ave"])
def test_elementwise_merges_keep_the_features(merge_mode):
    wrapper = layers.Bidirectional(GRU(3, return_sequences=True), merge_mode=merge_mode)
    assert wrapper(gk.Input((5, 4))).shape == (None, 5, 3)


def test_merge_mode_none_returns_both_directions():
    outputs = layers.Bidirectional(SimpleRNN(3), merge_mode=None)(gk.Input((5, 4)))
    assert [tensor.shape for tensor in outputs] == [(None, 3), (None, 3)]


def test_return_state_appends_forward_then_backward_states():
    outputs = layers.Bidirectional(LSTM(3, return_state=True))(gk.Input((5, 4)))
    assert [tensor.shape for tensor in outputs] == [(None, 6)] + [(None, 3)] * 4


def test_return_state_with_merge_mode_none_returns_two_outputs_then_states():
    wrapper = layers.Bidirectional(GRU(3, return_state=True), merge_mode=None)
    assert [tensor.shape for tensor in wrapper(gk.Input((5, 4)))] == [(None, 3)] * 4


def test_eager_shapes_match_the_symbolic_ones():
    wrapper = layers.Bidirectional(LSTM(3, return_sequences=True, return_state=True))
    outputs = wrapper(np.ones((2, 5, 4), dtype="float32"))
    assert [K.int_shape(tensor) for tensor in outputs] == [(2, 5, 6)] + [(2, 3)] * 4


def test_compute_output_shape_keeps_an_unknown_time_axis():
    wrapper = layers.Bidirectional(SimpleRNN(3, return_sequences=True))
    wrapper.build((None, None, 4))
    assert wrapper.compute_output_shape((None, None, 4)) == (None, None, 6)


# ------------------------------------------------------------------- values


def test_concat_puts_forward_then_flipped_backward_outputs_on_the_last_axis():
    output = bidirectional(return_sequences=True)(X)
    expected = np.concatenate([forward_reference(X)[0], backward_reference(X)[0]], axis=-1)
    np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-6)


def test_last_output_of_the_backward_direction_has_read_the_whole_sequence():
    output = bidirectional()(X)
    expected = np.concatenate([forward_reference(X)[1], backward_reference(X)[1]], axis=-1)
    np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("merge_mode", "merge"),
    [
        ("sum", lambda a, b: a + b),
        ("mul", lambda a, b: a * b),
        ("ave", lambda a, b: (a + b) / 2),
    ],
)
def test_elementwise_merges_combine_the_aligned_directions(merge_mode, merge):
    output = bidirectional(merge_mode, return_sequences=True)(X)
    expected = merge(forward_reference(X)[0], backward_reference(X)[0])
    np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-6)


def test_merge_mode_none_returns_the_aligned_directions_as_a_list():
    forward, backward = bidirectional(None, return_sequences=True)(X)
    np.testing.assert_allclose(forward, forward_reference(X)[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(backward, backward_reference(X)[0], rtol=1e-5, atol=1e-6)


def test_returned_states_are_each_directions_final_state():
    _, forward_state, backward_state = bidirectional(return_state=True)(X)
    np.testing.assert_allclose(forward_state, forward_reference(X)[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(backward_state, backward_reference(X)[1], rtol=1e-5, atol=1e-6)


def test_initial_state_first_half_starts_forward_second_half_backward():
    forward_start, backward_start = RNG.normal(size=(2, 2, 2)).astype("float32")
    output = bidirectional()(X, initial_state=[forward_start, backward_start])
    expected = np.concatenate(
        [forward_reference(X, forward_start)[1], backward_reference(X, backward_start)[1]], -1
    )
    np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-6)


def test_symbolic_initial_state_is_split_between_the_directions():
    sequences, forward_start, backward_start = gk.Input((4, 3)), gk.Input((2,)), gk.Input((2,))
    wrapper = layers.Bidirectional(SimpleRNN(2))
    outputs = wrapper(sequences, initial_state=[forward_start, backward_start])
    model = gk.Model([sequences, forward_start, backward_start], outputs)
    wrapper.set_weights(WEIGHTS)
    starts = RNG.normal(size=(2, 2, 2)).astype("float32")
    expected = np.concatenate(
        [forward_reference(X, starts[0])[1], backward_reference(X, starts[1])[1]], -1
    )
    np.testing.assert_allclose(model([X, *starts]), expected, rtol=1e-5, atol=1e-6)


def test_masked_steps_are_skipped_by_both_directions_and_output_zeros():
    mask = np.array([[True, True, True, True], [True, True, False, False]])
    output = bidirectional(return_sequences=True)(X, mask=mask)
    short = X[1:, :2]
    expected_short = np.concatenate(
        [forward_reference(short)[0], backward_reference(short)[0]], axis=-1
    )
    np.testing.assert_allclose(output[1, :2], expected_short[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(output[1, 2:], np.zeros((2, 4)))


def test_zero_output_for_mask_is_forced_to_return_sequences_in_both_directions():
    wrapper = layers.Bidirectional(SimpleRNN(2, return_sequences=True))
    assert wrapper.forward_layer.zero_output_for_mask
    assert wrapper.backward_layer.zero_output_for_mask
    wrapper = layers.Bidirectional(SimpleRNN(2, zero_output_for_mask=True))
    assert not wrapper.forward_layer.zero_output_for_mask


def test_lstm_concat_matches_keras():
    x = np.array([[[0.1, 0.2], [0.3, -0.1], [-0.2, 0.4]]], "float32")
    wrapper = layers.Bidirectional(LSTM(2, return_sequences=True))
    wrapper.build(x.shape)
    wrapper.set_weights(
        [
            np.linspace(-0.5, 0.5, w.size).reshape(w.shape) * (1 if i < 3 else -1)
            for i, w in enumerate(wrapper.get_weights())
        ]
    )
    # Keras 3.15.1 (JAX backend), the same weights: keras.layers.Bidirectional(LSTM(2, ...)).
    keras_output = [
        [0.02399277, 0.06899299, -0.03571252, -0.08509835],
        [0.00686029, 0.06433386, -0.02472278, -0.07213749],
        [0.06824093, 0.1527472, -0.0505727, -0.06806462],
    ]
    np.testing.assert_allclose(wrapper(x)[0], keras_output, rtol=1e-5, atol=1e-7)


def test_gru_average_matches_keras():
    x = np.array([[[0.1, 0.2], [0.3, -0.1], [-0.2, 0.4]]], "float32")
    wrapper = layers.Bidirectional(GRU(2), merge_mode="ave")
    wrapper.build(x.shape)
    wrapper.set_weights(
        [
            np.linspace(-0.5, 0.5, w.size).reshape(w.shape) * (1 if i < 3 else -1)
            for i, w in enumerate(wrapper.get_weights())
        ]
    )
    # Keras 3.15.1 (JAX backend), the same weights: Bidirectional(GRU(2), merge_mode="ave").
    np.testing.assert_allclose(wrapper(x), [[0.05107806, 0.07150273]], rtol=1e-5, atol=1e-7)


# ------------------------------------------------------------------ weights


def test_weights_are_the_forward_layers_then_the_backward_layers():
    wrapper = layers.Bidirectional(LSTM(3))
    wrapper.build((None, 5, 4))
    expected = [("kernel", (4, 12)), ("recurrent_kernel", (3, 12)), ("bias", (12,))] * 2
    assert [(w.name, w.shape) for w in wrapper.weights] == expected
    assert wrapper.weights[:3] == wrapper.forward_layer.weights
    assert wrapper.weights[3:] == wrapper.backward_layer.weights


def test_directions_are_named_forward_and_backward_after_the_wrapped_layer():
    wrapper = layers.Bidirectional(LSTM(3, name="encoder"))
    assert (wrapper.forward_layer.name, wrapper.backward_layer.name) == (
        "forward_encoder",
        "backward_encoder",
    )
    assert layers.Bidirectional(SimpleRNN(2, name="forward_x")).forward_layer.name == "forward_x"


def test_backward_copy_reads_backwards_and_forward_copy_does_not():
    wrapper = layers.Bidirectional(GRU(3))
    assert (wrapper.forward_layer.go_backwards, wrapper.backward_layer.go_backwards) == (
        False,
        True,
    )


def test_the_wrapped_layer_itself_is_not_used_or_built():
    original = SimpleRNN(2)
    wrapper = layers.Bidirectional(original)
    wrapper(X)
    assert not original.built
    assert wrapper.forward_layer is not original


def test_weights_argument_is_assigned_forward_half_then_backward_half():
    wrapper = layers.Bidirectional(SimpleRNN(2), weights=WEIGHTS)
    wrapper.build((None, 4, 3))
    for actual, expected in zip(wrapper.get_weights(), WEIGHTS, strict=True):
        np.testing.assert_array_equal(actual, expected)


def test_supplied_backward_layer_is_used_as_given():
    backward = SimpleRNN(2, activation="relu", go_backwards=True, name="reader")
    wrapper = layers.Bidirectional(SimpleRNN(2), backward_layer=backward)
    assert wrapper.backward_layer is backward


# --------------------------------------------------------------------- masks


def embedded_ids():
    ids = gk.Input((4,), dtype="int32")
    return ids, layers.Embedding(10, 3, mask_zero=True)(ids)


def test_returned_sequences_keep_the_input_mask():
    _, embedded = embedded_ids()
    outputs = layers.Bidirectional(SimpleRNN(2, return_sequences=True))(embedded)
    assert outputs._keras_mask.shape == (None, 4)


def test_merge_mode_none_masks_both_returned_sequences():
    _, embedded = embedded_ids()
    outputs = layers.Bidirectional(SimpleRNN(2, return_sequences=True), merge_mode=None)(embedded)
    assert [tensor._keras_mask.shape for tensor in outputs] == [(None, 4), (None, 4)]


def test_last_outputs_and_states_have_no_mask():
    _, embedded = embedded_ids()
    outputs = layers.Bidirectional(LSTM(2, return_state=True))(embedded)
    assert [tensor._keras_mask for tensor in outputs] == [None] * 5


def test_sequence_mask_with_states_masks_only_the_output():
    _, embedded = embedded_ids()
    outputs = layers.Bidirectional(GRU(2, return_sequences=True, return_state=True))(embedded)
    assert [None if t._keras_mask is None else t._keras_mask.shape for t in outputs] == [
        (None, 4),
        None,
        None,
    ]


def test_mask_reaches_the_next_layer_when_the_model_runs():
    ids, embedded = embedded_ids()
    recorder = MaskRecorder()
    outputs = recorder(layers.Bidirectional(SimpleRNN(2, return_sequences=True))(embedded))
    run_op_by_op(gk.Model(ids, outputs), np.array([[1, 2, 0, 0], [3, 4, 5, 0]]))
    np.testing.assert_array_equal(
        recorder.seen[-1], [[True, True, False, False], [True, True, True, False]]
    )


# ------------------------------------------------------------------ training


def test_training_flag_reaches_both_directions():
    wrapper = layers.Bidirectional(SimpleRNN(4, dropout=0.5, seed=3), merge_mode=None)
    x = np.ones((3, 5, 6), dtype="float32")
    inference = [K.convert_to_numpy(t) for t in wrapper(x)]
    training = [K.convert_to_numpy(t) for t in wrapper(x, training=True)]
    again = [K.convert_to_numpy(t) for t in wrapper(x)]
    np.testing.assert_allclose(again, inference, rtol=1e-6, atol=1e-7)
    assert not np.allclose(training[0], inference[0])
    assert not np.allclose(training[1], inference[1])


# ------------------------------------------------------------------ stateful


def stateful_wrapper() -> layers.Bidirectional:
    wrapper = layers.Bidirectional(SimpleRNN(2, stateful=True))
    wrapper.build((2, 4, 3))
    wrapper.set_weights(WEIGHTS)
    return wrapper


def test_stateful_wrapper_continues_from_the_previous_final_states():
    wrapper = stateful_wrapper()
    wrapper(X)
    second = wrapper(X)
    expected = np.concatenate(
        [
            forward_reference(X, forward_reference(X)[1])[1],
            backward_reference(X, backward_reference(X)[1])[1],
        ],
        axis=-1,
    )
    np.testing.assert_allclose(second, expected, rtol=1e-5, atol=1e-6)


def test_reset_states_starts_both_directions_from_zeros_again():
    wrapper = stateful_wrapper()
    first = K.convert_to_numpy(wrapper(X))
    wrapper(X)
    wrapper.reset_states()
    np.testing.assert_allclose(wrapper(X), first, rtol=1e-6)


def test_states_are_the_forward_then_backward_state_variables():
    wrapper = stateful_wrapper()
    assert wrapper.stateful
    assert wrapper.states == [*wrapper.forward_layer.states, *wrapper.backward_layer.states]


def test_a_layer_that_is_not_stateful_has_no_states_and_resets_as_a_no_op():
    wrapper = bidirectional()
    wrapper.reset_states()
    assert wrapper.states is None and not wrapper.stateful


# -------------------------------------------------------------------- config


def test_config_holds_the_merge_mode_and_both_directions():
    config = layers.Bidirectional(LSTM(3, return_sequences=True), merge_mode="sum").get_config()
    assert config["merge_mode"] == "sum"
    assert (config["layer"]["class_name"], config["layer"]["config"]["name"]) == (
        "LSTM",
        "forward_lstm",
    )
    assert config["backward_layer"]["config"]["go_backwards"] is True


def test_config_round_trip_rebuilds_an_equal_wrapper():
    wrapper = layers.Bidirectional(GRU(3, return_state=True), merge_mode=None, name="both")
    config = wrapper.get_config()
    rebuilt = layers.Bidirectional.from_config(config)
    assert rebuilt.get_config() == config
    assert rebuilt.backward_layer.go_backwards and not rebuilt.forward_layer.go_backwards


def test_round_trip_keeps_a_supplied_backward_layer():
    backward = SimpleRNN(2, activation="relu", go_backwards=True)
    config = layers.Bidirectional(SimpleRNN(2), backward_layer=backward).get_config()
    rebuilt = layers.deserialize({"class_name": "Bidirectional", "config": config})
    assert rebuilt.backward_layer.get_config()["activation"] == "relu"


def test_model_round_trips_through_its_config_with_the_same_outputs():
    inputs = gk.Input((4, 3))
    model = gk.Model(inputs, layers.Bidirectional(SimpleRNN(2, return_sequences=True))(inputs))
    model.set_weights(WEIGHTS)
    rebuilt = gk.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt(X), model(X), rtol=1e-6)


# ----------------------------------------------------------------- gradients


def test_gradients_match_finite_differences_for_inputs_and_both_directions():
    wrapper = layers.Bidirectional(
        SimpleRNN(2, return_sequences=True, dtype="float64"), dtype="float64"
    )
    x = np.random.default_rng(1).normal(size=(2, 3, 2))
    wrapper.build(x.shape)
    check_layer_gradients(wrapper, [x], wrapper.weights)


def test_lstm_gradients_match_finite_differences_with_a_mask_and_averaging():
    wrapper = layers.Bidirectional(LSTM(2, dtype="float64"), merge_mode="ave", dtype="float64")
    x = np.random.default_rng(2).normal(size=(2, 3, 2))
    mask = np.array([[True, True, True], [True, True, False]])
    wrapper.build(x.shape)
    check_layer_gradients(lambda x: wrapper(x, mask=mask), [x], wrapper.weights)


# ------------------------------------------------------------ bad arguments


def test_unknown_merge_mode_is_refused():
    with pytest.raises(ValueError, match=r"merge_mode.*'max'"):
        layers.Bidirectional(SimpleRNN(2), merge_mode="max")


@pytest.mark.parametrize("layer", [SimpleRNN, "lstm", None])
def test_a_layer_argument_that_is_not_a_layer_instance_is_refused(layer):
    with pytest.raises(ValueError, match="Bidirectional: layer must be a Layer instance"):
        layers.Bidirectional(layer)


def test_a_backward_layer_that_is_not_a_layer_is_refused():
    with pytest.raises(ValueError, match="backward_layer must be a Layer instance"):
        layers.Bidirectional(SimpleRNN(2), backward_layer="lstm")


def test_a_layer_that_is_not_recurrent_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"recurrent layer.*Dense 'dense'.*go_backwards"):
        layers.Bidirectional(layers.Dense(2))


def test_a_backward_layer_reading_the_same_way_is_refused():
    with pytest.raises(ValueError, match="different go_backwards"):
        layers.Bidirectional(SimpleRNN(2), backward_layer=SimpleRNN(2))


def test_a_backward_layer_with_other_return_sequences_is_refused():
    backward = SimpleRNN(2, go_backwards=True, return_sequences=True)
    with pytest.raises(ValueError, match="same return_sequences"):
        layers.Bidirectional(SimpleRNN(2), backward_layer=backward)


def test_an_odd_number_of_initial_states_is_refused():
    with pytest.raises(ValueError, match=r"'bidirectional'.*even number.*3 state"):
        bidirectional()(X, initial_state=[np.zeros((2, 2), "float32")] * 3)


def test_inputs_of_rank_two_are_refused_naming_the_layer():
    with pytest.raises(ValueError, match="bidirectional"):
        layers.Bidirectional(SimpleRNN(2))(gk.Input((3,)))
