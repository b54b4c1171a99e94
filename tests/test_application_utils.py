"""The shared pieces of gk.applications: preprocessing, decoding, input shapes, local weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

import graphkeras as gk
from graphkeras.applications import imagenet_utils, pretrained_weights


def test_caffe_mode_flips_to_bgr_and_subtracts_the_imagenet_means():
    x = np.array([[[[10.0, 20.0, 30.0]]]], dtype="float32")
    np.testing.assert_allclose(
        imagenet_utils.preprocess_input(x), [[[[-73.939, -96.779, -113.68]]]], rtol=1e-6
    )


def test_tf_and_torch_modes_scale_as_keras():
    x = np.full((1, 1, 1, 3), 255.0)
    np.testing.assert_allclose(imagenet_utils.preprocess_input(x.copy(), mode="tf"), 1.0)
    torch = imagenet_utils.preprocess_input(x.copy(), mode="torch")
    expected = (1.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(torch[0, 0, 0], expected, rtol=1e-6)


def test_channels_first_preprocessing_acts_on_axis_one():
    x = np.arange(12, dtype="float32").reshape(1, 3, 2, 2)
    out = imagenet_utils.preprocess_input(x.copy(), data_format="channels_first")
    np.testing.assert_allclose(out[0, 0], x[0, 2] - 103.939, rtol=1e-6)
    np.testing.assert_allclose(out[0, 2], x[0, 0] - 123.68, rtol=1e-6)


def test_integer_images_are_converted_to_floatx():
    out = imagenet_utils.preprocess_input(np.full((1, 2, 2, 3), 255, dtype="uint8"), mode="tf")
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, 1.0)


def test_preprocess_input_refuses_unknown_mode_and_data_format():
    with pytest.raises(ValueError, match="mode=bgr"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), mode="bgr")
    with pytest.raises(ValueError, match="data_format=nhwc"):
        imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), data_format="nhwc")


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


def _class_index_file(path):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path.write_text(json.dumps(index))
    return path


def test_decode_predictions_reads_the_class_index_from_the_keras_cache_folder(keras_home):
    (keras_home / "models").mkdir()
    _class_index_file(keras_home / "models" / "imagenet_class_index.json")
    preds = np.zeros((2, 1000), dtype="float32")
    preds[0, [3, 7, 9]] = [0.2, 0.5, 0.3]
    preds[1, 999] = 1.0
    decoded = imagenet_utils.decode_predictions(preds, top=2)
    assert [entry[:2] for entry in decoded[0]] == [
        ("n00000007", "class_7"),
        ("n00000009", "class_9"),
    ]
    np.testing.assert_allclose([entry[2] for entry in decoded[0]], [0.5, 0.3])
    assert decoded[1][0][:2] == ("n00000999", "class_999")


def test_decode_predictions_takes_a_given_class_index_path(tmp_path):
    path = _class_index_file(tmp_path / "classes.json")
    preds = np.eye(1000, dtype="float32")[[5]]
    assert (
        imagenet_utils.decode_predictions(preds, top=1, class_index_path=path)[0][0][1] == "class_5"
    )


def test_a_missing_class_index_says_which_file_goes_where(keras_home):
    with pytest.raises(FileNotFoundError) as raised:
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
    message = str(raised.value)
    assert "imagenet_class_index.json" in message
    assert str(keras_home / "models" / "imagenet_class_index.json") in message
    assert "never downloads" in message


def test_decode_predictions_refuses_other_shapes_and_malformed_indexes(tmp_path):
    with pytest.raises(ValueError, match=r"\(samples, 1000\).*\(2, 10\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"0": ["n0", "zero"]}))
    with pytest.raises(ValueError, match="'1'"):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)), class_index_path=bad)


def test_obtain_input_shape_defaults_and_checks():
    shape = imagenet_utils.obtain_input_shape
    assert shape(None, 224, 32, "channels_last", require_flatten=True) == (224, 224, 3)
    assert shape(None, 224, 32, "channels_last", require_flatten=False) == (None, None, 3)
    assert shape(None, 224, 32, "channels_first", require_flatten=False) == (3, None, None)
    assert shape((64, 48, 3), 224, 32, "channels_last", require_flatten=True) == (64, 48, 3)
    with pytest.raises(ValueError, match="at least 32x32"):
        shape((16, 64, 3), 224, 32, "channels_last", require_flatten=False)
    with pytest.raises(ValueError, match="three integers"):
        shape((64, 64), 224, 32, "channels_last", require_flatten=False)
    with pytest.raises(ValueError, match="3 channels"):
        shape((64, 64, 1), 224, 32, "channels_last", False, weights="imagenet")
    with pytest.raises(ValueError, match=r"should be \(224, 224, 3\)"):
        shape((64, 64, 3), 224, 32, "channels_last", True, weights="imagenet")
    with pytest.raises(ValueError, match="static `input_shape`"):
        shape((None, None, 3), 224, 32, "channels_last", require_flatten=True)
    with pytest.warns(UserWarning, match="1 or 3 input channels"):
        shape((64, 64, 5), 224, 32, "channels_last", require_flatten=False)


def test_correct_pad_centres_even_and_odd_sides():
    assert imagenet_utils.correct_pad(gk.Input((32, 33, 3)), 3) == ((0, 1), (1, 1))
    assert imagenet_utils.correct_pad(gk.Input((None, None, 3)), (5, 5)) == ((1, 2), (1, 2))


def test_validate_activation_allows_only_softmax_or_none_with_weights():
    imagenet_utils.validate_activation("relu", None)
    imagenet_utils.validate_activation("softmax", "imagenet")
    imagenet_utils.validate_activation(None, "imagenet")
    with pytest.raises(ValueError, match="classifier_activation=relu"):
        imagenet_utils.validate_activation("relu", "imagenet")


def test_the_weights_argument_is_checked_before_building(tmp_path):
    check = pretrained_weights.check_weights_argument
    check(None, True, 10)
    check("imagenet", False, 10)
    with pytest.raises(ValueError, match="weights=nonexistent.h5"):
        check("nonexistent.h5", True, 1000)
    with pytest.raises(ValueError, match="classes=10"):
        check("imagenet", True, 10)
    existing = tmp_path / "w.h5"
    existing.write_bytes(b"")
    check(str(existing), True, 10)


def test_imagenet_weights_come_from_the_cache_folder_only(keras_home):
    x = gk.Input((3,))
    model = gk.Model(x, gk.layers.Dense(2, name="d")(x), name="tiny")
    with pytest.raises(FileNotFoundError) as raised:
        pretrained_weights.load_application_weights(
            model, "imagenet", "tiny_weights.h5", "https://example.org/tiny_weights.h5"
        )
    assert str(keras_home / "models" / "tiny_weights.h5") in str(raised.value)
    assert "https://example.org/tiny_weights.h5" in str(raised.value)

    source = gk.models.clone_model(model)
    source.set_weights([np.ones((3, 2), "float32"), np.full(2, 0.5, "float32")])
    (keras_home / "models").mkdir()
    source.save_weights(keras_home / "models" / "tiny_weights.weights.h5")
    pretrained_weights.load_application_weights(
        model, "imagenet", "tiny_weights.weights.h5", "https://example.org/x"
    )
    np.testing.assert_allclose(model.predict(np.ones((1, 3)), verbose=0), [[3.5, 3.5]], rtol=1e-6)
