"""What the JAX backend's neural-network ops do that the cross-backend suites cannot see.

Every op traces under ``jax.jit`` and the compiled program gives the eager
result; ``adam_update`` steps Variables whose values are tracers; the
gradients JAX's rules give the ops (read here with ``jax.grad`` / ``jax.vjp``,
no tape involved) are the ones the interface states.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

jax = pytest.importorskip("jax")

import jax.numpy as jnp  # noqa: E402
from jax.test_util import check_grads  # noqa: E402

import graphkeras.backend as K  # noqa: E402

B = K.load_backend_module("jax")


def rand(*shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape)


MASK = np.array([[True, False, True, True], [False, True, True, False]])

# name -> (function of jax arrays, its arguments)
TRACED_CALLS = {
    "relu_options": (
        lambda x: B.relu(x, negative_slope=0.1, max_value=3.0, threshold=1.0),
        [rand(3, 4)],
    ),
    "gelu_float32": (B.gelu, [rand(50).astype("float32") * 4]),
    "softmax_axis_0": (lambda x: B.softmax(x, axis=0), [rand(3, 4)]),
    "log_softmax": (B.log_softmax, [rand(3, 4)]),
    "erfc": (B.erfc, [rand(10)]),
    "bias_add_channels_first": (
        lambda x, b: B.bias_add(x, b, data_format="channels_first"),
        [rand(2, 3, 4), rand(3)],
    ),
    "max_pool_same": (
        lambda x: B.max_pool(x, 3, 2, "same", data_format="channels_last"),
        [rand(2, 5, 6, 2)],
    ),
    "average_pool_same": (
        lambda x: B.average_pool(x, (2, 3), 1, "same", data_format="channels_first"),
        [rand(1, 2, 5, 4)],
    ),
    "pad_reflect": (lambda x: B.pad(x, ((1, 2), (2, 0)), mode="reflect"), [rand(4, 3)]),
    "resize_bicubic": (
        lambda x: B.resize(x, (5, 3), "bicubic", antialias=True, data_format="channels_last"),
        [rand(2, 4, 6, 3)],
    ),
    "affine_transform": (
        lambda x, t: B.affine_transform(x, t, fill_mode="reflect", data_format="channels_last"),
        [rand(2, 5, 6, 3), np.array([0.8, -0.6, 1.5, 0.6, 0.8, -0.7, 0.01, 0.0])],
    ),
    "conv_grouped_causal": (
        lambda x, k: B.conv(x, k, padding="causal", dilation_rate=2, data_format="channels_last"),
        [rand(2, 9, 4), rand(3, 2, 6)],
    ),
    "depthwise_conv": (
        lambda x, k: B.depthwise_conv(x, k, strides=2, padding="same"),
        [rand(1, 6, 5, 2), rand(3, 3, 2, 2)],
    ),
    "conv_transpose": (
        lambda x, k: B.conv_transpose(x, k, strides=2, padding="same", output_padding=1),
        [rand(1, 3, 4, 2), rand(3, 3, 3, 2)],
    ),
    "lstm_sequence_masked_backwards": (
        lambda *arrays: B.lstm_sequence(
            *arrays, mask=jnp.asarray(MASK), go_backwards=True, zero_output_for_mask=True
        ),
        [rand(2, 4, 3), rand(2, 2), rand(2, 2), rand(3, 8), rand(2, 8), rand(8)],
    ),
    "gru_sequence_reset_before": (
        lambda *arrays: B.gru_sequence(*arrays, reset_after=False, return_sequences=False),
        [rand(2, 4, 3), rand(2, 2), rand(3, 6), rand(2, 6), rand(6)],
    ),
    "simple_rnn_sequence_masked": (
        lambda *arrays: B.simple_rnn_sequence(*arrays, mask=jnp.asarray(MASK)),
        [rand(2, 4, 3), rand(2, 2), rand(3, 2), rand(2, 2), rand(2)],
    ),
}


@pytest.mark.parametrize("name", sorted(TRACED_CALLS))
def test_op_compiled_by_jit_gives_the_eager_result(name):
    function, arrays = TRACED_CALLS[name]
    arrays = [jnp.asarray(array) for array in arrays]
    eager = jax.tree_util.tree_leaves(function(*arrays))
    compiled = jax.tree_util.tree_leaves(jax.jit(function)(*arrays))
    assert len(eager) == len(compiled)
    for expected, result in zip(eager, compiled, strict=True):
        assert result.dtype == expected.dtype
        np.testing.assert_allclose(np.asarray(result), np.asarray(expected), rtol=1e-6, atol=1e-6)


def test_adam_update_steps_variables_whose_values_are_tracers():
    shape = (3, 2)
    weight = B.Variable(rand(*shape, seed=1), dtype="float32")
    momentum = B.Variable(np.zeros(shape), dtype="float32")
    velocity = B.Variable(np.zeros(shape), dtype="float32")
    gradient = rand(*shape, seed=2).astype("float32")
    slots = (weight, momentum, velocity)

    @jax.jit
    def step(values, gradient, step_size):
        saved = [variable.value for variable in slots]
        for variable, value in zip(slots, values, strict=True):
            variable.value = value
        B.adam_update(weight, gradient, momentum, velocity, 0.9, 0.999, step_size, 1e-7)
        new_values = [variable.value for variable in slots]
        for variable, value in zip(slots, saved, strict=True):
            variable.value = value
        return new_values

    compiled = step([variable.value for variable in slots], gradient, 0.01)
    np.testing.assert_array_equal(weight.numpy(), rand(*shape, seed=1).astype("float32"))
    B.adam_update(weight, gradient, momentum, velocity, 0.9, 0.999, 0.01, 1e-7)
    for variable, value in zip(slots, compiled, strict=True):
        assert value.dtype == jnp.float32
        np.testing.assert_allclose(np.asarray(value), variable.numpy(), rtol=1e-6)
    # First step from zero slots: m = g / 10, v = g² / 1000, w moves by ~0.01 * sqrt(10) * sign(g).
    np.testing.assert_allclose(momentum.numpy(), gradient * 0.1, rtol=1e-6)


def test_adam_update_with_velocity_hat_keeps_the_largest_velocity():
    velocity_hat = B.Variable(np.full((2,), 5.0), dtype="float32")
    weight, momentum, velocity = (B.Variable(np.zeros(2), dtype="float32") for _ in range(3))
    B.adam_update(
        weight, np.array([1.0, 100.0]), momentum, velocity, 0.9, 0.5, 1.0, 0.0, velocity_hat
    )
    # v = g² / 2 = [0.5, 5000]; v_hat = max(5, v); w = -m / sqrt(v_hat) = -g / 10 / sqrt(v_hat).
    np.testing.assert_allclose(velocity_hat.numpy(), [5.0, 5000.0])
    np.testing.assert_allclose(weight.numpy(), [-0.1 / np.sqrt(5.0), -10.0 / np.sqrt(5000.0)])


def test_max_pool_gradient_goes_to_the_first_maximum_of_each_window():
    x = jnp.asarray([[[3.0], [3.0], [1.0], [2.0]]])
    gradient = jax.grad(lambda x: jnp.sum(B.max_pool(x, 2, 1, data_format="channels_last")))(x)
    np.testing.assert_array_equal(np.asarray(gradient).ravel(), [1.0, 1.0, 0.0, 1.0])


def test_average_pool_same_gradient_shares_each_window_among_its_real_entries():
    x = jnp.arange(5.0).reshape(1, 5, 1)
    pool = lambda x: jnp.sum(B.average_pool(x, 2, 2, "same", data_format="channels_last"))  # noqa: E731
    # Windows [0, 1], [2, 3] and [4]: the last entry alone gets its window's whole gradient.
    np.testing.assert_array_equal(np.asarray(jax.grad(pool)(x)).ravel(), [0.5, 0.5, 0.5, 0.5, 1])


def test_conv_input_gradient_is_the_transposed_convolution():
    x, kernel, upstream = rand(2, 8, 6, 3, seed=1), rand(3, 3, 3, 2, seed=2), rand(2, 4, 3, 2)
    _, pullback = jax.vjp(lambda x: B.conv(x, kernel, strides=2, padding="same"), jnp.asarray(x))
    (gradient,) = pullback(jnp.asarray(upstream))
    transposed = B.conv_transpose(upstream, kernel, strides=2, padding="same")
    np.testing.assert_allclose(np.asarray(gradient), np.asarray(transposed), rtol=1e-12)


def test_lstm_sequence_gradients_match_finite_differences():
    arrays = [rand(2, 4, 3), rand(2, 2), rand(2, 2), rand(3, 8), rand(2, 8), rand(8)]
    arrays = [jnp.asarray(array * 0.5) for array in arrays]

    def outputs(*arrays):
        return B.lstm_sequence(*arrays, mask=jnp.asarray(MASK), go_backwards=True)

    check_grads(outputs, arrays, order=1, modes=["rev"])


def test_affine_transform_needs_a_fill_value_known_while_tracing():
    images, identity = rand(1, 3, 3, 1), jnp.asarray([1.0, 0, 0, 0, 1.0, 0, 0, 0])
    with pytest.raises(TypeError, match="fill_value must be a number known while"):
        jax.jit(lambda fill: B.affine_transform(images, identity, fill_value=fill))(1.0)


def test_gelu_of_float32_keeps_relative_accuracy_in_the_negative_tail():
    values = np.linspace(-12.0, -3.0, 1001).astype("float32")
    result = np.asarray(B.gelu(jnp.asarray(values))).astype("float64")
    exact = [0.5 * v * math.erfc(-v / math.sqrt(2.0)) for v in values.astype("float64")]
    assert B.gelu(jnp.asarray(values)).dtype == jnp.float32
    np.testing.assert_allclose(result, exact, rtol=1e-6, atol=0.0)
