"""What the JAX backend's core ops do that the cross-backend conformance suite cannot see.

Variables over immutable arrays (assigning a traced array inside
``jax.jit``), seed generators whose state is a Variable (same key, same
draw; the state threaded through a compiled function), value checks that
run when numbers exist and are skipped while ``jax.jit`` traces, and
gradients that JAX's own rules give the ops (read here with ``jax.grad``,
no tape involved).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

jax = pytest.importorskip("jax")

import jax.numpy as jnp  # noqa: E402

import graphkeras.backend as K  # noqa: E402
from graphkeras.backend.jax_backend import core, random  # noqa: E402

B = K.load_backend_module("jax")

SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, -0.2], [0.5, -0.2, 2.0]])

# ---------------------------------------------------------------- variables


def test_variable_assign_inside_jit_stores_the_traced_result():
    v = B.Variable(np.array([1.0, 2.0]), dtype="float32")

    @jax.jit
    def step(value):
        saved = v.value
        v.value = value
        v.assign(v.value * 3.0)
        v.assign_add(jnp.ones(2))
        new_value = v.value
        v.value = saved
        return new_value

    result = step(jnp.asarray([1.0, -1.0], dtype="float32"))
    np.testing.assert_array_equal(np.asarray(result), [4.0, -2.0])
    assert result.dtype == jnp.float32
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_variable_assign_of_a_traced_value_of_the_wrong_shape_raises_while_tracing():
    v = B.Variable(np.zeros(3))

    with pytest.raises(
        ValueError, match=r"has shape \(3,\); cannot assign a value of shape \(2,\)"
    ):
        jax.jit(lambda value: v.assign(value).value)(jnp.zeros(2))


def test_variable_assign_casts_to_its_dtype_and_keeps_arrays_handed_out():
    v = B.Variable(np.array([1, 2], dtype="int32"))
    before = v.value
    v.assign(np.array([3.7, -1.2]))
    assert v.dtype == "int32"
    np.testing.assert_array_equal(v.numpy(), [3, -1])
    np.testing.assert_array_equal(np.asarray(before), [1, 2])


def test_variable_is_read_by_jnp_asarray_and_numpy_operators_defer_to_it():
    v = B.Variable(np.array([1.0, 4.0]), dtype="float64")
    assert jnp.asarray(v) is v.value
    product = np.array([2.0, 3.0]) * v
    assert isinstance(product, jax.Array)
    np.testing.assert_array_equal(np.asarray(product), [2.0, 12.0])
    np.testing.assert_array_equal(np.asarray(+v), [1.0, 4.0])
    np.testing.assert_array_equal(np.asarray(v[1]), 4.0)


def test_convert_to_tensor_gives_python_numbers_a_strong_dtype():
    # A weakly typed int64 would let an int32 array win the promotion.
    assert not core.convert_to_tensor(3).weak_type
    assert not core.convert_to_tensor(1.5).weak_type
    combined = B.add(B.convert_to_tensor(np.array([1], "int32")), B.convert_to_tensor(3))
    assert B.dtype(combined) == "int64"


def test_registered_wrapper_is_unwrapped_by_ops_and_counts_as_a_tensor():
    class Wrapped:
        def __init__(self, array):
            self.array = array

    core.register_unwrapper(Wrapped, lambda wrapped: wrapped.array)
    wrapped = Wrapped(jnp.asarray([1.0, 2.0]))
    assert B.is_tensor(wrapped)
    np.testing.assert_array_equal(np.asarray(B.multiply(wrapped, 2.0)), [2.0, 4.0])
    with pytest.raises(TypeError, match="register_unwrapper needs a type"):
        core.register_unwrapper("Wrapped", lambda wrapped: wrapped)


def test_is_concrete_under_vjp_and_jit():
    seen = {}

    def record(name):
        def function(x):
            seen[name] = core.is_concrete(x)
            return x * 2.0

        return function

    jax.vjp(record("vjp"), jnp.ones(2))
    jax.jit(record("jit"))(jnp.ones(2))
    assert seen == {"vjp": True, "jit": False}
    assert core.is_concrete([1, jnp.ones(2)])


# ------------------------------------------------------------- randomness


def test_seed_generator_state_is_a_non_trainable_uint32_variable():
    generator = B.seed_generator(7)
    assert B.is_variable(generator.state)
    assert generator.state.shape == (2,)
    assert generator.state.dtype == "uint32"
    assert generator.state.trainable is False
    assert generator.state.name == "seed_generator_state"


def test_the_same_state_gives_the_same_draw():
    generator = B.seed_generator(3)
    state = generator.state.value
    first = np.asarray(B.random_normal((5,), seed=generator))
    assert not np.array_equal(np.asarray(generator.state.value), np.asarray(state))
    generator.state.assign(state)
    np.testing.assert_array_equal(np.asarray(B.random_normal((5,), seed=generator)), first)


def test_seed_generator_state_threads_through_jit():
    generator = B.seed_generator(11)

    @jax.jit
    def draw(state):
        saved = generator.state.value
        generator.state.value = state
        values = B.random_uniform((4,), seed=generator)
        new_state = generator.state.value
        generator.state.value = saved
        return values, new_state

    eager = B.seed_generator(11)
    expected = [np.asarray(B.random_uniform((4,), seed=eager)) for _ in range(2)]
    state = generator.state.value
    for expected_draw in expected:
        values, state = draw(state)
        np.testing.assert_array_equal(np.asarray(values), expected_draw)
    assert not np.array_equal(expected[0], expected[1])


def test_set_random_seed_resets_the_same_global_generator():
    generator = random.global_seed_generator()
    B.set_random_seed(5)
    first = np.asarray(B.random_uniform((3,)))
    B.set_random_seed(5)
    assert random.global_seed_generator() is generator
    np.testing.assert_array_equal(np.asarray(B.random_uniform((3,))), first)
    B.set_random_seed(int(np.random.SeedSequence().entropy % (2**32)))


def test_random_draws_refuse_a_seed_of_another_kind():
    with pytest.raises(TypeError, match="seed must be None, an int or a seed_generator"):
        B.random_uniform((2,), seed=1.5)
    with pytest.raises(TypeError, match="Expected an int seed"):
        B.seed_generator("7")


def test_dropout_under_jit_draws_from_the_threaded_state():
    generator = B.seed_generator(2)
    x = jnp.ones((50,))

    @jax.jit
    def masks(state):
        generator.state.value = state
        first = B.dropout(x, 0.5, seed=generator)
        second = B.dropout(x, 0.5, seed=generator)
        return first, second

    first, second = masks(generator.state.value)
    assert set(np.unique(np.asarray(first))) <= {0.0, 2.0}
    assert not np.array_equal(np.asarray(first), np.asarray(second))


# -------------------------------------------- value checks and jax.jit


def test_take_checks_the_range_eagerly_but_not_under_jit():
    table = jnp.arange(6.0).reshape(3, 2)
    with pytest.raises(ValueError, match="index out of range"):
        B.take(table, jnp.asarray([3]), axis=0)
    gathered = jax.jit(lambda indices: B.take(table, indices, axis=0))(jnp.asarray([-1, 0]))
    np.testing.assert_array_equal(np.asarray(gathered), [[4.0, 5.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="integer indices"):
        jax.jit(lambda indices: B.take(table, indices, axis=0))(jnp.asarray([0.0]))


def test_singular_matrices_raise_eagerly_and_give_non_finite_values_under_jit():
    singular = jnp.asarray([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(ValueError, match="singular"):
        B.inv(singular)
    assert not np.isfinite(np.asarray(jax.jit(B.inv)(singular))).all()
    not_positive = jnp.asarray([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="not positive definite"):
        B.cholesky(not_positive)
    assert np.isnan(np.asarray(jax.jit(B.cholesky)(not_positive))).any()


def test_slice_with_computed_start_indices_under_jit():
    grid = jnp.arange(20.0).reshape(4, 5)

    @jax.jit
    def box(starts):
        return B.slice(grid, starts, (2, 3)), B.slice_update(grid, starts, jnp.zeros((1, 2)))

    read, written = box(jnp.asarray([1, 2]))
    np.testing.assert_array_equal(np.asarray(read), [[7.0, 8.0, 9.0], [12.0, 13.0, 14.0]])
    np.testing.assert_array_equal(np.asarray(written)[1, 2:4], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"explicit sizes \(not -1\)"):
        jax.jit(lambda starts: B.slice(grid, starts, (-1, 2)))(jnp.asarray([1, 2]))


def test_ops_trace_whole_into_one_function():
    def pipeline(x):
        normalized = B.l2_normalize(B.reshape(x, (2, 3)))
        top, _ = B.top_k(normalized, 2)
        return B.logsumexp(B.concatenate([top, B.sort(normalized)], axis=-1), axis=-1)

    x = jnp.arange(1.0, 7.0)
    np.testing.assert_allclose(
        np.asarray(jax.jit(pipeline)(x)), np.asarray(pipeline(x)), rtol=1e-12
    )


# ------------------------------------------------------- JAX's gradients


def test_logsumexp_gradient_is_the_softmax():
    gradient = jax.grad(B.logsumexp)(jnp.asarray([0.0, math.log(3.0)]))
    np.testing.assert_allclose(np.asarray(gradient), [0.25, 0.75], rtol=1e-15)


def test_norm_gradients_at_kinks_are_the_chosen_subgradients():
    zero = jnp.zeros(2)
    np.testing.assert_array_equal(np.asarray(jax.grad(B.norm)(zero)), [0.0, 0.0])
    p_norm = jax.grad(lambda x: B.norm(x, ord=0.5))(jnp.asarray([0.0, 4.0]))
    np.testing.assert_array_equal(np.asarray(p_norm), [0.0, 1.0])
    largest = jax.grad(lambda x: B.norm(x, ord=math.inf))(jnp.asarray([2.0, -2.0, 1.0]))
    np.testing.assert_array_equal(np.asarray(largest), [0.5, -0.5, 0.0])


def test_cholesky_gradient_is_symmetric_and_matches_the_numpy_backend():
    weights = np.random.default_rng(0).uniform(-1.0, 1.0, (3, 3))

    def loss(matrix):
        return jnp.sum(B.cholesky(matrix) * weights)

    gradient = np.asarray(jax.grad(loss)(jnp.asarray(SPD)))
    np.testing.assert_allclose(gradient, gradient.T, rtol=0, atol=1e-15)
    numpy_backend = K.load_backend_module("numpy")
    x = numpy_backend.convert_to_tensor(SPD)
    with numpy_backend.GradientTape() as tape:
        tape.watch(x)
        target = numpy_backend.sum(numpy_backend.multiply(numpy_backend.cholesky(x), weights))
    np.testing.assert_allclose(gradient, tape.gradient(target, x), rtol=1e-12, atol=1e-15)


def test_cholesky_reads_only_the_lower_triangle():
    upper_noise = SPD + np.triu(np.full((3, 3), 5.0), 1)
    np.testing.assert_allclose(
        np.asarray(B.cholesky(upper_noise)), np.linalg.cholesky(SPD), rtol=1e-15, atol=1e-15
    )


def test_cumprod_gradient_is_exact_at_a_zero():
    gradient = jax.grad(lambda x: jnp.sum(B.cumprod(x)))(jnp.asarray([2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(np.asarray(gradient), [1.0, 8.0, 0.0])
