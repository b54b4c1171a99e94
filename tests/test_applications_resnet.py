"""gk.applications.resnet / resnet50 / resnet_v2: ResNet and ResNetV2 as Keras builds them."""

from __future__ import annotations

import numpy as np
import pytest
from application_argument_checks import (
    check_against_keras_record,
    check_argument_errors,
    check_feature_pooling,
    check_imagenet_weights,
    check_input_tensor,
    check_keras_signature,
    check_weights_file,
)

import graphkeras as gk
from graphkeras.applications import resnet, resnet50, resnet_v2

APPLICATIONS = {
    "ResNet50": resnet,
    "ResNet101": resnet,
    "ResNet152": resnet,
    "ResNet50V2": resnet_v2,
    "ResNet101V2": resnet_v2,
    "ResNet152V2": resnet_v2,
}


@pytest.mark.parametrize("name", APPLICATIONS)
def test_structure_outputs_and_keras_config_match_keras(name):
    check_against_keras_record(name, APPLICATIONS[name])


@pytest.mark.parametrize("name", APPLICATIONS)
def test_signature_and_model_name_are_keras(name):
    module = APPLICATIONS[name]
    check_keras_signature(getattr(module, name), name, name.lower(), module)


def test_keras_module_names_reach_the_same_builders():
    assert resnet50.ResNet50 is resnet.ResNet50 is gk.applications.ResNet50
    assert resnet50.preprocess_input is resnet.preprocess_input
    assert gk.applications.resnet_v2.ResNet101V2 is gk.applications.ResNet101V2
    assert resnet.decode_predictions is gk.applications.imagenet_utils.decode_predictions


def test_resnet_preprocessing_is_caffe_and_resnet_v2_is_tf():
    x = np.array([[[[10.0, 20.0, 30.0]]]], dtype="float32")
    np.testing.assert_allclose(
        resnet.preprocess_input(x.copy()), [[[[-73.939, -96.779, -113.68]]]], rtol=1e-6
    )
    np.testing.assert_allclose(resnet_v2.preprocess_input(x.copy()), x / 127.5 - 1.0, rtol=1e-6)
    channels_first = np.arange(3, dtype="float32").reshape(1, 3, 1, 1)
    out = resnet.preprocess_input(channels_first.copy(), data_format="channels_first")
    np.testing.assert_allclose(out[0, :, 0, 0], [2 - 103.939, 1 - 116.779, 0 - 123.68], rtol=1e-6)


def test_built_on_another_models_tensor():
    check_input_tensor(resnet_v2.ResNet50V2, 32)


def test_features_without_top_and_their_max_pooling():
    check_feature_pooling(resnet.ResNet50, 64, (2, 2, 2048))


def test_argument_errors_are_keras_errors():
    check_argument_errors(resnet.ResNet50, min_size=32, default_size=224)
    with pytest.raises(ValueError, match="Only `None` and `softmax`.*classifier_activation=relu"):
        resnet_v2.ResNet50V2(weights="imagenet", classifier_activation="relu")


def test_weights_from_a_saved_weights_file(tmp_path):
    check_weights_file(resnet.ResNet50, 32, tmp_path)


def test_imagenet_weights_come_from_the_keras_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    file_name = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    check_imagenet_weights(resnet.ResNet50, 32, file_name, tmp_path)


def test_imagenet_weights_with_top_name_the_published_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="resnet50_weights_tf_dim_ordering_tf_kernels.h5"):
        resnet.ResNet50(weights="imagenet")
    with pytest.raises(FileNotFoundError, match="resnet/resnet50v2_weights_tf_dim_ordering_tf"):
        resnet_v2.ResNet50V2(weights="imagenet")
