"""Pipeline: layers applied in sequence, in a model or on data, with Keras 3's config and files.

``tests/data/keras_pipeline.keras`` and ``.h5`` were written by Keras 3
(``scripts/record_keras_convlstm_values.py``): Dense, Dropout and Dense in a
Pipeline, then a Dense head.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from keras_recorded_models import assert_round_trips, load_keras_made

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers


def test_applies_its_layers_in_order_on_data():
    pipeline = layers.Pipeline([layers.Rescaling(2.0), layers.Rescaling(1.0, offset=-1.0)])
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(pipeline(x), 2.0 * x - 1.0, rtol=0, atol=0)
    assert pipeline.layers[0].scale == 2.0


def test_training_defaults_to_true_on_data_as_keras():
    pipeline = layers.Pipeline([layers.Dropout(0.5, seed=1)])
    x = np.ones((8, 16), dtype="float32")
    assert np.any(np.asarray(pipeline(x)) == 0.0)
    np.testing.assert_array_equal(pipeline(x, training=False), x)


def test_in_a_model_it_follows_the_models_training_flag():
    x = gk.Input((16,))
    model = gk.Model(x, layers.Pipeline([layers.Dropout(0.5, seed=1)])(x))
    data = np.ones((4, 16), dtype="float32")
    np.testing.assert_array_equal(model.predict(data, verbose=0), data)
    assert np.any(np.asarray(model(data, training=True)) == 0.0)


class _MaskReader(layers.Layer):
    """Records the mask its call receives."""

    received = None

    def call(self, inputs, mask=None):
        _MaskReader.received = None if mask is None else K.convert_to_numpy(mask)
        return inputs


def test_passes_each_layers_output_mask_to_the_next():
    x = np.array([[[1.0], [0.0], [2.0]]], dtype="float32")
    layers.Pipeline([layers.Masking(0.0), _MaskReader()])(x)
    np.testing.assert_array_equal(_MaskReader.received, [[True, False, True]])


def test_config_is_kerass_and_round_trips():
    pipeline = layers.Pipeline([layers.Dense(3), layers.Dropout(0.2)], name="prep")
    config = pipeline.get_config()
    assert list(config) == ["layers", "name"]
    assert [entry["class_name"] for entry in config["layers"]] == ["Dense", "Dropout"]
    rebuilt = layers.deserialize(layers.serialize(pipeline))
    assert isinstance(rebuilt, layers.Pipeline)
    assert rebuilt.get_config() == config


def test_bad_layers_raise():
    with pytest.raises(ValueError, match="list of layers"):
        layers.Pipeline([layers.Dense(2), "relu"])
    with pytest.raises(ValueError, match="'layers'"):
        layers.Pipeline.from_config({"name": "p"})


h5py = pytest.importorskip("h5py")


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_a_keras_made_model_with_a_pipeline_loads_with_kerass_outputs(extension):
    model = load_keras_made("keras_pipeline", extension)
    pipeline = model.get_layer("pipeline")
    assert [type(layer).__name__ for layer in pipeline.layers] == ["Dense", "Dropout", "Dense"]
    assert len(pipeline.weights) == 4


def test_a_pipeline_model_round_trips_through_gk_and_keras_files(tmp_path):
    model = load_keras_made("keras_pipeline", ".keras")
    assert_round_trips(model, tmp_path, "keras_pipeline")


def test_the_keras_file_stores_its_layers_weights_where_keras_does(tmp_path):
    model = load_keras_made("keras_pipeline", ".keras")
    model.save(tmp_path / "model.keras")
    with zipfile.ZipFile(tmp_path / "model.keras") as archive:
        weights = archive.read("model.weights.h5")
    with h5py.File(io.BytesIO(weights), "r") as handle:
        assert handle["layers/pipeline/layers/dense/vars/0"].shape == (5, 4)
        assert handle["layers/pipeline/layers/dense_1/vars/0"].shape == (4, 3)
