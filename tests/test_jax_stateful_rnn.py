"""On JAX, stateful RNNs run compiled: their states are threaded through the steps as state.

A ``stateful=True`` layer starts each batch from the states the previous
batch left. Those states live in Variables that are not weights; a
compiled step takes them as arguments and hands the new ones back, so
``predict``, ``model(x)``, the ``*_on_batch`` methods, ``fit`` and
``evaluate`` carry them from batch to batch as numpy does, and
``reset_states`` between calls starts again from zeros. No step falls
back to op-by-op execution (the fallback warning is an error here).

Tolerance for values from the two backends: ``rtol=1e-5, atol=1e-6``
(float32 recurrences of five steps, reordered by XLA's fusion).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from compiled_step_tools import CallCounter, selected

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers, optimizers

pytestmark = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)

RTOL, ATOL = 1e-5, 1e-6
BATCH = 4


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3 * BATCH, 5, 3)).astype("float32")
    y = rng.normal(size=(3 * BATCH, 2)).astype("float32")
    return x, y


class Batches(gk.utils.PyDataset):
    """The rows of ``x`` and ``y`` in order, ``BATCH`` at a time (the fixed batch)."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        super().__init__()
        self.x, self.y = x, y

    def __len__(self) -> int:
        return len(self.x) // BATCH

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        rows = slice(index * BATCH, (index + 1) * BATCH)
        return self.x[rows], self.y[rows]


RECURRENT: dict[str, Callable[[], layers.Layer]] = {
    "simple_rnn": lambda: layers.SimpleRNN(4, stateful=True),
    "lstm": lambda: layers.LSTM(4, stateful=True),
    "gru_sequences": lambda: layers.GRU(4, stateful=True, return_sequences=True),
    "bidirectional_lstm": lambda: layers.Bidirectional(layers.LSTM(3, stateful=True)),
}


def _model(kind: str) -> tuple[gk.Model, layers.Layer]:
    inputs = gk.Input((5, 3), batch_size=BATCH)
    recurrent = RECURRENT[kind]()
    hidden = recurrent(inputs)
    if kind == "gru_sequences":
        hidden = layers.GlobalAveragePooling1D()(hidden)
    model = gk.Model(inputs, layers.Dense(2)(hidden))
    rng = np.random.default_rng(1)
    model.set_weights(
        [rng.normal(size=w.shape).astype("float32") * 0.4 for w in model.get_weights()]
    )
    model.compile(optimizers.SGD(0.05), "mse", metrics=["mae"])
    return model, recurrent


def _states(recurrent: layers.Layer) -> list[np.ndarray]:
    return [np.array(K.convert_to_numpy(state.value)) for state in recurrent.states]


def _inference_run(kind: str) -> list:
    """Predictions batch after batch, through every inference entry point, with resets between."""
    x, _ = _data()
    model, recurrent = _model(kind)
    results = [model.predict(x, batch_size=BATCH), _states(recurrent)]
    results.append(model.predict(x, batch_size=BATCH))  # continues from the states left
    model.reset_states()
    results.append(model.predict_on_batch(x[:BATCH]))
    results.append(model.predict_on_batch(x[:BATCH]))
    results.append(K.convert_to_numpy(model(x[BATCH : 2 * BATCH])))
    results.append(_states(recurrent))
    recurrent.reset_states()
    results.append(model.predict(x, batch_size=BATCH))
    return results


def _training_run(kind: str) -> list:
    """Fit, evaluate and the *_on_batch methods: losses, weights and states."""
    x, y = _data()
    model, recurrent = _model(kind)
    history = model.fit(Batches(x, y), epochs=2, shuffle=False, verbose=0).history
    results = [history["loss"], history["mae"], _states(recurrent)]
    results.append(model.evaluate(Batches(x, y), verbose=0))
    model.reset_states()
    results.append(model.train_on_batch(x[:BATCH], y[:BATCH]))
    results.append(model.test_on_batch(x[BATCH : 2 * BATCH], y[BATCH : 2 * BATCH]))
    results.append(_states(recurrent))
    results.extend(model.get_weights())
    return results


def _assert_nested_close(got, expected) -> None:
    if isinstance(expected, (list, tuple)) and not np.isscalar(expected):
        assert len(got) == len(expected)
        for one, other in zip(got, expected, strict=True):
            _assert_nested_close(one, other)
        return
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("kind", sorted(RECURRENT))
def test_stateful_inference_on_jax_carries_states_as_numpy(kind):
    with selected("numpy"):
        expected = _inference_run(kind)
    with selected("jax"):
        got = _inference_run(kind)
    _assert_nested_close(got, expected)
    # The states did carry over: a second pass without a reset differs from the first,
    # and after reset_states the first batch's outputs come back.
    assert not np.allclose(got[0], got[2], atol=1e-4)
    np.testing.assert_allclose(got[3], got[0][:BATCH], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got[7], got[0], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("kind", ["lstm", "bidirectional_lstm"])
def test_stateful_training_on_jax_carries_states_as_numpy(kind):
    with selected("numpy"):
        expected = _training_run(kind)
    with selected("jax"):
        got = _training_run(kind)
    _assert_nested_close(got, expected)


def test_a_stateful_predict_is_traced_once_not_run_op_by_op():
    with selected("jax"):
        inputs = gk.Input((5, 3), batch_size=BATCH)
        counter = CallCounter()
        model = gk.Model(inputs, layers.LSTM(4, stateful=True)(counter(inputs)))
        counter.calls = 0  # building the graph probed it
        x, _ = _data()
        first = model.predict(x, batch_size=BATCH)
        second = model.predict(x, batch_size=BATCH)
        assert counter.calls == 1  # six batches, one trace
        assert not np.allclose(first, second, atol=1e-4)  # the states carried over
