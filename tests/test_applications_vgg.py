"""gk.applications.vgg16 / vgg19: VGG16 and VGG19 as Keras builds them."""

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
)

import graphkeras as gk
from graphkeras.applications import vgg16, vgg19

APPLICATIONS = {"VGG16": vgg16, "VGG19": vgg19}


@pytest.mark.parametrize("name", APPLICATIONS)
def test_structure_outputs_and_keras_config_match_keras(name):
    check_against_keras_record(name, APPLICATIONS[name])


@pytest.mark.parametrize("name", APPLICATIONS)
def test_signature_and_model_name_are_keras(name):
    module = APPLICATIONS[name]
    check_keras_signature(getattr(module, name), name, name.lower(), module)


def test_keras_module_names_reach_the_builders_and_caffe_preprocessing():
    assert gk.applications.VGG16 is vgg16.VGG16
    assert gk.applications.VGG19 is vgg19.VGG19
    x = np.array([[[[10.0, 20.0, 30.0]]]], dtype="float32")
    for module in (vgg16, vgg19):
        np.testing.assert_allclose(
            module.preprocess_input(x.copy()), [[[[-73.939, -96.779, -113.68]]]], rtol=1e-6
        )


def test_the_top_flattens_into_two_wide_dense_layers():
    model = vgg19.VGG19(weights=None, input_shape=(32, 32, 3), classes=7)
    names = [layer.name for layer in model.layers[-4:]]
    assert names == ["flatten", "fc1", "fc2", "predictions"]
    assert model.get_layer("fc1").kernel.shape == (512, 4096)
    assert tuple(model.output_shape) == (None, 7)
    assert [layer.name for layer in model.layers].count("block5_conv4") == 1


def test_built_on_another_models_tensor():
    check_input_tensor(vgg16.VGG16, 32)


def test_features_without_top_and_their_max_pooling():
    check_feature_pooling(vgg16.VGG16, 64, (2, 2, 512))


def test_argument_errors_are_keras_errors():
    check_argument_errors(vgg16.VGG16, min_size=32, default_size=224)


def test_imagenet_weights_come_from_the_keras_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    file_name = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    check_imagenet_weights(vgg16.VGG16, 32, file_name, tmp_path)
    with pytest.raises(FileNotFoundError, match="vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_"):
        vgg19.VGG19(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
