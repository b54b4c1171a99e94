"""Gradients through every built-in layer and through functional Models.

Each check compares ``GradientTape`` gradients of a scalar loss
``sum(output * w)`` (``w`` a fixed random weighting) with central finite
differences in float64, for every trainable weight (watched automatically) and
for every input array (watched with ``tape.watch``). Layers are built with
``dtype="float64"`` and get fixed non-trivial weights, so the checks are
deterministic.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from gradient_checks import entries_to_difference

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

STEP = 1e-6
F64 = {"dtype": "float64"}


def rand(*shape, low=-1.5, high=1.5, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def weighting(shape, seed: int = 100) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def weighted_loss(output):
    """``sum(output * w)`` for a fixed ``w`` of the output's shape."""
    return K.sum(K.multiply(output, weighting(K.int_shape(output))))


def set_fixed_weights(layer, seed: int = 10) -> None:
    layer.set_weights([rand(*w.shape, seed=seed + i) for i, w in enumerate(layer.get_weights())])


def numeric_gradient(
    loss_value: Callable[[], float], array: np.ndarray, write, tape_gradient: np.ndarray
) -> np.ndarray:
    """Central differences of ``loss_value()`` as each entry of ``array`` moves.

    ``write(values)`` puts a perturbed copy where the loss reads it. Off
    numpy only a fixed sample of entries is differenced
    (``gradient_checks.entries_to_difference``); the others are copied from
    ``tape_gradient``.
    """
    base = np.array(array, dtype="float64")
    positions = entries_to_difference(base.shape, K.backend())
    sampled = len(positions) < base.size
    gradient = np.array(tape_gradient, dtype="float64") if sampled else np.zeros_like(base)
    for position in positions:
        shifted = []
        for sign in (1.0, -1.0):
            moved = base.copy()
            moved[position] += sign * STEP
            write(moved)
            shifted.append(loss_value())
        gradient[position] = (shifted[0] - shifted[1]) / (2 * STEP)
    write(base)
    return gradient


def check_gradients(loss: Callable, inputs: list, weights: list, rtol=1e-6, atol=1e-8) -> None:
    """Tape gradients of ``loss(*inputs)`` for ``weights`` and ``inputs`` against FD.

    ``weights`` must be trainable Variables (the tape watches them itself).
    """
    inputs = [np.array(value, dtype="float64") for value in inputs]
    with K.GradientTape() as tape:
        tape.watch(inputs)
        target = loss(*inputs)
    gradients = tape.gradient(target, [*weights, *inputs])

    current = list(inputs)

    def loss_value() -> float:
        return float(K.convert_to_numpy(loss(*current)))

    for variable, gradient in zip(weights, gradients[: len(weights)], strict=True):
        assert gradient is not None, f"no gradient for weight {variable.name}"
        assert K.dtype(gradient) == variable.dtype and K.int_shape(gradient) == variable.shape
        found = K.convert_to_numpy(gradient)
        expected = numeric_gradient(loss_value, K.get_value(variable), variable.assign, found)
        np.testing.assert_allclose(found, expected, rtol=rtol, atol=atol, err_msg=variable.name)
    for index, gradient in enumerate(gradients[len(weights) :]):
        assert gradient is not None, f"no gradient for input {index}"
        assert K.int_shape(gradient) == inputs[index].shape

        def write(values, index=index):
            current[index] = values

        found = K.convert_to_numpy(gradient)
        expected = numeric_gradient(loss_value, inputs[index], write, found)
        np.testing.assert_allclose(found, expected, rtol=rtol, atol=atol, err_msg=f"input {index}")


def check_layer(layer, inputs: list, list_input: bool = False, **call_kwargs) -> None:
    """Finite-difference check of ``layer`` on ``inputs`` (a list for merge layers)."""
    layer(inputs if list_input else inputs[0], **call_kwargs)  # build
    set_fixed_weights(layer)

    def loss(*values):
        return weighted_loss(layer(list(values) if list_input else values[0], **call_kwargs))

    check_gradients(loss, inputs, layer.trainable_weights)


# ================================================================ core layers

DENSE_ACTIVATIONS = [None, "relu", "tanh", "sigmoid", "softmax", "gelu", "elu", "softplus"]


@pytest.mark.parametrize("activation", DENSE_ACTIVATIONS, ids=str)
def test_dense_gradients_match_finite_differences(activation):
    check_layer(layers.Dense(4, activation=activation, **F64), [rand(5, 3)])


def test_dense_without_bias_gradients_match_finite_differences():
    layer = layers.Dense(3, use_bias=False, activation="tanh", **F64)
    check_layer(layer, [rand(4, 2)])
    assert len(layer.trainable_weights) == 1


def test_dense_on_rank_3_input_gradients_match_finite_differences():
    check_layer(layers.Dense(3, activation="tanh", **F64), [rand(2, 3, 4)])


@pytest.mark.parametrize("activation", ["tanh", "softplus", "gelu", "selu", "softmax", "swish"])
def test_activation_layer_gradients_match_finite_differences(activation):
    check_layer(layers.Activation(activation, **F64), [rand(3, 4)])


def test_dropout_in_training_gradients_match_finite_differences():
    # A fresh layer with the same seed draws the same mask, so the loss is a
    # function of the input alone.
    def loss(x):
        return weighted_loss(layers.Dropout(0.5, seed=7, **F64)(x, training=True))

    x = rand(4, 5)
    check_gradients(loss, [x], [])


def test_dropout_in_training_gradient_is_the_mask():
    x = rand(4, 5)
    mask = K.convert_to_numpy(layers.Dropout(0.5, seed=7, **F64)(np.ones((4, 5)), training=True))
    assert set(np.unique(mask)) == {0.0, 2.0}
    with K.GradientTape() as tape:
        tape.watch(x)
        target = K.sum(layers.Dropout(0.5, seed=7, **F64)(x, training=True))
    np.testing.assert_array_equal(K.convert_to_numpy(tape.gradient(target, x)), mask)


def test_dropout_in_inference_passes_the_gradient_unchanged():
    x = rand(4, 5)
    with K.GradientTape() as tape:
        tape.watch(x)
        target = weighted_loss(layers.Dropout(0.5, seed=7, **F64)(x, training=False))
    np.testing.assert_array_equal(K.convert_to_numpy(tape.gradient(target, x)), weighting((4, 5)))


@pytest.mark.parametrize(
    ("make_layer", "shape"),
    [
        (lambda: layers.Flatten(**F64), (2, 3, 4)),
        (lambda: layers.Flatten(data_format="channels_first", **F64), (2, 3, 2, 2)),
        (lambda: layers.Reshape((4, 3), **F64), (2, 3, 4)),
        (lambda: layers.Reshape((-1, 2), **F64), (2, 3, 4)),
        (lambda: layers.Permute((2, 1), **F64), (2, 3, 4)),
        (lambda: layers.Permute((3, 1, 2), **F64), (2, 3, 2, 2)),
        (lambda: layers.RepeatVector(3, **F64), (2, 4)),
        (lambda: layers.Lambda(K.softplus, **F64), (3, 4)),
        (lambda: layers.Lambda(lambda t: K.sum(K.square(t), axis=-1), **F64), (3, 4)),
        (lambda: layers.Identity(**F64), (3, 4)),
    ],
    ids=[
        "flatten",
        "flatten_channels_first",
        "reshape",
        "reshape_minus_one",
        "permute",
        "permute_rank_4",
        "repeat_vector",
        "lambda_softplus",
        "lambda_sum_of_squares",
        "identity",
    ],
)
def test_shape_layer_gradients_match_finite_differences(make_layer, shape):
    check_layer(make_layer(), [rand(*shape)])


# =============================================================== merge layers

MERGES = {
    "add": (lambda: layers.Add(**F64), [(3, 4), (3, 4), (3, 4)]),
    "add_broadcast": (lambda: layers.Add(**F64), [(3, 4), (3, 1)]),
    "subtract": (lambda: layers.Subtract(**F64), [(3, 4), (3, 4)]),
    "multiply": (lambda: layers.Multiply(**F64), [(3, 4), (3, 4), (3, 4)]),
    "average": (lambda: layers.Average(**F64), [(3, 4), (3, 4), (3, 4)]),
    "maximum": (lambda: layers.Maximum(**F64), [(3, 4), (3, 4)]),
    "minimum": (lambda: layers.Minimum(**F64), [(3, 4), (3, 4), (3, 4)]),
    "concatenate": (lambda: layers.Concatenate(**F64), [(3, 4), (3, 2)]),
    "concatenate_axis_1": (lambda: layers.Concatenate(axis=1, **F64), [(2, 3, 4), (2, 1, 4)]),
    "dot": (lambda: layers.Dot(axes=1, **F64), [(3, 4), (3, 4)]),
    "dot_rank_3": (lambda: layers.Dot(axes=(2, 1), **F64), [(2, 3, 4), (2, 4, 2)]),
    "dot_normalize": (lambda: layers.Dot(axes=1, normalize=True, **F64), [(3, 4), (3, 4)]),
    "dot_normalize_rank_3": (
        lambda: layers.Dot(axes=(1, 2), normalize=True, **F64),
        [(2, 3, 4), (2, 2, 3)],
    ),
}


@pytest.mark.parametrize("name", sorted(MERGES))
def test_merge_layer_gradients_match_finite_differences(name):
    make_layer, shapes = MERGES[name]
    # Distinct seeds keep Maximum/Minimum's inputs apart (no ties).
    check_layer(make_layer(), [rand(*shape, seed=i) for i, shape in enumerate(shapes)], True)


def test_merge_layer_gives_each_input_its_own_gradient_when_one_array_is_passed_twice():
    x = rand(3, 4)
    with K.GradientTape() as tape:
        tape.watch(x)
        target = K.sum(layers.Multiply(**F64)([x, x]))
    np.testing.assert_allclose(K.convert_to_numpy(tape.gradient(target, x)), 2 * x)


# ===================================================================== models


def small_model():
    """Two inputs, a Dense shared by three nodes, and a nested Model."""
    a = gk.Input((3,), dtype="float64", name="a")
    b = gk.Input((3,), dtype="float64", name="b")
    shared = layers.Dense(4, activation="tanh", name="shared", **F64)
    inner_input = gk.Input((4,), dtype="float64")
    inner_output = layers.Dense(2, activation="softplus", name="inner_dense", **F64)(inner_input)
    inner = gk.Model(inner_input, inner_output, name="inner")
    joined = layers.Concatenate(**F64)([shared(a), shared(b)])
    hidden = layers.Dense(4, activation="sigmoid", name="hidden", **F64)(joined)
    merged = layers.Add(**F64)([hidden, shared(a)])
    model = gk.Model([a, b], inner(merged), name="outer")
    for layer in [shared, model.get_layer("hidden"), inner.get_layer("inner_dense")]:
        set_fixed_weights(layer, seed=len(layer.name))
    return model


def test_model_with_shared_layer_and_nested_model_gradients_match_finite_differences():
    model = small_model()
    assert len(model.trainable_weights) == 6

    def loss(a, b):
        return weighted_loss(model([a, b]))

    check_gradients(loss, [rand(5, 3, seed=1), rand(5, 3, seed=2)], model.trainable_weights)


def test_sequential_model_gradients_match_finite_differences():
    model = gk.Sequential(
        [
            gk.Input((3,), dtype="float64"),
            layers.Dense(4, activation="tanh", **F64),
            layers.Dense(2, **F64),
        ]
    )
    for layer in model.layers:
        set_fixed_weights(layer)

    def loss(x):
        return weighted_loss(model(x))

    check_gradients(loss, [rand(4, 3)], model.trainable_weights)


def test_model_called_on_float32_inputs_still_differentiates_its_inputs():
    model = small_model()
    a = rand(2, 3).astype("float32")
    b = rand(2, 3, seed=1).astype("float32")
    with K.GradientTape() as tape:
        tape.watch([a, b])
        target = weighted_loss(model([a, b]))
    gradient_a, gradient_b = tape.gradient(target, [a, b])
    assert K.dtype(gradient_a) == K.dtype(gradient_b) == "float32"
    assert K.int_shape(gradient_a) == K.int_shape(gradient_b) == (2, 3)


# ========================================================== shared and frozen


def gradients_of(loss: Callable, sources: list) -> list:
    with K.GradientTape() as tape:
        target = loss()
    return [K.convert_to_numpy(g) for g in tape.gradient(target, sources)]


def test_shared_layer_accumulates_the_gradients_of_every_call():
    dense = layers.Dense(3, activation="tanh", **F64)
    x1, x2 = rand(4, 2, seed=1), rand(5, 2, seed=2)
    dense(x1)
    set_fixed_weights(dense)
    weights = dense.trainable_weights

    def first():
        return K.sum(K.multiply(dense(x1), weighting((4, 3), seed=3)))

    def second():
        return K.sum(K.multiply(dense(x2), weighting((5, 3), seed=4)))

    both = gradients_of(lambda: K.add(first(), second()), weights)
    separate = [gradients_of(first, weights), gradients_of(second, weights)]
    for total, one, two in zip(both, *separate, strict=True):
        np.testing.assert_allclose(total, one + two, rtol=1e-12)


def test_shared_layer_in_a_model_accumulates_the_gradients_of_every_node():
    a = gk.Input((2,), dtype="float64")
    b = gk.Input((2,), dtype="float64")
    shared = layers.Dense(3, activation="tanh", **F64)
    model = gk.Model([a, b], [shared(a), shared(b)])
    set_fixed_weights(shared)
    x1, x2 = rand(4, 2, seed=1), rand(4, 2, seed=2)
    w1, w2 = weighting((4, 3), seed=3), weighting((4, 3), seed=4)
    weights = shared.trainable_weights

    def loss_of(first_weight, second_weight):
        def loss():
            out_a, out_b = model([x1, x2])
            return K.add(
                K.sum(K.multiply(out_a, first_weight)), K.sum(K.multiply(out_b, second_weight))
            )

        return loss

    zero = np.zeros((4, 3))
    both = gradients_of(loss_of(w1, w2), weights)
    only_a = gradients_of(loss_of(w1, zero), weights)
    only_b = gradients_of(loss_of(zero, w2), weights)
    for total, one, two in zip(both, only_a, only_b, strict=True):
        np.testing.assert_allclose(total, one + two, rtol=1e-12)


def test_frozen_layer_weights_are_not_trainable_weights_of_the_model():
    model = small_model()
    frozen = model.get_layer("hidden")
    frozen.trainable = False
    trainable_ids = {id(v) for v in model.trainable_weights}
    assert len(model.trainable_weights) == 4
    assert not trainable_ids & {id(v) for v in frozen.weights}
    assert {id(v) for v in frozen.weights} <= {id(v) for v in model.non_trainable_weights}


def test_frozen_layer_gets_no_gradient_but_passes_one_to_its_inputs():
    model = small_model()
    frozen = model.get_layer("hidden")
    frozen.trainable = False

    def loss(a, b):
        return weighted_loss(model([a, b]))

    check_gradients(loss, [rand(3, 3, seed=1), rand(3, 3, seed=2)], model.trainable_weights)
    with K.GradientTape() as tape:
        target = loss(rand(3, 3, seed=1), rand(3, 3, seed=2))
    assert tape.gradient(target, frozen.weights) == [None, None]


def test_float32_layer_gives_float32_weight_gradients():
    dense = layers.Dense(2, activation="tanh")
    x = rand(3, 4).astype("float32")
    dense(x)
    gradients = gradients_of(lambda: K.sum(dense(x)), dense.trainable_weights)
    assert [g.dtype for g in gradients] == [np.float32, np.float32]
    assert [g.shape for g in gradients] == [(4, 2), (2,)]
