"""On JAX, weights a layer first creates inside a shape probe hold real arrays.

A subclassed model's output shape comes from running its ``call`` under
``jax.eval_shape``; a sublayer built there creates its weights during that
abstract run. Their initial values must still be concrete arrays, usable
once the probe is over.
"""

from __future__ import annotations

import numpy as np
import pytest
from compiled_step_tools import backend_selected

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.skipif("jax" not in K.installed_backends(), reason="jax is not installed")


class Scaled(gk.Model):
    """``3 * Dense(inputs)``: the Dense is built the first time ``call`` runs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(2, kernel_initializer="glorot_uniform")

    def call(self, inputs):
        return K.multiply(self.dense(inputs), 3.0)


@pytest.fixture
def on_jax():
    with backend_selected("jax"):
        yield


@pytest.mark.usefixtures("on_jax")
def test_a_sublayer_built_by_a_shape_probe_holds_concrete_weights():
    import jax

    gk.utils.set_random_seed(0)
    scaled = Scaled()
    x = gk.Input(shape=(3,))
    y = scaled(x)
    assert y.shape == (None, 2)
    kernel, bias = scaled.dense.kernel, scaled.dense.bias
    assert not isinstance(kernel.value, jax.core.Tracer)
    assert not isinstance(bias.value, jax.core.Tracer)
    values = np.array([[1.0, 2.0, 3.0]], "float32")
    expected = 3.0 * (values @ kernel.numpy() + bias.numpy())
    # One float32 dot of three terms summed in another order, then a product by 3:
    # a few ulps of the terms apart, which near zero is an absolute error.
    predicted = gk.Model(x, y).predict(values, verbose=0)
    np.testing.assert_allclose(predicted, expected, rtol=1e-6, atol=1e-5)
