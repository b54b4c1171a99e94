"""gk.applications.xception: Xception as Keras builds it."""

from __future__ import annotations

import numpy as np
import pytest
from application_argument_checks import (
    check_against_keras_record,
    check_argument_errors,
    check_feature_pooling,
    check_input_tensor,
    check_keras_signature,
    check_weights_file,
)

import graphkeras as gk
from graphkeras.applications import xception


def test_structure_outputs_and_keras_config_match_keras():
    check_against_keras_record("Xception", xception)


def test_signature_and_model_name_are_keras():
    check_keras_signature(xception.Xception, "Xception", "xception", xception)


def test_keras_module_names_and_tf_preprocessing():
    assert gk.applications.Xception is xception.Xception
    x = np.array([[[[0.0, 127.5, 255.0]]]], dtype="float32")
    np.testing.assert_allclose(xception.preprocess_input(x.copy()), [[[[-1.0, 0.0, 1.0]]]])


def test_the_middle_flow_is_eight_residual_blocks_of_separable_convolutions():
    model = xception.Xception(weights=None, include_top=False, input_shape=(71, 71, 3))
    separable = [
        layer.name for layer in model.layers if isinstance(layer, gk.layers.SeparableConv2D)
    ]
    middle = [
        name for name in separable if name.startswith(tuple(f"block{i}_" for i in range(5, 13)))
    ]
    assert len(separable) == 34
    assert len(middle) == 24
    assert model.get_layer("block13_sepconv2").pointwise_kernel.shape == (1, 1, 728, 1024)


def test_built_on_another_models_tensor():
    check_input_tensor(xception.Xception, 71)


def test_features_without_top_and_their_max_pooling():
    check_feature_pooling(xception.Xception, 71, (3, 3, 2048))


def test_argument_errors_are_keras_errors():
    check_argument_errors(xception.Xception, min_size=71, default_size=299)


def test_weights_from_a_saved_weights_file(tmp_path):
    check_weights_file(xception.Xception, 71, tmp_path)


def test_imagenet_weights_name_the_published_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="xception/xception_weights_tf_dim_ordering_tf_ke"):
        xception.Xception(weights="imagenet", include_top=False, input_shape=(71, 71, 3))
