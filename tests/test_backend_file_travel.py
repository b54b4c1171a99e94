"""Files travel between backends: a model trained on one backend, saved, loads on the other.

A model trained on JAX (compiled steps, weights held as jax arrays) is saved
as ``.gk`` and as ``.keras`` (and its weights alone as ``.weights.h5``);
switched to NumPy in the same process with ``K.set_backend``, the files load
into NumPy Variables and predict what the JAX model predicted. Then the
same the other way. Outputs agree within 1e-5 (float32 arithmetic of two
backends: different summation orders, nothing else).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)

TOLERANCE = 1e-5
OTHER = {"jax": "numpy", "numpy": "jax"}


@pytest.fixture
def restore_backend() -> Iterator[None]:
    previous = K.backend()
    try:
        yield
    finally:
        K.set_backend(previous)


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.random((32, 6)).astype("float32")
    return x, np.eye(3, dtype="float32")[rng.integers(0, 3, 32)]


def _trained_model() -> gk.Model:
    """Dense layers, BatchNormalization statistics and Dropout, trained a few steps with Adam."""
    gk.utils.set_random_seed(3)
    inputs = gk.Input((6,), name="features")
    hidden = layers.Dense(8, activation="relu")(inputs)
    hidden = layers.BatchNormalization()(hidden)
    hidden = layers.Dropout(0.2)(hidden)
    outputs = layers.Dense(3, activation="softmax")(hidden)
    model = gk.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x, y = _data()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    return model


def _weights(model: gk.Model) -> list[np.ndarray]:
    return [np.array(K.convert_to_numpy(weight)) for weight in model.weights]


@pytest.mark.parametrize("source", ["jax", "numpy"])
def test_a_trained_model_saved_on_one_backend_loads_on_the_other(
    source: str, tmp_path: Path, restore_backend: None
) -> None:
    K.set_backend(source)
    model = _trained_model()
    x, y = _data()
    expected = np.asarray(model.predict(x, verbose=0))
    expected_weights = _weights(model)
    paths = {suffix: tmp_path / f"model{suffix}" for suffix in (".gk", ".keras")}
    for path in paths.values():
        model.save(path)
    weights_path = tmp_path / "model.weights.h5"
    model.save_weights(weights_path)

    K.set_backend(OTHER[source])
    for suffix, path in paths.items():
        loaded = gk.models.load_model(path)
        for weight in [*loaded.weights, *loaded.optimizer.variables]:
            # Made by the backend selected now, not the one that wrote the file.
            assert f"{OTHER[source]}_backend" in type(weight).__module__, (suffix, weight.name)
            assert K.is_variable(weight), (suffix, weight.name)
        for got, want in zip(_weights(loaded), expected_weights, strict=True):
            np.testing.assert_array_equal(got, want)  # stored and read back bit for bit
        predicted = np.asarray(loaded.predict(x, verbose=0))
        np.testing.assert_allclose(predicted, expected, rtol=TOLERANCE, atol=TOLERANCE)
        # The loaded model goes on training on its new backend: the optimizer state came along.
        history = loaded.fit(x, y, batch_size=8, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][-1]), suffix

    fresh = _untrained_twin()
    fresh.load_weights(weights_path)
    np.testing.assert_allclose(
        np.asarray(fresh.predict(x, verbose=0)), expected, rtol=TOLERANCE, atol=TOLERANCE
    )


def _untrained_twin() -> gk.Model:
    """The architecture of :func:`_trained_model`, freshly initialised on the current backend."""
    inputs = gk.Input((6,), name="features")
    hidden = layers.Dense(8, activation="relu")(inputs)
    hidden = layers.BatchNormalization()(hidden)
    hidden = layers.Dropout(0.2)(hidden)
    return gk.Model(inputs, layers.Dense(3, activation="softmax")(hidden))


def test_a_file_saved_on_numpy_and_loaded_on_jax_saves_again_identically(
    tmp_path: Path, restore_backend: None
) -> None:
    """A round trip through the other backend changes no stored weight."""
    K.set_backend("numpy")
    model = _trained_model()
    model.save(tmp_path / "first.gk")
    K.set_backend("jax")
    gk.models.load_model(tmp_path / "first.gk").save(tmp_path / "second.gk")
    K.set_backend("numpy")
    first = gk.models.load_model(tmp_path / "first.gk")
    second = gk.models.load_model(tmp_path / "second.gk")
    for a, b in zip(_weights(first), _weights(second), strict=True):
        np.testing.assert_array_equal(a, b)  # weights stored and read back bit for bit
    first_optimizer = [K.convert_to_numpy(v) for v in first.optimizer.variables]
    second_optimizer = [K.convert_to_numpy(v) for v in second.optimizer.variables]
    assert len(first_optimizer) == len(second_optimizer) > 0
    for a, b in zip(first_optimizer, second_optimizer, strict=True):
        np.testing.assert_array_equal(a, b)
