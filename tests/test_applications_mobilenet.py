"""MobileNet, MobileNetV2 and MobileNetV3Small/Large against Keras's record, and their arguments."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from application_checks import check_application, check_keras_config
from application_reference_weights import reference_inputs
from keras2_weights_layout import write_keras2_weights

import graphkeras as gk
from graphkeras.applications import mobilenet, mobilenet_v2, mobilenet_v3

APPLICATIONS = {
    "MobileNet": mobilenet,
    "MobileNetV2": mobilenet_v2,
    "MobileNetV3Small": mobilenet_v3,
    "MobileNetV3Large": mobilenet_v3,
}


def fresh(builder):
    """``builder`` run in a fresh naming session, as each of Keras's recorded models was built."""

    def build(**kwargs):
        gk.backend.clear_session()
        return builder(**kwargs)

    return build


@pytest.mark.parametrize("name", sorted(APPLICATIONS))
def test_structure_and_outputs_equal_keras(name):
    module = APPLICATIONS[name]
    check_application(name, fresh(getattr(module, name)), module)


@pytest.mark.parametrize("name", sorted(APPLICATIONS))
def test_keras_config_of_the_small_model_builds_and_gives_keras_outputs(name):
    check_keras_config(name, APPLICATIONS[name])


def test_public_module_names_are_keras_names():
    assert gk.applications.MobileNet is mobilenet.MobileNet
    assert gk.applications.mobilenet_v2.MobileNetV2 is gk.applications.MobileNetV2
    assert gk.applications.mobilenet_v3.MobileNetV3Large is gk.applications.MobileNetV3Large
    assert gk.applications.MobileNetV3Small is mobilenet_v3.MobileNetV3Small


def test_mobilenet_v1_and_v2_preprocess_to_minus_one_one_and_v3_passes_through():
    images = np.array([[[[0.0, 127.5, 255.0]]]], dtype="float32")
    expected = np.array([[[[-1.0, 0.0, 1.0]]]], dtype="float32")
    np.testing.assert_allclose(mobilenet.preprocess_input(images.copy()), expected, atol=1e-6)
    np.testing.assert_allclose(mobilenet_v2.preprocess_input(images.copy()), expected, atol=1e-6)
    assert mobilenet_v3.preprocess_input(images) is images


def test_v3_rescales_its_inputs_itself_unless_told_not_to():
    with_rescaling = gk.applications.MobileNetV3Small(
        weights=None, input_shape=(32, 32, 3), include_top=False, alpha=0.75
    )
    without = gk.applications.MobileNetV3Small(
        weights=None,
        input_shape=(32, 32, 3),
        include_top=False,
        alpha=0.75,
        include_preprocessing=False,
    )
    assert with_rescaling.layers[1].__class__.__name__ == "Rescaling"
    assert without.layers[1].name == "conv"
    without.set_weights(with_rescaling.get_weights())
    images = reference_inputs((2, 32, 32, 3))
    np.testing.assert_allclose(
        with_rescaling.predict(images, verbose=0),
        without.predict(images / 127.5 - 1.0, verbose=0),
        rtol=1e-4,
        atol=1e-5,
    )


def test_model_names_follow_width_and_side():
    assert mobilenet.MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3)).name == (
        "mobilenet_0.25_128"
    )
    assert mobilenet_v2.MobileNetV2(
        weights=None, alpha=0.35, input_shape=(96, 96, 3), include_top=False
    ).name == ("mobilenetv2_0.35_96")
    assert mobilenet.MobileNet(weights=None, alpha=0.5, name="mine", include_top=False).name == (
        "mine"
    )


def test_v2_takes_its_default_side_from_an_input_tensor():
    image = gk.Input((96, 96, 3))
    model = mobilenet_v2.MobileNetV2(weights=None, alpha=0.35, input_tensor=image)
    assert model.name == "mobilenetv2_0.35_96"
    assert model.inputs[0] is image


def test_a_model_built_on_another_tensor_starts_at_that_tensors_sources():
    image = gk.Input((40, 40, 3), name="pixels")
    scaled = gk.layers.Rescaling(1.0 / 127.5, offset=-1.0, name="to_unit")(image)
    model = mobilenet.MobileNet(weights=None, alpha=0.25, include_top=False, input_tensor=scaled)
    assert model.inputs[0] is image
    assert model.layers[1].name == "to_unit"
    assert model.output.shape == (None, 1, 1, 256)


@pytest.mark.parametrize(
    ("builder", "kwargs", "channels", "last"),
    [
        (mobilenet.MobileNet, {"alpha": 0.25}, 256, "global_max_pooling2d"),
        (mobilenet_v2.MobileNetV2, {"alpha": 0.35}, 1280, "global_max_pooling2d"),
        (mobilenet_v3.MobileNetV3Small, {"minimalistic": True}, 576, "max_pool"),
    ],
)
def test_max_pooling_gives_one_vector_per_image(builder, kwargs, channels, last):
    model = builder(
        weights=None, include_top=False, pooling="max", input_shape=(32, 32, 3), **kwargs
    )
    assert model.output.shape == (None, channels)
    assert model.layers[-1].name == last
    features = gk.Model(model.inputs, model.layers[-2].output).predict(
        reference_inputs((2, 32, 32, 3)), verbose=0
    )
    np.testing.assert_allclose(
        model.predict(reference_inputs((2, 32, 32, 3)), verbose=0),
        features.max(axis=(1, 2)),
        rtol=1e-6,
    )


def test_without_top_or_pooling_the_output_is_the_last_feature_map():
    assert mobilenet.MobileNet(
        weights=None, alpha=0.25, include_top=False, input_shape=(64, 64, 3)
    ).output.shape == (None, 2, 2, 256)
    assert mobilenet_v3.MobileNetV3Large(
        weights=None, include_top=False, input_shape=(64, 64, 3)
    ).output.shape == (None, 2, 2, 960)


@pytest.mark.parametrize(
    "builder",
    [mobilenet.MobileNet, mobilenet_v2.MobileNetV2, mobilenet_v3.MobileNetV3Small],
)
def test_wrong_arguments_raise_keras_errors(builder):
    with pytest.raises(ValueError, match="`weights` argument should be either"):
        builder(weights="not_a_file.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        builder(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="at least 32x32"):
        builder(weights=None, include_top=False, input_shape=(16, 16, 3))


def test_imagenet_weights_exist_only_for_published_widths():
    with pytest.raises(ValueError, match="alpha can be one of"):
        mobilenet.MobileNet(weights="imagenet", alpha=0.3)
    with pytest.raises(ValueError, match="depth multiplier must be 1"):
        mobilenet.MobileNet(weights="imagenet", depth_multiplier=2)
    with pytest.raises(ValueError, match="alpha must be one of"):
        mobilenet_v2.MobileNetV2(weights="imagenet", alpha=0.6)
    with pytest.raises(ValueError, match="alpha can be one of"):
        mobilenet_v3.MobileNetV3Small(weights="imagenet", minimalistic=True, alpha=0.75)


def test_pretrained_top_allows_only_softmax_or_none():
    with pytest.raises(ValueError, match="classifier_activation"):
        mobilenet_v3.MobileNetV3Small(
            weights="imagenet", classifier_activation="relu", input_shape=(224, 224, 3)
        )


def test_weights_path_loads_a_weights_file_of_the_same_architecture(tmp_path):
    kwargs = dict(alpha=0.25, input_shape=(32, 32, 3), classes=10)
    original = mobilenet.MobileNet(weights=None, **kwargs)
    path = tmp_path / "small.weights.h5"
    original.save_weights(path)
    loaded = mobilenet.MobileNet(weights=str(path), **kwargs)
    for ours, theirs in zip(loaded.get_weights(), original.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)  # saved, read back: the same bits


def test_imagenet_weights_are_read_from_the_keras_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    original = mobilenet.MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3))
    write_keras2_weights(original, tmp_path / "models" / "mobilenet_2_5_128_tf.h5")
    gk.backend.clear_session()
    loaded = mobilenet.MobileNet(weights="imagenet", alpha=0.25, input_shape=(128, 128, 3))
    for ours, theirs in zip(loaded.get_weights(), original.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)  # saved, read back: the same bits


@pytest.mark.parametrize(
    ("builder", "kwargs", "file_name"),
    [
        (mobilenet.MobileNet, {"include_top": False}, "mobilenet_1_0_224_tf_no_top.h5"),
        (
            mobilenet_v2.MobileNetV2,
            {"alpha": 0.35, "input_shape": (96, 96, 3)},
            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5",
        ),
        (
            mobilenet_v3.MobileNetV3Large,
            {"minimalistic": True, "include_top": False},
            "weights_mobilenet_v3_large_minimalistic_224_1.0_float_no_top_v2.h5",
        ),
    ],
)
def test_a_missing_imagenet_file_is_named_with_its_folder(
    tmp_path, monkeypatch, builder, kwargs, file_name
):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError) as raised, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the side warning of models without a fixed side
        builder(weights="imagenet", **kwargs)
    message = str(raised.value)
    assert f"'{file_name}'" in message
    assert str(tmp_path / "models") in message
