"""On JAX, fit, evaluate, predict and model(x) run whole compiled steps (compiled_steps.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from compiled_step_tools import CallCounter, selected

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)


@pytest.fixture
def jax_backend() -> Iterator[None]:
    with selected("jax"):
        yield


def _data(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((rows, 4)).astype("float32"), rng.random((rows, 2)).astype("float32")


def _dropout_norm_model() -> gk.Model:
    inputs = gk.Input((4,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    hidden = layers.Dropout(0.3)(hidden)
    hidden = layers.BatchNormalization()(hidden)
    return gk.Model(inputs, layers.Dense(2)(hidden))


def _seeded_fit(rows: int, epochs: int, **compile_arguments) -> tuple[dict, list]:
    K.clear_session()
    gk.utils.set_random_seed(1)
    model = _dropout_norm_model()
    model.compile(gk.optimizers.SGD(0.1, momentum=0.9), "mse", metrics=["mae"], **compile_arguments)
    x, y = _data(rows)
    history = model.fit(x, y, batch_size=8, epochs=epochs, verbose=0)
    return history.history, model.get_weights()


def _assert_same_training(first: tuple[dict, list], second: tuple[dict, list]) -> None:
    assert first[0].keys() == second[0].keys()
    for key in first[0]:
        np.testing.assert_allclose(first[0][key], second[0][key], rtol=0, atol=1e-5)
    for one, other in zip(first[1], second[1], strict=True):
        np.testing.assert_allclose(one, other, rtol=0, atol=1e-5)


def test_a_seeded_compiled_fit_equals_the_fit_run_op_by_op(jax_backend):
    # 20 rows in batches of 8: two full batches and a last one of 4 (a second program).
    compiled = _seeded_fit(20, epochs=2)
    op_by_op = _seeded_fit(20, epochs=2, jit_compile=False)
    _assert_same_training(compiled, op_by_op)


def test_three_steps_per_execution_train_as_one_step_at_a_time(jax_backend):
    # 52 rows: six batches of 8 (two calls of three) and one of 4 (a call of its own).
    one_at_a_time = _seeded_fit(52, epochs=1)
    three_at_a_time = _seeded_fit(52, epochs=1, steps_per_execution=3)
    _assert_same_training(one_at_a_time, three_at_a_time)


class ProcessWideNoise(layers.Layer):
    """Adds noise drawn from the process-wide generator (seed None) while training."""

    def call(self, inputs, training=None):
        if not training:
            return inputs
        return inputs + gk.random.normal(K.int_shape(inputs)[1:], stddev=0.1)


def _seeded_adam_fit(**compile_arguments) -> tuple[dict, list]:
    K.clear_session()
    gk.utils.set_random_seed(2)
    inputs = gk.Input((4,))
    model = gk.Model(inputs, layers.Dense(2)(ProcessWideNoise()(layers.Dense(3)(inputs))))
    model.compile(gk.optimizers.Adam(0.01), "mse", **compile_arguments)
    x, y = _data(16)
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    return history.history, model.get_weights()


def test_adam_and_the_process_wide_generator_train_compiled_as_op_by_op(jax_backend):
    # Adam's bias correction is computed from the traced step count; the noise's
    # key is threaded through the compiled step, so every step draws anew.
    compiled = _seeded_adam_fit()
    _assert_same_training(compiled, _seeded_adam_fit(jit_compile=False))
    assert not np.allclose(compiled[0]["loss"][0], compiled[0]["loss"][1])


def test_fit_logs_are_python_floats(jax_backend):
    history, _ = _seeded_fit(16, epochs=1)
    assert all(type(value) is float for values in history.values() for value in values)


def test_a_compiled_step_traces_once_and_takes_the_weights_as_arguments(jax_backend):
    inputs = gk.Input((4,))
    counter = CallCounter()
    model = gk.Model(inputs, layers.Dense(2)(counter(inputs)))
    counter.calls = 0  # building the graph probed it
    x, _ = _data(32)
    first = np.asarray(model.predict(x, batch_size=8))
    assert counter.calls == 1  # four batches of one signature: one trace
    model.set_weights([np.ones((4, 2), dtype="float32"), np.zeros((2,), dtype="float32")])
    second = np.asarray(model.predict(x, batch_size=8))
    assert counter.calls == 1  # new weights, no new trace: they are arguments, not constants
    np.testing.assert_allclose(second, np.repeat(x.sum(axis=1, keepdims=True), 2, axis=1), 1e-6)
    assert not np.allclose(first, second)


def test_run_eagerly_runs_every_step_op_by_op(jax_backend):
    inputs = gk.Input((4,))
    counter = CallCounter()
    model = gk.Model(inputs, layers.Dense(2)(counter(inputs)))
    counter.calls = 0  # building the graph probed it
    model.compile("sgd", "mse", run_eagerly=True)
    x, y = _data(24)
    model.fit(x, y, batch_size=8, verbose=0)
    assert counter.calls == 3


def test_a_variable_created_while_a_step_is_compiled_is_reported(jax_backend):
    class GrowingModel(gk.Model):
        def train_step(self, data):
            self.extra = K.Variable(np.zeros((1,), dtype="float32"), name="made_in_the_step")
            self.model_metrics = [K.Variable(0.0, name="made_in_the_step")]
            self._compiled_variables = [self.extra]
            return super().train_step(data)

    inputs = gk.Input((4,))
    model = GrowingModel(inputs, layers.Dense(2)(inputs))
    model.compile("sgd", "mse")
    x, y = _data(8)
    with pytest.raises(RuntimeError, match="made_in_the_step"):
        model.fit(x, y, batch_size=8, verbose=0)


def test_compile_checks_its_execution_arguments():
    inputs = gk.Input((4,))
    model = gk.Model(inputs, layers.Dense(2)(inputs))
    with pytest.raises(ValueError, match="jit_compile must be True, False or"):
        model.compile("sgd", "mse", jit_compile="yes")
    with pytest.raises(ValueError, match="steps_per_execution must be a positive int"):
        model.compile("sgd", "mse", steps_per_execution=0)
    with pytest.raises(ValueError, match="run_eagerly must be a bool"):
        model.compile("sgd", "mse", run_eagerly="no")


# ----------------------------------------------------------- JAX against numpy


def _mlp() -> gk.Model:
    inputs = gk.Input((6,))
    hidden = layers.Dense(16, activation="relu")(inputs)
    return gk.Model(inputs, layers.Dense(3, activation="softmax")(hidden))


def _cnn() -> gk.Model:
    inputs = gk.Input((8, 8, 2))
    hidden = layers.Conv2D(4, 3, activation="relu")(inputs)
    hidden = layers.MaxPooling2D()(hidden)
    return gk.Model(inputs, layers.Dense(3)(layers.Flatten()(hidden)))


def _lstm() -> gk.Model:
    inputs = gk.Input((5, 3))
    return gk.Model(inputs, layers.Dense(2)(layers.LSTM(4)(inputs)))


def _norm_dropout() -> gk.Model:
    inputs = gk.Input((6,))
    hidden = layers.BatchNormalization()(layers.Dense(5)(inputs))
    return gk.Model(inputs, layers.Dense(2)(layers.Dropout(0.5)(hidden)))


MODELS: dict[str, tuple[Callable[[], gk.Model], tuple]] = {
    "mlp": (_mlp, (6,)),
    "cnn": (_cnn, (8, 8, 2)),
    "lstm": (_lstm, (5, 3)),
    "batch_norm_dropout": (_norm_dropout, (6,)),
}


def _on_both_backends(name: str, run: Callable[[gk.Model, np.ndarray], list]) -> list:
    """``run(model, x)`` on numpy, then on JAX with the same weights: the two results."""
    build, shape = MODELS[name]
    x = np.random.default_rng(1).normal(size=(10, *shape)).astype("float32")
    results = []
    weights = None
    for backend in ("numpy", "jax"):
        with selected(backend):
            model = build()
            if weights is None:
                weights = model.get_weights()
            else:
                model.set_weights(weights)
            results.append([np.asarray(K.convert_to_numpy(value)) for value in run(model, x)])
    return results


@pytest.mark.parametrize("name", sorted(MODELS))
def test_predict_on_jax_equals_predict_on_numpy(name):
    numpy_result, jax_result = _on_both_backends(
        name, lambda model, x: [model.predict(x, batch_size=4), model(x)]
    )
    for expected, received in zip(numpy_result, jax_result, strict=True):
        np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-5)


def test_a_training_call_updates_batch_statistics_on_jax_as_on_numpy():
    def statistics_after_training_call(model, x):
        model(x, training=True)
        return model.non_trainable_weights

    numpy_result, jax_result = _on_both_backends(
        "batch_norm_dropout", statistics_after_training_call
    )
    assert len(jax_result) == 2  # moving mean and variance
    for expected, received in zip(numpy_result, jax_result, strict=True):
        np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-6)


class TwoDense(gk.Model):
    """A subclassed model: built by its first batch, before its step is compiled."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hidden = layers.Dense(3, activation="relu")
        self.out = layers.Dense(2)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def test_a_subclassed_model_trains_compiled_and_pickles_afterwards(jax_backend):
    import pickle

    model = TwoDense()
    model.compile("adam", "mse", metrics=["mae"])
    x, y = _data(24)
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(
        np.asarray(copy.predict(x)), np.asarray(model.predict(x)), rtol=0, atol=1e-6
    )


class ValueCheckingLoss(gk.losses.Loss):
    """Refuses negative targets by reading their values: a step that cannot be one program."""

    def call(self, y_true, y_pred):
        if float(K.convert_to_numpy(K.min(y_true))) < 0:
            raise ValueError("negative targets")
        return K.mean(K.square(y_true - y_pred), axis=-1)


def test_a_step_reading_values_runs_op_by_op_with_one_warning(jax_backend):
    inputs = gk.Input((4,))
    model = gk.Model(inputs, layers.Dense(2)(inputs))
    model.compile("sgd", ValueCheckingLoss())
    x, y = _data(24)
    with pytest.warns(UserWarning, match="train step cannot be compiled") as caught:
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert len([w for w in caught if "cannot be compiled" in str(w.message)]) == 1
    assert len(history.history["loss"]) == 2
    assert model.losses == []
