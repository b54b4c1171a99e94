"""LayerScale, StochasticDepth and CustomScaleLayer: the layers Keras's applications define.

``tests/data/keras_scale_layers.keras`` and ``.h5`` were written by Keras 3
(``scripts/record_keras_convlstm_values.py``) from a model using
``keras.src.applications.convnext.LayerScale`` and ``StochasticDepth`` and
``keras.src.applications.inception_resnet_v2.CustomScaleLayer``.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from keras_recorded_models import assert_round_trips, load_keras_made

import graphkeras as gk
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

h5py = pytest.importorskip("h5py")


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_a_keras_made_model_with_the_scale_layers_loads_with_kerass_outputs(extension):
    model = load_keras_made("keras_scale_layers", extension)
    scale = model.get_layer("layer_scale")
    assert isinstance(scale, layers.LayerScale)
    assert (scale.init_values, scale.projection_dim) == (0.1, 4)
    assert [w.name for w in scale.weights] == ["variable"]
    assert scale.gamma.shape == (4,)
    assert model.get_layer("drop_path").drop_path_rate == pytest.approx(0.3)
    assert model.get_layer("block_ac").scale == pytest.approx(0.17)


def test_the_scale_layers_are_written_under_kerass_modules(tmp_path):
    model = load_keras_made("keras_scale_layers", ".keras")
    model.save(tmp_path / "model.keras")
    with zipfile.ZipFile(tmp_path / "model.keras") as archive:
        entries = json.loads(archive.read("config.json"))["config"]["layers"]
    written = {entry["class_name"]: entry for entry in entries}
    for class_name, module in [
        ("LayerScale", "keras.src.applications.convnext"),
        ("StochasticDepth", "keras.src.applications.convnext"),
        ("CustomScaleLayer", "keras.src.applications.inception_resnet_v2"),
    ]:
        assert written[class_name]["module"] == module
        assert written[class_name]["registered_name"] == class_name
    assert written["StochasticDepth"]["config"]["drop_path_rate"] == pytest.approx(0.3)
    assert "seed" not in written["StochasticDepth"]["config"]


def test_the_scale_layers_round_trip_through_gk_and_keras_files(tmp_path):
    model = load_keras_made("keras_scale_layers", ".keras")
    assert_round_trips(model, tmp_path, "keras_scale_layers")


def test_layer_scale_starts_at_init_values_and_scales_the_last_axis():
    layer = layers.LayerScale(0.5, 3)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(layer(x), 0.5 * x, rtol=0, atol=0)
    layer.set_weights([np.array([1.0, 2.0, 3.0], dtype="float32")])
    np.testing.assert_allclose(layer(x), x * [1.0, 2.0, 3.0], rtol=1e-7)


def test_stochastic_depth_is_the_identity_at_inference():
    x = np.random.default_rng(0).normal(size=(4, 3, 2)).astype("float32")
    layer = layers.StochasticDepth(0.5)
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer(x, training=False), x)


def test_stochastic_depth_drops_or_rescales_whole_samples_in_training():
    rate = 0.25
    x = np.random.default_rng(1).uniform(1.0, 2.0, size=(400, 3, 2)).astype("float32")
    out = np.asarray(layers.StochasticDepth(rate, seed=4)(x, training=True))
    dropped = np.all(out == 0.0, axis=(1, 2))
    kept = ~dropped
    np.testing.assert_allclose(out[kept], x[kept] / (1.0 - rate), rtol=1e-6)
    assert 0.15 < dropped.mean() < 0.35


def test_stochastic_depth_with_a_seed_repeats_its_draws():
    x = np.ones((64, 2), dtype="float32")
    first = layers.StochasticDepth(0.5, seed=11)(x, training=True)
    second = layers.StochasticDepth(0.5, seed=11)(x, training=True)
    np.testing.assert_array_equal(first, second)
    assert layers.StochasticDepth(0.5, seed=11).get_config()["seed"] == 11


def test_custom_scale_layer_adds_the_scaled_branch():
    shortcut = np.ones((2, 3), dtype="float32")
    branch = np.full((2, 3), 4.0, dtype="float32")
    np.testing.assert_allclose(layers.CustomScaleLayer(0.25)([shortcut, branch]), 2.0 * shortcut)


def test_the_scale_layers_in_a_model_train():
    gk.utils.set_random_seed(0)
    x = gk.Input((4,))
    h = layers.Dense(4)(x)
    scale = layers.LayerScale(1e-1, 4)
    branch = layers.StochasticDepth(0.2, seed=1)(scale(h))
    out = layers.Dense(1)(layers.CustomScaleLayer(0.5)([h, branch]))
    model = gk.Model(x, out)
    model.compile(optimizer=gk.optimizers.SGD(0.05), loss="mse")
    data = np.random.default_rng(2).normal(size=(32, 4)).astype("float32")
    before = scale.get_weights()[0].copy()
    model.fit(data, data.sum(axis=1, keepdims=True), epochs=2, verbose=0)
    assert not np.allclose(scale.get_weights()[0], before)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.StochasticDepth(1.0), "drop_path_rate"),
        (lambda: layers.StochasticDepth(0.1, seed=-1), "seed"),
        (lambda: layers.LayerScale(0.1, 0), "projection_dim"),
        (lambda: layers.CustomScaleLayer("big"), "scale"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_layer_scale_refuses_an_input_of_other_width():
    with pytest.raises(ValueError, match="projection_dim"):
        layers.LayerScale(0.1, 4)(gk.Input((3,)))


def test_custom_scale_layer_needs_two_inputs():
    with pytest.raises(ValueError, match="two inputs"):
        layers.CustomScaleLayer(0.1)(gk.Input((3,)))
