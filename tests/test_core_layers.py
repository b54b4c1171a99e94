"""Tests for the core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute,
RepeatVector, Lambda and Identity.

Values are computed by hand (numpy), shapes are checked symbolically and
eagerly, weights are checked for Keras 3's names, shapes and order, and every
layer round-trips its config.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import activations, layers
from graphkeras import backend as K
from graphkeras.utils import register_serializable, set_random_seed

pytestmark = pytest.mark.usefixtures("backend")


@register_serializable(package="test_core_layers")
def scaled(x, factor=2.0):
    """A registered Lambda function."""
    return K.multiply(x, factor)


@register_serializable(package="test_core_layers")
def first_two_shape(input_shape):
    """A registered Lambda output_shape function."""
    return (input_shape[0], 2)


def unregistered(x):
    return x


class NonZeroMask(layers.Layer):
    """Passes its input through with the mask ``any(x != 0, axis=-1)``."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0.0), axis=-1)


def array(values, dtype="float32"):
    return np.asarray(values, dtype=dtype)


def numpy(value):
    return K.convert_to_numpy(value)


# ---------------------------------------------------------------------- Dense


def test_dense_computes_inputs_times_kernel_plus_bias():
    layer = layers.Dense(2)
    layer.build((None, 3))
    kernel = array([[1, 2], [3, 4], [5, 6]])
    bias = array([0.5, -1])
    layer.set_weights([kernel, bias])
    x = array([[1, 0, -1], [2, 1, 0]])
    np.testing.assert_allclose(numpy(layer(x)), [[-3.5, -5.0], [5.5, 7.0]])


def test_dense_applies_its_activation():
    layer = layers.Dense(2, activation="relu", kernel_initializer="ones")
    x = array([[1, -3], [2, 2]])
    np.testing.assert_allclose(numpy(layer(x)), [[0, 0], [4, 4]])


def test_dense_weights_are_kernel_then_bias_as_in_keras():
    layer = layers.Dense(4)
    layer(gk.Input(shape=(3,)))
    assert [w.name for w in layer.weights] == ["kernel", "bias"]
    assert [tuple(w.shape) for w in layer.weights] == [(3, 4), (4,)]
    assert [w.shape for w in layer.get_weights()] == [(3, 4), (4,)]
    assert layer.count_params() == 16


def test_dense_without_bias_has_only_a_kernel():
    layer = layers.Dense(4, use_bias=False)
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["kernel"]


def test_dense_default_bias_is_zero_and_kernel_glorot_bounded():
    set_random_seed(0)
    layer = layers.Dense(50)
    layer.build((None, 30))
    kernel, bias = layer.get_weights()
    limit = np.sqrt(6 / (30 + 50))
    assert np.all(np.abs(kernel) <= limit)
    assert kernel.std() > limit / 3
    np.testing.assert_array_equal(bias, np.zeros(50))


def test_dense_on_rank_3_input_works_on_the_last_axis():
    layer = layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    x = np.arange(12, dtype="float32").reshape(2, 3, 2)
    np.testing.assert_allclose(numpy(layer(x)), np.repeat(x.sum(-1, keepdims=True) + 1, 2, -1))
    assert layer(gk.Input(shape=(5, 2))).shape == (None, 5, 2)


def test_dense_symbolic_and_eager_shapes_agree():
    layer = layers.Dense(7)
    assert layer(gk.Input(shape=(3,))).shape == (None, 7)
    assert numpy(layer(np.zeros((4, 3), "float32"))).shape == (4, 7)
    assert layer.compute_output_shape((None, 3)) == (None, 7)


def test_dense_input_dim_sets_the_input_shape():
    model = gk.Sequential([layers.Dense(2, input_dim=3)])
    assert model.inputs[0].shape == (None, 3)


@pytest.mark.parametrize("units", [0, -1])
def test_dense_non_positive_units_raise_naming_units(units):
    with pytest.raises(ValueError, match=f"units={units}"):
        layers.Dense(units)


def test_dense_non_integer_units_raise():
    with pytest.raises(ValueError, match="units"):
        layers.Dense(2.5)


def test_dense_unknown_last_dim_raises_naming_the_layer():
    with pytest.raises(ValueError, match="'dense_unknown'"):
        layers.Dense(2, name="dense_unknown")(gk.Input(shape=(None,)))


def test_dense_wrong_input_width_after_build_raises_and_keeps_the_layer():
    layer = layers.Dense(2, kernel_initializer="ones")
    layer(gk.Input(shape=(3,)))
    with pytest.raises(ValueError):
        layer(gk.Input(shape=(4,)))
    assert len(layer.inbound_nodes) == 1
    np.testing.assert_allclose(numpy(layer(np.ones((1, 3), "float32"))), [[3, 3]])


def test_dense_passes_the_mask_on():
    x = gk.Input(shape=(4, 2))
    masked = NonZeroMask()(x)
    assert layers.Dense(3)(masked)._keras_mask is not None
    assert layers.Dense(3).supports_masking


def test_dense_output_mask_values_are_the_input_mask():
    x = gk.Input(shape=(3, 2))
    model = gk.Model(x, layers.Dense(4)(NonZeroMask()(x)))
    data = array([[[1, 0], [0, 0], [0, -2]]])
    np.testing.assert_array_equal(numpy(model.compute_mask(data)), [[True, False, True]])


def test_dense_config_holds_its_arguments():
    config = layers.Dense(3, activation="tanh", use_bias=False, name="d").get_config()
    assert config["units"] == 3
    assert config["activation"] == "tanh"
    assert config["use_bias"] is False
    assert config["name"] == "d"


# ----------------------------------------------------------------- Activation


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("relu", lambda x: np.maximum(x, 0)),
        ("tanh", np.tanh),
        ("sigmoid", lambda x: 1 / (1 + np.exp(-x))),
        ("linear", lambda x: x),
        ("softmax", lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    ],
)
def test_activation_applies_the_named_function(name, function):
    x = array([[-2.0, -0.5, 0.0, 1.5]])
    np.testing.assert_allclose(numpy(layers.Activation(name)(x)), function(x), rtol=1e-6)


def test_activation_accepts_a_function_and_saves_its_name():
    layer = layers.Activation(activations.relu)
    np.testing.assert_allclose(numpy(layer(array([[-1, 2]]))), [[0, 2]])
    assert layer.get_config()["activation"] == "relu"


def test_activation_keeps_the_shape():
    assert layers.Activation("relu")(gk.Input(shape=(3, 4))).shape == (None, 3, 4)


def test_activation_has_no_weights():
    layer = layers.Activation("relu")
    layer(gk.Input(shape=(3,)))
    assert layer.weights == []


def test_activation_unknown_name_raises():
    with pytest.raises(ValueError, match="no_such_activation"):
        layers.Activation("no_such_activation")


# -------------------------------------------------------------------- Dropout


def test_dropout_is_the_identity_in_inference():
    x = np.arange(12, dtype="float32").reshape(3, 4)
    layer = layers.Dropout(0.5)
    np.testing.assert_array_equal(numpy(layer(x)), x)
    np.testing.assert_array_equal(numpy(layer(x, training=False)), x)


def test_dropout_in_a_model_is_the_identity_unless_training():
    x = gk.Input(shape=(100,))
    model = gk.Model(x, layers.Dropout(0.5, seed=1)(x))
    data = np.ones((10, 100), "float32")
    np.testing.assert_array_equal(model(data), data)
    np.testing.assert_array_equal(model.predict(data), data)
    assert (model(data, training=True) == 0).any()


def test_dropout_training_drops_about_rate_and_scales_the_rest():
    data = np.ones((200, 100), "float32")
    output = numpy(layers.Dropout(0.3, seed=4)(data, training=True))
    dropped = np.mean(output == 0)
    assert 0.27 < dropped < 0.33
    np.testing.assert_allclose(np.unique(output), [0.0, 1 / 0.7], rtol=1e-6)


def test_dropout_with_the_same_seed_draws_the_same_mask():
    data = np.ones((20, 30), "float32")
    first = numpy(layers.Dropout(0.5, seed=11)(data, training=True))
    second = numpy(layers.Dropout(0.5, seed=11)(data, training=True))
    np.testing.assert_array_equal(first, second)


def test_dropout_draws_a_new_mask_on_each_call():
    data = np.ones((20, 30), "float32")
    layer = layers.Dropout(0.5, seed=11)
    first = numpy(layer(data, training=True))
    second = numpy(layer(data, training=True))
    assert not np.array_equal(first, second)


def test_set_random_seed_makes_unseeded_dropout_reproducible():
    data = np.ones((20, 30), "float32")
    set_random_seed(3)
    first = numpy(layers.Dropout(0.5)(data, training=True))
    set_random_seed(3)
    second = numpy(layers.Dropout(0.5)(data, training=True))
    np.testing.assert_array_equal(first, second)


def test_dropout_noise_shape_shares_one_draw_along_axes_of_size_one():
    data = np.ones((50, 8), "float32")
    output = numpy(layers.Dropout(0.5, noise_shape=(None, 1), seed=2)(data, training=True))
    assert np.all(output == output[:, :1])
    assert set(np.unique(output)) == {0.0, 2.0}


def test_dropout_rate_zero_keeps_everything_and_rate_one_zeroes_everything():
    data = np.ones((3, 4), "float32")
    np.testing.assert_array_equal(numpy(layers.Dropout(0.0)(data, training=True)), data)
    np.testing.assert_array_equal(numpy(layers.Dropout(1.0)(data, training=True)), 0 * data)


@pytest.mark.parametrize("rate", [1.5, -0.1])
def test_dropout_rate_outside_unit_interval_raises_naming_rate(rate):
    with pytest.raises(ValueError, match=f"rate={rate}"):
        layers.Dropout(rate)


def test_dropout_recorded_training_true_wins_over_inference_call():
    x = gk.Input(shape=(50,))
    model = gk.Model(x, layers.Dropout(0.5, seed=5)(x, training=True))
    output = model(np.ones((4, 50), "float32"))
    assert (output == 0).any()


def test_dropout_passes_the_mask_on():
    masked = NonZeroMask()(gk.Input(shape=(4, 2)))
    assert layers.Dropout(0.5)(masked)._keras_mask is not None


# -------------------------------------------------------------------- Flatten


def test_flatten_keeps_row_major_order():
    x = np.arange(12, dtype="float32").reshape(2, 3, 2)
    np.testing.assert_array_equal(numpy(layers.Flatten()(x)), x.reshape(2, 6))


def test_flatten_channels_first_moves_channels_last_first():
    x = np.arange(12, dtype="float32").reshape(1, 3, 2, 2)
    expected = np.transpose(x, (0, 2, 3, 1)).reshape(1, 12)
    output = numpy(layers.Flatten(data_format="channels_first")(x))
    np.testing.assert_array_equal(output, expected)
    np.testing.assert_array_equal(output[0, :3], [0, 4, 8])


def test_flatten_shapes_symbolic_and_with_unknown_dims():
    assert layers.Flatten()(gk.Input(shape=(2, 3, 4))).shape == (None, 24)
    assert layers.Flatten()(gk.Input(shape=(None, 4))).shape == (None, None)


def test_flatten_drops_the_mask():
    masked = NonZeroMask()(gk.Input(shape=(4, 2)))
    assert layers.Flatten()(masked)._keras_mask is None


# -------------------------------------------------------------------- Reshape


def test_reshape_resolves_minus_one():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    layer = layers.Reshape((-1, 2))
    np.testing.assert_array_equal(numpy(layer(x)), x.reshape(2, 6, 2))
    assert layer(gk.Input(shape=(3, 4))).shape == (None, 6, 2)


def test_reshape_minus_one_with_unknown_dims_is_unknown():
    assert layers.Reshape((-1, 2))(gk.Input(shape=(None, 4))).shape == (None, None, 2)


def test_reshape_two_minus_ones_raise_naming_target_shape():
    with pytest.raises(ValueError, match="target_shape"):
        layers.Reshape((-1, -1))


def test_reshape_of_a_different_size_raises_naming_layer_and_shapes():
    with pytest.raises(ValueError, match=r"reshape_bad.*\(None, 3, 4\).*\(5,\)"):
        layers.Reshape((5,), name="reshape_bad")(gk.Input(shape=(3, 4)))


def test_reshape_config_stores_target_shape():
    assert layers.Reshape((2, -1)).get_config()["target_shape"] == [2, -1]


# -------------------------------------------------------------------- Permute


def test_permute_transposes_the_non_batch_axes():
    x = np.arange(24, dtype="float32").reshape(1, 2, 3, 4)
    layer = layers.Permute((3, 1, 2))
    np.testing.assert_array_equal(numpy(layer(x)), np.transpose(x, (0, 3, 1, 2)))
    assert layer(gk.Input(shape=(2, 3, 4))).shape == (None, 4, 2, 3)


def test_permute_rejects_dims_that_are_not_a_permutation():
    with pytest.raises(ValueError, match="dims"):
        layers.Permute((1, 3))


def test_permute_rejects_input_of_the_wrong_rank():
    with pytest.raises(ValueError, match="ndim=3"):
        layers.Permute((2, 1))(gk.Input(shape=(2, 3, 4)))


# --------------------------------------------------------------- RepeatVector


def test_repeat_vector_repeats_each_sample_n_times():
    x = array([[1, 2], [3, 4]])
    output = numpy(layers.RepeatVector(3)(x))
    np.testing.assert_array_equal(output, [[[1, 2]] * 3, [[3, 4]] * 3])
    assert layers.RepeatVector(3)(gk.Input(shape=(2,))).shape == (None, 3, 2)


def test_repeat_vector_n_zero_raises_naming_n():
    with pytest.raises(ValueError, match="n=0"):
        layers.RepeatVector(0)


def test_repeat_vector_rejects_rank_3_input():
    with pytest.raises(ValueError, match="ndim=2"):
        layers.RepeatVector(2)(gk.Input(shape=(2, 3)))


# --------------------------------------------------------------------- Lambda


def test_lambda_applies_its_function_with_arguments():
    layer = layers.Lambda(scaled, arguments={"factor": 3.0})
    np.testing.assert_allclose(numpy(layer(array([[1, -2]]))), [[3, -6]])


def test_lambda_output_shape_is_probed_when_not_given():
    layer = layers.Lambda(lambda x: K.concatenate([x, x], axis=-1))
    assert layer(gk.Input(shape=(4,))).shape == (None, 8)
    assert layer(gk.Input(shape=(None, 3))).shape == (None, None, 6)


def test_lambda_given_output_shape_is_used_without_probing():
    calls = []

    def first_two(x):
        calls.append(x)
        return x[:, :2]

    layer = layers.Lambda(first_two, output_shape=(2,))
    assert layer(gk.Input(shape=(4,))).shape == (None, 2)
    assert calls == []


def test_lambda_output_shape_function_receives_the_input_shape():
    layer = layers.Lambda(lambda x: x[:, :2], output_shape=lambda shape: (shape[0], 7))
    assert layer(gk.Input(shape=(4,))).shape == (None, 7)


def test_lambda_on_a_list_of_inputs():
    layer = layers.Lambda(lambda pair: K.subtract(pair[0], pair[1]))
    a, b = gk.Input(shape=(3,)), gk.Input(shape=(3,))
    model = gk.Model([a, b], layer([a, b]))
    np.testing.assert_allclose(model([array([[5, 5, 5]]), array([[1, 2, 3]])]), [[4, 3, 2]])


def test_lambda_registered_function_round_trips_by_name():
    layer = layers.Lambda(scaled, output_shape=first_two_shape, arguments={"factor": 0.5})
    config = layer.get_config()
    assert config["function"] == "test_core_layers>scaled"
    assert config["output_shape"] == "test_core_layers>first_two_shape"
    rebuilt = layers.Lambda.from_config(config)
    assert rebuilt.function is scaled
    assert rebuilt.get_config() == config
    np.testing.assert_allclose(numpy(rebuilt(array([[4, 8]]))), [[2, 4]])


def test_lambda_round_trips_inside_a_model():
    x = gk.Input(shape=(2,))
    model = gk.Model(x, layers.Lambda(scaled)(x))
    rebuilt = gk.models.model_from_json(model.to_json())
    np.testing.assert_allclose(rebuilt(array([[1, 2]])), [[2, 4]])


def test_lambda_unregistered_lambda_raises_at_get_config():
    layer = layers.Lambda(lambda x: x, name="anonymous")
    with pytest.raises(ValueError, match="anonymous.*register_serializable"):
        layer.get_config()


def test_lambda_unregistered_function_raises_at_get_config():
    with pytest.raises(ValueError, match="register_serializable"):
        layers.Lambda(unregistered).get_config()


def test_lambda_unknown_function_name_in_config_raises():
    config = layers.Lambda(scaled).get_config()
    config["function"] = "nobody>nothing"
    with pytest.raises(ValueError, match="nobody>nothing"):
        layers.Lambda.from_config(config)


def test_lambda_non_callable_raises_type_error():
    with pytest.raises(TypeError, match="callable"):
        layers.Lambda(3)


def test_lambda_without_mask_drops_the_mask():
    masked = NonZeroMask()(gk.Input(shape=(4, 2)))
    assert layers.Lambda(lambda x: x)(masked)._keras_mask is None


def test_lambda_mask_function_computes_the_output_mask():
    layer = layers.Lambda(lambda x: x, mask=lambda inputs, mask: K.greater(inputs[..., 0], 0.0))
    mask = layer.compute_mask(array([[[1, 0], [-1, 0]]]))
    np.testing.assert_array_equal(numpy(mask), [[True, False]])


# ------------------------------------------------------------------- Identity


def test_identity_returns_its_input():
    x = array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(numpy(layers.Identity()(x)), x)
    assert layers.Identity()(gk.Input(shape=(2, 5))).shape == (None, 2, 5)


def test_identity_passes_the_mask_on():
    masked = NonZeroMask()(gk.Input(shape=(4, 2)))
    assert layers.Identity()(masked)._keras_mask is not None


# ---------------------------------------------------- all layers: shapes, config

SHAPE_CASES = [
    ("dense", lambda: layers.Dense(5), (3,), (5,)),
    ("activation", lambda: layers.Activation("tanh"), (2, 3), (2, 3)),
    ("dropout", lambda: layers.Dropout(0.5), (2, 3), (2, 3)),
    ("flatten", lambda: layers.Flatten(), (2, 3, 4), (24,)),
    ("flatten_channels_first", lambda: layers.Flatten("channels_first"), (2, 3, 4), (24,)),
    ("reshape", lambda: layers.Reshape((4, -1)), (2, 6), (4, 3)),
    ("permute", lambda: layers.Permute((2, 1)), (2, 6), (6, 2)),
    ("repeat_vector", lambda: layers.RepeatVector(4), (3,), (4, 3)),
    ("lambda", lambda: layers.Lambda(scaled), (2, 3), (2, 3)),
    ("identity", lambda: layers.Identity(), (2, 3), (2, 3)),
]


@pytest.mark.parametrize(
    ("make", "input_shape", "output_shape"),
    [case[1:] for case in SHAPE_CASES],
    ids=[case[0] for case in SHAPE_CASES],
)
def test_symbolic_eager_and_computed_output_shapes_agree(make, input_shape, output_shape):
    layer = make()
    assert layer(gk.Input(shape=input_shape)).shape == (None, *output_shape)
    eager = layer(np.ones((2, *input_shape), "float32"))
    assert numpy(eager).shape == (2, *output_shape)
    assert tuple(layer.compute_output_shape((None, *input_shape))) == (None, *output_shape)


CONFIG_CASES = [
    (
        "dense",
        lambda: layers.Dense(
            3,
            activation="relu",
            use_bias=False,
            kernel_initializer="ones",
            kernel_regularizer="l2",
            name="d",
        ),
    ),
    ("dense_input_shape", lambda: layers.Dense(3, input_shape=(4,))),
    ("activation", lambda: layers.Activation("sigmoid", name="a")),
    ("dropout", lambda: layers.Dropout(0.25, noise_shape=(None, 1), seed=3)),
    ("flatten", lambda: layers.Flatten(data_format="channels_first")),
    ("reshape", lambda: layers.Reshape((2, -1))),
    ("permute", lambda: layers.Permute((2, 1, 3))),
    ("repeat_vector", lambda: layers.RepeatVector(5)),
    ("lambda", lambda: layers.Lambda(scaled, output_shape=(3,), arguments={"factor": 4.0})),
    ("identity", lambda: layers.Identity(name="same")),
    ("frozen", lambda: layers.Dense(2, trainable=False)),
]


@pytest.mark.parametrize(
    "make", [case[1] for case in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES]
)
def test_from_config_of_get_config_gives_the_same_config(make):
    layer = make()
    config = layer.get_config()
    rebuilt = type(layer).from_config(config)
    assert type(rebuilt) is type(layer)
    assert rebuilt.get_config() == config


@pytest.mark.parametrize(
    "make", [case[1] for case in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES]
)
def test_serialize_and_deserialize_round_trip(make):
    layer = make()
    rebuilt = layers.deserialize(layers.serialize(layer))
    assert type(rebuilt) is type(layer)
    assert rebuilt.get_config() == layer.get_config()


def test_unknown_constructor_keyword_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="bogus"):
        layers.Dense(2, bogus=1)


def test_core_layers_without_weights_have_none():
    x = gk.Input(shape=(2, 3))
    for layer in [
        layers.Activation("relu"),
        layers.Dropout(0.5),
        layers.Flatten(),
        layers.Reshape((3, 2)),
        layers.Permute((2, 1)),
        layers.Identity(),
    ]:
        layer(x)
        assert layer.weights == []
