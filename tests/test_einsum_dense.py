"""EinsumDense: weights, shapes, values, config and gradients.

References are per-element numpy formulas written in each test; one case
also compares with numbers Keras 3.15.1 (JAX backend) produced for the same
deterministic weights and inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients
from layer_test_tools import deterministic

import graphkeras as gk
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

RNG = np.random.default_rng(0)


# ------------------------------------------------------------------ weights


def test_projection_to_heads_creates_kernel_then_bias_of_the_equation_shapes():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de")
    layer.build((None, 4, 5))
    assert [(w.name, w.shape) for w in layer.weights] == [
        ("kernel", (5, 2, 3)),
        ("bias", (2, 3)),
    ]


def test_without_bias_axes_there_is_only_a_kernel():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=4)
    layer.build((None, 3))
    assert [(w.name, w.shape) for w in layer.weights] == [("kernel", (3, 4))]


def test_bias_on_an_inner_output_axis_broadcasts_over_the_axes_after_it():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(7, 5), bias_axes="b")
    layer.build((None, 7, 3))
    assert layer.bias.shape == (7, 1)


def test_kernel_initializer_takes_its_fans_from_the_contracted_and_produced_axes():
    # fan_in 64 (c), fan_out 4 * 16 (d, e): the glorot limit is sqrt(6 / 128) = 0.2165.
    # Reading the kernel as a convolution kernel would give fans of 256 and 1024.
    gk.utils.set_random_seed(0)
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 16))
    layer.build((None, 3, 64))
    values = layer.get_weights()[0]
    limit = np.sqrt(6.0 / 128.0)
    assert np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.95 * limit


# ------------------------------------------------------------------ values


def test_matrix_product_with_bias_and_activation_matches_the_formula():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c", activation="tanh")
    x = RNG.normal(size=(2, 4)).astype("float32")
    layer.build(x.shape)
    kernel = RNG.normal(size=(4, 3)).astype("float32")
    bias = np.float32([0.1, -0.2, 0.3])
    layer.set_weights([kernel, bias])
    expected = np.tanh(x @ kernel + bias)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-6)


def test_projection_to_heads_matches_per_head_matrix_products():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de")
    x = RNG.normal(size=(2, 4, 5)).astype("float32")
    layer.build(x.shape)
    kernel = RNG.normal(size=(5, 2, 3)).astype("float32")
    bias = RNG.normal(size=(2, 3)).astype("float32")
    layer.set_weights([kernel, bias])
    expected = np.stack([x @ kernel[:, head, :] + bias[head] for head in range(2)], axis=2)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-5)


def test_output_projection_contracts_heads_and_head_size_together():
    layer = layers.EinsumDense("abcd,cde->abe", output_shape=(None, 4), bias_axes="e")
    x = RNG.normal(size=(2, 3, 2, 5)).astype("float32")
    layer.build(x.shape)
    kernel = RNG.normal(size=(2, 5, 4)).astype("float32")
    bias = RNG.normal(size=(4,)).astype("float32")
    layer.set_weights([kernel, bias])
    expected = x.reshape(2, 3, 10) @ kernel.reshape(10, 4) + bias
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-5)


def test_leading_ellipsis_applies_the_kernel_to_the_last_axis_of_any_rank():
    layer = layers.EinsumDense("...b,bc->...c", output_shape=6, bias_axes="c")
    x = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    layer.build(x.shape)
    kernel = RNG.normal(size=(5, 6)).astype("float32")
    layer.set_weights([kernel, np.zeros(6, "float32")])
    assert layer(x).shape == (2, 3, 4, 6)
    np.testing.assert_allclose(layer(x), x @ kernel, rtol=1e-5, atol=1e-5)


def test_trailing_ellipsis_carries_the_last_axes_to_the_end_of_the_output():
    layer = layers.EinsumDense("ab...,bc->ac...", output_shape=(6,))
    x = RNG.normal(size=(2, 5, 3, 4)).astype("float32")
    layer.build(x.shape)
    kernel = RNG.normal(size=(5, 6)).astype("float32")
    layer.set_weights([kernel])
    expected = np.moveaxis(np.moveaxis(x, 1, -1) @ kernel, -1, 1)
    assert layer(x).shape == (2, 6, 3, 4)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5, atol=1e-5)


def test_projection_to_heads_reproduces_numbers_from_keras():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 2), bias_axes="de")
    x = deterministic((1, 2, 3), 0.5)
    layer.build(x.shape)
    layer.set_weights([deterministic((3, 2, 2), 0.6), deterministic((2, 2), 0.7)])
    # keras.layers.EinsumDense with the same weights, Keras 3.15.1 on JAX.
    expected = [
        [
            [[0.31058439, 0.55439132], [0.53745931, 0.26775181]],
            [[0.42067549, 0.53973252], [0.4049449, 0.0797053]],
        ]
    ]
    np.testing.assert_allclose(layer(x), expected, rtol=1e-5)


def test_activity_regularizer_adds_a_loss_on_the_output():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=2, activity_regularizer="l2")
    x = np.ones((1, 2), "float32")
    layer.build(x.shape)
    layer.set_weights([np.float32([[1.0, 2.0], [3.0, 4.0]])])
    layer(x)  # output [4, 6]
    np.testing.assert_allclose(float(layer.losses[-1]), 0.01 * (16.0 + 36.0), rtol=1e-6)


# ------------------------------------------------------------------ shapes


def test_symbolic_call_fills_unknown_output_sizes_from_the_input():
    output = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3))(gk.Input((4, 5)))
    assert output.shape == (None, 4, 2, 3)


def test_compute_output_shape_does_not_need_a_built_layer():
    layer = layers.EinsumDense("...b,bc->...c", output_shape=6)
    assert layer.compute_output_shape((None, 3, 4, 5)) == (None, 3, 4, 6)
    assert not layer.built


def test_eager_and_symbolic_shapes_agree():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 7), bias_axes="d")
    symbolic = layer(gk.Input((3, 5)))
    eager = layer(np.zeros((2, 3, 5), "float32"))
    assert symbolic.shape[1:] == eager.shape[1:] == (3, 7)


def test_an_int_output_shape_is_one_axis():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=4)
    assert layer.compute_output_shape((None, 3)) == (None, 4)


# ------------------------------------------------------------------ config


def test_config_round_trip_rebuilds_an_identical_layer():
    layer = layers.EinsumDense(
        "abc,cde->abde",
        output_shape=(None, 2, 3),
        bias_axes="de",
        activation="relu",
        kernel_regularizer="l2",
        name="projection",
    )
    x = RNG.normal(size=(2, 4, 5)).astype("float32")
    expected = layer(x)
    config = layer.get_config()
    assert config["equation"] == "abc,cde->abde"
    assert config["output_shape"] == [None, 2, 3]
    assert config["bias_axes"] == "de"
    clone = layers.EinsumDense.from_config(config)
    clone.build(x.shape)
    clone.set_weights(layer.get_weights())
    assert clone.get_config() == config
    np.testing.assert_allclose(clone(x), expected, rtol=1e-6, atol=1e-7)


def test_layer_is_registered_for_model_configs():
    inputs = gk.Input((4, 5))
    model = gk.Model(inputs, layers.EinsumDense("abc,cd->abd", (None, 3), bias_axes="d")(inputs))
    clone = gk.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = RNG.normal(size=(2, 4, 5)).astype("float32")
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------ gradients


def test_gradients_for_input_kernel_and_bias_match_finite_differences():
    layer = layers.EinsumDense(
        "abc,cde->abde", output_shape=(None, 2, 2), bias_axes="de", dtype="float64"
    )
    x = RNG.normal(size=(2, 3, 4))
    layer.build(x.shape)
    check_layer_gradients(layer, [x], [layer.kernel, layer.bias])


def test_gradients_through_an_activation_and_a_leading_ellipsis():
    layer = layers.EinsumDense(
        "...b,bc->...c", output_shape=3, bias_axes="c", activation="tanh", dtype="float64"
    )
    x = RNG.normal(size=(2, 2, 4))
    layer.build(x.shape)
    check_layer_gradients(layer, [x], [layer.kernel, layer.bias])


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("equation", ["ab->b", "ab,bc", "a...b,bc->a...c", 3])
def test_an_unsupported_equation_is_rejected_naming_the_argument(equation):
    with pytest.raises(ValueError, match="equation"):
        layers.EinsumDense(equation, output_shape=3)


@pytest.mark.parametrize("output_shape", [0, -2, (None, 0), "x", (2.5,)])
def test_a_bad_output_shape_is_rejected_naming_the_argument(output_shape):
    with pytest.raises(ValueError, match="output_shape"):
        layers.EinsumDense("abc,cd->abd", output_shape=output_shape)


def test_an_output_shape_of_the_wrong_length_is_rejected():
    with pytest.raises(ValueError, match="output_shape"):
        layers.EinsumDense("abc,cd->abd", output_shape=(3,))


@pytest.mark.parametrize("bias_axes", ["z", "", 3])
def test_bias_axes_outside_the_output_are_rejected(bias_axes):
    with pytest.raises(ValueError, match="bias_axes"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes=bias_axes)


def test_an_input_of_the_wrong_rank_is_rejected_naming_the_layer_and_shapes():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=3, name="proj")
    with pytest.raises(ValueError, match=r"'proj'.*rank 2.*\(None, 3, 4\)"):
        layer(gk.Input((3, 4)))
    assert not layer.built


def test_an_output_size_contradicting_the_input_is_rejected():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(5, 2))
    with pytest.raises(ValueError, match="output_shape gives 5"):
        layer(gk.Input((3, 4)))
