"""gk.applications.densenet: DenseNet-121, -169 and -201 as Keras builds them."""

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
from graphkeras import backend as K
from graphkeras.applications import densenet

NAMES = ["DenseNet121", "DenseNet169", "DenseNet201"]


@pytest.mark.parametrize("name", NAMES)
def test_structure_outputs_and_keras_config_match_keras(name):
    check_against_keras_record(name, densenet)


@pytest.mark.parametrize("name", NAMES)
def test_signature_and_model_name_are_keras(name):
    check_keras_signature(getattr(densenet, name), name, name.lower(), densenet)


def test_keras_module_names_and_torch_preprocessing():
    assert gk.applications.DenseNet169 is densenet.DenseNet169
    x = np.full((1, 1, 1, 3), 255.0, dtype="float32")
    expected = (1.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(densenet.preprocess_input(x.copy())[0, 0, 0], expected, rtol=1e-6)


def test_channels_first_is_refused_as_keras_does():
    K.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="DenseNet does not support the `channels_first`"):
            densenet.DenseNet121(weights=None)
    finally:
        K.set_image_data_format("channels_last")


def test_transitions_halve_the_accumulated_channels():
    model = densenet.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
    # 64 stem channels + 6 layers x 32 = 256, halved by pool2; 128 + 12 x 32 = 512 -> 256.
    assert model.get_layer("pool2_conv").kernel.shape == (1, 1, 256, 128)
    assert model.get_layer("pool3_conv").kernel.shape == (1, 1, 512, 256)
    assert model.get_layer("conv5_block16_concat").output.shape[-1] == 1024


def test_built_on_another_models_tensor():
    check_input_tensor(densenet.DenseNet121, 32)


def test_features_without_top_and_their_max_pooling():
    check_feature_pooling(densenet.DenseNet121, 64, (2, 2, 1024))


def test_argument_errors_are_keras_errors():
    check_argument_errors(densenet.DenseNet121, min_size=32, default_size=224)


def test_weights_from_a_saved_weights_file(tmp_path):
    check_weights_file(densenet.DenseNet121, 32, tmp_path)


def test_imagenet_weights_come_from_the_keras_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    file_name = "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5"
    check_imagenet_weights(densenet.DenseNet121, 32, file_name, tmp_path)
    with pytest.raises(
        FileNotFoundError, match="densenet201_weights_tf_dim_ordering_tf_kernels.h5"
    ):
        densenet.DenseNet201(weights="imagenet")
