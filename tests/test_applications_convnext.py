"""gk.applications.convnext: ConvNeXtTiny/Small (and Base/Large/XLarge) against Keras 3."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from application_argument_checks import fresh_builds
from application_checks import check_application, check_keras_config
from application_family_checks import (
    check_argument_errors,
    check_decode_predictions,
    check_imagenet_from_cache,
    check_input_tensor,
    check_keras_made_weights,
    check_pooling_and_features,
    check_weights_from_path,
)
from application_reference_weights import reference_inputs

import graphkeras as gk
from graphkeras.applications import convnext

SMALL = (32, 32, 3)
RECORDED = {"ConvNeXtTiny": convnext.ConvNeXtTiny, "ConvNeXtSmall": convnext.ConvNeXtSmall}
# A ConvNeXt of one block per stage, narrow: the builder's code at a fraction of the cost.
narrow_convnext = functools.partial(
    convnext.ConvNeXt, depths=[1, 1, 1, 1], projection_dims=[8, 16, 24, 32], name="narrow"
)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_matches_the_keras_record(name):
    check_application(name, fresh_builds(RECORDED[name]), convnext)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_the_keras_config_builds_and_gives_keras_outputs(name):
    check_keras_config(name, convnext)


def test_public_names_mirror_keras():
    for name in ("Tiny", "Small", "Base", "Large", "XLarge"):
        builder = getattr(convnext, f"ConvNeXt{name}")
        assert getattr(gk.applications, f"ConvNeXt{name}") is builder
        assert builder.__name__ == f"ConvNeXt{name}"


def test_convnext_base_has_keras_parameter_count():
    # Large and XLarge (198M and 350M parameters) share the builder and are not built here.
    model = convnext.ConvNeXtBase(weights=None)
    assert model.name == "convnext_base"
    assert model.count_params() == 88591464


def test_the_model_normalises_its_input_and_preprocess_input_is_the_identity():
    x = reference_inputs((1, 2, 2, 3))
    assert convnext.preprocess_input(x) is x
    model = narrow_convnext(weights=None, include_top=False, input_shape=SMALL)
    normalization = model.get_layer("narrow_prestem_normalization")
    np.testing.assert_allclose(
        normalization(x),
        (x - convnext.IMAGENET_MEAN) / np.sqrt(convnext.IMAGENET_VARIANCE),
        rtol=1e-5,
    )
    without = narrow_convnext(
        weights=None, include_top=False, input_shape=SMALL, include_preprocessing=False
    )
    assert "narrow_prestem_normalization" not in [layer.name for layer in without.layers]
    # Only 3-channel images are normalised.
    grey = narrow_convnext(weights=None, include_top=False, input_shape=(32, 32, 1))
    assert "narrow_prestem_normalization" not in [layer.name for layer in grey.layers]


def test_stochastic_depth_rises_linearly_and_layer_scale_can_be_left_out():
    model = narrow_convnext(weights=None, include_top=False, input_shape=SMALL, drop_path_rate=0.3)
    rates = [
        layer.drop_path_rate
        for layer in model.layers
        if isinstance(layer, gk.layers.StochasticDepth)
    ]
    np.testing.assert_allclose(rates, [0.1, 0.2, 0.3], rtol=1e-12)
    assert model.get_layer("narrow_stage_0_block_0_identity").activation is (gk.activations.linear)
    no_scale = narrow_convnext(
        weights=None, include_top=False, input_shape=SMALL, layer_scale_init_value=None
    )
    assert not any(isinstance(layer, gk.layers.LayerScale) for layer in no_scale.layers)
    scale = model.get_layer("narrow_stage_3_block_0_layer_scale")
    np.testing.assert_allclose(scale.gamma.numpy(), np.full(32, 1e-6, "float32"))


def test_stochastic_depth_drops_branches_only_in_training():
    model = narrow_convnext(
        weights=None,
        include_top=False,
        input_shape=SMALL,
        pooling="avg",
        drop_path_rate=0.9,
        layer_scale_init_value=1.0,  # branches that count: 1e-6 would hide their dropping
    )
    images = reference_inputs((4, *SMALL))
    inference = np.asarray(model(images, training=False))
    np.testing.assert_allclose(np.asarray(model(images, training=False)), inference, rtol=1e-6)
    assert not np.allclose(np.asarray(model(images, training=True)), inference, atol=1e-3)


def test_without_top_the_features_are_layer_normalised():
    model = narrow_convnext(weights=None, include_top=False, input_shape=SMALL, pooling="avg")
    assert isinstance(model.layers[-1], gk.layers.LayerNormalization)
    assert model.layers[-1].epsilon == 1e-6
    assert model.layers[-2].name.startswith("global_average_pooling2d")


def test_input_tensor_pooling_and_features():
    check_input_tensor(narrow_convnext, SMALL)
    check_pooling_and_features(narrow_convnext, SMALL, channels=32)
    check_input_tensor(convnext.ConvNeXtTiny, SMALL)


def test_argument_errors_are_keras_errors():
    check_argument_errors(convnext.ConvNeXtTiny, too_small=(31, 31, 3))


def test_imagenet_weights_need_the_variant_architecture_and_name(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(ValueError, match="does not match convnext_tiny variant"):
        narrow_convnext(
            weights="imagenet", include_top=False, input_shape=SMALL, weights_name="convnext_tiny"
        )
    with pytest.raises(ValueError, match='Model name "my_model" does not match'):
        convnext.ConvNeXtTiny(
            weights="imagenet", include_top=False, input_shape=SMALL, name="my_model"
        )
    with pytest.raises(FileNotFoundError, match="'convnext_small.h5'.*convnext/convnext_small.h5"):
        convnext.ConvNeXtSmall()


def test_channels_first_is_refused():
    gk.backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="does not support the `channels_first`"):
            convnext.ConvNeXtTiny(weights=None)
    finally:
        gk.backend.set_image_data_format("channels_last")


def test_weights_from_a_path(tmp_path):
    check_weights_from_path(narrow_convnext, SMALL, tmp_path)


def test_imagenet_weights_come_from_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    check_imagenet_from_cache(convnext.ConvNeXtTiny, SMALL, "convnext_tiny_notop.h5", tmp_path)


def test_decode_predictions_names_the_top_classes(tmp_path):
    check_decode_predictions(convnext, tmp_path)


def test_a_keras_made_weights_file_of_a_narrow_convnext_gives_keras_outputs():
    model = narrow_convnext(
        weights=None,
        input_shape=SMALL,
        classes=5,
        drop_path_rate=0.2,
        layer_scale_init_value=0.5,
    )
    check_keras_made_weights("narrow_convnext", model)
