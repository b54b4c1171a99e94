"""gk.applications.nasnet: NASNetMobile (and NASNetLarge) against Keras 3's record and arguments."""

from __future__ import annotations

import functools

import pytest
from application_argument_checks import fresh_builds
from application_checks import (
    assert_same_structure,
    check_application,
    check_keras_config,
    structure,
)
from application_family_checks import (
    check_argument_errors,
    check_decode_predictions,
    check_imagenet_from_cache,
    check_input_tensor,
    check_keras_made_weights,
    check_pooling_and_features,
    check_weights_from_path,
)

import graphkeras as gk
from graphkeras.applications import nasnet

SMALL = (32, 32, 3)
# NASNetMobile's builder and ImageNet file name at a fraction of its 770 layers.
narrow_mobile = functools.partial(
    nasnet.NASNet,
    penultimate_filters=96,
    num_blocks=1,
    stem_block_filters=8,
    skip_reduction=False,
    default_size=224,
)
# Keras 3.15's NASNetLarge(include_top=False, pooling="avg"): its layers and parameters.
NASNET_LARGE_NOTOP_LAYERS = 1040
NASNET_LARGE_NOTOP_PARAMS = 84916818


def test_nasnet_mobile_matches_the_keras_record():
    check_application("NASNetMobile", fresh_builds(nasnet.NASNetMobile), nasnet)


def test_the_keras_config_of_nasnet_mobile_builds_and_gives_keras_outputs():
    check_keras_config("NASNetMobile", nasnet)


def test_public_names_mirror_keras():
    assert gk.applications.NASNetMobile is nasnet.NASNetMobile
    assert gk.applications.NASNetLarge is nasnet.NASNetLarge
    assert nasnet.preprocess_input is not None and nasnet.decode_predictions is not None


def test_nasnet_large_shares_the_builder_with_its_own_configuration():
    model = nasnet.NASNetLarge(weights=None, include_top=False, input_shape=SMALL, pooling="avg")
    assert model.name == "nasnet_large"
    assert model.output.shape == (None, 4032)
    assert model.get_layer("stem_conv1").filters == 96
    # 4032 / 24 filters per branch in the last stack, four times fewer in the first stem cell.
    assert model.get_layer("reduction_conv_1_stem_1").filters == 4032 // 24 // 4
    assert len(model.layers) == NASNET_LARGE_NOTOP_LAYERS
    assert model.count_params() == NASNET_LARGE_NOTOP_PARAMS


def _narrow_nasnet(skip_reduction: bool):
    return nasnet.NASNet(
        SMALL,
        penultimate_filters=96,
        num_blocks=2,
        stem_block_filters=8,
        skip_reduction=skip_reduction,
        include_top=False,
        weights=None,
    )


def _previous_cell_of(model, adjust_layer: str) -> str:
    return model.get_layer(adjust_layer)._inbound_nodes[0].inbound_layers[0].name


def test_after_a_reduction_skip_reduction_reads_what_the_reduction_read():
    # Cells 0 and 1, reduce_2, then cell 3 (the first after the reduction).
    assert _previous_cell_of(_narrow_nasnet(True), "adjust_relu_1_3") == "normal_concat_0"
    assert _previous_cell_of(_narrow_nasnet(False), "adjust_relu_1_3") == "normal_concat_1"


def test_input_tensor_pooling_and_features():
    check_input_tensor(nasnet.NASNetMobile, SMALL)
    check_pooling_and_features(nasnet.NASNetMobile, SMALL, channels=1056)


def test_without_top_the_default_input_is_224():
    model = nasnet.NASNetMobile(weights=None, include_top=False)
    assert model.input.shape == (None, 224, 224, 3)
    assert model.output.shape == (None, 7, 7, 1056)


def test_argument_errors_are_keras_errors():
    check_argument_errors(nasnet.NASNetMobile, too_small=(31, 31, 3))
    with pytest.raises(ValueError, match="must be static"):
        nasnet.NASNetMobile(weights="imagenet", include_top=False, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="multiple of 24"):
        nasnet.NASNet(SMALL, penultimate_filters=100, include_top=False, weights=None)
    with pytest.raises(ValueError, match="only be loaded with NASNetLarge or NASNetMobile"):
        nasnet.NASNet(
            SMALL,
            penultimate_filters=96,
            num_blocks=1,
            default_size=96,
            include_top=False,
            weights="imagenet",
        )


def test_channels_first_is_refused():
    gk.backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="does not support the `channels_first`"):
            nasnet.NASNetMobile(weights=None)
    finally:
        gk.backend.set_image_data_format("channels_last")


def test_weights_from_a_path_and_from_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    check_weights_from_path(narrow_mobile, SMALL, tmp_path)
    check_imagenet_from_cache(narrow_mobile, SMALL, "nasnet_mobile_no_top.h5", tmp_path)


def test_imagenet_with_top_reads_nasnet_mobile_h5(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="'nasnet_mobile.h5'.*NASNet-mobile.h5"):
        nasnet.NASNetMobile()


def test_a_small_nasnet_keeps_keras_structure_across_sizes():
    small = fresh_builds(nasnet.NASNetMobile)(
        weights=None, include_top=False, input_shape=(33, 33, 3), pooling="avg"
    )
    default = fresh_builds(nasnet.NASNetMobile)(weights=None, include_top=False, pooling="avg")
    # Odd and even sides pad differently but hold the same layers and weights.
    assert_same_structure(small, structure(default))


def test_decode_predictions_names_the_top_classes(tmp_path):
    check_decode_predictions(nasnet, tmp_path)


def test_a_keras_made_weights_file_of_a_narrow_nasnet_gives_keras_outputs():
    gk.backend.clear_session()
    model = narrow_mobile(input_shape=SMALL, include_top=False, pooling="avg", weights=None)
    check_keras_made_weights("narrow_nasnet", model)
