"""EfficientNetB0..B7 and EfficientNetV2 against Keras's record, their preprocessing and weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from application_checks import (
    assert_same_structure,
    check_application,
    check_keras_config,
    keras_record,
)
from application_reference_weights import reference_inputs
from keras2_weights_layout import write_keras2_weights

import graphkeras as gk
from graphkeras.applications import efficientnet, efficientnet_v2

APPLICATIONS = {
    **{f"EfficientNetB{i}": efficientnet for i in range(8)},
    **{f"EfficientNetV2B{i}": efficientnet_v2 for i in range(4)},
    **{f"EfficientNetV2{size}": efficientnet_v2 for size in "SML"},
}
# Built and compared layer by layer only: running them under the reference weights (tens of
# millions of values drawn per model) would cost the suite tens of seconds, and they are made
# of the same blocks as the smaller variants, whose outputs are compared with Keras's.
STRUCTURE_ONLY = ("EfficientNetB5", "EfficientNetB6", "EfficientNetB7")
STRUCTURE_ONLY += ("EfficientNetV2M", "EfficientNetV2L")
RUN = [name for name in APPLICATIONS if name not in STRUCTURE_ONLY]


@pytest.fixture
def cheap_initial_weights(monkeypatch):
    """Zeros for the (truncated) normal initial kernels of these models.

    The checks replace every initial value with the reference weights, and
    drawing B7's 66 million truncated-normal values dominates its build, so
    the structure and output checks skip the draws.
    """

    def zeros(self, shape, dtype=None):
        return np.zeros(tuple(shape), dtype=dtype or "float32")

    monkeypatch.setattr(gk.initializers.VarianceScaling, "__call__", zeros)


def fresh(builder):
    """``builder`` run in a fresh naming session, as each of Keras's recorded models was built."""

    def build(**kwargs):
        gk.backend.clear_session()
        return builder(**kwargs)

    return build


@pytest.mark.usefixtures("cheap_initial_weights")
@pytest.mark.parametrize("name", RUN)
def test_structure_and_outputs_equal_keras(name):
    module = APPLICATIONS[name]
    check_application(name, fresh(getattr(module, name)), module)


@pytest.mark.usefixtures("cheap_initial_weights")
@pytest.mark.parametrize("name", STRUCTURE_ONLY)
def test_structure_of_the_largest_variants_equals_keras(name):
    build = fresh(getattr(APPLICATIONS[name], name))
    record = keras_record(name)
    assert_same_structure(build(weights=None), record["default"])
    assert_same_structure(build(weights=None, include_top=False, pooling="avg"), record["notop"])
    size = record["size"]
    small = build(weights=None, input_shape=(size, size, 3), classifier_activation=None)
    assert_same_structure(small, record["small"]["describe"])


@pytest.mark.usefixtures("cheap_initial_weights")
@pytest.mark.parametrize("name", RUN)
def test_keras_config_of_the_small_model_builds_and_gives_keras_outputs(name):
    check_keras_config(name, APPLICATIONS[name])


def test_public_module_names_are_keras_names():
    assert gk.applications.EfficientNetB3 is efficientnet.EfficientNetB3
    assert gk.applications.efficientnet_v2.EfficientNetV2S is gk.applications.EfficientNetV2S
    assert efficientnet.EfficientNetB7.__name__ == "EfficientNetB7"
    assert efficientnet_v2.EfficientNetV2M.__name__ == "EfficientNetV2M"


def test_preprocess_input_passes_images_through():
    images = reference_inputs((1, 2, 2, 3))
    assert efficientnet.preprocess_input(images) is images
    assert efficientnet_v2.preprocess_input(images) is images


def test_efficientnet_normalization_statistics_are_weights_and_start_neutral():
    model = efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3))
    normalization = model.get_layer("normalization")
    mean, variance, count = normalization.get_weights()
    np.testing.assert_array_equal(mean, np.zeros(3, "float32"))  # initial values, exact
    np.testing.assert_array_equal(variance, np.ones(3, "float32"))
    assert count.shape == ()
    assert normalization.get_config()["mean"] is None


def test_efficientnet_v2_b_variants_normalize_with_fixed_imagenet_statistics():
    model = efficientnet_v2.EfficientNetV2B0(
        weights=None, include_top=False, input_shape=(32, 32, 3)
    )
    normalization = model.get_layer("normalization")
    assert normalization.weights == []
    pixel = np.full((1, 1, 1, 3), 255.0 * 0.5, "float32")
    expected = (0.5 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(
        np.asarray(normalization(model.get_layer("rescaling")(pixel))).ravel(), expected, rtol=1e-5
    )


def test_efficientnet_v2_s_rescales_to_minus_one_one_and_preprocessing_can_be_left_out():
    model = efficientnet_v2.EfficientNetV2S(
        weights=None, include_top=False, input_shape=(32, 32, 3)
    )
    rescaling = model.layers[1]
    assert (rescaling.scale, rescaling.offset) == (1.0 / 128.0, -1)
    assert model.layers[2].name == "stem_conv"
    gk.backend.clear_session()
    bare = efficientnet_v2.EfficientNetV2B0(
        weights=None, include_top=False, input_shape=(32, 32, 3), include_preprocessing=False
    )
    assert bare.layers[1].name == "stem_conv"


def test_drop_connect_drops_whole_residual_branches_per_sample_in_training():
    model = efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3))
    drop = model.get_layer("block2b_drop")
    assert drop.get_config()["noise_shape"] == [None, 1, 1, 1]
    branch = np.ones((1000, 4, 4, 3), "float32")
    dropped = np.asarray(drop(branch, training=True))
    per_sample = dropped.reshape(1000, -1)
    assert np.all(per_sample == per_sample[:, :1])
    np.testing.assert_allclose(np.unique(per_sample), [0.0, 1.0 / (1.0 - drop.rate)], rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(drop(branch, training=False)), branch)  # identity


def test_a_model_built_on_another_tensor_starts_at_that_tensors_sources():
    image = gk.Input((48, 48, 3), name="pixels")
    flipped = gk.layers.RandomFlip(name="flip")(image)
    model = efficientnet_v2.EfficientNetV2B0(
        weights=None, include_top=False, pooling="avg", input_tensor=flipped
    )
    assert model.inputs[0] is image
    assert model.layers[1].name == "flip"
    assert model.output.shape == (None, 1280)


@pytest.mark.parametrize(
    ("builder", "channels"),
    [(efficientnet.EfficientNetB0, 1280), (efficientnet_v2.EfficientNetV2B0, 1280)],
)
def test_max_pooling_and_no_pooling_outputs(builder, channels):
    pooled = builder(weights=None, include_top=False, pooling="max", input_shape=(64, 64, 3))
    assert pooled.output.shape == (None, channels)
    assert pooled.layers[-1].name == "max_pool"
    gk.backend.clear_session()
    features = builder(weights=None, include_top=False, input_shape=(64, 64, 3))
    assert features.output.shape == (None, 2, 2, channels)
    features.set_weights(pooled.get_weights())
    images = reference_inputs((2, 64, 64, 3))
    np.testing.assert_allclose(
        pooled.predict(images, verbose=0),
        features.predict(images, verbose=0).max(axis=(1, 2)),
        rtol=1e-6,
    )


@pytest.mark.parametrize("builder", [efficientnet.EfficientNetB0, efficientnet_v2.EfficientNetV2S])
def test_wrong_arguments_raise_keras_errors(builder):
    with pytest.raises(ValueError, match="`weights` argument should be either"):
        builder(weights="not_a_file.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        builder(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="at least 32x32"):
        builder(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="input_shape` should be"):
        builder(weights="imagenet", input_shape=(64, 64, 3))


def test_weights_path_loads_a_weights_file_of_the_same_architecture(tmp_path):
    kwargs = dict(include_top=False, input_shape=(32, 32, 3))
    original = efficientnet_v2.EfficientNetV2B0(weights=None, **kwargs)
    path = tmp_path / "b0.weights.h5"
    original.save_weights(path)
    gk.backend.clear_session()
    loaded = efficientnet_v2.EfficientNetV2B0(weights=str(path), **kwargs)
    for ours, theirs in zip(loaded.get_weights(), original.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)  # saved, read back: the same bits


def test_imagenet_weights_in_keras2_layout_load_with_the_extra_scaling(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    kwargs = dict(include_top=False, input_shape=(32, 32, 3))
    original = efficientnet.EfficientNetB0(weights=None, **kwargs)
    statistics = [np.array([0.4, 0.45, 0.5], "float32"), np.array([0.05, 0.06, 0.07], "float32")]
    original.get_layer("normalization").set_weights([*statistics, np.array(7, "int32")])
    write_keras2_weights(original, tmp_path / "models" / "efficientnetb0_notop.h5")
    gk.backend.clear_session()

    loaded = efficientnet.EfficientNetB0(weights="imagenet", **kwargs)
    mean, variance, count = loaded.get_layer("normalization").get_weights()
    np.testing.assert_array_equal(mean, statistics[0])
    np.testing.assert_array_equal(variance, statistics[1])
    assert int(count) == 7
    extra = loaded.get_layer("rescaling_1")
    np.testing.assert_allclose(extra.scale, [1.0 / math.sqrt(s) for s in (0.229, 0.224, 0.225)])
    assert len(loaded.layers) == len(original.layers) + 1
    for ours, theirs in zip(loaded.get_weights(), original.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)  # saved, read back: the same bits


@pytest.mark.parametrize(
    ("builder", "kwargs", "file_name"),
    [
        (efficientnet.EfficientNetB0, {}, "efficientnetb0.h5"),
        (efficientnet.EfficientNetB7, {"include_top": False}, "efficientnetb7_notop.h5"),
        (efficientnet_v2.EfficientNetV2S, {"include_top": False}, "efficientnetv2-s_notop.h5"),
    ],
)
def test_a_missing_imagenet_file_is_named_with_its_folder(
    tmp_path, monkeypatch, cheap_initial_weights, builder, kwargs, file_name
):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError) as raised:
        builder(weights="imagenet", **kwargs)
    assert f"'{file_name}'" in str(raised.value)
    assert str(tmp_path / "models") in str(raised.value)
