"""The tape sees every operation: Python operators and numpy calls on followed arrays.

While a ``GradientTape`` records, backend ops on watched values return
followed arrays (the numpy backend's TapeArrays, ``numpy_backend/tape_array.py``;
the JAX backend's TapeTensors, ``jax_backend/tape_tensor.py``), whose Python
operators, numpy ufuncs, numpy functions and methods are recorded ops. The
tests taking the fixture ``B`` describe the interface and run on every
installed backend; the others are about the numpy backend's TapeArray.
Each case below computes ``sum(f(x, y) * w)`` for a fixed random ``w``
inside a tape and compares the tape's gradients with central differences
in float64 (``gradient_checks.numeric_gradient``); the forward value must
equal numpy's on plain arrays. What the tape cannot follow raises
``NotDifferentiableError`` naming it, only when a gradient has to pass.
"""

from __future__ import annotations

import copy
import io
import pickle
import warnings
from collections.abc import Callable

import numpy as np
import pytest
from gradient_checks import backend_name_of, numeric_gradient, weighting

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.backend.numpy_backend import NotDifferentiableError
from graphkeras.backend.numpy_backend.tape_array import TapeArray

_GENERATOR = np.random.default_rng(7)
# Positive and away from 0 and 1, so log, sqrt, ** and / are smooth there.
X = _GENERATOR.uniform(0.5, 2.0, size=(3, 4))
Y = _GENERATOR.uniform(0.5, 2.0, size=(3, 4))
# 0.05 or more from every multiple of 0.3, so // and % see no jump within a step.
BETWEEN_JUMPS = np.floor(X / 0.3) * 0.3 + 0.15


def _in_place_sum(x, y):
    z = x * 1.0
    z += y  # rebinds z to the recorded x + y
    z *= 2.0
    return z


# name -> f(x, y); every case differentiates for both inputs where f uses them.
OPERATORS: dict[str, Callable] = {
    "add": lambda x, y: x + y,
    "add_python_scalar": lambda x, y: 1.5 + x,
    "subtract": lambda x, y: x - y,
    "subtract_from_scalar": lambda x, y: 2.0 - x,
    "multiply": lambda x, y: x * y,
    "multiply_numpy_scalar": lambda x, y: np.float64(3.0) * x,
    "divide": lambda x, y: x / y,
    "divide_scalar_by": lambda x, y: 1.0 / x,
    "power": lambda x, y: x**y,
    "power_two": lambda x, y: x**2,
    "power_half": lambda x, y: x**0.5,
    "power_minus_one": lambda x, y: x**-1,
    "scalar_to_the_power": lambda x, y: 2.0**x,
    "floor_divide": lambda x, y: x // 0.3 + x,
    "mod": lambda x, y: x % 0.3,
    "matmul": lambda x, y: x @ y.T,
    "negative": lambda x, y: -x,
    "positive": lambda x, y: +x * y,
    "abs": lambda x, y: abs(x - 1.2),
    "getitem_slices": lambda x, y: x[1:, ::2],
    "getitem_integers": lambda x, y: x[[0, 2, 2]],
    "getitem_mask": lambda x, y: x[y > 1.0],
    "getitem_element": lambda x, y: x[1, 2] * y,
    "in_place_operators": _in_place_sum,
    "iteration": lambda x, y: sum(row * 2.0 for row in x),
}

UFUNCS_AND_FUNCTIONS: dict[str, Callable] = {
    "np.exp": lambda x, y: np.exp(x),
    "np.log": lambda x, y: np.log(x),
    "np.sqrt": lambda x, y: np.sqrt(x),
    "np.square": lambda x, y: np.square(x),
    "np.abs": lambda x, y: np.abs(x - 1.2),
    "np.tanh": lambda x, y: np.tanh(x),
    "np.sin": lambda x, y: np.sin(x),
    "np.log2": lambda x, y: np.log2(x),
    "np.log10": lambda x, y: np.log10(x),
    "np.exp2": lambda x, y: np.exp2(x),
    "np.logaddexp": lambda x, y: np.logaddexp(x, y),
    "np.hypot": lambda x, y: np.hypot(x, y),
    "np.arcsinh": lambda x, y: np.arcsinh(x),
    "np.maximum": lambda x, y: np.maximum(x, y),
    "np.minimum": lambda x, y: np.minimum(x, y),
    "np.sum": lambda x, y: np.sum(x, axis=0),
    "np.sum_all": lambda x, y: np.sum(x * y),
    "np.mean": lambda x, y: np.mean(x, axis=1, keepdims=True),
    "np.max": lambda x, y: np.max(x, axis=1),
    "np.min": lambda x, y: np.min(x),
    "np.prod": lambda x, y: np.prod(x, axis=0),
    "np.var": lambda x, y: np.var(x, axis=1),
    "np.std_ddof_1": lambda x, y: np.std(x, axis=0, ddof=1),
    "np.cumsum": lambda x, y: np.cumsum(x, axis=1),
    "np.dot": lambda x, y: np.dot(x, y.T),
    "np.matmul": lambda x, y: np.matmul(x, y.T),
    "np.tensordot": lambda x, y: np.tensordot(x, y, axes=([1], [1])),
    "np.outer": lambda x, y: np.outer(x[0], y[1]),
    "np.einsum": lambda x, y: np.einsum("ij,ij->i", x, y),
    "np.where": lambda x, y: np.where(x > y, x, 2.0 * y),
    "np.clip": lambda x, y: np.clip(x, 0.8, 1.5),
    "np.clip_followed_bound": lambda x, y: np.clip(x, 0.8, y),
    "np.concatenate": lambda x, y: np.concatenate([x, y], axis=1),
    "np.stack": lambda x, y: np.stack([x, y], axis=-1),
    "np.hstack": lambda x, y: np.hstack([x, y]),
    "np.vstack": lambda x, y: np.vstack([x, y]),
    "np.reshape": lambda x, y: np.reshape(x, (2, 6)),
    "np.transpose": lambda x, y: np.transpose(x) * y.T,
    "np.swapaxes": lambda x, y: np.swapaxes(x, 0, 1),
    "np.moveaxis": lambda x, y: np.moveaxis(x[None], 0, -1),
    "np.expand_dims": lambda x, y: np.expand_dims(x, (0, 2)),
    "np.squeeze": lambda x, y: np.squeeze(x[None]),
    "np.broadcast_to": lambda x, y: np.broadcast_to(x[0], (5, 4)),
    "np.tile": lambda x, y: np.tile(x, (2, 1)),
    "np.repeat": lambda x, y: np.repeat(x, 2, axis=0),
    "np.take": lambda x, y: np.take(x, [1, 1, 0], axis=1),
    "np.sort": lambda x, y: np.sort(x * y, axis=1),
    "np.flip": lambda x, y: np.flip(x, 0) * y,
    "np.diff": lambda x, y: np.diff(x, axis=1),
    "np.split": lambda x, y: np.split(x, 2, axis=1)[1],
    "np.average": lambda x, y: np.average(x, axis=0, weights=y),
    "np.pad": lambda x, y: np.pad(x, 1),
    "np.linalg.norm": lambda x, y: np.linalg.norm(x, axis=1),
    "np.copy": lambda x, y: np.copy(x) * y,
    "np.add.reduce": lambda x, y: np.add.reduce(x, axis=1),
    "np.multiply.accumulate": lambda x, y: np.multiply.accumulate(x, axis=0),
    "method_sum": lambda x, y: x.sum(axis=1, keepdims=True) * y,
    "method_mean": lambda x, y: x.mean(axis=0),
    "method_max": lambda x, y: x.max(),
    "method_reshape": lambda x, y: x.reshape(4, 3),
    "method_transpose": lambda x, y: x.T @ y,
    "method_ravel_flatten": lambda x, y: x.ravel() * y.flatten(),
    "method_clip": lambda x, y: x.clip(0.8, y),
    "method_dot": lambda x, y: x.dot(y.T),
    "method_copy": lambda x, y: x.copy() + copy.copy(x),
    "method_astype": lambda x, y: x.astype("float64") * y,
}


def _followed_type(B) -> type:
    """The type a backend's ops return while a tape follows their output."""
    if B.backend() == "jax":
        from graphkeras.backend.jax_backend.tape_tensor import TapeTensor

        return TapeTensor
    return TapeArray


def _check_gradients(B, function: Callable, rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """The tape's gradients of ``sum(function(x, y) * w)`` equal central differences."""
    expected_output = function(X.copy(), Y.copy())
    w = weighting(np.shape(expected_output))
    with B.GradientTape() as tape:
        x, y = tape.watch([B.convert_to_tensor(X.copy()), B.convert_to_tensor(Y.copy())])
        output = function(x, y)
        assert type(output) is _followed_type(B)
        np.testing.assert_allclose(np.asarray(output), expected_output, rtol=1e-12)
        target = np.sum(output * w)
    gradients = tape.gradient(target, [x, y])
    for index, gradient in enumerate(gradients):
        found = None if gradient is None else np.asarray(gradient)
        expected = numeric_gradient(
            lambda values: float(np.sum(function(*values) * w)),
            [X.copy(), Y.copy()],
            index,
            found,
            backend_name_of(B),
        )
        if gradient is None:
            np.testing.assert_array_equal(expected, 0.0, err_msg=f"input {index}: no gradient")
            continue
        assert B.is_tensor(gradient) and type(gradient) is not _followed_type(B)
        np.testing.assert_allclose(
            np.asarray(gradient), expected, rtol=rtol, atol=atol, err_msg=f"input {index}"
        )


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_python_operator_matches_finite_differences(B, name):
    _check_gradients(B, OPERATORS[name])


@pytest.mark.parametrize("name", sorted(UFUNCS_AND_FUNCTIONS))
def test_numpy_ufunc_or_function_matches_finite_differences(B, name):
    _check_gradients(B, UFUNCS_AND_FUNCTIONS[name])


def test_floor_divide_and_mod_have_the_derivatives_between_jumps(B):
    with B.GradientTape() as tape:
        x = tape.watch(B.convert_to_tensor(BETWEEN_JUMPS.copy()))
        target = np.sum(x // 0.3) + np.sum(x % 0.3)
    np.testing.assert_array_equal(tape.gradient(target, x), np.ones_like(BETWEEN_JUMPS))


# ------------------------------------------------------------------ Variables


def test_variable_operators_and_ufuncs_are_recorded():
    v = K.Variable(X, dtype="float64")
    with K.GradientTape() as tape:
        target = np.sum(np.exp(v)) + K.sum(2.0**v) + K.sum(+v) + K.sum(v // 0.3) + K.sum(v % 0.3)
    np.testing.assert_allclose(
        tape.gradient(target, v), np.exp(X) + np.log(2.0) * 2.0**X + 2.0, rtol=1e-12
    )


def test_variable_ordering_comparisons_are_boolean_arrays_and_equality_is_identity():
    v = K.Variable(np.array([0.5, 1.5]))
    np.testing.assert_array_equal(v < 1.0, [True, False])
    np.testing.assert_array_equal(v >= 1.5, [False, True])
    assert v == v and v != K.Variable(np.array([0.5, 1.5]))


# ------------------------------------------------------------- what raises


def test_a_comparison_on_the_gradient_path_raises_naming_it(B):
    with B.GradientTape() as tape:
        x = tape.watch(B.convert_to_tensor(X.copy()))
        target = np.sum((x > 1.0) * x)
    with pytest.raises(B.NotDifferentiableError, match="'greater'"):
        tape.gradient(target, x)


def test_a_comparison_as_a_where_condition_differentiates(B):
    with B.GradientTape() as tape:
        x = tape.watch(B.convert_to_tensor(X.copy()))
        target = np.sum(np.where(x > 1.0, x, 0.0))
    np.testing.assert_array_equal(tape.gradient(target, x), (X > 1.0).astype("float64"))


def test_a_numpy_function_without_a_gradient_raises_naming_it_when_reached():
    with K.GradientTape() as tape:
        x = tape.watch(X.copy())
        target = np.linalg.det(x[:, :3] @ x[:, :3].T)
    with pytest.raises(NotDifferentiableError, match="'numpy.linalg.det'"):
        tape.gradient(target, x)


def test_a_numpy_function_without_a_gradient_is_fine_off_the_gradient_path(B):
    with B.GradientTape() as tape:
        x = tape.watch(B.convert_to_tensor(X.copy()))
        order = np.argsort(x[:, 0])
        target = np.sum(x[order] * 2.0)
    np.testing.assert_array_equal(tape.gradient(target, x), np.full(X.shape, 2.0))


def test_a_view_made_by_an_unrouted_method_raises_naming_where_it_was_made():
    with K.GradientTape() as tape:
        x = tape.watch(X.copy())
        target = np.sum((x * 1.0).view(np.float64))
    with pytest.raises(NotDifferentiableError, match="test_tape_arrays.py"):
        tape.gradient(target, x)


@pytest.mark.parametrize(
    "write",
    [
        lambda z, x: z.__setitem__(0, 1.0),
        lambda z, x: np.add(z, 1.0, out=z),
        lambda z, x: z.sort(axis=1),
        lambda z, x: z.fill(0.0),
        lambda z, x: np.copyto(z, 1.0),
    ],
    ids=["setitem", "ufunc_out", "sort_method", "fill", "copyto"],
)
def test_writing_into_a_followed_array_raises_at_once(write):
    with K.GradientTape() as tape:
        x = tape.watch(X.copy())
        z = x * 2.0
        with pytest.raises(NotDifferentiableError, match="in-place"):
            write(z, x)
    np.testing.assert_array_equal(z, X * 2.0)


def test_adding_a_followed_value_into_a_plain_array_in_place_raises(B):
    with B.GradientTape() as tape:
        x = tape.watch(B.convert_to_tensor(X.copy()))
        total = np.zeros(4)
        with pytest.raises(B.NotDifferentiableError, match="a = a \\+ b"):
            total += np.sum(x, axis=0)


def test_a_followed_bound_of_the_backend_clip_raises_instead_of_being_left_out(B):
    with B.GradientTape() as tape:
        x, low = tape.watch([X.copy(), np.full((3, 4), 1.0)])
        target = B.sum(B.clip(x, low, 1.5))
    with pytest.raises(B.NotDifferentiableError, match="'clip'.*'min_value'"):
        tape.gradient(target, [x, low])


# ----------------------------------------------- when TapeArrays appear


def test_only_outputs_that_depend_on_a_watched_value_are_tape_arrays():
    v = K.Variable(X)
    plain = np.ones((3, 4), "float32")
    with K.GradientTape() as tape:
        followed = K.exp(v)
        constant = K.exp(plain)
    assert type(followed) is TapeArray and isinstance(followed, np.ndarray)
    assert type(constant) is np.ndarray
    assert type(K.exp(v)) is np.ndarray
    del tape


def test_numpy_calls_on_a_tape_array_after_the_tape_give_plain_arrays():
    v = K.Variable(X)
    with K.GradientTape():
        y = K.exp(v)
    assert type(y * 2.0) is np.ndarray
    assert type(np.sum(y, axis=0)) is np.ndarray
    assert type(y.reshape(4, 3)) is np.ndarray
    assert type(y[1:]) is np.ndarray
    assert type(K.stop_gradient(y)) is np.ndarray
    np.testing.assert_allclose(y * 2.0, np.exp(X.astype("float32")) * 2.0, rtol=1e-6)


def test_a_tape_array_pickles_saves_and_copies_as_a_plain_array():
    v = K.Variable(X)
    with K.GradientTape():
        y = K.exp(v)
    assert y.dtype == np.float32 and y.shape == (3, 4)
    for copied in (pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        assert type(copied) is np.ndarray
        np.testing.assert_array_equal(copied, np.asarray(y))
    buffer = io.BytesIO()
    np.save(buffer, y)
    buffer.seek(0)
    loaded = np.load(buffer)
    assert type(loaded) is np.ndarray and loaded.dtype == np.float32
    assert repr(y) == repr(np.asarray(y))


def test_model_outputs_are_plain_outside_a_tape_and_followed_inside():
    model = gk.Sequential([layers.Dense(2)])
    model.build((None, 4))
    x = X[:, :4].astype("float32")
    assert type(model(x)) is np.ndarray
    assert type(model.predict(x, verbose=0)) is np.ndarray
    assert all(type(weight) is np.ndarray for weight in model.get_weights())
    with K.GradientTape():
        assert type(model(x)) is TapeArray


def test_watch_returns_a_followed_view_whose_gradient_the_plain_array_shares(B):
    plain = X.copy()
    with B.GradientTape(persistent=True) as tape:
        view = tape.watch(plain)
        target = B.sum(B.exp(plain)) + np.sum(view * 3.0)
    expected = np.exp(X) + 3.0
    np.testing.assert_allclose(tape.gradient(target, plain), expected, rtol=1e-12)
    np.testing.assert_allclose(tape.gradient(target, view), expected, rtol=1e-12)


# ------------------------------------------------------------------ training


class _ActivityPenalty(layers.Layer):
    """Adds ``0.01 * mean(inputs)`` as a loss, written with a Python operator."""

    def call(self, inputs):
        self.add_loss(0.01 * K.mean(inputs))
        return inputs


def _dense_model(penalty: bool) -> gk.Model:
    gk.utils.set_random_seed(3)
    inputs = gk.Input(shape=(3,))
    outputs = layers.Dense(2)(inputs)
    if penalty:
        outputs = _ActivityPenalty()(outputs)
    model = gk.Model(inputs, outputs)
    model.compile(optimizer=gk.optimizers.SGD(0.1), loss="mse")
    return model


def test_add_loss_with_a_scaled_term_changes_one_sgd_step_as_its_gradient_says():
    x = np.random.default_rng(4).standard_normal((4, 3)).astype("float32")
    y = np.random.default_rng(5).standard_normal((4, 2)).astype("float32")
    model = _dense_model(penalty=True)
    kernel, bias = model.get_weights()
    prediction = x @ kernel + bias
    # d/dpred of mean((pred - y)^2) + 0.01 * mean(pred), over the 8 entries.
    upstream = 2.0 * (prediction - y) / prediction.size + 0.01 / prediction.size
    logs = model.train_on_batch(x, y, return_dict=True)
    new_kernel, new_bias = model.get_weights()
    np.testing.assert_allclose(new_kernel, kernel - 0.1 * x.T @ upstream, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(new_bias, bias - 0.1 * upstream.sum(axis=0), rtol=1e-5, atol=1e-7)
    expected_loss = np.mean((prediction - y) ** 2) + 0.01 * np.mean(prediction)
    np.testing.assert_allclose(logs["loss"], expected_loss, rtol=1e-5)

    plain_model = _dense_model(penalty=False)
    plain_model.train_on_batch(x, y)
    # The penalty's whole effect on the step: 0.1 * x.T @ (0.01 / 8).
    np.testing.assert_allclose(
        plain_model.get_weights()[0] - new_kernel,
        np.broadcast_to(0.1 * x.sum(axis=0)[:, None] * 0.01 / 8, kernel.shape),
        rtol=1e-3,
        atol=1e-7,
    )


def test_a_custom_loss_written_with_operators_trains_like_mse():
    x = np.random.default_rng(4).standard_normal((4, 3)).astype("float32")
    y = np.random.default_rng(5).standard_normal((4, 2)).astype("float32")
    custom = _dense_model(penalty=False)
    custom.compile(
        optimizer=gk.optimizers.SGD(0.1),
        loss=lambda y_true, y_pred: K.mean(K.square(y_true - y_pred), axis=-1),
    )
    builtin = _dense_model(penalty=False)
    custom.train_on_batch(x, y)
    builtin.train_on_batch(x, y)
    for ours, theirs in zip(custom.get_weights(), builtin.get_weights(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_a_vae_style_kl_term_trains_the_encoder_without_warnings():
    gk.utils.set_random_seed(6)
    inputs = gk.Input(shape=(4,))
    mean = layers.Dense(2, name="mean")(inputs)
    log_var = layers.Dense(2, name="log_var")(inputs)

    class KL(layers.Layer):
        def call(self, values):
            mean, log_var = values
            self.add_loss(-0.5 * K.mean(1 + log_var - K.square(mean) - K.exp(log_var)))
            return mean

    model = gk.Model(inputs, KL()([mean, log_var]))
    model.compile(optimizer=gk.optimizers.SGD(0.1), loss="mse")
    before = model.get_layer("log_var").get_weights()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.train_on_batch(X[:, :4].astype("float32"), np.zeros((3, 2), "float32"))
    assert not np.allclose(model.get_layer("log_var").get_weights()[0], before)
