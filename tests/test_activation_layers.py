"""ReLU, LeakyReLU, PReLU, ELU and Softmax layers.

Expected values are worked out by hand on a few inputs chosen on either
side of each kink; gradients are checked by finite differences at points
away from the kinks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients

import graphkeras as gk
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

POINTS = np.array([[-3.0, -0.5, 0.25, 0.75, 2.0, 7.0]], "float32")
SMOOTH_POINTS = np.array([[-2.7, -0.6, 0.3, 0.8, 2.2, 6.6]])


# -------------------------------------------------------------------- ReLU


def test_relu_defaults_to_max_of_x_and_zero():
    np.testing.assert_array_equal(layers.ReLU()(POINTS), [[0.0, 0.0, 0.25, 0.75, 2.0, 7.0]])


def test_relu_max_value_caps_the_output():
    output = layers.ReLU(max_value=1.0)(POINTS)
    np.testing.assert_array_equal(output, [[0.0, 0.0, 0.25, 0.75, 1.0, 1.0]])


def test_relu_threshold_zeroes_inputs_up_to_it_and_negative_slope_leaks_below_it():
    output = layers.ReLU(negative_slope=0.1, threshold=0.5, max_value=3.0)(POINTS)
    # Below 0.5: -0.1 * (0.5 - x); above: x capped at 3.
    expected = [[-0.35, -0.1, -0.025, 0.75, 2.0, 3.0]]
    np.testing.assert_allclose(output, expected, rtol=1e-6)


def test_relu_gradients_match_finite_differences():
    layer = layers.ReLU(negative_slope=0.2, threshold=0.5, max_value=5.0, dtype="float64")
    check_layer_gradients(layer, [SMOOTH_POINTS], [])


def test_relu_passes_masks_through_and_keeps_the_shape():
    inputs = gk.Input((3,), dtype="int32")
    embedded = layers.Embedding(4, 2, mask_zero=True)(inputs)
    outputs = layers.ReLU()(embedded)
    assert outputs.shape == (None, 3, 2)
    assert outputs._keras_mask is embedded._keras_mask


def test_relu_config_round_trip():
    config = layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.2).get_config()
    assert layers.ReLU.from_config(config).get_config() == config
    assert (config["max_value"], config["negative_slope"], config["threshold"]) == (6.0, 0.1, 0.2)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"max_value": -1.0}, "max_value"),
        ({"negative_slope": -0.1}, "negative_slope"),
        ({"negative_slope": None}, "negative_slope"),
        ({"threshold": -2.0}, "threshold"),
    ],
)
def test_relu_refuses_negative_or_missing_arguments(arguments, named):
    with pytest.raises(ValueError, match=named):
        layers.ReLU(**arguments)


# --------------------------------------------------------------- LeakyReLU


def test_leaky_relu_scales_negative_inputs_by_three_tenths_by_default():
    output = layers.LeakyReLU()(POINTS)
    np.testing.assert_allclose(output, [[-0.9, -0.15, 0.25, 0.75, 2.0, 7.0]], rtol=1e-6)


def test_leaky_relu_accepts_alpha_as_the_deprecated_name_of_negative_slope():
    with pytest.warns(DeprecationWarning, match="alpha"):
        layer = layers.LeakyReLU(alpha=0.5)
    assert layer.negative_slope == 0.5


def test_leaky_relu_gradients_match_finite_differences():
    check_layer_gradients(layers.LeakyReLU(0.1, dtype="float64"), [SMOOTH_POINTS], [])


def test_leaky_relu_config_round_trip():
    config = layers.LeakyReLU(negative_slope=0.05).get_config()
    assert layers.LeakyReLU.from_config(config).negative_slope == 0.05


def test_leaky_relu_refuses_a_negative_slope():
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-0.3)


# ------------------------------------------------------------------- PReLU


def test_prelu_alpha_is_shaped_like_a_sample_and_starts_at_zero():
    layer = layers.PReLU()
    output = layer(POINTS)
    assert [(w.name, w.shape) for w in layer.weights] == [("alpha", (6,))]
    np.testing.assert_array_equal(output, layers.ReLU()(POINTS))


def test_prelu_shared_axes_give_one_slope_per_channel():
    layer = layers.PReLU(shared_axes=[1, 2])
    layer.build((None, 4, 4, 3))
    assert layer.weights[0].shape == (1, 1, 3)


def test_prelu_scales_negative_inputs_by_alpha():
    layer = layers.PReLU(shared_axes=1)
    x = np.array([[[-2.0, 3.0], [1.0, -4.0]]], "float32")
    layer.build(x.shape)
    layer.set_weights([np.array([[0.5, -0.25]], "float32")])
    np.testing.assert_allclose(layer(x), [[[-1.0, 3.0], [1.0, 1.0]]])


def test_prelu_gradients_reach_alpha_and_inputs():
    layer = layers.PReLU(shared_axes=[1], dtype="float64")
    x = np.random.default_rng(0).normal(size=(2, 3, 2)) + 0.05
    layer.build(x.shape)
    layer.set_weights([np.array([[0.3, -0.2]])])
    check_layer_gradients(layer, [x], [layer.alpha])


def test_prelu_config_round_trip():
    config = layers.PReLU(alpha_initializer="ones", shared_axes=[1, 2]).get_config()
    clone = layers.PReLU.from_config(config)
    assert clone.get_config() == config
    assert config["shared_axes"] == [1, 2]


@pytest.mark.parametrize("shared_axes", [0, [1, "2"], [-1]])
def test_prelu_refuses_shared_axes_that_are_not_feature_axes(shared_axes):
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=shared_axes)


def test_prelu_refuses_inputs_without_the_shared_axis():
    with pytest.raises(ValueError, match=r"PReLU.*shared_axes=\[2\].*\(None, 3\)"):
        layers.PReLU(shared_axes=[2])(gk.Input((3,)))


def test_prelu_refuses_another_feature_size_after_building():
    layer = layers.PReLU(name="prelu")
    layer(gk.Input((3,)))
    with pytest.raises(ValueError, match=r"prelu.*expected axis 1 of input shape to have value 3"):
        layer(gk.Input((4,)))


# --------------------------------------------------------------------- ELU


def test_elu_is_alpha_times_exp_minus_one_below_zero():
    output = layers.ELU(alpha=0.5)(POINTS)
    expected = [[0.5 * (math.exp(-3.0) - 1), 0.5 * (math.exp(-0.5) - 1), 0.25, 0.75, 2.0, 7.0]]
    np.testing.assert_allclose(output, expected, rtol=1e-6)


def test_elu_gradients_match_finite_differences():
    check_layer_gradients(layers.ELU(alpha=0.7, dtype="float64"), [SMOOTH_POINTS], [])


def test_elu_config_keeps_alpha():
    assert layers.ELU.from_config(layers.ELU(alpha=0.3).get_config()).alpha == 0.3


def test_elu_refuses_an_alpha_that_is_not_a_number():
    with pytest.raises(ValueError, match="alpha"):
        layers.ELU(alpha="one")


# ----------------------------------------------------------------- Softmax

SCORES = np.log(np.array([[[1.0, 2.0, 5.0], [4.0, 4.0, 2.0]]], "float32"))


def test_softmax_normalizes_the_last_axis():
    np.testing.assert_allclose(
        layers.Softmax()(SCORES), [[[0.125, 0.25, 0.625], [0.4, 0.4, 0.2]]], rtol=1e-6
    )


def test_softmax_over_two_axes_normalizes_them_jointly():
    output = layers.Softmax(axis=[1, 2])(SCORES)
    np.testing.assert_allclose(output, np.exp(SCORES) / 18.0, rtol=1e-6)


def test_softmax_gives_masked_positions_zero_probability():
    mask = np.array([[[True, False, True], [True, True, True]]])
    output = layers.Softmax()(SCORES, mask=mask)
    np.testing.assert_allclose(output, [[[1 / 6, 0.0, 5 / 6], [0.4, 0.4, 0.2]]], rtol=1e-6)


def test_softmax_broadcasts_a_mask_from_the_last_axis():
    key_mask = np.array([[[False, True, True]]])
    output = layers.Softmax()(SCORES, mask=key_mask)
    np.testing.assert_allclose(output, [[[0.0, 2 / 7, 5 / 7], [0.0, 2 / 3, 1 / 3]]], rtol=1e-6)


def test_softmax_row_with_every_position_masked_is_all_zero():
    mask = np.array([[[False, False, False], [True, True, True]]])
    output = layers.Softmax()(SCORES, mask=mask)
    np.testing.assert_array_equal(output[0, 0], [0.0, 0.0, 0.0])


def test_softmax_reads_a_float_mask_as_kept_above_one_half():
    mask = np.array([[[0.9, 0.2, 0.6], [1.0, 1.0, 1.0]]], "float32")
    output = layers.Softmax()(SCORES, mask=mask)
    np.testing.assert_allclose(output[0, 0], [1 / 6, 0.0, 5 / 6], rtol=1e-6)


def test_softmax_uses_the_mask_carried_by_its_input_in_a_model():
    inputs = gk.Input((3,), dtype="int32")
    # Embedding rows of width 3 make the (batch, 3) mask broadcast over keys.
    scores = layers.Embedding(4, 3, embeddings_initializer="ones", mask_zero=True)(inputs)
    model = gk.Model(inputs, layers.Softmax()(scores))
    output = model.predict(np.array([[1, 0, 2]]), verbose=0)
    np.testing.assert_allclose(output[0], [[0.5, 0.0, 0.5]] * 3, rtol=1e-6)


def test_softmax_refuses_an_eager_mask_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"Softmax.*mask of shape \(1, 2\).*\(1, 2, 3\)"):
        layers.Softmax()(SCORES, mask=np.ones((1, 2), bool))


def test_softmax_refuses_a_mask_with_more_dims_than_the_inputs():
    with pytest.raises(ValueError, match="broadcasts to the inputs"):
        layers.Softmax()(SCORES, mask=np.ones((1, 1, 2, 3), bool))


def test_softmax_refuses_an_inherited_mask_that_does_not_broadcast():
    inputs = gk.Input((5,), dtype="int32")
    scores = layers.Embedding(10, 4, mask_zero=True)(inputs)
    with pytest.raises(ValueError, match=r"mask of shape \(None, 5\) for inputs of shape"):
        layers.Softmax()(scores)


def test_softmax_gradients_match_finite_differences():
    layer = layers.Softmax(axis=1, dtype="float64")
    check_layer_gradients(layer, [np.random.default_rng(1).normal(size=(2, 3, 2))], [])


def test_masked_softmax_gradients_match_finite_differences():
    layer = layers.Softmax(dtype="float64")
    mask = np.array([[True, False, True]])
    x = np.random.default_rng(2).normal(size=(2, 3))
    check_layer_gradients(lambda inputs: layer(inputs, mask=mask), [x], [])


def test_softmax_config_round_trip_and_symbolic_shape():
    layer = layers.Softmax(axis=[1, 2])
    assert layers.Softmax.from_config(layer.get_config()).axis == [1, 2]
    assert layer(gk.Input((3, 4))).shape == (None, 3, 4)


def test_softmax_refuses_an_axis_out_of_range():
    with pytest.raises(ValueError, match=r"Softmax.*axis=3.*rank 2"):
        layers.Softmax(axis=3)(gk.Input((4,)))
