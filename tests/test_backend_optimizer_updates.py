"""Conformance of the backend's in-place optimizer steps (``adam_update``).

Each step must equal the same arithmetic written with the backend's ops,
bit for bit (same operations, same order, float32), and must change the
Variables in place.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conformance import covers

from graphkeras.backend import installed_backends, load_backend_module


@pytest.fixture(scope="module", params=installed_backends())
def B(request):
    return load_backend_module(request.param)


def _adam_with_ops(B, w, g, m, v, beta_1, beta_2, step_size, epsilon, v_hat=None):
    """The reference: Keras 3's Adam step written with backend ops on arrays."""
    m = B.add(m, B.multiply(B.subtract(g, m), 1.0 - beta_1))
    v = B.add(v, B.multiply(B.subtract(B.square(g), v), 1.0 - beta_2))
    denominator_of = v
    if v_hat is not None:
        v_hat = B.maximum(v_hat, v)
        denominator_of = v_hat
    update = B.multiply(B.divide(m, B.add(B.sqrt(denominator_of), epsilon)), step_size)
    return B.subtract(w, update), m, v, v_hat


@covers("adam_update")
@pytest.mark.parametrize("amsgrad", [False, True], ids=["adam", "amsgrad"])
def test_adam_update_equals_the_step_written_with_ops_in_place(B, amsgrad):
    generator = np.random.default_rng(3)
    shape = (5, 4)
    w0 = generator.standard_normal(shape).astype("float32")
    variable = B.Variable(w0)
    momentum = B.Variable(np.zeros(shape, "float32"))
    velocity = B.Variable(np.zeros(shape, "float32"))
    velocity_hat = B.Variable(np.zeros(shape, "float32")) if amsgrad else None
    expected = (w0, np.zeros(shape, "float32"), np.zeros(shape, "float32"))
    expected_hat = np.zeros(shape, "float32") if amsgrad else None
    weight_array = variable.value
    for step in range(1, 4):
        gradient = generator.standard_normal(shape).astype("float32") * step
        step_size = 0.01 * math.sqrt(1 - 0.999**step) / (1 - 0.9**step)  # a Python float
        B.adam_update(
            variable, gradient, momentum, velocity, 0.9, 0.999, step_size, 1e-7, velocity_hat
        )
        *expected, expected_hat = _adam_with_ops(
            B, *expected[:1], gradient, *expected[1:], 0.9, 0.999, step_size, 1e-7, expected_hat
        )
        np.testing.assert_array_equal(variable.numpy(), B.convert_to_numpy(expected[0]))
        np.testing.assert_array_equal(momentum.numpy(), B.convert_to_numpy(expected[1]))
        np.testing.assert_array_equal(velocity.numpy(), B.convert_to_numpy(expected[2]))
        if amsgrad:
            np.testing.assert_array_equal(velocity_hat.numpy(), B.convert_to_numpy(expected_hat))
    if B.backend() == "numpy":
        assert variable.value is weight_array  # updated in place
    else:
        assert variable.value is not weight_array  # immutable arrays: the Variable holds a new one
    assert variable.dtype == "float32"
