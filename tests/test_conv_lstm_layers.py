"""ConvLSTM1D/2D/3D: Keras 3's outputs, configs and weights, masks, dropout, state, training.

The values come from ``tests/data/keras_convlstm_values.json``, recorded from
Keras 3 by ``scripts/record_keras_convlstm_values.py`` with the weights
stored beside them; the model files beside it were written by Keras.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from keras_recorded_models import DATA, assert_round_trips, load_keras_made
from layer_finite_differences import check_layer_gradients

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.utils.keras_object_form import keras_value
from graphkeras.utils.serialization_lib import deserialize_keras_object

pytestmark = pytest.mark.usefixtures("backend")

RECORDED = json.loads((DATA / "keras_convlstm_values.json").read_text())
CASES = {case["name"]: case for case in RECORDED["cases"]}


def keras_layer(case: dict):
    """The layer Keras's config describes, built and holding the recorded weights."""
    layer = deserialize_keras_object(
        {
            "module": "keras.layers",
            "class_name": case["class_name"],
            "config": case["config"],
            "registered_name": None,
        }
    )
    layer.build(np.asarray(case["input"]).shape)
    layer.set_weights([np.asarray(w, dtype="float32") for w in case["weights"]])
    return layer


def as_outputs(value) -> list:
    return [np.asarray(v) for v in value] if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_equal_keras(name):
    case = CASES[name]
    layer = keras_layer(case)
    kwargs = {} if case["mask"] is None else {"mask": np.asarray(case["mask"])}
    got = as_outputs(layer(np.asarray(case["input"], dtype="float32"), **kwargs))
    assert len(got) == len(case["outputs"])
    for ours, theirs in zip(got, case["outputs"], strict=True):
        np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(CASES))
def test_symbolic_shapes_equal_keras_outputs(name):
    case = CASES[name]
    layer = keras_layer(case)
    shape = np.asarray(case["input"]).shape
    outputs = layer(gk.Input(shape[1:]))
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    expected = [(None, *np.asarray(o).shape[1:]) for o in case["outputs"]]
    assert [tuple(o.shape) for o in outputs] == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_config_equals_keras(name):
    case = CASES[name]
    ours = keras_value(keras_layer(case).get_config())
    theirs = dict(case["config"])
    assert list(ours) == list(theirs)
    assert ours.pop("dtype") == theirs.pop("dtype")["config"]["name"]
    for key in ("kernel_initializer", "recurrent_initializer", "bias_initializer"):
        assert ours.pop(key)["class_name"] == theirs.pop(key)["class_name"]
    assert ours == theirs


@pytest.mark.parametrize("name", sorted(CASES))
def test_weights_have_keras_names_shapes_and_order(name):
    case = CASES[name]
    layer = keras_layer(case)
    assert [w.name for w in layer.weights] == case["weight_names"]
    assert [tuple(w.shape) for w in layer.weights] == [np.shape(w) for w in case["weights"]]
    assert [w.name for w in layer.cell.weights] == case["weight_names"]


def test_unit_forget_bias_starts_the_forget_gate_at_one_as_keras():
    case = CASES["2d_same_state"]
    layer = layers.ConvLSTM2D(2, 3, padding="same")
    layer.build(np.asarray(case["input"]).shape)
    np.testing.assert_array_equal(layer.get_weights()[2], case["initial_bias"])
    without = layers.ConvLSTM2D(2, 3, unit_forget_bias=False)
    without.build((None, 3, 5, 5, 2))
    np.testing.assert_array_equal(without.get_weights()[2], np.zeros(8))


def test_cell_arguments_are_readable_on_the_layer():
    layer = layers.ConvLSTM3D(4, (1, 2, 3), strides=(1, 1, 2), data_format="channels_first")
    assert layer.filters == 4
    assert layer.kernel_size == (1, 2, 3)
    assert layer.strides == (1, 1, 2)
    assert layer.data_format == "channels_first"
    assert layer.cell.name == "conv_lstm_cell"


def test_the_recurrent_convolution_keeps_the_state_shape_with_strides_and_valid_padding():
    layer = layers.ConvLSTM1D(3, 3, strides=2, return_state=True)
    output, h, c = layer(np.ones((2, 4, 9, 1), dtype="float32"))
    assert output.shape == h.shape == c.shape == (2, 4, 3)


def copy_with_weights(layer, shape=(2, 3, 4, 4, 1), **changes):
    config = {**layer.get_config(), **changes}
    twin = type(layer).from_config(config)
    twin.build(shape)
    twin.set_weights(layer.get_weights())
    return twin


def test_dropout_changes_only_training_outputs_and_is_seeded():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 4, 4, 1)).astype("float32")
    plain = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)
    plain.build(x.shape)
    dropped = copy_with_weights(plain, dropout=0.5, recurrent_dropout=0.5, seed=3)
    np.testing.assert_allclose(dropped(x, training=False), plain(x), rtol=1e-6, atol=1e-7)
    trained = np.asarray(dropped(x, training=True))
    assert np.max(np.abs(trained - np.asarray(plain(x)))) > 1e-3
    again = copy_with_weights(plain, dropout=0.5, recurrent_dropout=0.5, seed=3)
    np.testing.assert_allclose(again(x, training=True), trained, rtol=1e-6, atol=1e-7)


def test_dropout_masks_are_kept_for_the_whole_sequence():
    # With only input dropout, a constant sequence meets the same mask at every step:
    # the outputs equal those of the plain layer on the masked (constant) inputs.
    x = np.tile(np.random.default_rng(1).normal(size=(1, 1, 4, 4, 1)), (1, 3, 1, 1, 1))
    x = x.astype("float32")
    plain = layers.ConvLSTM2D(1, 3, padding="same", return_sequences=True)
    plain.build(x.shape)
    dropped = copy_with_weights(plain, dropout=0.5, seed=0)
    dropped.cell._create_dropout_mask = lambda step, rate: (
        [np.where(np.arange(16).reshape(1, 4, 4, 1) % 3 == 0, 0.0, 2.0).astype("float32")] * 4
    )
    masked = x * np.where(np.arange(16).reshape(1, 1, 4, 4, 1) % 3 == 0, 0.0, 2.0)
    np.testing.assert_allclose(
        dropped(x, training=True), plain(masked.astype("float32")), rtol=1e-5, atol=1e-6
    )


def test_stateful_layer_continues_from_its_last_states():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 4, 3, 3, 1)).astype("float32")
    whole = layers.ConvLSTM2D(2, 2, padding="same")
    whole.build(x.shape)
    stateful = copy_with_weights(whole, x.shape, stateful=True)
    stateful(x[:, :2])
    np.testing.assert_allclose(stateful(x[:, 2:]), whole(x), rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(x[:, 2:]), whole(x[:, 2:]), rtol=1e-5, atol=1e-6)


def test_initial_state_starts_the_scan():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(1, 4, 5, 1)).astype("float32")
    layer = layers.ConvLSTM1D(2, 3, padding="same", return_state=True)
    _, h, c = layer(x[:, :2])
    resumed = layer(x[:, 2:], initial_state=[h, c])
    whole = layer(x)
    for ours, theirs in zip(resumed, whole, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_gradients_match_finite_differences():
    layer = layers.ConvLSTM1D(2, 2, padding="same", return_sequences=True, dtype="float64")
    x = np.random.default_rng(7).normal(size=(1, 3, 3, 1))
    layer.build(x.shape)
    check_layer_gradients(layer, [x], layer.trainable_weights, rtol=1e-5, atol=1e-7)


def test_fit_trains_a_conv_lstm_model():
    gk.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3, 4, 4, 1)).astype("float32")
    y = x.mean(axis=(1, 2, 3, 4))[:, None]
    inputs = gk.Input((3, 4, 4, 1))
    h = layers.ConvLSTM2D(2, 3, padding="same")(inputs)
    outputs = layers.Dense(1)(layers.GlobalAveragePooling2D()(h))
    model = gk.Model(inputs, outputs)
    model.compile(optimizer=gk.optimizers.Adam(0.05), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, epochs=8, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert not np.allclose(model.layers[1].get_weights()[1], before[1])


h5py = pytest.importorskip("h5py")


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_a_keras_made_conv_lstm_model_loads_with_kerass_outputs(extension):
    model = load_keras_made("keras_convlstm2d", extension)
    first = model.get_layer("conv_lstm")
    assert isinstance(first, layers.ConvLSTM2D) and first.return_sequences
    assert [w.name for w in first.weights] == ["kernel", "recurrent_kernel", "bias"]


def test_a_conv_lstm_model_round_trips_through_gk_and_keras_files(tmp_path):
    model = load_keras_made("keras_convlstm2d", ".keras")
    assert_round_trips(model, tmp_path, "keras_convlstm2d")


def test_the_keras_file_stores_the_weights_under_the_cell(tmp_path):
    model = load_keras_made("keras_convlstm2d", ".keras")
    path = tmp_path / "model.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        weights = archive.read("model.weights.h5")
    with h5py.File(io.BytesIO(weights), "r") as handle:
        group = handle["layers/conv_lstm2d/cell/vars"]
        assert [group[k].shape for k in ("0", "1", "2")] == [(3, 3, 1, 8), (3, 3, 2, 8), (8,)]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.ConvLSTM2D(0, 3), "filters"),
        (lambda: layers.ConvLSTM2D(2, (3, 3, 3)), "kernel_size"),
        (lambda: layers.ConvLSTM2D(2, 3, padding="causal"), "padding"),
        (lambda: layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2), "dilation_rate"),
        (lambda: layers.ConvLSTM1D(2, 3, data_format="nhwc"), "data_format"),
        (lambda: layers.ConvLSTM1D(2, 3, dropout=1.5), "dropout"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_unknown_spatial_dims_or_wrong_rank_raise():
    with pytest.raises(ValueError, match="known spatial dims"):
        layers.ConvLSTM2D(2, 3)(gk.Input((3, None, 4, 1)))
    with pytest.raises(ValueError, match="ndim|rank"):
        layers.ConvLSTM2D(2, 3)(gk.Input((3, 4, 1)))


def test_masked_steps_hold_states_of_image_shape():
    x = np.random.default_rng(3).normal(size=(2, 3, 4, 1)).astype("float32")
    layer = layers.ConvLSTM1D(2, 3, padding="same", return_state=True)
    mask = np.array([[True, True, True], [True, False, False]])
    _, h, _ = layer(x, mask=mask)
    _, h_first, _ = layer(x[1:, :1])
    np.testing.assert_allclose(np.asarray(h)[1:], h_first, rtol=1e-6, atol=1e-7)
    assert K.int_shape(h) == (2, 4, 2)
