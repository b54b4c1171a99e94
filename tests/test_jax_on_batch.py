"""On JAX, train_on_batch, test_on_batch and predict_on_batch run compiled steps.

They run the programs ``fit``, ``evaluate`` and ``predict`` run (one per
signature, no new trace for a batch of a shape already seen), return what
Keras 3 returns (Python floats; a list, or a dict with ``return_dict``;
numpy arrays from ``predict_on_batch``) and give numpy's values.

Tolerance for values from the two backends: ``rtol=1e-5, atol=1e-6``
(float32 formulas, reordered by XLA's fusion; three SGD steps of a small model).
"""

from __future__ import annotations

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


def _data(rows: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 4)).astype("float32")
    y = rng.normal(size=(rows, 2)).astype("float32")
    weights = rng.uniform(0.5, 1.5, size=(rows,)).astype("float32")
    return x, y, weights


def _model() -> tuple[gk.Model, CallCounter]:
    inputs = gk.Input((4,))
    counter = CallCounter()
    hidden = layers.Dense(5, activation="relu")(counter(inputs))
    model = gk.Model(inputs, layers.Dense(2)(hidden))
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    counter.calls = 0  # building the graph probed it
    model.compile(optimizers.SGD(0.05, momentum=0.9), "mse", metrics=["mae"])
    return model, counter


def _one_batch_results() -> list:
    x, y, weights = _data()
    model, _ = _model()
    return [
        model.train_on_batch(x, y),
        model.train_on_batch(x, y, sample_weight=weights, return_dict=True),
        model.train_on_batch(x, y, class_weight={0: 1.0, 1: 3.0}),
        model.test_on_batch(x, y),
        model.test_on_batch(x, y, sample_weight=weights, return_dict=True),
        model.predict_on_batch(x),
        model.get_weights(),
    ]


def test_on_batch_results_on_jax_equal_numpys_and_have_keras_types():
    with selected("numpy"):
        expected = _one_batch_results()
    with selected("jax"):
        got = _one_batch_results()
    for index in (0, 2, 3):
        assert isinstance(got[index], list) and all(type(v) is float for v in got[index])
        np.testing.assert_allclose(got[index], expected[index], rtol=RTOL, atol=ATOL)
    for index in (1, 4):
        assert got[index].keys() == expected[index].keys() == {"loss", "mae"}
        assert all(type(value) is float for value in got[index].values())
        for key in got[index]:
            np.testing.assert_allclose(got[index][key], expected[index][key], RTOL, ATOL)
    assert type(got[5]) is np.ndarray
    np.testing.assert_allclose(got[5], expected[5], rtol=RTOL, atol=ATOL)
    for value, want in zip(got[6], expected[6], strict=True):
        np.testing.assert_allclose(value, want, rtol=RTOL, atol=ATOL)


def test_on_batch_methods_reuse_the_programs_fit_evaluate_and_predict_traced():
    with selected("jax"):
        model, counter = _model()
        x, y, _ = _data(32)
        model.fit(x, y, batch_size=8, verbose=0)
        # Four batches: one run op by op to build the metrics, then one trace.
        assert counter.calls == 2
        model.train_on_batch(x[:8], y[:8])
        assert counter.calls == 2  # same signature: fit's program, no new trace
        model.evaluate(x, y, batch_size=8, verbose=0)
        assert counter.calls == 3
        model.test_on_batch(x[:8], y[:8])
        assert counter.calls == 3
        model.predict(x, batch_size=8)
        assert counter.calls == 4
        model.predict_on_batch(x[:8])
        assert counter.calls == 4
        model.predict_on_batch(x[:5])  # a new shape: one new trace
        assert counter.calls == 5


def test_on_batch_methods_run_every_call_compiled_before_fit():
    with selected("jax"):
        model, counter = _model()
        x, y, _ = _data()
        model.train_on_batch(x, y)
        model.test_on_batch(x, y)
        model.predict_on_batch(x)
        # One trace each, and one run op by op that built the metrics first.
        assert counter.calls == 4
        for _ in range(3):
            model.train_on_batch(x, y)
            model.test_on_batch(x, y)
            model.predict_on_batch(x)
        assert counter.calls == 4  # compiled: op by op would have run nine more times


def test_train_on_batch_with_run_eagerly_runs_op_by_op():
    with selected("jax"):
        model, counter = _model()
        model.compile(optimizers.SGD(0.05), "mse", run_eagerly=True)
        x, y, _ = _data()
        for _ in range(3):
            model.train_on_batch(x, y)
        assert counter.calls == 3


def test_predict_on_batch_keeps_the_outputs_structure_as_numpy_arrays():
    with selected("jax"):
        inputs = gk.Input((4,), name="features")
        model = gk.Model(
            inputs, {"first": layers.Dense(2)(inputs), "second": layers.Dense(3)(inputs)}
        )
        outputs = model.predict_on_batch({"features": np.ones((2, 4), "float32")})
        assert set(outputs) == {"first", "second"}
        assert all(type(value) is np.ndarray for value in outputs.values())
        assert outputs["first"].shape == (2, 2) and outputs["second"].shape == (2, 3)
