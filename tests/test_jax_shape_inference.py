"""On JAX, shapes of layers with only build/call are inferred under jax.eval_shape (probing.py)."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

jax = pytest.importorskip("jax")


@pytest.fixture(autouse=True)
def jax_backend():
    previous = K.backend()
    K.set_backend("jax")
    yield
    K.set_backend(previous)


class Doubling(layers.Layer):
    """Only build and call; remembers the kind of every input its call saw."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen: list = []

    def build(self, input_shape) -> None:
        self.scale = self.add_weight("scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        self.seen.append(type(inputs))
        return K.concatenate([inputs * self.scale, inputs], axis=-1)


class ValueReading(layers.Layer):
    """A call that reads a number off its input, which no abstract run can give."""

    def call(self, inputs):
        if float(K.convert_to_numpy(K.sum(inputs))) > 1e9:
            return inputs
        return K.concatenate([inputs, inputs], axis=1)


def test_inferred_shapes_come_from_an_abstract_run():
    layer = Doubling()
    outputs = layer(gk.Input((3,)))
    assert outputs.shape == (None, 6)
    assert outputs.dtype == "float32"
    assert layer.seen and all(issubclass(kind, jax.core.Tracer) for kind in layer.seen)
    assert not isinstance(layer.scale.value, jax.core.Tracer)


def test_a_call_reading_values_is_probed_on_concrete_arrays():
    outputs = ValueReading()(gk.Input((5, 2)))
    assert outputs.shape == (None, 10, 2)


def test_a_model_of_probed_layers_runs_with_the_inferred_shapes():
    inputs = gk.Input((3,))
    model = gk.Model(inputs, Doubling()(Doubling()(inputs)))
    assert model.output_shape == (None, 12)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(np.asarray(model(x)), np.concatenate([x, x, x, x], axis=1))
