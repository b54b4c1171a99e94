"""A functional or Sequential model, compiled and trained, survives ``pickle``."""

from __future__ import annotations

import pickle

import numpy as np

import graphkeras as gk
from graphkeras import layers


def test_a_compiled_trained_model_pickles_and_trains_on_identically():
    gk.utils.set_random_seed(3)
    features = gk.Input((3,), name="features")
    model = gk.Model(features, layers.Dense(2, name="out")(features), name="net")
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = np.ones((8, 2), "float32")
    model.fit(x, y, epochs=2, verbose=0)
    restored = pickle.loads(pickle.dumps(model))
    assert restored.name == "net" and restored.compiled
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )
    before = model.train_on_batch(x, y)
    after = restored.train_on_batch(x, y)
    np.testing.assert_allclose(after, before, rtol=1e-6)
    for mine, theirs in zip(model.get_weights(), restored.get_weights(), strict=True):
        np.testing.assert_allclose(theirs, mine, rtol=1e-6, atol=1e-7)


def test_a_sequential_model_pickles_as_a_sequential_model():
    model = gk.Sequential([gk.Input((2,)), layers.Dense(3, name="hidden"), layers.Dense(1)])
    restored = pickle.loads(pickle.dumps(model))
    assert isinstance(restored, gk.Sequential)
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]
    x = np.ones((2, 2), "float32")
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )
