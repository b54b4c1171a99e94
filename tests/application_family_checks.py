"""Checks of an application's arguments that every family's tests make the same way.

The record comparisons live in ``application_checks.py``; these cover what
Keras's record does not: building on another tensor, the pooling and
notop outputs, Keras's argument errors, and weights read from a path or,
as ``weights="imagenet"``, from Keras's cache folder under the exact file
name Keras fetches. Each takes the builder and a small ``input_shape``
the family accepts, so the models stay small.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from application_checks import set_reference_weights
from application_reference_weights import reference_inputs

import graphkeras as gk


def check_input_tensor(builder, input_shape: tuple) -> None:
    """A model built on a layer's output starts from that layer's input (its source)."""
    source = gk.Input(shape=input_shape)
    rescaling = gk.layers.Rescaling(0.5)  # exact in float32, like images * 0.5
    model = builder(weights=None, include_top=False, input_tensor=rescaling(source), pooling="avg")
    assert [id(tensor) for tensor in model.inputs] == [id(source)]
    assert any(layer is rescaling for layer in model.layers)
    images = reference_inputs((1, *input_shape))
    expected = builder(weights=None, include_top=False, input_shape=input_shape, pooling="avg")
    expected.set_weights(model.get_weights())
    np.testing.assert_allclose(
        model.predict(images, verbose=0), expected.predict(images * 0.5, verbose=0), rtol=1e-6
    )


def check_pooling_and_features(builder, input_shape: tuple, channels: int) -> None:
    """``pooling="max"`` ends in GlobalMaxPooling2D; no pooling leaves the 4-D features."""
    pooled = builder(weights=None, include_top=False, input_shape=input_shape, pooling="max")
    assert pooled.output.shape == (None, channels)
    assert any(isinstance(layer, gk.layers.GlobalMaxPooling2D) for layer in pooled.layers)
    features = builder(weights=None, include_top=False, input_shape=input_shape)
    assert len(features.output.shape) == 4
    assert features.output.shape[-1] == channels
    assert not any(
        isinstance(layer, (gk.layers.GlobalMaxPooling2D, gk.layers.GlobalAveragePooling2D))
        for layer in features.layers
    )


def check_argument_errors(builder, too_small: tuple) -> None:
    """Keras's errors: an unknown ``weights``, ImageNet with other classes, a too-small image."""
    with pytest.raises(ValueError, match="The `weights` argument should be either"):
        builder(weights="no_such_weights_file.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        builder(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match=f"Input size must be at least {too_small[0] + 1}"):
        builder(weights=None, include_top=False, input_shape=too_small)


def check_weights_from_path(builder, input_shape: tuple, folder) -> None:
    """Weights written by ``save_weights`` (a Keras 3 ``.weights.h5``) load as ``weights=path``."""
    kwargs = dict(include_top=False, input_shape=input_shape, pooling="avg")
    original = builder(weights=None, **kwargs)
    set_reference_weights(original)
    saved = folder / "saved.weights.h5"
    original.save_weights(saved)
    loaded = builder(weights=str(saved), **kwargs)
    for ours, theirs in zip(loaded.get_weights(), original.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)  # saved, read back: the same bits


def check_imagenet_from_cache(builder, input_shape: tuple, notop_file: str, keras_home) -> None:
    """``weights="imagenet"`` reads ``notop_file`` from ``$KERAS_HOME/models``, and only there.

    ``keras_home`` is the folder ``KERAS_HOME`` points at; ``notop_file`` the
    name Keras gives the ImageNet file without the top. Before the file is
    there, the model fails naming it and the folder; then a weights file of
    the same architecture put there under that name gives the model its
    weights.
    """
    kwargs = dict(include_top=False, input_shape=input_shape, pooling="avg")
    with pytest.raises(FileNotFoundError) as missing:
        builder(weights="imagenet", **kwargs)
    assert f"'{notop_file}'" in str(missing.value)
    assert str(keras_home / "models") in str(missing.value)

    original = builder(weights=None, **kwargs)
    set_reference_weights(original)
    saved = keras_home / "saved.weights.h5"
    original.save_weights(saved)
    (keras_home / "models").mkdir()
    shutil.move(saved, keras_home / "models" / notop_file)
    from_cache = builder(weights="imagenet", **kwargs)
    images = reference_inputs((1, *input_shape))
    np.testing.assert_allclose(
        from_cache.predict(images, verbose=0), original.predict(images, verbose=0), rtol=1e-6
    )


def check_decode_predictions(module, folder) -> None:
    """The family's ``decode_predictions`` names the top classes from a given class index."""
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path = folder / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    preds = np.zeros((1, 1000), dtype="float32")
    preds[0, [12, 400]] = [0.25, 0.75]
    decoded = module.decode_predictions(preds, top=2, class_index_path=path)
    assert [entry[:2] for entry in decoded[0]] == [
        ("n00000400", "class_400"),
        ("n00000012", "class_12"),
    ]


KERAS_SAMPLES = Path(__file__).parent / "fixtures" / "keras" / "applications"


def check_keras_made_weights(stem: str, model) -> None:
    """A Keras-made ``<stem>.weights.h5`` loads into ``model`` and gives Keras's outputs.

    The files are written by ``scripts/record_keras_application_blocks.py``
    from narrow models built with Keras's own application builders.
    """
    model.load_weights(KERAS_SAMPLES / f"{stem}.weights.h5")
    sample = np.load(KERAS_SAMPLES / f"{stem}.npz")
    np.testing.assert_allclose(
        model.predict(sample["x"], verbose=0), sample["y"], rtol=1e-5, atol=1e-5
    )
