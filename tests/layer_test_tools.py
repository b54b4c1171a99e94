"""Helpers shared by the layer test files.

Small pieces several layer tests need in the same form: arrays out of
tensors, the channels-first view of an image batch, layers that make or
record masks, deterministic inputs shared with Keras runs, and the check of
a layer's input gradient against finite differences, of its output shapes
and of its config.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import numeric_gradient, weighting

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers


def numpy(value) -> np.ndarray:
    """A tensor (or variable) as a NumPy array."""
    return np.asarray(K.convert_to_numpy(value))


def to_channels_first(x: np.ndarray) -> np.ndarray:
    """``(batch, *spatial, channels)`` to ``(batch, channels, *spatial)``."""
    return np.moveaxis(x, -1, 1)


def deterministic(shape, phase: float) -> np.ndarray:
    """Inputs and weights shared with the Keras run that produced the literal values."""
    count = int(np.prod(shape))
    return (0.5 * np.sin(np.arange(count) * 0.7 + phase)).reshape(shape).astype("float32")


class NonZeroMask(layers.Layer):
    """Passes its input through with the mask ``any(x != 0, axis=-1)``."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0.0), axis=-1)


class MaskRecorder(layers.Layer):
    """Identity that keeps the mask each call received.

    It keeps values outside the model, so a model holding one must run op by
    op (:func:`run_op_by_op`): a compiled run would leave traced values here.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.seen: list = []

    def call(self, inputs, mask=None):
        self.seen.append(mask)
        return inputs


def run_op_by_op(model, inputs):
    """``model(inputs)`` run op by op (on JAX, not compiled), as layers keeping values need."""
    model.compile(jit_compile=False)
    return model(inputs)


def check_input_gradient(layer, x: np.ndarray, rtol: float = 1e-6) -> None:
    """Tape gradient of ``sum(layer(x) * w)`` with respect to ``x`` against FD, in float64."""
    w = weighting(numpy(layer(x)).shape)

    def loss(values: list) -> float:
        return float(np.sum(numpy(layer(values[0])) * w))

    tensor = K.convert_to_tensor(x)
    with K.GradientTape() as tape:
        tape.watch(tensor)
        target = K.sum(K.multiply(layer(tensor), w))
    gradient = tape.gradient(target, tensor)
    assert K.dtype(gradient) == "float64"
    found = numpy(gradient)
    expected = numeric_gradient(loss, [x], 0, found, K.backend())
    np.testing.assert_allclose(found, expected, rtol=rtol, atol=1e-8)


def named_cases(cases) -> list:
    """``(id, *values)`` rows as ``pytest.param(*values, id=id)``, for ``parametrize``."""
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


def check_output_shapes(layer, input_shape: tuple, output_shape: tuple) -> None:
    """Symbolic, eager and computed output shapes all equal ``output_shape`` (batch left out)."""
    assert layer(gk.Input(shape=input_shape)).shape == (None, *output_shape)
    eager = layer(np.ones((2, *input_shape), "float32"))
    assert numpy(eager).shape == (2, *output_shape)
    assert tuple(layer.compute_output_shape((None, *input_shape))) == (None, *output_shape)


def check_config_round_trip(layer) -> None:
    """``layer`` serialised and deserialised is a layer of its class with its config."""
    config = layer.get_config()
    rebuilt = layers.deserialize(layers.serialize(layer))
    assert type(rebuilt) is type(layer)
    assert rebuilt.get_config() == config
