"""BatchNormalization: weights, training and inference modes, moving statistics, masks.

References are written out with numpy in each test (the formula of the
mode under test); the renormalisation case uses numbers produced by Keras
3.15.1 (JAX backend) for the same input and weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients

import graphkeras as gk
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

X = np.array(
    [[0.5, -1.0, 2.0], [1.5, 0.0, -2.0], [-0.5, 3.0, 1.0], [2.5, 1.0, 0.0]], dtype="float32"
)
GAMMA = np.array([1.0, 2.0, 0.5], "float32")
BETA = np.array([0.0, 0.1, -0.1], "float32")
MOVING_MEAN = np.array([0.2, 0.0, -0.2], "float32")
MOVING_VARIANCE = np.array([1.0, 2.0, 0.5], "float32")


def built_layer(**kwargs) -> layers.BatchNormalization:
    layer = layers.BatchNormalization(**kwargs)
    layer.build((None, 3))
    layer.set_weights([GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE])
    return layer


def normalized(x, mean, variance, epsilon=1e-3):
    return GAMMA * (x - mean) / np.sqrt(variance + epsilon) + BETA


# ---------------------------------------------------------------- weights


def test_weights_are_gamma_beta_moving_mean_moving_variance_in_order():
    layer = layers.BatchNormalization()
    layer.build((None, 5, 4))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.shape for w in layer.weights] == [(4,)] * 4
    assert [w.trainable for w in layer.weights] == [True, True, False, False]


def test_weights_start_at_ones_zeros_zeros_ones():
    layer = layers.BatchNormalization()
    layer.build((None, 2))
    np.testing.assert_array_equal(layer.get_weights(), [[1, 1], [0, 0], [0, 0], [1, 1]])


def test_center_and_scale_false_keep_only_the_moving_statistics():
    layer = layers.BatchNormalization(center=False, scale=False)
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["moving_mean", "moving_variance"]


def test_renorm_adds_moving_stddev_renorm_mean_renorm_stddev_after_them():
    layer = layers.BatchNormalization(renorm=True, moving_variance_initializer="ones")
    layer.build((None, 3))
    assert [w.name for w in layer.weights][4:] == ["moving_stddev", "renorm_mean", "renorm_stddev"]
    assert not any(w.trainable for w in layer.weights[2:])
    np.testing.assert_array_equal(layer.weights[4].numpy(), [1.0, 1.0, 1.0])


def test_weight_shape_follows_the_axis():
    layer = layers.BatchNormalization(axis=1)
    layer.build((None, 3, 8, 8))
    assert layer.weights[0].shape == (3,)


# ------------------------------------------------------------------ modes


def test_inference_normalizes_with_the_moving_statistics():
    output = built_layer()(X)
    np.testing.assert_allclose(output, normalized(X, MOVING_MEAN, MOVING_VARIANCE), rtol=1e-6)


def test_training_normalizes_with_the_batch_statistics():
    output = built_layer()(X, training=True)
    expected = normalized(X, X.mean(axis=0), X.var(axis=0))
    np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-6)


def test_training_folds_batch_statistics_into_the_moving_ones_with_momentum():
    layer = built_layer(momentum=0.75)
    layer(X, training=True)
    np.testing.assert_allclose(
        layer.moving_mean.numpy(), 0.75 * MOVING_MEAN + 0.25 * X.mean(axis=0), rtol=1e-6
    )
    np.testing.assert_allclose(
        layer.moving_variance.numpy(), 0.75 * MOVING_VARIANCE + 0.25 * X.var(axis=0), rtol=1e-6
    )


def test_inference_leaves_the_moving_statistics_unchanged():
    layer = built_layer()
    layer(X)
    layer(X, training=False)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), MOVING_MEAN)
    np.testing.assert_array_equal(layer.moving_variance.numpy(), MOVING_VARIANCE)


def test_frozen_layer_runs_in_inference_mode_even_when_training():
    layer = built_layer()
    layer.trainable = False
    output = layer(X, training=True)
    np.testing.assert_allclose(output, normalized(X, MOVING_MEAN, MOVING_VARIANCE), rtol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), MOVING_MEAN)


def test_axis_1_normalizes_each_channel_of_channels_first_images():
    x = np.random.default_rng(0).normal(size=(4, 2, 3, 3)).astype("float32")
    layer = layers.BatchNormalization(axis=1, epsilon=1e-5)
    output = layer(x, training=True)
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    variance = x.var(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(output, (x - mean) / np.sqrt(variance + 1e-5), atol=1e-5)


def test_renorm_training_matches_keras():
    layer = layers.BatchNormalization(
        renorm=True,
        renorm_clipping={"rmax": 1.5, "rmin": 0.5, "dmax": 0.2},
        momentum=0.5,
        renorm_momentum=0.5,
    )
    layer.build((None, 3))
    renorm_state = [[1.0, 1.5, 0.8], [0.3, 0.5, 0.0], [1.2, 1.0, 2.0]]
    layer.set_weights([GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE, *np.float32(renorm_state)])
    output = layer(X, training=True)
    # Keras 3.15.1 (JAX backend), same inputs and weights.
    keras_output = [
        [-0.21666667, -3.0, 0.4],
        [0.61666667, -1.0, -0.6],
        [-1.05, 5.0, 0.15],
        [1.45, 1.0, -0.1],
    ]
    keras_moving_variance = [1.1209905, 2.2181435, 1.2978681]
    keras_renorm_stddev = [1.1592406, 1.239679, 1.739679]
    np.testing.assert_allclose(output, keras_output, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), keras_moving_variance, rtol=1e-5)
    np.testing.assert_allclose(layer.renorm_stddev.numpy(), keras_renorm_stddev, rtol=1e-5)


# ------------------------------------------------------------ graph usage


def test_symbolic_call_infers_the_shape_without_touching_the_statistics():
    layer = built_layer()
    inputs = gk.Input((3,))
    outputs = layer(inputs, training=True)
    assert outputs.shape == (None, 3)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), MOVING_MEAN)


def test_fit_updates_the_moving_statistics_and_predict_uses_them():
    inputs = gk.Input((3,))
    layer = layers.BatchNormalization(momentum=0.5)
    model = gk.Model(inputs, layers.Dense(1, kernel_initializer="ones")(layer(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.zeros((4, 1)), batch_size=4, epochs=1, verbose=0, shuffle=False)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.5 * X.mean(axis=0), rtol=1e-5)
    predicted = model.predict(X, verbose=0)
    moving = layer.get_weights()
    expected_hidden = moving[0] * (X - moving[2]) / np.sqrt(moving[3] + 1e-3) + moving[1]
    dense_kernel, dense_bias = model.layers[-1].get_weights()
    np.testing.assert_allclose(predicted, expected_hidden @ dense_kernel + dense_bias, rtol=1e-5)


def test_frozen_layer_keeps_its_statistics_during_fit():
    inputs = gk.Input((3,))
    layer = layers.BatchNormalization()
    model = gk.Model(inputs, layers.Dense(1)(layer(inputs)))
    layer.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.zeros((4, 1)), epochs=1, verbose=0)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), [0.0, 0.0, 0.0])


def test_output_shape_of_any_rank_is_the_input_shape():
    layer = layers.BatchNormalization(axis=1)
    assert layer.compute_output_shape((None, 3, 7, 7)) == (None, 3, 7, 7)


# ------------------------------------------------------------------ masks


def test_masked_positions_do_not_enter_the_batch_statistics():
    x = np.random.default_rng(1).normal(size=(2, 3, 2)).astype("float32")
    mask = np.array([[True, False, True], [False, True, True]])
    layer = layers.BatchNormalization(momentum=0.0, center=False, scale=False)
    layer(x, training=True, mask=mask)
    kept = x[mask]
    np.testing.assert_allclose(layer.moving_mean.numpy(), kept.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), kept.var(axis=0), rtol=1e-5)


def test_mask_passes_through_to_the_output():
    inputs = gk.Input((4,), dtype="int32")
    embedded = layers.Embedding(5, 3, mask_zero=True)(inputs)
    outputs = layers.BatchNormalization()(embedded)
    assert outputs._keras_mask is embedded._keras_mask


def test_eager_mask_of_the_wrong_shape_is_refused():
    x = np.zeros((2, 3, 4), "float32")
    with pytest.raises(ValueError, match=r"BatchNormalization.*mask of shape \(2, 4\).*\(2, 3\)"):
        layers.BatchNormalization()(x, training=True, mask=np.ones((2, 4), bool))


def test_symbolic_mask_of_the_wrong_shape_is_refused():
    inputs = gk.Input((3, 4))
    wrong = gk.Input((4,), dtype="bool")
    with pytest.raises(ValueError, match=r"mask of shape \(None, 4\) for inputs of shape"):
        layers.BatchNormalization()(inputs, mask=wrong)


# -------------------------------------------------------------- gradients


def test_training_gradients_flow_through_batch_statistics_to_inputs_and_weights():
    layer = layers.BatchNormalization(dtype="float64")
    x = np.random.default_rng(2).normal(size=(5, 3))
    layer.build(x.shape)
    layer.set_weights([GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE])
    check_layer_gradients(
        lambda inputs: layer(inputs, training=True), [x], [layer.gamma, layer.beta]
    )


def test_inference_gradients_reach_inputs_and_weights():
    layer = layers.BatchNormalization(dtype="float64")
    x = np.random.default_rng(3).normal(size=(4, 3))
    layer.build(x.shape)
    layer.set_weights([GAMMA, BETA, MOVING_MEAN, MOVING_VARIANCE])
    check_layer_gradients(lambda inputs: layer(inputs), [x], [layer.gamma, layer.beta])


def test_masked_training_gradients_match_finite_differences():
    layer = layers.BatchNormalization(dtype="float64")
    x = np.random.default_rng(4).normal(size=(2, 3, 2))
    mask = np.array([[True, False, True], [True, True, False]])
    layer.build(x.shape)
    check_layer_gradients(
        lambda inputs: layer(inputs, training=True, mask=mask), [x], [layer.gamma, layer.beta]
    )


# ----------------------------------------------------------------- config


def test_config_round_trip_keeps_every_argument():
    layer = layers.BatchNormalization(
        axis=1,
        momentum=0.9,
        epsilon=1e-4,
        center=False,
        gamma_regularizer="l2",
        renorm=True,
        renorm_clipping={"rmax": 2.0},
        renorm_momentum=0.8,
    )
    config = layer.get_config()
    clone = layers.BatchNormalization.from_config(config)
    assert clone.get_config() == config
    assert (config["axis"], config["momentum"], config["renorm_clipping"]) == (
        1,
        0.9,
        {"rmax": 2.0},
    )


# ---------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"momentum": 1.5}, "momentum"),
        ({"epsilon": 0.0}, "epsilon"),
        ({"renorm_momentum": -0.1}, "renorm_momentum"),
        ({"synchronized": True}, "synchronized"),
        ({"renorm": True, "renorm_clipping": {"rmix": 1.0}}, "renorm_clipping"),
        ({"renorm": True, "renorm_clipping": {"rmax": 0.5, "rmin": 1.0}}, "rmax"),
    ],
)
def test_bad_arguments_are_refused_naming_them(arguments, named):
    with pytest.raises(ValueError, match=named):
        layers.BatchNormalization(**arguments)


def test_axis_that_is_not_an_int_is_a_type_error():
    with pytest.raises(TypeError, match="axis must be an int"):
        layers.BatchNormalization(axis="channels")


def test_axis_out_of_range_is_refused_naming_the_layer_and_shape():
    with pytest.raises(ValueError, match=r"BatchNormalization 'bn'.*axis=3.*\(None, 4\)"):
        layers.BatchNormalization(axis=3, name="bn")(gk.Input((4,)))


def test_unknown_feature_size_is_refused():
    with pytest.raises(ValueError, match=r"needs known sizes on axes \[2\]"):
        layers.BatchNormalization()(gk.Input((3, None)))


def test_input_with_another_feature_count_is_refused_after_building():
    layer = layers.BatchNormalization(name="bn")
    layer(gk.Input((3,)))
    with pytest.raises(ValueError, match=r"bn.*expected axis -1 of input shape to have value 3"):
        layer(gk.Input((5,)))
