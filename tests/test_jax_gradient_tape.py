"""What the JAX backend's GradientTape adds to the shared contract.

The contract itself (watching, persistence, errors, every op's gradient) is
checked for every backend by ``tests/test_gradients.py`` and
``tests/test_tape_arrays.py``. Here: the tape inside ``jax.jit`` (how the
engine compiles a training step), the tensors it returns while recording
(``TapeTensor``) and how plain JAX code meets them, and the consistency of
its tables with the ops they wrap.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkeras.backend import BACKEND_INTERFACE, installed_backends, load_backend_module

pytestmark = pytest.mark.skipif("jax" not in installed_backends(), reason="jax is not installed")


@pytest.fixture(scope="module")
def J():
    """The JAX backend module."""
    return load_backend_module("jax")


@pytest.fixture(scope="module")
def jax():
    import jax

    return jax


def _dense_loss_and_gradients(J, kernel_value, bias_value, x, y):
    """Loss and (kernel, bias) gradients of a dense layer's squared error, by the tape."""
    kernel = J.Variable(kernel_value, dtype="float64")
    bias = J.Variable(bias_value, dtype="float64")
    with J.GradientTape() as tape:
        prediction = J.tanh(J.bias_add(J.matmul(x, kernel), bias))
        loss = J.mean(J.square(prediction - y))
    kernel_gradient, bias_gradient = tape.gradient(loss, [kernel, bias])
    return J.stop_gradient(loss), kernel_gradient, bias_gradient


def test_tape_inside_jit_gives_the_gradients_of_jax_grad(J, jax):
    import jax.numpy as jnp

    generator = np.random.default_rng(0)
    kernel = generator.standard_normal((3, 2))
    bias = generator.standard_normal(2)
    x = generator.standard_normal((5, 3))
    y = generator.standard_normal((5, 2))

    compiled = jax.jit(lambda k, b, x, y: _dense_loss_and_gradients(J, k, b, x, y))
    loss, kernel_gradient, bias_gradient = compiled(kernel, bias, x, y)

    def reference_loss(k, b):
        return jnp.mean(jnp.square(jnp.tanh(x @ k + b) - y))

    expected_kernel, expected_bias = jax.grad(reference_loss, argnums=(0, 1))(kernel, bias)
    # Same float64 operations in a different order: agreement to rounding.
    np.testing.assert_allclose(loss, reference_loss(kernel, bias), rtol=1e-12)
    np.testing.assert_allclose(kernel_gradient, expected_kernel, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(bias_gradient, expected_bias, rtol=1e-10, atol=1e-14)


@settings(max_examples=6, deadline=None)
@given(
    batch=st.integers(1, 4),
    features=st.integers(1, 4),
    units=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_tape_gradients_of_a_two_layer_expression_equal_jax_grad(
    J, jax, batch, features, units, seed
):
    import jax.numpy as jnp

    generator = np.random.default_rng(seed)
    x = generator.standard_normal((batch, features))
    first = generator.standard_normal((features, units))
    second = generator.standard_normal((units, 2))

    def reference(first, second):
        hidden = jax.nn.sigmoid(x @ first)
        return jnp.sum(jnp.log1p(jnp.square(hidden @ second))) / batch

    with J.GradientTape() as tape:
        a, b = tape.watch([J.convert_to_tensor(first), J.convert_to_tensor(second)])
        hidden = J.sigmoid(J.matmul(x, a))
        loss = J.sum(J.log1p(J.square(hidden @ b))) / batch
    gradients = tape.gradient(loss, [a, b])
    expected = jax.grad(reference, argnums=(0, 1))(first, second)
    for gradient, reference_gradient in zip(gradients, expected, strict=True):
        # float64 throughout; the two differ only in rounding.
        np.testing.assert_allclose(gradient, reference_gradient, rtol=1e-10, atol=1e-13)


def test_tape_inside_jit_traces_once_for_repeated_calls(J, jax):
    traces = []

    def step(kernel, bias, x, y):
        traces.append(1)
        return _dense_loss_and_gradients(J, kernel, bias, x, y)

    compiled = jax.jit(step)
    ones = np.ones((3, 2))
    first = compiled(ones, np.zeros(2), np.ones((4, 3)), np.zeros((4, 2)))
    second = compiled(ones * 2, np.zeros(2), np.ones((4, 3)), np.zeros((4, 2)))
    assert len(traces) == 1
    assert not np.allclose(first[1], second[1])


def test_a_plain_jax_array_on_the_left_of_an_operator_is_recorded(J):
    import jax.numpy as jnp

    x = J.convert_to_tensor(np.array([1.0, 2.0, 3.0]))
    scale = jnp.asarray([0.5, -1.0, 2.0])
    with J.GradientTape() as tape:
        tape.watch(x)
        target = J.sum(scale * J.square(x))
    np.testing.assert_allclose(tape.gradient(target, x), 2 * np.array([1.0, 2.0, 3.0]) * scale)


def test_a_numpy_array_on_the_left_of_an_operator_is_recorded(J):
    x = J.convert_to_tensor(np.array([1.0, 2.0]))
    with J.GradientTape() as tape:
        tape.watch(x)
        target = J.sum(np.array([3.0, 4.0]) - J.exp(x))
    np.testing.assert_allclose(tape.gradient(target, x), -np.exp([1.0, 2.0]), rtol=1e-12)


def test_jax_numpy_on_a_followed_tensor_raises_instead_of_leaving_the_tape(J):
    import jax.numpy as jnp

    x = J.convert_to_tensor(np.array([1.0, 2.0]))
    with J.GradientTape() as tape:
        tape.watch(x)
        followed = J.square(x)
        # JAX refuses a wrapped array there (the error type varies between its versions).
        with pytest.raises((TypeError, ValueError)):
            jnp.sum(followed)


def test_a_tape_tensor_acts_as_its_array_once_the_tape_is_done(J):
    import jax.numpy as jnp

    x = J.convert_to_tensor(np.array([1.0, 2.0]))
    with J.GradientTape() as tape:
        tape.watch(x)
        square = J.square(x)
    assert J.is_tensor(square)
    np.testing.assert_array_equal(jnp.asarray(square), [1.0, 4.0])
    assert type(jnp.asarray([1.0, 1.0]) * square) is type(jnp.asarray(1.0))
    np.testing.assert_array_equal(J.convert_to_numpy(square * 2.0), [2.0, 8.0])


def test_only_outputs_that_depend_on_a_watched_value_are_followed(J):
    v = J.Variable(np.array([1.0, 2.0]))
    plain = J.convert_to_tensor(np.array([1.0, 2.0]))
    with J.GradientTape():
        followed = J.exp(v)
        constant = J.exp(plain)
    assert type(followed).__name__ == "TapeTensor"
    assert type(constant) is type(plain)
    assert type(J.exp(v)) is type(plain)


def test_a_numpy_function_runs_as_its_jax_numpy_twin_and_differentiates(J):
    values = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = J.convert_to_tensor(values)
    with J.GradientTape() as tape:
        watched = tape.watch(x)
        target = np.linalg.det(watched * 1.0)
    # d det(A) / dA = det(A) * inverse(A) transposed.
    expected = np.linalg.det(values) * np.linalg.inv(values).T
    np.testing.assert_allclose(tape.gradient(target, x), expected, rtol=1e-12)


def test_a_numpy_function_without_a_twin_raises_naming_it_when_reached(J):
    x = J.convert_to_tensor(np.array([2.0, 1.0]))
    with J.GradientTape() as tape:
        watched = tape.watch(x)
        target = J.sum(np.real_if_close(watched * 1.0))
    with pytest.raises(J.NotDifferentiableError, match="'numpy.real_if_close'"):
        tape.gradient(target, x)


def test_an_integer_output_computed_from_floats_raises_when_reached(J):
    x = J.convert_to_tensor(np.array([1.5, 2.5]))
    with J.GradientTape() as tape:
        tape.watch(x)
        target = J.sum(J.multiply(J.cast(x, "int32"), x))
    with pytest.raises(J.NotDifferentiableError, match="'cast'"):
        tape.gradient(target, x)


def test_integer_math_between_a_comparison_and_the_target_still_names_the_comparison(J):
    x = J.convert_to_tensor(np.array([1.5, -2.5]))
    with J.GradientTape() as tape:
        tape.watch(x)
        counts = J.add(J.cast(J.greater(x, 0.0), "int32"), 1)
        target = J.sum(J.multiply(counts, x))
    with pytest.raises(J.NotDifferentiableError, match="'greater'"):
        tape.gradient(target, x)


def test_an_integer_source_gets_no_gradient(J):
    x = J.convert_to_tensor(np.array([1.0, 2.0]))
    counts = J.convert_to_tensor(np.array([3, 4]))
    with J.GradientTape() as tape:
        tape.watch([x, counts])
        target = J.sum(J.multiply(x, counts))
    gradient_x, gradient_counts = tape.gradient(target, [x, counts])
    assert gradient_counts is None
    np.testing.assert_array_equal(gradient_x, [3.0, 4.0])


def test_watch_refuses_what_is_not_an_array(J):
    with J.GradientTape() as tape, pytest.raises(TypeError, match="received float"):
        tape.watch(1.5)


@pytest.mark.parametrize("table", ["GRADIENTS", "NOT_DIFFERENTIABLE"])
def test_every_recorded_op_names_its_inputs_among_its_parameters(J, table):
    for name, entry in getattr(J, table).items():
        inputs = entry[1] if table == "GRADIENTS" else entry
        assert name in BACKEND_INTERFACE
        parameters = inspect.signature(getattr(J, name).op_info.function).parameters
        unknown = [parameter for parameter in inputs if parameter not in parameters]
        assert not unknown, f"{name}: inputs {unknown} are not parameters {list(parameters)}"


def test_a_followed_value_assigned_to_a_variable_inside_jit_is_stored_off_the_tape(J, jax):
    # As a BatchNormalization layer updates its moving mean during a compiled step.
    def step(x):
        weight = J.Variable(np.array([1.0, 2.0]), dtype="float64")
        moving = J.Variable(np.zeros(2), dtype="float64", trainable=False)
        with J.GradientTape() as tape:
            y = J.square(weight) * x
            moving.assign(0.5 * moving + 0.5 * J.mean(y))
            loss = J.sum(y)
        return tape.gradient(loss, weight), moving.value

    gradient, moving = jax.jit(step)(np.array([3.0, 1.0]))
    np.testing.assert_array_equal(gradient, [6.0, 4.0])
    np.testing.assert_array_equal(moving, [1.75, 1.75])
