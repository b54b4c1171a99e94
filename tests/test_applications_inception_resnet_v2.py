"""gk.applications.inception_resnet_v2 against Keras 3's record and Keras's arguments."""

from __future__ import annotations

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
)

import graphkeras as gk
from graphkeras.applications import inception_resnet_v2

SMALL = (75, 75, 3)


def test_inception_resnet_v2_matches_the_keras_record():
    check_application(
        "InceptionResNetV2",
        fresh_builds(inception_resnet_v2.InceptionResNetV2),
        inception_resnet_v2,
    )


def test_the_keras_config_of_inception_resnet_v2_builds_and_gives_keras_outputs():
    check_keras_config("InceptionResNetV2", inception_resnet_v2)


def test_public_names_mirror_keras():
    assert gk.applications.InceptionResNetV2 is inception_resnet_v2.InceptionResNetV2


def test_residual_blocks_scale_their_branch_as_keras():
    model = inception_resnet_v2.InceptionResNetV2(
        weights=None, include_top=False, input_shape=SMALL
    )
    scales = [
        layer.scale for layer in model.layers if isinstance(layer, gk.layers.CustomScaleLayer)
    ]
    assert scales == [0.17] * 10 + [0.1] * 20 + [0.2] * 9 + [1.0]
    # The last block8 ends without its ReLU, before conv_7b.
    last = model.get_layer("conv_7b")._inbound_nodes[0].inbound_layers[0]
    assert isinstance(last, gk.layers.CustomScaleLayer)
    assert model.get_layer("block8_9_ac").activation is gk.activations.relu


def test_conv2d_bn_names_its_batch_norm_and_activation_after_the_convolution():
    x = gk.Input((8, 8, 3))
    y = inception_resnet_v2.conv2d_bn(x, 4, (1, 3), name="probe")
    model = gk.Model(x, y)
    assert [layer.name for layer in model.layers[1:]] == ["probe", "probe_bn", "probe_ac"]
    assert model.get_layer("probe_bn").scale is False
    assert model.get_layer("probe").kernel.shape == (1, 3, 3, 4)


def test_an_unknown_block_type_is_refused():
    with pytest.raises(ValueError, match='Expects "block35", "block17" or "block8"'):
        inception_resnet_v2.inception_resnet_block(gk.Input((8, 8, 32)), 0.1, "block9", 1)


def test_input_tensor_pooling_and_features():
    check_input_tensor(inception_resnet_v2.InceptionResNetV2, SMALL)
    check_pooling_and_features(inception_resnet_v2.InceptionResNetV2, SMALL, channels=1536)


def test_argument_errors_are_keras_errors():
    check_argument_errors(inception_resnet_v2.InceptionResNetV2, too_small=(74, 74, 3))
    with pytest.raises(ValueError, match="`input_shape` should be"):
        inception_resnet_v2.InceptionResNetV2(input_shape=(150, 150, 3))


def test_imagenet_weights_come_from_the_keras_cache(tmp_path, monkeypatch):
    # weights=path is the same load_weights call (checked on the smaller families' models).
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    check_imagenet_from_cache(
        inception_resnet_v2.InceptionResNetV2,
        SMALL,
        "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
        tmp_path,
    )


def test_imagenet_with_top_reads_the_file_keras_publishes(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError) as missing:
        inception_resnet_v2.InceptionResNetV2()
    assert "'inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5'" in str(missing.value)
    assert "keras-applications/inception_resnet_v2/" in str(missing.value)


def test_preprocess_input_scales_to_minus_one_one():
    x = np.array([[[[0.0, 127.5, 255.0]]]], dtype="float32")
    np.testing.assert_allclose(inception_resnet_v2.preprocess_input(x), [[[[-1.0, 0.0, 1.0]]]])


def test_decode_predictions_names_the_top_classes(tmp_path):
    check_decode_predictions(inception_resnet_v2, tmp_path)


def test_a_keras_made_weights_file_of_two_residual_blocks_gives_keras_outputs():
    gk.backend.clear_session()
    inputs = gk.Input((9, 9, 3))
    x = inception_resnet_v2.conv2d_bn(inputs, 24, 3, name="stem")
    x = inception_resnet_v2.inception_resnet_block(x, 0.17, "block35", 1)
    x = inception_resnet_v2.inception_resnet_block(x, 1.0, "block35", 2, activation=None)
    check_keras_made_weights("inception_resnet_blocks", gk.Model(inputs, x, name="blocks"))
