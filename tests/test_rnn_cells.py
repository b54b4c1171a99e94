"""RNN(cell): the generic scan over any cell, the built-in cells one step at a time,
stacked cells and a user-written cell.

References are the cells' equations restated in NumPy, and numbers printed
by Keras 3.15.1 (JAX backend) where marked.
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


def numpy_of(value):
    return K.convert_to_numpy(value)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def pattern(shape) -> np.ndarray:
    return ((np.arange(int(np.prod(shape)), dtype="float32") % 7) - 3).reshape(shape) / 10


class MinimalRNNCell(layers.Layer):
    """The user cell of Keras's RNN documentation: ``h = x @ W + h @ U``."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=(input_shape[-1], self.units))
        self.recurrent_kernel = self.add_weight("recurrent_kernel", shape=(self.units,) * 2)

    def call(self, inputs, states):
        output = K.add(K.matmul(inputs, self.kernel), K.matmul(states[0], self.recurrent_kernel))
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


# ------------------------------------------------------------------ cells


def test_lstm_cell_step_follows_the_gate_equations():
    cell = layers.LSTMCell(2)
    h, c = np.full((2, 2), 0.1, "float32"), np.full((2, 2), -0.2, "float32")
    cell(X[:, 0], [h, c])
    cell.set_weights([pattern(w.shape) for w in cell.weights])
    kernel, recurrent_kernel, bias = cell.get_weights()
    i, f, g, o = np.split(X[:, 0] @ kernel + h @ recurrent_kernel + bias, 4, axis=1)
    new_c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    new_h = sigmoid(o) * np.tanh(new_c)
    output, (state_h, state_c) = cell(X[:, 0], [h, c])
    np.testing.assert_allclose(numpy_of(output), new_h, rtol=1e-6)
    np.testing.assert_allclose(numpy_of(state_h), new_h, rtol=1e-6)
    np.testing.assert_allclose(numpy_of(state_c), new_c, rtol=1e-6)


def test_gru_cell_step_follows_the_reset_after_equations():
    cell = layers.GRUCell(2)
    h = np.full((2, 2), 0.3, "float32")
    cell(X[:, 0], [h])
    cell.set_weights([pattern(w.shape) for w in cell.weights])
    kernel, recurrent_kernel, bias = cell.get_weights()
    x_z, x_r, x_h = np.split(X[:, 0] @ kernel + bias[0], 3, axis=1)
    h_z, h_r, h_h = np.split(h @ recurrent_kernel + bias[1], 3, axis=1)
    z, r = sigmoid(x_z + h_z), sigmoid(x_r + h_r)
    expected = z * h + (1 - z) * np.tanh(x_h + r * h_h)
    output, (state,) = cell(X[:, 0], [h])
    np.testing.assert_allclose(numpy_of(output), expected, rtol=1e-6)
    np.testing.assert_allclose(numpy_of(state), expected, rtol=1e-6)


def test_simple_rnn_cell_takes_a_bare_state():
    cell = layers.SimpleRNNCell(2, activation="relu")
    h = np.full((2, 2), 0.5, "float32")
    cell(X[:, 0], h)
    cell.set_weights([pattern(w.shape) for w in cell.weights])
    kernel, recurrent_kernel, bias = cell.get_weights()
    output, state = cell(X[:, 0], h)
    expected = np.maximum(X[:, 0] @ kernel + h @ recurrent_kernel + bias, 0)
    np.testing.assert_allclose(numpy_of(output), expected, rtol=1e-6)
    np.testing.assert_allclose(numpy_of(state), expected, rtol=1e-6)


@pytest.mark.parametrize(
    "cell", [layers.SimpleRNNCell(3, dropout=0.1), layers.LSTMCell(3), layers.GRUCell(3)]
)
def test_cell_config_round_trip(cell):
    config = cell.get_config()
    assert type(cell).from_config(config).get_config() == config


def test_cell_state_and_output_sizes():
    assert layers.LSTMCell(4).state_size == [4, 4]
    assert layers.GRUCell(4).state_size == 4
    assert layers.SimpleRNNCell(4).output_size == 4


def test_cell_rejects_non_positive_units():
    with pytest.raises(ValueError, match=r"LSTMCell 'lstm_cell': units must be a positive int"):
        layers.LSTMCell(0)


# ------------------------------------------------------------- RNN(cell)


def test_rnn_runs_a_user_cell():
    cell = MinimalRNNCell(2)
    layer = layers.RNN(cell, return_sequences=True)
    layer(X)
    kernel, recurrent_kernel = pattern((2, 2)), pattern((2, 2))[::-1].copy()
    layer.set_weights([kernel, recurrent_kernel])
    h = np.zeros((2, 2), "float32")
    expected = []
    for t in range(3):
        h = X[:, t] @ kernel + h @ recurrent_kernel
        expected.append(h)
    np.testing.assert_allclose(numpy_of(layer(X)), np.stack(expected, axis=1), rtol=1e-6)


def test_rnn_masked_user_cell_holds_the_state():
    layer = layers.RNN(MinimalRNNCell(2), return_sequences=True)
    outputs = numpy_of(layer(X, mask=MASK))
    np.testing.assert_array_equal(outputs[0, 2], outputs[0, 1])
    np.testing.assert_array_equal(outputs[1, 0], [0.0, 0.0])


def test_rnn_user_cell_gradients_match_finite_differences():
    layer = layers.RNN(MinimalRNNCell(2, dtype="float64"), go_backwards=True, dtype="float64")
    x = np.random.default_rng(0).uniform(-1, 1, size=(2, 3, 2))
    layer(x)
    check_layer_gradients(lambda v: layer(v, mask=MASK), [x], layer.weights)


def test_rnn_with_a_user_cell_survives_a_model_config_round_trip():
    inputs = gk.Input((3, 2))
    model = gk.Model(inputs, layers.RNN(MinimalRNNCell(2))(inputs))
    rebuilt = gk.Model.from_config(
        model.get_config(), custom_objects={"MinimalRNNCell": MinimalRNNCell}
    )
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(X), model.predict(X), rtol=1e-6)


def test_rnn_config_nests_its_cell():
    layer = layers.RNN(layers.GRUCell(3), return_state=True)
    config = layer.get_config()
    assert config["cell"]["class_name"] == "GRUCell"
    rebuilt = layers.RNN.from_config(config)
    assert isinstance(rebuilt.cell, layers.GRUCell) and rebuilt.return_state


def test_rnn_symbolic_output_follows_the_cell_sizes():
    outputs = layers.RNN(layers.LSTMCell(3), return_sequences=True, return_state=True)(
        gk.Input((7, 2))
    )
    assert [tensor.shape for tensor in outputs] == [(None, 7, 3), (None, 3), (None, 3)]


def test_rnn_refuses_a_cell_without_state_size():
    class NoState(layers.Layer):
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match=r"RNN 'rnn': the cell must have a state_size"):
        layers.RNN(NoState())


def test_rnn_refuses_inputs_of_rank_two():
    with pytest.raises(ValueError, match=r'layer "rnn".*expected min_ndim=3, found ndim=2'):
        layers.RNN(layers.SimpleRNNCell(2))(gk.Input((3,)))


# ---------------------------------------------------------- stacked cells


def stacked_layer():
    layer = layers.RNN([layers.LSTMCell(2), layers.SimpleRNNCell(3)], return_sequences=True)
    layer(X)
    layer.set_weights([pattern(w.shape) for w in layer.weights])
    return layer


def test_stacked_cells_weights_follow_the_cells():
    shapes = [tuple(w.shape) for w in stacked_layer().weights]
    assert shapes == [(2, 8), (2, 8), (8,), (2, 3), (3, 3), (3,)]


def test_stacked_cells_reproduce_keras():
    # Printed by Keras 3.15.1 (KERAS_BACKEND=jax): RNN([LSTMCell(2), SimpleRNNCell(3)],
    # return_sequences=True) on X, each weight set to pattern(shape).
    expected = [
        [
            [-0.27975452, -0.19468626, -0.10658484],
            [-0.23275115, -0.12771620, -0.09406917],
            [-0.25116080, -0.13567905, -0.08205399],
        ],
        [
            [-0.30113968, -0.19941689, -0.09320662],
            [-0.25310120, -0.13612734, -0.08030318],
            [-0.27037224, -0.14628732, -0.07350291],
        ],
    ]
    np.testing.assert_allclose(numpy_of(stacked_layer()(X)), expected, rtol=1e-5)


def test_stacked_cells_return_every_state_flat():
    layer = layers.RNN([layers.LSTMCell(2), layers.GRUCell(3)], return_state=True)
    symbolic = [tensor.shape for tensor in layer(gk.Input((3, 2)))]
    eager = [numpy_of(value).shape for value in layer(X)]
    assert symbolic == [(None, 3), (None, 2), (None, 2), (None, 3)]
    assert eager == [(2, 3), (2, 2), (2, 2), (2, 3)]


def test_stacked_cells_config_round_trip():
    layer = stacked_layer()
    rebuilt = layers.RNN.from_config(layer.get_config())
    rebuilt(X)
    rebuilt.set_weights(layer.get_weights())
    np.testing.assert_allclose(numpy_of(rebuilt(X)), numpy_of(layer(X)), rtol=1e-6)
