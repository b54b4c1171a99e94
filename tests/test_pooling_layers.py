"""Tests for the pooling layers: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D,
GlobalMaxPooling1D/2D/3D and GlobalAveragePooling1D/2D/3D.

Values are worked out by hand on small arrays (or taken from Keras 3.15.1
where noted), shapes are checked symbolically and eagerly in both data
formats, masks follow Keras 3, configs round-trip, and gradients of a scalar
loss with respect to the inputs match central finite differences.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_test_tools import (
    NonZeroMask,
    check_config_round_trip,
    check_input_gradient,
    check_output_shapes,
    named_cases,
    numpy,
    to_channels_first,
)

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")


def grid(*shape) -> np.ndarray:
    return np.arange(float(np.prod(shape)), dtype="float32").reshape(shape)


# ------------------------------------------------------------------ values


def test_max_pooling2d_takes_the_largest_of_each_2x2_block():
    result = layers.MaxPooling2D()(grid(1, 4, 4, 1))
    np.testing.assert_array_equal(numpy(result)[0, :, :, 0], [[5, 7], [13, 15]])


def test_average_pooling2d_takes_the_mean_of_each_2x2_block():
    result = layers.AveragePooling2D(2)(grid(1, 4, 4, 1))
    np.testing.assert_array_equal(numpy(result)[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


def test_max_pooling1d_same_padding_keeps_the_last_partial_window():
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0], dtype="float32").reshape(1, 5, 1)
    result = layers.MaxPooling1D(pool_size=2, padding="same")(x)
    np.testing.assert_array_equal(numpy(result).ravel(), [3.0, 4.0, 5.0])


def test_average_pooling1d_same_padding_averages_real_entries_only():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32").reshape(1, 5, 1)
    result = layers.AveragePooling1D(2, padding="same")(x)
    np.testing.assert_array_equal(numpy(result).ravel(), [1.5, 3.5, 5.0])


def test_average_pooling2d_same_stride_one_matches_keras():
    result = layers.AveragePooling2D(3, strides=1, padding="same")(grid(1, 4, 4, 1))
    # Keras 3.15.1 (JAX backend) on the same input.
    expected = [
        [2.5, 3.0, 4.0, 4.5],
        [4.5, 5.0, 6.0, 6.5],
        [8.5, 9.0, 10.0, 10.5],
        [10.5, 11.0, 12.0, 12.5],
    ]
    np.testing.assert_array_equal(numpy(result)[0, :, :, 0], expected)


def test_pooling3d_reduces_a_2x2x2_cube():
    x = grid(1, 2, 2, 2, 1)
    assert numpy(layers.MaxPooling3D()(x)).ravel().tolist() == [7.0]
    assert numpy(layers.AveragePooling3D(2)(x)).ravel().tolist() == [3.5]


def test_max_pooling_strides_overlap_windows():
    x = np.array([1.0, 5.0, 2.0, 4.0, 3.0], dtype="float32").reshape(1, 5, 1)
    result = layers.MaxPooling1D(pool_size=3, strides=1)(x)
    np.testing.assert_array_equal(numpy(result).ravel(), [5.0, 5.0, 4.0])


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda f: layers.MaxPooling1D(3, strides=2, padding="same", data_format=f), (2, 7, 3)),
        (lambda f: layers.AveragePooling2D((3, 2), padding="same", data_format=f), (2, 5, 6, 3)),
        (lambda f: layers.MaxPooling2D(2, strides=(1, 2), data_format=f), (2, 5, 6, 3)),
        (lambda f: layers.AveragePooling3D(2, strides=1, data_format=f), (1, 3, 4, 3, 2)),
        (lambda f: layers.GlobalMaxPooling2D(keepdims=True, data_format=f), (2, 3, 4, 2)),
        (lambda f: layers.GlobalAveragePooling3D(data_format=f), (2, 3, 4, 2, 3)),
    ],
    ids=["max1d", "average2d", "max2d", "average3d", "global_max2d", "global_average3d"],
)
def test_channels_first_gives_the_channels_last_result_transposed(make, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    last = numpy(make("channels_last")(x))
    first = numpy(make("channels_first")(to_channels_first(x)))
    expected = to_channels_first(last) if last.ndim > 2 else last
    np.testing.assert_allclose(first, expected, rtol=1e-6)


def test_global_max_and_average_pooling_reduce_every_spatial_position():
    x = grid(2, 2, 3, 2)
    np.testing.assert_array_equal(numpy(layers.GlobalMaxPooling2D()(x)), [[10, 11], [22, 23]])
    np.testing.assert_array_equal(numpy(layers.GlobalAveragePooling2D()(x)), [[5, 6], [17, 18]])
    np.testing.assert_array_equal(numpy(layers.GlobalMaxPooling1D()(grid(1, 3, 2))), [[4, 5]])
    np.testing.assert_array_equal(numpy(layers.GlobalAveragePooling1D()(grid(1, 3, 2))), [[2, 3]])
    np.testing.assert_array_equal(numpy(layers.GlobalMaxPooling3D()(grid(1, 2, 2, 2, 1))), [[7]])


def test_global_pooling_keepdims_keeps_spatial_axes_of_length_one():
    x = grid(2, 2, 3, 2)
    result = numpy(layers.GlobalAveragePooling2D(keepdims=True)(x))
    assert result.shape == (2, 1, 1, 2)
    np.testing.assert_array_equal(result.ravel(), [5, 6, 17, 18])
    first = layers.GlobalMaxPooling1D(keepdims=True, data_format="channels_first")
    assert numpy(first(grid(2, 3, 4))).shape == (2, 3, 1)


def test_pooling_keeps_the_input_float_dtype():
    x = grid(1, 4, 4, 1).astype("float64")
    layer = layers.MaxPooling2D(dtype="float64")
    assert K.dtype(layer(x)) == "float64"
    assert K.dtype(layers.AveragePooling1D(2)(grid(1, 4, 2))) == "float32"


# ------------------------------------------------------------------ shapes

# (id, layer class, constructor arguments, input shape, output shape), batch left out.
SHAPE_CASES = [
    ("max1d_default", "MaxPooling1D", {}, (7, 3), (3, 3)),
    (
        "max1d_same",
        "MaxPooling1D",
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (7, 3),
        (4, 3),
    ),
    ("max2d_default", "MaxPooling2D", {}, (5, 6, 3), (2, 3, 3)),
    (
        "max2d_first",
        "MaxPooling2D",
        {"pool_size": 3, "strides": 2, "padding": "same", "data_format": "channels_first"},
        (3, 7, 5),
        (3, 4, 3),
    ),
    ("max3d_default", "MaxPooling3D", {}, (4, 5, 6, 2), (2, 2, 3, 2)),
    ("average1d", "AveragePooling1D", {"pool_size": 2, "strides": 1}, (5, 2), (4, 2)),
    (
        "average2d_same",
        "AveragePooling2D",
        {"pool_size": (2, 3), "padding": "same"},
        (5, 7, 1),
        (3, 3, 1),
    ),
    (
        "average3d_first",
        "AveragePooling3D",
        {"pool_size": 2, "data_format": "channels_first"},
        (2, 4, 5, 6),
        (2, 2, 2, 3),
    ),
    ("global_max1d", "GlobalMaxPooling1D", {}, (7, 3), (3,)),
    ("global_max2d_keep", "GlobalMaxPooling2D", {"keepdims": True}, (4, 5, 3), (1, 1, 3)),
    (
        "global_max3d_first",
        "GlobalMaxPooling3D",
        {"data_format": "channels_first"},
        (2, 3, 4, 5),
        (2,),
    ),
    (
        "global_average1d_first_keep",
        "GlobalAveragePooling1D",
        {"data_format": "channels_first", "keepdims": True},
        (3, 7),
        (3, 1),
    ),
    ("global_average2d", "GlobalAveragePooling2D", {}, (4, 5, 3), (3,)),
    (
        "global_average3d_keep",
        "GlobalAveragePooling3D",
        {"keepdims": True},
        (2, 3, 4, 5),
        (1, 1, 1, 5),
    ),
]


@pytest.mark.parametrize(
    ("name", "arguments", "input_shape", "output_shape"), named_cases(SHAPE_CASES)
)
def test_symbolic_eager_and_computed_output_shapes_agree(
    name, arguments, input_shape, output_shape
):
    check_output_shapes(getattr(layers, name)(**arguments), input_shape, output_shape)


def test_unknown_spatial_dims_stay_unknown_symbolically():
    x = gk.Input(shape=(None, 6, 3))
    assert layers.MaxPooling2D()(x).shape == (None, None, 3, 3)
    assert layers.GlobalAveragePooling2D()(x).shape == (None, 3)


def test_symbolic_pooling_does_not_run_the_math(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("symbolic call ran the pooling op")

    monkeypatch.setattr(K, "max_pool", fail)
    monkeypatch.setattr(K, "average_pool", fail)
    x = gk.Input(shape=(8, 8, 3))
    assert layers.MaxPooling2D()(x).shape == (None, 4, 4, 3)
    assert layers.AveragePooling2D(2)(x).shape == (None, 4, 4, 3)


def test_pooling_layers_in_a_model_predict_like_direct_calls():
    inputs = gk.Input(shape=(6, 6, 2))
    pooled = layers.MaxPooling2D()(inputs)
    outputs = layers.GlobalAveragePooling2D()(layers.AveragePooling2D(3, 1, "same")(pooled))
    model = gk.Model(inputs, outputs)
    x = np.random.default_rng(1).normal(size=(3, 6, 6, 2)).astype("float32")
    direct = layers.GlobalAveragePooling2D()(
        layers.AveragePooling2D(3, 1, "same")(layers.MaxPooling2D()(x))
    )
    np.testing.assert_allclose(model.predict(x), numpy(direct), rtol=1e-6)


def test_pooling_layers_have_no_weights():
    x = gk.Input(shape=(4, 4, 2))
    for layer in [layers.MaxPooling2D(), layers.AveragePooling2D(2), layers.GlobalMaxPooling2D()]:
        layer(x)
        assert layer.weights == []


def test_keras_short_names_are_the_same_classes():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D


# ------------------------------------------------------------------- masks


def test_windowed_and_global_pooling_drop_the_mask():
    masked = NonZeroMask()(gk.Input(shape=(4, 2)))
    assert masked._keras_mask is not None
    assert layers.MaxPooling1D()(masked)._keras_mask is None
    assert layers.AveragePooling1D(2)(masked)._keras_mask is None
    assert layers.GlobalMaxPooling1D()(masked)._keras_mask is None
    assert layers.GlobalAveragePooling1D()(masked)._keras_mask is None


def test_global_average_pooling1d_averages_unmasked_steps_only():
    x = np.array([[[1.0, 10.0], [3.0, 30.0], [100.0, 100.0]]], dtype="float32")
    mask = np.array([[True, True, False]])
    result = layers.GlobalAveragePooling1D()(x, mask=mask)
    np.testing.assert_array_equal(numpy(result), [[2.0, 20.0]])


def test_global_average_pooling1d_channels_first_mask_covers_the_steps_axis():
    x = np.array([[[1.0, 3.0, 100.0], [10.0, 30.0, 100.0]]], dtype="float32")
    mask = np.array([[True, True, False]])
    layer = layers.GlobalAveragePooling1D(data_format="channels_first", keepdims=True)
    np.testing.assert_array_equal(numpy(layer(x, mask=mask)), [[[2.0], [20.0]]])


def test_global_average_pooling1d_takes_the_mask_of_its_input_in_a_model():
    inputs = gk.Input(shape=(3, 2))
    outputs = layers.GlobalAveragePooling1D()(NonZeroMask()(inputs))
    model = gk.Model(inputs, outputs)
    x = np.array([[[2.0, 4.0], [0.0, 0.0], [4.0, 8.0]]], dtype="float32")
    # The all-zero step is masked out: the mean of the two others.
    np.testing.assert_array_equal(model.predict(x), [[3.0, 6.0]])
    assert outputs._keras_mask is None


# ------------------------------------------------------------------ config

CONFIG_CASES = [
    ("max1d", lambda: layers.MaxPooling1D(3, strides=1, padding="same", name="p")),
    ("max2d", lambda: layers.MaxPooling2D((2, 3), data_format="channels_first")),
    ("max3d", lambda: layers.MaxPooling3D(strides=(1, 2, 1))),
    ("average1d", lambda: layers.AveragePooling1D(4)),
    ("average2d", lambda: layers.AveragePooling2D(2, padding="SAME")),
    ("average3d", lambda: layers.AveragePooling3D((1, 2, 3), data_format="channels_first")),
    ("global_max1d", lambda: layers.GlobalMaxPooling1D(keepdims=True)),
    ("global_max2d", lambda: layers.GlobalMaxPooling2D("channels_first")),
    ("global_max3d", lambda: layers.GlobalMaxPooling3D()),
    ("global_average1d", lambda: layers.GlobalAveragePooling1D(input_shape=(3, 2))),
    ("global_average2d", lambda: layers.GlobalAveragePooling2D(keepdims=True)),
    ("global_average3d", lambda: layers.GlobalAveragePooling3D("channels_first", True)),
]


@pytest.mark.parametrize("make", named_cases(CONFIG_CASES))
def test_serialize_and_deserialize_round_trip(make):
    check_config_round_trip(make())


def test_a_model_of_pooling_layers_survives_json():
    inputs = gk.Input(shape=(6, 6, 2))
    hidden = layers.AveragePooling2D(3, strides=1, padding="same")(inputs)
    hidden = layers.MaxPooling2D(data_format="channels_last")(hidden)
    model = gk.Model(inputs, layers.GlobalMaxPooling2D(keepdims=True)(hidden))
    rebuilt = gk.models.model_from_json(model.to_json())
    x = np.random.default_rng(4).normal(size=(2, 6, 6, 2)).astype("float32")
    np.testing.assert_allclose(rebuilt.predict(x), model.predict(x), rtol=1e-6, atol=1e-7)
    assert [type(layer) for layer in rebuilt.layers] == [type(layer) for layer in model.layers]


def test_pooling_config_holds_keras_keys_and_canonical_values():
    config = layers.MaxPooling2D(3, padding="SAME").get_config()
    assert config["pool_size"] == [3, 3]
    assert config["strides"] == [3, 3]
    assert config["padding"] == "same"
    assert config["data_format"] == "channels_last"
    assert layers.GlobalMaxPooling1D().get_config()["keepdims"] is False


# -------------------------------------------------------------- gradients


def distinct(*shape, seed=0) -> np.ndarray:
    size = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(size).reshape(shape) - size / 2) / 5.0


# (id, layer class, constructor arguments, input shape); every layer computes in float64.
GRADIENT_CASES = [
    ("max1d_same", "MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 2)),
    (
        "max2d_first",
        "MaxPooling2D",
        {"pool_size": 2, "strides": 1, "data_format": "channels_first"},
        (1, 2, 4, 3),
    ),
    ("max3d", "MaxPooling3D", {"pool_size": 2}, (1, 4, 4, 2, 2)),
    ("average1d", "AveragePooling1D", {"pool_size": 2, "strides": 1}, (2, 5, 2)),
    (
        "average2d_same",
        "AveragePooling2D",
        {"pool_size": 3, "strides": 2, "padding": "same"},
        (1, 5, 4, 2),
    ),
    (
        "average3d_first",
        "AveragePooling3D",
        {"pool_size": 2, "padding": "same", "data_format": "channels_first"},
        (1, 2, 3, 3, 2),
    ),
    ("global_max2d", "GlobalMaxPooling2D", {}, (2, 3, 3, 2)),
    (
        "global_max3d_first",
        "GlobalMaxPooling3D",
        {"data_format": "channels_first"},
        (1, 2, 2, 2, 3),
    ),
    ("global_average1d", "GlobalAveragePooling1D", {}, (2, 4, 3)),
    ("global_average2d_keep", "GlobalAveragePooling2D", {"keepdims": True}, (2, 3, 2, 2)),
    ("global_average3d", "GlobalAveragePooling3D", {}, (1, 2, 3, 2, 2)),
]


@pytest.mark.parametrize(("name", "arguments", "shape"), named_cases(GRADIENT_CASES))
def test_input_gradient_matches_finite_differences(name, arguments, shape):
    layer = getattr(layers, name)(**arguments, dtype="float64")
    check_input_gradient(layer, distinct(*shape))


def test_masked_global_average_pooling1d_gradient_skips_masked_steps():
    layer = layers.GlobalAveragePooling1D(dtype="float64")
    x = K.convert_to_tensor(np.random.default_rng(2).normal(size=(2, 3, 2)))
    mask = np.array([[True, False, True], [False, True, True]])
    with K.GradientTape() as tape:
        tape.watch(x)
        target = K.sum(layer(x, mask=mask))
    gradient = numpy(tape.gradient(target, x))
    expected = np.repeat((mask / mask.sum(axis=1, keepdims=True))[..., None], 2, axis=-1)
    np.testing.assert_allclose(gradient, expected)


# ----------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: layers.MaxPooling2D(pool_size=0), "pool_size"),
        (lambda: layers.MaxPooling2D(pool_size=(2, 2, 2)), "pool_size"),
        (lambda: layers.AveragePooling1D(pool_size=-1), "pool_size"),
        (lambda: layers.AveragePooling3D(2.5), "pool_size"),
        (lambda: layers.MaxPooling1D(strides=0), "strides"),
        (lambda: layers.AveragePooling2D(2, strides=(1, 0)), "strides"),
        (lambda: layers.MaxPooling3D(padding="full"), "padding"),
        (lambda: layers.MaxPooling2D(data_format="channels_middle"), "data_format"),
        (lambda: layers.GlobalMaxPooling2D(data_format="NHWC"), "data_format"),
        (lambda: layers.GlobalAveragePooling1D(keepdims="yes"), "keepdims"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_wrong_rank_is_rejected_naming_the_layer_and_both_ranks():
    layer = layers.MaxPooling2D(name="pool")
    with pytest.raises(ValueError, match=r'"pool".*expected ndim=4, found ndim=3'):
        layer(gk.Input(shape=(4, 4)))
    with pytest.raises(ValueError, match=r'"global".*expected ndim=3, found ndim=4'):
        layers.GlobalAveragePooling1D(name="global")(np.zeros((1, 2, 2, 2), "float32"))


def test_input_smaller_than_the_window_is_rejected_naming_the_layer():
    with pytest.raises(ValueError, match=r"MaxPooling2D 'small'.*pool_size=\(3, 3\)"):
        layers.MaxPooling2D(3, name="small")(gk.Input(shape=(2, 5, 1)))
    with pytest.raises(ValueError, match=r"AveragePooling1D 'eager'.*\(1, 2, 1\)"):
        layers.AveragePooling1D(3, name="eager")(np.zeros((1, 2, 1), "float32"))


def test_failed_call_leaves_the_layer_usable():
    layer = layers.MaxPooling2D()
    with pytest.raises(ValueError):
        layer(gk.Input(shape=(4, 4)))
    assert not layer.built
    assert layer(gk.Input(shape=(4, 4, 1))).shape == (None, 2, 2, 1)
