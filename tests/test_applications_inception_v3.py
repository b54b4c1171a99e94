"""gk.applications.inception_v3: Inception v3 as Keras builds it."""

from __future__ import annotations

import numpy as np
from application_argument_checks import (
    check_against_keras_record,
    check_argument_errors,
    check_feature_pooling,
    check_imagenet_weights,
    check_input_tensor,
    check_keras_signature,
)

import graphkeras as gk
from graphkeras.applications import inception_v3


def test_structure_outputs_and_keras_config_match_keras():
    check_against_keras_record("InceptionV3", inception_v3)


def test_signature_and_model_name_are_keras():
    check_keras_signature(inception_v3.InceptionV3, "InceptionV3", "inception_v3", inception_v3)


def test_keras_module_names_and_tf_preprocessing():
    assert gk.applications.InceptionV3 is inception_v3.InceptionV3
    x = np.array([[[[0.0, 127.5, 255.0]]]], dtype="float32")
    np.testing.assert_allclose(inception_v3.preprocess_input(x.copy()), [[[[-1.0, 0.0, 1.0]]]])


def test_mixed_modules_concatenate_to_keras_widths():
    model = inception_v3.InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    widths = {f"mixed{i}": model.get_layer(f"mixed{i}").output.shape[-1] for i in range(11)}
    assert widths == {
        "mixed0": 256,
        "mixed1": 288,
        "mixed2": 288,
        **{f"mixed{i}": 768 for i in range(3, 8)},
        "mixed8": 1280,
        "mixed9": 2048,
        "mixed10": 2048,
    }


def test_built_on_another_models_tensor():
    check_input_tensor(inception_v3.InceptionV3, 75)


def test_features_without_top_and_their_max_pooling():
    check_feature_pooling(inception_v3.InceptionV3, 107, (2, 2, 2048))


def test_argument_errors_are_keras_errors():
    check_argument_errors(inception_v3.InceptionV3, min_size=75, default_size=299)


def test_imagenet_weights_come_from_the_keras_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    file_name = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
    check_imagenet_weights(inception_v3.InceptionV3, 75, file_name, tmp_path)
