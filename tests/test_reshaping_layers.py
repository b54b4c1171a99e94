"""Tests for the spatial reshaping layers: ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
UpSampling1D/2D/3D, and Flatten over every rank and both data formats.

Values are worked out by hand on small arrays (or taken from Keras 3.15.1
where noted), shapes are checked symbolically and eagerly, masks are dropped
as in Keras 3, configs round-trip, and gradients of a scalar loss with
respect to the inputs match central finite differences.
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
    return np.arange(1.0, float(np.prod(shape)) + 1, dtype="float32").reshape(shape)


# ------------------------------------------------------------ zero padding


def test_zero_padding1d_adds_zero_steps_before_and_after():
    result = layers.ZeroPadding1D((1, 2))(grid(1, 2, 1))
    np.testing.assert_array_equal(numpy(result).ravel(), [0, 1, 2, 0, 0])


def test_zero_padding2d_default_surrounds_the_image_with_one_zero():
    result = numpy(layers.ZeroPadding2D()(grid(1, 2, 2, 1)))[0, :, :, 0]
    expected = [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]]
    np.testing.assert_array_equal(result, expected)


def test_zero_padding2d_pairs_pad_each_side_separately():
    result = numpy(layers.ZeroPadding2D(((1, 0), (0, 2)))(grid(1, 2, 2, 1)))[0, :, :, 0]
    expected = [[0, 0, 0, 0], [1, 2, 0, 0], [3, 4, 0, 0]]
    np.testing.assert_array_equal(result, expected)


def test_zero_padding3d_pads_the_three_spatial_axes():
    result = numpy(layers.ZeroPadding3D(((1, 0), (0, 1), (1, 1)))(grid(1, 1, 1, 1, 2)))
    assert result.shape == (1, 2, 2, 3, 2)
    np.testing.assert_array_equal(result[0, 1, 0, 1], [1, 2])
    assert result.sum() == 3


# ---------------------------------------------------------------- cropping


def test_cropping1d_cuts_steps_from_both_ends():
    result = layers.Cropping1D((1, 2))(grid(1, 5, 1))
    np.testing.assert_array_equal(numpy(result).ravel(), [2, 3])


def test_cropping2d_cuts_rows_and_columns():
    result = numpy(layers.Cropping2D(((1, 0), (0, 1)))(grid(1, 3, 3, 1)))[0, :, :, 0]
    np.testing.assert_array_equal(result, [[4, 5], [7, 8]])


def test_cropping2d_default_crops_nothing():
    x = grid(1, 3, 3, 1)
    np.testing.assert_array_equal(numpy(layers.Cropping2D()(x)), x)


def test_cropping3d_default_cuts_one_from_each_side():
    x = grid(1, 3, 4, 3, 1)
    np.testing.assert_array_equal(numpy(layers.Cropping3D()(x)), x[:, 1:2, 1:3, 1:2, :])


# ------------------------------------------------------------- up-sampling


def test_up_sampling1d_repeats_each_step():
    result = layers.UpSampling1D(3)(grid(1, 2, 1))
    np.testing.assert_array_equal(numpy(result).ravel(), [1, 1, 1, 2, 2, 2])


def test_up_sampling2d_nearest_repeats_rows_and_columns():
    result = numpy(layers.UpSampling2D((1, 2))(grid(1, 2, 2, 1)))[0, :, :, 0]
    np.testing.assert_array_equal(result, [[1, 1, 2, 2], [3, 3, 4, 4]])


def test_up_sampling2d_bilinear_matches_keras():
    x = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)
    result = numpy(layers.UpSampling2D(interpolation="bilinear")(x))[0, :, :, 0]
    # Keras 3.15.1 (JAX backend), UpSampling2D(interpolation="bilinear"), rows 0, 1 and 7.
    np.testing.assert_allclose(result[0], [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3])
    np.testing.assert_allclose(result[1], [1, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4])
    np.testing.assert_allclose(result[7], [12, 12.25, 12.75, 13.25, 13.75, 14.25, 14.75, 15])


def test_up_sampling3d_repeats_along_each_axis():
    result = numpy(layers.UpSampling3D((2, 1, 3))(grid(1, 1, 2, 1, 1)))
    assert result.shape == (1, 2, 2, 3, 1)
    np.testing.assert_array_equal(result[0, 1, :, :, 0], [[1, 1, 1], [2, 2, 2]])


# ------------------------------------------------------------ data formats


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda f: layers.ZeroPadding1D((2, 1), data_format=f), (2, 3, 2)),
        (lambda f: layers.ZeroPadding2D(((1, 2), (0, 1)), data_format=f), (2, 3, 2, 2)),
        (lambda f: layers.ZeroPadding3D(1, data_format=f), (1, 2, 2, 3, 2)),
        (lambda f: layers.Cropping2D(((1, 0), (1, 1)), data_format=f), (2, 3, 4, 2)),
        (lambda f: layers.Cropping3D(((0, 1), (1, 0), (1, 1)), data_format=f), (1, 3, 2, 4, 2)),
        (lambda f: layers.UpSampling2D((2, 3), data_format=f), (2, 2, 3, 2)),
        (
            lambda f: layers.UpSampling2D((3, 2), data_format=f, interpolation="bilinear"),
            (2, 3, 4, 2),
        ),
        (lambda f: layers.UpSampling3D((1, 2, 2), data_format=f), (1, 2, 2, 3, 2)),
    ],
    ids=["pad1d", "pad2d", "pad3d", "crop2d", "crop3d", "up2d", "up2d_bilinear", "up3d"],
)
def test_channels_first_gives_the_channels_last_result_transposed(make, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    last = numpy(make("channels_last")(x))
    first = numpy(make("channels_first")(to_channels_first(x)))
    np.testing.assert_allclose(first, to_channels_first(last), rtol=1e-6)


# ------------------------------------------------------------------ Flatten


def test_flatten_of_a_rank_one_input_gives_one_feature():
    result = layers.Flatten()(np.array([1.0, 2.0, 3.0], dtype="float32"))
    np.testing.assert_array_equal(numpy(result), [[1.0], [2.0], [3.0]])
    assert layers.Flatten()(gk.Input(batch_shape=(None,))).shape == (None, 1)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_flatten_of_a_matrix_is_the_identity_in_both_formats(data_format):
    x = grid(2, 3)
    np.testing.assert_array_equal(numpy(layers.Flatten(data_format)(x)), x)


@pytest.mark.parametrize("rank", [3, 4, 5])
def test_flatten_channels_first_orders_features_as_channels_last(rank):
    x = np.random.default_rng(rank).normal(size=(2, 3, 2, 4, 2)[:rank]).astype("float32")
    first = numpy(layers.Flatten("channels_first")(x))
    moved = np.moveaxis(x, 1, -1)
    np.testing.assert_array_equal(first, moved.reshape(2, -1))
    np.testing.assert_array_equal(numpy(layers.Flatten()(moved)), moved.reshape(2, -1))


def test_flatten_rank_five_symbolic_shape_multiplies_every_dim():
    assert layers.Flatten("channels_first")(gk.Input(shape=(3, 2, 4, 5))).shape == (None, 120)
    assert layers.Flatten()(gk.Input(shape=(3, None, 4, 5))).shape == (None, None)


# ------------------------------------------------------------------ shapes

# (id, layer class, constructor arguments, input shape, output shape), batch left out.
SHAPE_CASES = [
    ("pad1d_default", "ZeroPadding1D", {}, (4, 3), (6, 3)),
    (
        "pad1d_first",
        "ZeroPadding1D",
        {"padding": (0, 2), "data_format": "channels_first"},
        (3, 4),
        (3, 6),
    ),
    ("pad2d_default", "ZeroPadding2D", {}, (4, 5, 3), (6, 7, 3)),
    ("pad2d_symmetric", "ZeroPadding2D", {"padding": (2, 1)}, (4, 5, 3), (8, 7, 3)),
    (
        "pad3d_first",
        "ZeroPadding3D",
        {"padding": 1, "data_format": "channels_first"},
        (2, 3, 4, 5),
        (2, 5, 6, 7),
    ),
    ("crop1d_default", "Cropping1D", {}, (5, 2), (3, 2)),
    ("crop2d", "Cropping2D", {"cropping": (1, 2)}, (5, 6, 3), (3, 2, 3)),
    (
        "crop2d_first",
        "Cropping2D",
        {"cropping": ((1, 0), (0, 2)), "data_format": "channels_first"},
        (3, 5, 6),
        (3, 4, 4),
    ),
    ("crop3d_default", "Cropping3D", {}, (4, 5, 6, 2), (2, 3, 4, 2)),
    ("up1d_default", "UpSampling1D", {}, (3, 2), (6, 2)),
    (
        "up2d_first",
        "UpSampling2D",
        {"size": (2, 3), "data_format": "channels_first"},
        (2, 3, 4),
        (2, 6, 12),
    ),
    ("up2d_bilinear", "UpSampling2D", {"interpolation": "bilinear"}, (3, 4, 2), (6, 8, 2)),
    ("up3d_default", "UpSampling3D", {}, (1, 2, 3, 2), (2, 4, 6, 2)),
    ("flatten_first_4d", "Flatten", {"data_format": "channels_first"}, (3, 2, 4), (24,)),
]


@pytest.mark.parametrize(
    ("name", "arguments", "input_shape", "output_shape"), named_cases(SHAPE_CASES)
)
def test_symbolic_eager_and_computed_output_shapes_agree(
    name, arguments, input_shape, output_shape
):
    check_output_shapes(getattr(layers, name)(**arguments), input_shape, output_shape)


def test_unknown_spatial_dims_stay_unknown_symbolically():
    x = gk.Input(shape=(None, 4, 2))
    assert layers.ZeroPadding2D()(x).shape == (None, None, 6, 2)
    assert layers.Cropping2D(1)(x).shape == (None, None, 2, 2)
    assert layers.UpSampling2D()(x).shape == (None, None, 8, 2)


def test_symbolic_calls_do_not_run_the_math(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("symbolic call ran an array op")

    for op in ("pad", "repeat", "resize", "getitem"):
        monkeypatch.setattr(K, op, fail)
    x = gk.Input(shape=(4, 4, 2))
    assert layers.ZeroPadding2D()(x).shape == (None, 6, 6, 2)
    assert layers.Cropping2D(1)(x).shape == (None, 2, 2, 2)
    assert layers.UpSampling2D()(x).shape == (None, 8, 8, 2)
    assert layers.UpSampling2D(interpolation="bilinear")(x).shape == (None, 8, 8, 2)


def test_reshaping_layers_in_a_model_predict_like_direct_calls():
    inputs = gk.Input(shape=(4, 4, 1))
    outputs = layers.Cropping2D(1)(layers.UpSampling2D()(layers.ZeroPadding2D()(inputs)))
    model = gk.Model(inputs, outputs)
    x = grid(2, 4, 4, 1)
    direct = layers.Cropping2D(1)(layers.UpSampling2D()(layers.ZeroPadding2D()(x)))
    np.testing.assert_array_equal(model.predict(x), numpy(direct))
    assert model.output_shape == (None, 10, 10, 1)


# ------------------------------------------------------------------- masks


@pytest.mark.parametrize(
    "layer",
    [layers.ZeroPadding1D(), layers.Cropping1D(), layers.UpSampling1D()],
    ids=["zero_padding1d", "cropping1d", "up_sampling1d"],
)
def test_reshaping_layers_drop_the_mask(layer):
    masked = NonZeroMask()(gk.Input(shape=(4, 2)))
    assert masked._keras_mask is not None
    assert layer(masked)._keras_mask is None


# ------------------------------------------------------------------ config

CONFIG_CASES = [
    ("pad1d", lambda: layers.ZeroPadding1D((1, 3), data_format="channels_first")),
    ("pad2d", lambda: layers.ZeroPadding2D(((1, 2), (3, 4)), name="pad")),
    ("pad3d", lambda: layers.ZeroPadding3D(2)),
    ("crop1d", lambda: layers.Cropping1D(2)),
    ("crop2d", lambda: layers.Cropping2D((1, 2), data_format="channels_first")),
    ("crop3d", lambda: layers.Cropping3D(((0, 1), (2, 0), (1, 1)))),
    ("up1d", lambda: layers.UpSampling1D(4, input_shape=(3, 2))),
    ("up2d", lambda: layers.UpSampling2D((2, 3), interpolation="Bilinear")),
    ("up3d", lambda: layers.UpSampling3D(2, data_format="channels_first")),
]


@pytest.mark.parametrize("make", named_cases(CONFIG_CASES))
def test_serialize_and_deserialize_round_trip(make):
    check_config_round_trip(make())


def test_a_model_of_reshaping_layers_survives_json():
    inputs = gk.Input(shape=(3, 4, 2))
    hidden = layers.ZeroPadding2D(((1, 0), (2, 1)))(inputs)
    hidden = layers.UpSampling2D((2, 1), interpolation="bilinear")(hidden)
    model = gk.Model(inputs, layers.Flatten()(layers.Cropping2D(((1, 2), (0, 3)))(hidden)))
    rebuilt = gk.models.model_from_json(model.to_json())
    x = np.random.default_rng(4).normal(size=(2, 3, 4, 2)).astype("float32")
    np.testing.assert_allclose(rebuilt.predict(x), model.predict(x), rtol=1e-6, atol=1e-7)
    assert model.output_shape == (None, 40)


def test_configs_hold_keras_keys_and_canonical_values():
    assert layers.ZeroPadding2D(2).get_config()["padding"] == [[2, 2], [2, 2]]
    assert layers.ZeroPadding1D().get_config()["padding"] == [1, 1]
    cropping = layers.Cropping1D().get_config()
    assert cropping["cropping"] == [1, 1] and "data_format" not in cropping
    up = layers.UpSampling1D().get_config()
    assert up["size"] == 2 and "data_format" not in up
    assert layers.UpSampling2D(interpolation="BILINEAR").get_config()["interpolation"] == "bilinear"


# -------------------------------------------------------------- gradients


# (id, layer class, constructor arguments, input shape); every layer computes in float64.
GRADIENT_CASES = [
    ("pad1d", "ZeroPadding1D", {"padding": (1, 2)}, (2, 3, 2)),
    (
        "pad2d_first",
        "ZeroPadding2D",
        {"padding": ((1, 0), (2, 1)), "data_format": "channels_first"},
        (1, 2, 2, 3),
    ),
    ("pad3d", "ZeroPadding3D", {"padding": 1}, (1, 2, 1, 2, 2)),
    ("crop1d", "Cropping1D", {"cropping": (1, 0)}, (2, 4, 2)),
    ("crop2d", "Cropping2D", {"cropping": ((1, 1), (0, 2))}, (1, 4, 4, 2)),
    (
        "crop3d_first",
        "Cropping3D",
        {"cropping": 1, "data_format": "channels_first"},
        (1, 2, 3, 3, 4),
    ),
    ("up1d", "UpSampling1D", {"size": 3}, (2, 3, 2)),
    ("up2d_nearest", "UpSampling2D", {"size": (2, 3)}, (1, 2, 3, 2)),
    ("up2d_bilinear", "UpSampling2D", {"size": (3, 2), "interpolation": "bilinear"}, (2, 3, 3, 2)),
    (
        "up2d_bilinear_first",
        "UpSampling2D",
        {"interpolation": "bilinear", "data_format": "channels_first"},
        (1, 2, 3, 2),
    ),
    ("up3d", "UpSampling3D", {"size": (1, 2, 2)}, (1, 2, 2, 1, 2)),
    ("flatten_first", "Flatten", {"data_format": "channels_first"}, (2, 3, 2, 2)),
]


@pytest.mark.parametrize(("name", "arguments", "shape"), named_cases(GRADIENT_CASES))
def test_input_gradient_matches_finite_differences(name, arguments, shape):
    layer = getattr(layers, name)(**arguments, dtype="float64")
    check_input_gradient(layer, np.random.default_rng(3).normal(size=shape))


# ----------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: layers.ZeroPadding1D(-1), "padding"),
        (lambda: layers.ZeroPadding2D((1, 2, 3)), "padding"),
        (lambda: layers.ZeroPadding2D(((1, -1), (0, 0))), "padding"),
        (lambda: layers.ZeroPadding3D("same"), "padding"),
        (lambda: layers.ZeroPadding2D(data_format="NCHW"), "data_format"),
        (lambda: layers.Cropping1D((1, 2, 3)), "cropping"),
        (lambda: layers.Cropping2D(-1), "cropping"),
        (lambda: layers.Cropping3D(((1, 1), (1, 1))), "cropping"),
        (lambda: layers.Cropping2D(data_format="channels"), "data_format"),
        (lambda: layers.UpSampling1D(0), "size"),
        (lambda: layers.UpSampling2D((2, 0)), "size"),
        (lambda: layers.UpSampling3D((2, 2)), "size"),
        (lambda: layers.UpSampling2D(interpolation="bicubic"), "interpolation"),
        (lambda: layers.UpSampling3D(data_format="channels_middle"), "data_format"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_up_sampling1d_size_must_be_an_int():
    with pytest.raises(TypeError, match="size"):
        layers.UpSampling1D(2.0)


def test_wrong_rank_is_rejected_naming_the_layer_and_both_ranks():
    with pytest.raises(ValueError, match=r'"padding".*expected ndim=4, found ndim=3'):
        layers.ZeroPadding2D(name="padding")(gk.Input(shape=(4, 4)))
    with pytest.raises(ValueError, match=r'"up".*expected ndim=5, found ndim=4'):
        layers.UpSampling3D(name="up")(np.zeros((1, 2, 2, 2), "float32"))


def test_cropping_everything_is_rejected_naming_the_layer_and_the_shape():
    with pytest.raises(ValueError, match=r"Cropping2D 'crop'.*\(None, 2, 5, 1\)"):
        layers.Cropping2D(((1, 1), (0, 0)), name="crop")(gk.Input(shape=(2, 5, 1)))
    with pytest.raises(ValueError, match=r"Cropping1D 'eager'.*\(1, 3, 1\)"):
        layers.Cropping1D((2, 1), name="eager")(np.zeros((1, 3, 1), "float32"))
