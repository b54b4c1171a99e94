"""Training as a pure function of the weights: ``K.value_and_grad`` over ``stateless_call``.

This is the form JAX users write; it runs on every installed backend, and its
gradients equal those a GradientTape takes of the same model.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")


def small_model():
    gk.utils.set_random_seed(3)
    inputs = gk.Input(shape=(4,))
    hidden = layers.Dense(5, activation="tanh")(inputs)
    hidden = layers.BatchNormalization()(hidden)
    return gk.Model(inputs, layers.Dense(1)(hidden))


def data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((16, 4)).astype("float32"), rng.standard_normal((16, 1)).astype(
        "float32"
    )


def test_value_and_grad_over_stateless_call_equals_the_tape_gradient():
    model = small_model()
    x, y = data()
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]

    def loss_fn(trainable_values, non_trainable_values, x, y):
        outputs, new_non_trainable = model.stateless_call(
            trainable_values, non_trainable_values, x, training=True
        )
        return K.mean(K.square(K.subtract(outputs, y))), new_non_trainable

    (loss, new_non_trainable), gradients = K.value_and_grad(loss_fn, has_aux=True)(
        trainable, non_trainable, x, y
    )
    with K.GradientTape() as tape:
        outputs = model(x, training=True)
        tape_loss = K.mean(K.square(K.subtract(outputs, y)))
    tape_gradients = tape.gradient(tape_loss, model.trainable_variables)
    np.testing.assert_allclose(K.convert_to_numpy(loss), K.convert_to_numpy(tape_loss), rtol=1e-6)
    for gradient, expected in zip(gradients, tape_gradients, strict=True):
        np.testing.assert_allclose(
            K.convert_to_numpy(gradient), K.convert_to_numpy(expected), rtol=1e-5, atol=1e-6
        )
    # The moving statistics came back updated, without touching the model's own.
    moving_mean = model.non_trainable_variables[0]
    assert not np.allclose(K.convert_to_numpy(new_non_trainable[0]), 0.0)
    np.testing.assert_allclose(K.convert_to_numpy(non_trainable[0]), 0.0)
    assert moving_mean.name == "moving_mean"


def test_a_functional_loop_lowers_the_loss():
    model = small_model()
    x, y = data()
    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]

    def loss_fn(trainable_values, non_trainable_values):
        outputs, new_non_trainable = model.stateless_call(
            trainable_values, non_trainable_values, x, training=True
        )
        return K.mean(K.square(K.subtract(outputs, y))), new_non_trainable

    step = K.value_and_grad(loss_fn, has_aux=True)
    losses = []
    for _ in range(20):
        (loss, non_trainable), gradients = step(trainable, non_trainable)
        pairs = zip(trainable, gradients, strict=True)
        trainable = [K.subtract(w, K.multiply(g, 0.1)) for w, g in pairs]
        losses.append(float(K.convert_to_numpy(loss)))
    assert losses[-1] < 0.5 * losses[0]
