"""GaussianNoise, GaussianDropout, SpatialDropout1D/2D/3D, AlphaDropout, ActivityRegularization.

Noise layers act only when training: in inference they return their input
unchanged. Their random draws are checked by their statistics on large
samples and by seeded reproducibility; the deterministic parts (which
entries share a draw, the affine map of alpha dropout, the loss of activity
regularisation) by exact values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

ONES = np.ones((400, 500), "float32")
X = np.random.default_rng(0).normal(size=(3, 4, 5)).astype("float32")

NOISE_LAYERS = [
    lambda: layers.GaussianNoise(0.5, seed=1),
    lambda: layers.GaussianDropout(0.4, seed=1),
    lambda: layers.AlphaDropout(0.3, seed=1),
    lambda: layers.SpatialDropout1D(0.5, seed=1),
]


@pytest.mark.parametrize("make", NOISE_LAYERS)
def test_noise_layers_are_the_identity_in_inference(make):
    layer = make()
    np.testing.assert_array_equal(layer(X), X)
    np.testing.assert_array_equal(layer(X, training=False), X)


@pytest.mark.parametrize("make", NOISE_LAYERS)
def test_noise_layers_change_their_input_when_training(make):
    assert not np.array_equal(make()(X, training=True), X)


@pytest.mark.parametrize("make", NOISE_LAYERS)
def test_seeded_noise_layers_draw_the_same_sequence_in_every_instance(make):
    first, second = make(), make()
    for _ in range(2):
        np.testing.assert_array_equal(first(X, training=True), second(X, training=True))


@pytest.mark.parametrize("make", NOISE_LAYERS)
def test_noise_layers_draw_anew_on_each_call(make):
    layer = make()
    assert not np.array_equal(layer(X, training=True), layer(X, training=True))


def test_unseeded_noise_is_reproducible_with_set_random_seed():
    draws = []
    for _ in range(2):
        gk.utils.set_random_seed(7)
        draws.append(layers.GaussianNoise(0.3)(X, training=True))
    np.testing.assert_array_equal(draws[0], draws[1])


@pytest.mark.parametrize("make", NOISE_LAYERS)
def test_noise_layers_keep_the_shape_and_pass_masks(make):
    inputs = gk.Input((4,), dtype="int32")
    embedded = layers.Embedding(5, 3, mask_zero=True)(inputs)
    outputs = make()(embedded)
    assert outputs.shape == (None, 4, 3)
    assert outputs._keras_mask is embedded._keras_mask


def test_noise_acts_when_a_model_is_called_in_training_mode():
    inputs = gk.Input((5,))
    model = gk.Model(inputs, layers.GaussianNoise(0.5, seed=3)(inputs))
    x = X[:, 0]
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    assert not np.array_equal(model(x, training=True), x)


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: layers.GaussianNoise(0.1, seed=seed),
        lambda seed: layers.GaussianDropout(0.1, seed=seed),
        lambda seed: layers.AlphaDropout(0.1, seed=seed),
        lambda seed: layers.SpatialDropout2D(0.1, seed=seed),
    ],
)
@pytest.mark.parametrize("seed", [-1, 1.5, "seven", True])
def test_noise_layers_refuse_a_seed_that_is_not_a_non_negative_int(make, seed):
    with pytest.raises(ValueError, match=r"seed must be a non-negative int.*received seed="):
        make(seed)


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.GaussianNoise(0.5, seed=4, dtype="float64"),
        lambda: layers.GaussianDropout(0.4, seed=4, dtype="float64"),
        lambda: layers.AlphaDropout(0.3, seed=4, dtype="float64"),
        lambda: layers.SpatialDropout1D(0.5, seed=4, dtype="float64"),
    ],
)
def test_training_gradients_match_finite_differences_for_a_fixed_draw(make):
    # A fresh layer of the same seed per evaluation draws the same noise each time.
    check_layer_gradients(lambda x: make()(x, training=True), [X], [])


# ------------------------------------------------------------ GaussianNoise


def test_gaussian_noise_adds_zero_mean_noise_of_the_given_stddev():
    noise = layers.GaussianNoise(0.5, seed=0)(ONES, training=True) - 1.0
    assert abs(noise.mean()) < 0.005
    assert abs(noise.std() - 0.5) < 0.005


def test_gaussian_noise_gradient_is_the_identity():
    x = X.astype("float64")
    weights = np.random.default_rng(5).normal(size=x.shape)
    with K.GradientTape() as tape:
        tape.watch(x)
        noisy = layers.GaussianNoise(0.5, dtype="float64")(x, training=True)
        total = K.sum(K.multiply(noisy, weights))
    np.testing.assert_array_equal(K.convert_to_numpy(tape.gradient(total, x)), weights)


@pytest.mark.parametrize("stddev", [-0.1, 1.5, "big"])
def test_gaussian_noise_refuses_a_stddev_outside_zero_one(stddev):
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(stddev)


def test_gaussian_noise_config_round_trip():
    config = layers.GaussianNoise(0.2, seed=5).get_config()
    assert layers.GaussianNoise.from_config(config).get_config() == config
    assert (config["stddev"], config["seed"]) == (0.2, 5)


# ---------------------------------------------------------- GaussianDropout


def test_gaussian_dropout_multiplies_by_noise_of_mean_one():
    layer = layers.GaussianDropout(0.2, seed=0)
    factors = layer(ONES, training=True)
    assert abs(factors.mean() - 1.0) < 0.005
    assert abs(factors.std() - math.sqrt(0.2 / 0.8)) < 0.005


def test_gaussian_dropout_gradient_is_the_noise_factor():
    x = np.full((2, 3), 2.0)
    layer = layers.GaussianDropout(0.3, seed=4, dtype="float64")
    with K.GradientTape() as tape:
        tape.watch(x)
        output = layer(x, training=True)
        total = K.sum(output)
    np.testing.assert_allclose(K.convert_to_numpy(tape.gradient(total, x)), output / 2.0)


@pytest.mark.parametrize("rate", [-0.5, 1.0, 2.0])
def test_gaussian_dropout_refuses_a_rate_outside_zero_one(rate):
    with pytest.raises(ValueError, match="rate"):
        layers.GaussianDropout(rate)


def test_gaussian_dropout_config_round_trip():
    config = layers.GaussianDropout(0.25, seed=2).get_config()
    assert layers.GaussianDropout.from_config(config).get_config() == config


# ---------------------------------------------------------- SpatialDropout


def test_spatial_dropout_1d_drops_whole_channels_across_timesteps():
    x = np.ones((8, 6, 10), "float32")
    output = layers.SpatialDropout1D(0.5, seed=0)(x, training=True)
    assert set(np.unique(output)) == {0.0, 2.0}
    np.testing.assert_array_equal(output, np.broadcast_to(output[:, :1, :], output.shape))


def test_spatial_dropout_2d_channels_last_shares_a_draw_over_rows_and_columns():
    x = np.ones((4, 3, 3, 8), "float32")
    output = np.asarray(layers.SpatialDropout2D(0.5, seed=0)(x, training=True))
    np.testing.assert_array_equal(output, np.broadcast_to(output[:, :1, :1, :], output.shape))
    assert 0.0 in output and 2.0 in output


def test_spatial_dropout_2d_channels_first_shares_a_draw_per_channel_map():
    x = np.ones((4, 8, 3, 3), "float32")
    layer = layers.SpatialDropout2D(0.5, data_format="channels_first", seed=0)
    output = np.asarray(layer(x, training=True))
    np.testing.assert_array_equal(output, np.broadcast_to(output[:, :, :1, :1], output.shape))
    assert 0.0 in output and 2.0 in output


def test_spatial_dropout_3d_drops_whole_volumes():
    x = np.ones((4, 2, 2, 2, 6), "float32")
    output = layers.SpatialDropout3D(0.5, seed=0)(x, training=True)
    np.testing.assert_array_equal(output, np.broadcast_to(output[:, :1, :1, :1], output.shape))


def test_spatial_dropout_3d_channels_first_shares_a_draw_per_channel_volume():
    x = np.ones((4, 6, 2, 2, 2), "float32")
    layer = layers.SpatialDropout3D(0.5, data_format="channels_first", seed=0)
    output = np.asarray(layer(x, training=True))
    np.testing.assert_array_equal(output, np.broadcast_to(output[:, :, :1, :1, :1], output.shape))
    assert 0.0 in output and 2.0 in output


def test_spatial_dropout_refuses_inputs_of_another_rank_naming_the_layer():
    with pytest.raises(ValueError, match=r"spatial_dropout2d.*expected ndim=4, found ndim=3"):
        layers.SpatialDropout2D(0.5)(gk.Input((3, 3)))


def test_spatial_dropout_2d_refuses_an_unknown_data_format():
    with pytest.raises(ValueError, match="data_format"):
        layers.SpatialDropout2D(0.5, data_format="channels_middle")


def test_spatial_dropout_refuses_a_rate_above_one():
    with pytest.raises(ValueError, match="rate"):
        layers.SpatialDropout1D(1.5)


def test_spatial_dropout_configs_round_trip():
    config_1d = layers.SpatialDropout1D(0.3, seed=1).get_config()
    config_2d = layers.SpatialDropout2D(0.3, data_format="channels_first").get_config()
    assert layers.SpatialDropout1D.from_config(config_1d).get_config() == config_1d
    assert layers.SpatialDropout2D.from_config(config_2d).data_format == "channels_first"
    assert "noise_shape" not in config_1d


# ------------------------------------------------------------- AlphaDropout

SELU_SATURATION = -1.6732632423543772 * 1.0507009873554805


def alpha_affine(rate: float) -> tuple[float, float]:
    a = ((1 - rate) * (1 + rate * SELU_SATURATION**2)) ** -0.5
    return a, -a * SELU_SATURATION * rate


def test_alpha_dropout_sends_dropped_units_to_the_scaled_saturation_value():
    rate = 0.3
    a, b = alpha_affine(rate)
    # 600 entries, so the dropped fraction of any one seed's draw lies well within the bounds.
    x = np.random.default_rng(0).normal(size=(20, 30)).astype("float32")
    output = layers.AlphaDropout(rate, seed=0)(x, training=True)
    kept = np.isclose(output, a * x + b, rtol=1e-5)
    dropped = np.isclose(output, a * SELU_SATURATION + b, rtol=1e-5)
    assert np.all(kept | dropped)
    assert 0.15 < dropped.mean() < 0.45


def test_alpha_dropout_keeps_zero_mean_and_unit_variance():
    x = np.random.default_rng(1).normal(size=(400, 500)).astype("float32")
    output = layers.AlphaDropout(0.2, seed=0)(x, training=True)
    assert abs(output.mean()) < 0.01
    assert abs(output.std() - 1.0) < 0.01


def test_alpha_dropout_noise_shape_shares_draws_along_its_unit_axes():
    output = layers.AlphaDropout(0.5, noise_shape=(None, 1, 5), seed=0)(X, training=True)
    a, b = alpha_affine(0.5)
    dropped = np.isclose(output, a * SELU_SATURATION + b)
    np.testing.assert_array_equal(dropped, np.broadcast_to(dropped[:, :1, :], dropped.shape))


def test_alpha_dropout_refuses_a_noise_shape_of_another_rank():
    with pytest.raises(ValueError, match=r"noise_shape=\[None, 1\].*\(3, 4, 5\)"):
        layers.AlphaDropout(0.5, noise_shape=(None, 1))(X, training=True)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [({"rate": 1.0}, "rate"), ({"rate": 0.5, "noise_shape": (None, 0)}, "noise_shape")],
)
def test_alpha_dropout_refuses_bad_arguments(arguments, named):
    with pytest.raises(ValueError, match=named):
        layers.AlphaDropout(**arguments)


def test_alpha_dropout_config_round_trip():
    config = layers.AlphaDropout(0.1, noise_shape=(None, 1), seed=3).get_config()
    assert layers.AlphaDropout.from_config(config).get_config() == config
    assert config["noise_shape"] == [None, 1]


# --------------------------------------------------- ActivityRegularization


def test_activity_regularization_returns_its_input_and_adds_a_per_sample_loss():
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    np.testing.assert_array_equal(layer(X), X)
    expected = (0.1 * np.abs(X).sum() + 0.01 * np.square(X).sum()) / 3
    (loss,) = layer.losses
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_activity_regularization_loss_is_differentiable_in_the_inputs():
    x = X.astype("float64")
    layer = layers.ActivityRegularization(l2=0.5, dtype="float64")
    with K.GradientTape() as tape:
        tape.watch(x)
        layer(x)
        (loss,) = layer.losses
    np.testing.assert_allclose(K.convert_to_numpy(tape.gradient(loss, x)), x / 3, rtol=1e-12)


def test_activity_regularization_loss_enters_the_training_loss():
    inputs = gk.Input((5,))
    outputs = layers.ActivityRegularization(l2=1.0)(layers.Dense(1, use_bias=False)(inputs))
    model = gk.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    x, y = X[:, 0], np.zeros((3, 1), "float32")
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    predictions = model.predict(x, verbose=0)
    mse = np.mean(predictions**2)
    np.testing.assert_allclose(logs["loss"], mse + np.sum(predictions**2) / 3, rtol=1e-5)


def test_activity_regularization_config_round_trip():
    config = layers.ActivityRegularization(l1=0.2, l2=0.3).get_config()
    assert layers.ActivityRegularization.from_config(config).get_config() == config
    assert (config["l1"], config["l2"]) == (0.2, 0.3)


def test_activity_regularization_refuses_a_negative_factor():
    with pytest.raises(ValueError, match="l1"):
        layers.ActivityRegularization(l1=-1.0)
