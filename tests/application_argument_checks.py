"""What a family's application tests check, beside the comparisons with Keras's record.

``check_against_keras_record`` runs ``application_checks.py``'s two
comparisons for one application as Keras's record was made (automatic
names counted from zero). The other functions check what a user does with
the builder's arguments: building on another tensor (``input_tensor``),
global pooling of the features, Keras's errors for bad arguments, and
weights read from a file or from Keras's cache folder
(``weights="imagenet"``). Each takes the builder and a small image side,
so a family's test runs them on cheap models.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
from application_checks import (
    check_application,
    check_keras_config,
    keras_record,
    set_reference_weights,
)
from application_reference_weights import reference_inputs
from keras2_weights_layout import write_keras2_weights

import graphkeras as gk
from graphkeras import backend as K


def fresh_builds(builder):
    """``builder`` run after ``clear_session``, as Keras's record was: automatic names from 0."""

    def build(**arguments):
        K.clear_session()
        return builder(**arguments)

    return build


def output_tolerance(name: str) -> float:
    """Absolute tolerance on the small model's outputs: 1e-5 of their largest magnitude (or 1e-5).

    Deep networks under the reference weights produce logits far from one
    (up to about 2000 for ResNet152), and float32 sums taken in another
    order than XLA's drift from Keras's by about 1e-6 of that scale: for
    ResNet50, compared layer by layer with a run of the Keras model, the
    relative error grows smoothly from 1e-7 after ``conv1_conv`` to 9e-7 at
    ``predictions``, no layer standing out. A fixed 1e-5 would fail on the
    logits that happen to lie near zero.
    """
    outputs = np.asarray(keras_record(name)["small"]["outputs"])
    return 1e-5 * max(1.0, float(np.max(np.abs(outputs))))


def check_against_keras_record(name: str, module) -> None:
    """``module.<name>``'s structures and outputs, and its Keras config's outputs, as Keras's."""
    tolerance = output_tolerance(name)
    check_application(name, fresh_builds(getattr(module, name)), module, atol=tolerance)
    K.clear_session()
    check_keras_config(name, module, atol=tolerance)


def images(size: int, batch: int = 2) -> np.ndarray:
    """A batch of reference images of side ``size``, in the [0, 255) range."""
    return reference_inputs((batch, size, size, 3))


def features_model(builder, size: int, pooling=None):
    """The builder's model without top at ``size``, every weight at its reference value."""
    model = builder(weights=None, include_top=False, input_shape=(size, size, 3), pooling=pooling)
    set_reference_weights(model)
    return model


def check_input_tensor(builder, size: int) -> None:
    """Built on a tensor downstream of another input, the model starts at that input's source.

    Its outputs equal those of the same network built on its own input and
    fed the tensor's values.
    """
    source = gk.Input((size, size, 3), name="raw_pixels")
    scaled = gk.layers.Rescaling(1.0 / 255.0, name="scale_pixels")(source)
    model = builder(weights=None, include_top=False, input_tensor=scaled, pooling="avg")
    assert model.inputs == [source]
    assert [layer.name for layer in model.layers[:2]] == ["raw_pixels", "scale_pixels"]
    alone = builder(weights=None, include_top=False, input_shape=(size, size, 3), pooling="avg")
    alone.set_weights(model.get_weights())
    x = images(size)
    scaled_values = x * np.float32(1.0 / 255.0)  # as Rescaling computes, in float32
    np.testing.assert_allclose(
        model.predict(x, verbose=0), alone.predict(scaled_values, verbose=0), rtol=1e-6, atol=1e-7
    )


def check_feature_pooling(builder, size: int, feature_shape: tuple[int, int, int]) -> None:
    """Without top, the output is the last feature map; ``pooling="max"`` is its spatial maximum."""
    features = builder(weights=None, include_top=False, input_shape=(size, size, 3))
    assert tuple(features.output_shape) == (None, *feature_shape)
    pooled = builder(weights=None, include_top=False, input_shape=(size, size, 3), pooling="max")
    assert tuple(pooled.output_shape) == (None, feature_shape[-1])
    pooled.set_weights(features.get_weights())
    x = images(size)
    maps = features.predict(x, verbose=0)
    assert maps.shape == (2, *feature_shape)
    np.testing.assert_allclose(pooled.predict(x, verbose=0), maps.max(axis=(1, 2)), rtol=1e-6)


def check_argument_errors(builder, min_size: int, default_size: int) -> None:
    """Keras's errors for a bad ``weights``, ImageNet with other classes or shapes, small images."""
    with pytest.raises(ValueError, match="`weights` argument should be either.*imagenet2"):
        builder(weights="imagenet2")
    with pytest.raises(ValueError, match="`weights` argument should be either"):
        builder(weights="no/such/file.weights.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000.*classes=10"):
        builder(weights="imagenet", classes=10)
    expected = rf"should be \({default_size}, {default_size}, 3\).*input_shape=\(64, 64, 3\)"
    with pytest.raises(ValueError, match=expected):
        builder(weights="imagenet", input_shape=(64, 64, 3))
    small = min_size - 1
    with pytest.raises(ValueError, match=f"Input size must be at least {min_size}x{min_size}"):
        builder(weights=None, include_top=False, input_shape=(small, small, 3))
    with pytest.raises(ValueError, match="input must have 3 channels"):
        builder(weights="imagenet", include_top=False, input_shape=(min_size, min_size, 1))
    with pytest.raises(ValueError, match="must be a symbolic tensor"):
        builder(weights=None, include_top=False, input_tensor=images(min_size))


def check_weights_file(builder, size: int, tmp_path: Path) -> None:
    """``weights=path`` loads a ``.weights.h5`` our ``save_weights`` wrote for the architecture."""
    saved = features_model(builder, size)
    path = tmp_path / "features.weights.h5"
    saved.save_weights(path)
    loaded = builder(weights=str(path), include_top=False, input_shape=(size, size, 3))
    for ours, theirs in zip(loaded.get_weights(), saved.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)  # saved, read back: the same bits


def check_imagenet_weights(builder, size: int, file_name: str, keras_home: Path) -> None:
    """``weights="imagenet"`` reads ``file_name`` from ``$KERAS_HOME/models``; absent, an error.

    ``keras_home`` must already be ``$KERAS_HOME``. The file is written in
    the Keras 2 layout of the published files, for the model without top.
    """
    folder = keras_home / "models"
    build = dict(include_top=False, input_shape=(size, size, 3))
    with pytest.raises(FileNotFoundError) as missing:
        builder(weights="imagenet", **build)
    assert f"'{file_name}'" in str(missing.value)
    assert str(folder / file_name) in str(missing.value)
    published = features_model(builder, size)
    folder.mkdir(parents=True, exist_ok=True)
    write_keras2_weights(published, folder / file_name)
    loaded = builder(weights="imagenet", **build)
    for ours, theirs in zip(loaded.get_weights(), published.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)  # saved, read back: the same bits


KERAS_SIGNATURE = [
    ("include_top", True),
    ("weights", "imagenet"),
    ("input_tensor", None),
    ("input_shape", None),
    ("pooling", None),
    ("classes", 1000),
    ("classifier_activation", "softmax"),
]


def check_keras_signature(builder, public_name: str, model_name: str, module) -> None:
    """The builder's name, module, parameters and defaults are those of ``keras.applications``."""
    parameters = inspect.signature(builder).parameters
    expected = [*KERAS_SIGNATURE, ("name", model_name)]
    assert [(key, value.default) for key, value in parameters.items()] == expected
    assert builder.__name__ == public_name
    assert builder.__module__ == module.__name__
    assert getattr(module, public_name) is builder
    assert builder.__doc__.startswith(f"{public_name}: ")
