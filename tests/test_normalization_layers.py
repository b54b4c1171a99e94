"""LayerNormalization, GroupNormalization and UnitNormalization.

References are numpy formulas written in each test; the GroupNormalization
and ``rms_scaling`` cases also compare with numbers Keras 3.15.1 (JAX
backend) produced for the same inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

RNG = np.random.default_rng(0)
X3 = RNG.normal(size=(2, 3, 4)).astype("float32")
X4 = RNG.normal(size=(2, 3, 3, 6)).astype("float32")
SMALL = np.array(
    [[0.5, -1.0, 2.0], [1.5, 0.0, -2.0], [-0.5, 3.0, 1.0], [2.5, 1.0, 0.0]], dtype="float32"
)


def standardize(x, axes, epsilon):
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + epsilon)


# ------------------------------------------------------- LayerNormalization


def test_layer_normalization_weights_are_gamma_then_beta_shaped_like_the_axes():
    layer = layers.LayerNormalization(axis=[1, 2])
    layer.build((None, 3, 4))
    assert [(w.name, w.shape) for w in layer.weights] == [("gamma", (3, 4)), ("beta", (3, 4))]


def test_layer_normalization_standardizes_each_sample_over_the_last_axis():
    layer = layers.LayerNormalization()
    layer.build(X3.shape)
    gamma, beta = np.float32([1.0, 2.0, 0.5, -1.0]), np.float32([0.0, 0.1, 0.2, 0.3])
    layer.set_weights([gamma, beta])
    expected = gamma * standardize(X3, -1, 1e-3) + beta
    np.testing.assert_allclose(layer(X3), expected, rtol=1e-5, atol=1e-6)


def test_layer_normalization_over_several_axes_pools_their_statistics():
    output = layers.LayerNormalization(axis=[1, 2], epsilon=1e-5)(X3)
    np.testing.assert_allclose(output, standardize(X3, (1, 2), 1e-5), rtol=1e-5, atol=1e-6)


def test_layer_normalization_on_a_middle_axis_broadcasts_its_weights():
    layer = layers.LayerNormalization(axis=1)
    layer.build(X3.shape)
    gamma = np.float32([1.0, 2.0, 3.0])
    layer.set_weights([gamma, np.zeros(3, "float32")])
    expected = gamma[:, None] * standardize(X3, 1, 1e-3)
    np.testing.assert_allclose(layer(X3), expected, rtol=1e-5, atol=1e-6)


def test_rms_scaling_has_only_gamma_and_matches_keras():
    with pytest.warns(UserWarning, match="deprecated"):
        layer = layers.LayerNormalization(rms_scaling=True)
    output = layer(SMALL)
    assert [w.name for w in layer.weights] == ["gamma"]
    # Keras 3.15.1 (JAX backend) on the same input.
    keras_output = [
        [0.40811226, -0.81622452, 1.63244903],
        [1.04597437, 0.0, -1.39463246],
        [-0.34865811, 2.09194875, 0.69731623],
        [2.43216944, 0.97286779, 0.0],
    ]
    np.testing.assert_allclose(output, keras_output, rtol=1e-5, atol=1e-7)


def test_layer_normalization_without_center_and_scale_has_no_weights():
    layer = layers.LayerNormalization(center=False, scale=False)
    np.testing.assert_allclose(layer(X3), standardize(X3, -1, 1e-3), rtol=1e-5, atol=1e-6)
    assert layer.weights == []


def test_layer_normalization_passes_masks_through():
    inputs = gk.Input((4,), dtype="int32")
    embedded = layers.Embedding(5, 3, mask_zero=True)(inputs)
    assert layers.LayerNormalization()(embedded)._keras_mask is embedded._keras_mask


def test_layer_normalization_gradients_match_finite_differences():
    layer = layers.LayerNormalization(axis=[1, 2], dtype="float64")
    x = RNG.normal(size=(2, 3, 2))
    layer.build(x.shape)
    layer.set_weights([RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))])
    check_layer_gradients(layer, [x], [layer.gamma, layer.beta])


def test_rms_scaling_gradients_match_finite_differences():
    with pytest.warns(UserWarning):
        layer = layers.LayerNormalization(rms_scaling=True, dtype="float64")
    x = RNG.normal(size=(3, 4))
    layer.build(x.shape)
    layer.set_weights([RNG.normal(size=(4,))])
    check_layer_gradients(layer, [x], [layer.gamma])


def test_layer_normalization_config_round_trip():
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=1e-5, center=False)
    config = layer.get_config()
    assert layers.LayerNormalization.from_config(config).get_config() == config
    assert config["axis"] == [1, 2] and config["rms_scaling"] is False


def test_layer_normalization_refuses_an_axis_out_of_range():
    with pytest.raises(ValueError, match=r"LayerNormalization.*axis=\[1, 3\].*rank 3"):
        layers.LayerNormalization(axis=[1, 3])(gk.Input((3, 4)))


def test_layer_normalization_refuses_an_axis_named_twice():
    with pytest.raises(ValueError, match="same axis twice"):
        layers.LayerNormalization(axis=[-1, 2])(gk.Input((3, 4)))


def test_layer_normalization_refuses_another_size_on_its_axis_after_building():
    layer = layers.LayerNormalization()
    layer(gk.Input((3, 4)))
    with pytest.raises(ValueError, match=r"layer_normalization.*axis -1.*value 4.*\(None, 3, 5\)"):
        layer(gk.Input((3, 5)))


def test_layer_normalization_on_the_last_axis_takes_inputs_of_another_rank():
    layer = layers.LayerNormalization()
    layer.build((None, 3, 2))
    layer.set_weights([np.array([1.0, 2.0], "float32"), np.array([0.0, 1.0], "float32")])
    # A row [a, b] standardizes to [-s, s], s = (|b - a| / 2) / sqrt(variance + epsilon).
    output = layer(np.array([[1.0, 3.0], [5.0, 6.0]], "float32"))
    s = np.array([[1.0 / np.sqrt(1.0 + 1e-3)], [0.5 / np.sqrt(0.25 + 1e-3)]])
    np.testing.assert_allclose(output, np.hstack([-s, 2.0 * s + 1.0]), rtol=1e-5)


def test_layer_normalization_refuses_a_non_positive_epsilon():
    with pytest.raises(ValueError, match="epsilon"):
        layers.LayerNormalization(epsilon=-1.0)


def test_layer_normalization_axis_of_another_type_is_a_type_error():
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")


# ------------------------------------------------------- GroupNormalization


def grouped_reference(x, groups, epsilon=1e-3):
    """Channels-last group normalisation written out: split, standardize, merge."""
    batch, *spatial, channels = x.shape
    split = x.reshape(batch, -1, groups, channels // groups)
    return standardize(split, (1, 3), epsilon).reshape(x.shape)


def test_group_normalization_standardizes_each_group_of_channels():
    output = layers.GroupNormalization(groups=3)(X4)
    np.testing.assert_allclose(output, grouped_reference(X4, 3), rtol=1e-4, atol=1e-5)


def test_group_normalization_matches_keras():
    x = (np.arange(16, dtype="float32").reshape(2, 2, 4) ** 1.5) / 10
    output = layers.GroupNormalization(groups=2)(x)
    # Keras 3.15.1 (JAX backend) on the same input.
    keras_output = [
        [[-1.07203722, -0.85954583, -1.15047061, -0.78639781],
         [0.62789416, 1.303689, 0.67448843, 1.262380]],
        [[-1.18801165, -0.75110888, -1.19210815, -0.74722576],
         [0.70462847, 1.23449135, 0.70825577, 1.23107815]],
    ]  # fmt: skip
    np.testing.assert_allclose(output, keras_output, rtol=1e-5, atol=1e-6)


def test_group_normalization_channels_first_equals_channels_last_transposed():
    channels_first = np.transpose(X4, (0, 3, 1, 2))
    output = layers.GroupNormalization(groups=2, axis=1)(channels_first)
    expected = np.transpose(grouped_reference(X4, 2), (0, 3, 1, 2))
    np.testing.assert_allclose(output, expected, rtol=1e-4, atol=1e-5)


def test_groups_minus_one_is_instance_normalization():
    output = layers.GroupNormalization(groups=-1)(X4)
    np.testing.assert_allclose(output, standardize(X4, (1, 2), 1e-3), rtol=1e-4, atol=1e-5)


def test_group_normalization_weights_are_per_channel_gamma_then_beta():
    layer = layers.GroupNormalization(groups=2)
    layer.build((None, 5, 6))
    assert [(w.name, w.shape) for w in layer.weights] == [("gamma", (6,)), ("beta", (6,))]


def test_group_normalization_applies_gamma_and_beta_per_channel():
    layer = layers.GroupNormalization(groups=2)
    layer.build(X4.shape)
    gamma, beta = np.arange(1, 7, dtype="float32"), np.arange(6, dtype="float32") / 10
    layer.set_weights([gamma, beta])
    expected = gamma * grouped_reference(X4, 2) + beta
    np.testing.assert_allclose(layer(X4), expected, rtol=1e-4, atol=1e-5)


def test_group_normalization_gradients_match_finite_differences():
    layer = layers.GroupNormalization(groups=2, dtype="float64")
    x = RNG.normal(size=(2, 3, 4))
    layer.build(x.shape)
    layer.set_weights([RNG.normal(size=(4,)), RNG.normal(size=(4,))])
    check_layer_gradients(layer, [x], [layer.gamma, layer.beta])


def test_group_normalization_config_round_trip():
    layer = layers.GroupNormalization(groups=4, axis=1, epsilon=1e-5, scale=False)
    config = layer.get_config()
    assert layers.GroupNormalization.from_config(config).get_config() == config
    assert (config["groups"], config["axis"]) == (4, 1)


@pytest.mark.parametrize("groups", [0, -2, 2.5, "two"])
def test_group_normalization_refuses_bad_groups(groups):
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=groups)


def test_group_normalization_refuses_channels_not_divisible_by_groups():
    with pytest.raises(ValueError, match=r"GroupNormalization.*6 channels.*groups=4"):
        layers.GroupNormalization(groups=4)(gk.Input((3, 6)))


def test_group_normalization_refuses_more_groups_than_channels():
    with pytest.raises(ValueError, match=r"3 channels.*groups=32"):
        layers.GroupNormalization()(gk.Input((5, 3)))


def test_group_normalization_refuses_the_batch_axis():
    with pytest.raises(ValueError, match="batch axis"):
        layers.GroupNormalization(groups=1, axis=0)(np.ones((2, 3), "float32"))


def test_group_normalization_refuses_another_channel_count_after_building():
    layer = layers.GroupNormalization(groups=2, name="gn")
    layer(gk.Input((4,)))
    with pytest.raises(ValueError, match=r"gn.*expected axis -1 of input shape to have value 4"):
        layer(gk.Input((6,)))


# -------------------------------------------------------- UnitNormalization


def test_unit_normalization_scales_each_vector_to_norm_one():
    output = layers.UnitNormalization()(X3)
    expected = X3 / np.linalg.norm(X3, axis=-1, keepdims=True)
    np.testing.assert_allclose(output, expected, rtol=1e-6)


def test_unit_normalization_over_several_axes_uses_their_joint_norm():
    output = layers.UnitNormalization(axis=[1, 2])(X3)
    expected = X3 / np.sqrt((X3**2).sum(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(output, expected, rtol=1e-6)


def test_unit_normalization_keeps_a_zero_vector_zero():
    output = layers.UnitNormalization()(np.zeros((1, 3), "float32"))
    np.testing.assert_array_equal(output, [[0.0, 0.0, 0.0]])


def test_unit_normalization_gradients_match_finite_differences():
    layer = layers.UnitNormalization(axis=[1, 2], dtype="float64")
    check_layer_gradients(layer, [RNG.normal(size=(2, 2, 3))], [])


def test_unit_normalization_gradient_at_a_zero_vector_is_finite():
    # Below the 1e-12 floor the layer is x * 1e12, so that is its slope at 0.
    x = K.zeros((1, 2), dtype="float64")
    with K.GradientTape() as tape:
        tape.watch(x)
        total = K.sum(layers.UnitNormalization(dtype="float64")(x))
    np.testing.assert_allclose(K.convert_to_numpy(tape.gradient(total, x)), [[1e12, 1e12]])


def test_unit_normalization_config_round_trip_and_symbolic_shape():
    layer = layers.UnitNormalization(axis=[1, 2])
    assert layers.UnitNormalization.from_config(layer.get_config()).axis == [1, 2]
    assert layer(gk.Input((3, 4))).shape == (None, 3, 4)


def test_unit_normalization_refuses_an_axis_out_of_range():
    with pytest.raises(ValueError, match=r"UnitNormalization.*axis=2.*rank 2"):
        layers.UnitNormalization(axis=2)(gk.Input((3,)))
