"""Keras 3 ``.weights.h5`` files: written as Keras lays them out, read back strictly.

These need h5py (the ``keras`` extra) and skip without it, except the test
of the message a user without it gets.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers
from graphkeras.saving import ModelFileError

FIXTURES = Path(__file__).parent / "fixtures" / "keras"


def block_model(seed: int, units: int = 4):
    """A functional model with a nested Sequential and a shared layer; weights from ``seed``."""
    left = gk.Input((3,), name="left")
    right = gk.Input((3,), name="right")
    block = gk.Sequential([gk.Input((3,)), layers.Dense(units, activation="relu")], name="block")
    shared = layers.Dense(2, name="shared")
    joined = layers.Concatenate()([shared(block(left)), shared(block(right))])
    normalized = layers.BatchNormalization(name="bn")(joined)
    model = gk.Model([left, right], layers.Dense(1, name="out")(normalized))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def assert_same_weights(first, second) -> None:
    for ours, theirs in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_weights_h5_without_h5py_raise_an_error_saying_what_to_install(monkeypatch, tmp_path):
    model = block_model(0)
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install 'graphkeras\[keras\]'"):
        model.save_weights(tmp_path / "m.weights.h5")
    assert not (tmp_path / "m.weights.h5").exists()
    with pytest.raises(ImportError, match=r"pip install 'graphkeras\[keras\]'"):
        model.load_weights(FIXTURES / "sequential_mlp.h5")


h5py = pytest.importorskip("h5py")


def test_save_weights_then_load_weights_round_trips(tmp_path):
    path = tmp_path / "m.weights.h5"
    saved = block_model(0)
    saved.save_weights(path)
    assert path.read_bytes().startswith(b"\x89HDF\r\n\x1a\n")
    loaded = block_model(1)
    loaded.load_weights(path)
    assert_same_weights(saved, loaded)


def test_a_weights_file_has_the_layout_of_a_keras_archives_weights(tmp_path):
    model = block_model(0)
    model.save_weights(tmp_path / "m.weights.h5")
    model.save(tmp_path / "m.keras")

    def layout(handle) -> dict:
        found = {}
        handle.visititems(
            lambda name, item: (
                found.__setitem__(name, item[()]) if isinstance(item, h5py.Dataset) else None
            )
        )
        return found

    with h5py.File(tmp_path / "m.weights.h5", "r") as handle:
        ours = layout(handle)
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        (tmp_path / "member.h5").write_bytes(archive.read("model.weights.h5"))
    with h5py.File(tmp_path / "member.h5", "r") as handle:
        theirs = layout(handle)
    assert sorted(ours) == sorted(theirs)
    # Keras 3 names each group after its layer's class, numbered in layer order.
    assert sorted(ours) == [
        *(f"layers/batch_normalization/vars/{i}" for i in range(4)),
        "layers/dense/vars/0",
        "layers/dense/vars/1",
        "layers/dense_1/vars/0",
        "layers/dense_1/vars/1",
        "layers/sequential/layers/dense/vars/0",
        "layers/sequential/layers/dense/vars/1",
    ]
    for name, value in theirs.items():
        np.testing.assert_array_equal(ours[name], value)


def test_weights_written_by_keras_load_with_kerass_outputs(tmp_path):
    # A .keras archive's weights member is what Keras 3's save_weights writes.
    source = FIXTURES / "functional_shared.keras"
    with zipfile.ZipFile(source) as archive:
        (tmp_path / "keras.weights.h5").write_bytes(archive.read("model.weights.h5"))
    model = gk.models.load_model(source)
    model.set_weights([np.zeros(w.shape, w.dtype) for w in model.get_weights()])
    model.load_weights(tmp_path / "keras.weights.h5")
    arrays = np.load(f"{source}.npz")
    inputs = [arrays[key] for key in sorted(arrays.files) if key.startswith("input_")]
    expected = [arrays[key] for key in sorted(arrays.files) if key.startswith("output_")]
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    for ours, theirs in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_a_renamed_weights_file_loads_by_content(tmp_path):
    saved = block_model(0)
    saved.save_weights(tmp_path / "m.weights.h5")
    (tmp_path / "m.weights.h5").rename(tmp_path / "weights.bin")
    loaded = block_model(1)
    loaded.load_weights(tmp_path / "weights.bin")
    assert_same_weights(saved, loaded)


def test_by_name_is_refused_with_the_reason(tmp_path):
    model = block_model(0)
    model.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="by_name.*model's structure"):
        model.load_weights(tmp_path / "m.weights.h5", by_name=True)


def test_a_file_that_does_not_fit_changes_no_weight(tmp_path):
    block_model(0, units=5).save_weights(tmp_path / "other.weights.h5")
    model = block_model(1)
    before = model.get_weights()
    message = r"dataset '/layers/sequential/layers/dense/vars/0' has shape \(3, 5\), expected"
    with pytest.raises(ModelFileError, match=message):
        model.load_weights(tmp_path / "other.weights.h5")
    for ours, theirs in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_skip_mismatch_loads_the_layers_that_fit_and_warns_about_the_rest(tmp_path):
    source = block_model(0, units=5)
    source.save_weights(tmp_path / "other.weights.h5")
    model = block_model(1)
    before = {layer.name: layer.get_weights() for layer in model.layers}
    with pytest.warns(UserWarning, match="Skipped"):
        model.load_weights(tmp_path / "other.weights.h5", skip_mismatch=True)
    # The block's Dense(5) and the shared Dense reading its output do not fit; bn and out do.
    for ours, theirs in zip(
        model.get_layer("bn").get_weights(), source.get_layer("bn").get_weights(), strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)
    for ours, theirs in zip(
        model.get_layer("out").get_weights(), source.get_layer("out").get_weights(), strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)
    for ours, theirs in zip(model.get_layer("shared").get_weights(), before["shared"], strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_hostile_weights_file_is_refused_and_changes_no_weight(tmp_path):
    path = tmp_path / "m.weights.h5"
    block_model(0).save_weights(path)
    with h5py.File(path, "r+") as handle:
        del handle["layers/dense/vars/0"]
        handle.create_dataset("layers/dense/vars/0", shape=(16384, 16384), dtype="float32")
    model = block_model(1)
    before = model.get_weights()
    with pytest.raises(ModelFileError, match="'/layers/dense/vars/0'.*never written") as raised:
        model.load_weights(path)
    assert f"Keras weights file '{path}'" in str(raised.value)
    for ours, theirs in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_a_keras2_whole_model_file_gives_its_weights_to_load_weights():
    reference = gk.models.load_model(FIXTURES / "sequential_mlp.h5")
    model = gk.models.clone_model(reference)
    model.load_weights(FIXTURES / "sequential_mlp.h5")
    for ours, theirs in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)  # copied values, bit for bit


def _write_keras2_weights(path, groups):
    """A weights-only file in Keras 2's layout: ``[(layer name, [(weight name, array)])]``."""
    with h5py.File(path, "w") as handle:
        handle.attrs["layer_names"] = np.array([name.encode() for name, _ in groups])
        for name, weights in groups:
            group = handle.create_group(name)
            group.attrs["weight_names"] = np.array([w.encode() for w, _ in weights])
            for weight_name, value in weights:
                group.create_dataset(weight_name, data=value)


def _two_dense_model():
    x = gk.Input((3,))
    hidden = gk.layers.Dense(4, name="first")(x)
    return gk.Model(x, gk.layers.Dense(2, name="second")(gk.layers.ReLU(name="relu")(hidden)))


def test_a_keras2_weights_file_loads_by_layer_order_and_by_name(tmp_path):
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(s).astype("float32") for s in [(3, 4), (4,), (4, 2), (2,)]]
    path = tmp_path / "keras2_weights.h5"
    _write_keras2_weights(
        path,
        [
            ("renamed_a", [("renamed_a/kernel:0", values[0]), ("renamed_a/bias:0", values[1])]),
            ("no_weights", []),
            ("renamed_b", [("renamed_b/kernel:0", values[2]), ("renamed_b/bias:0", values[3])]),
        ],
    )
    model = _two_dense_model()
    model.load_weights(path)  # by order: names may differ
    for ours, theirs in zip(model.get_weights(), values, strict=True):
        np.testing.assert_array_equal(ours, theirs)

    by_name_path = tmp_path / "keras2_by_name.h5"
    _write_keras2_weights(
        by_name_path,
        [
            ("second", [("second/kernel:0", values[2] + 1), ("second/bias:0", values[3] + 1)]),
            ("not_in_model", [("w:0", values[1])]),
        ],
    )
    model.load_weights(by_name_path, by_name=True)
    np.testing.assert_array_equal(model.get_layer("first").get_weights()[0], values[0])
    np.testing.assert_array_equal(model.get_layer("second").get_weights()[0], values[2] + 1)


def test_a_keras2_weights_file_that_does_not_fit_changes_nothing(tmp_path):
    model = _two_dense_model()
    before = model.get_weights()
    path = tmp_path / "short.h5"
    _write_keras2_weights(path, [("a", [("a/kernel:0", np.zeros((3, 4), "float32"))])])
    with pytest.raises(
        ModelFileError, match="layer count mismatch.*2 layers with weights, the file has 1"
    ):
        model.load_weights(path)
    wrong = tmp_path / "wrong_shape.h5"
    kernel = ("a/kernel:0", np.zeros((3, 4), "float32"))
    _write_keras2_weights(
        wrong,
        [
            ("a", [kernel, ("a/bias:0", np.zeros(4, "float32"))]),
            (
                "b",
                [("b/kernel:0", np.zeros((5, 2), "float32")), ("b/bias:0", np.zeros(2, "float32"))],
            ),
        ],
    )
    with pytest.raises(ModelFileError, match="layer #1"):
        model.load_weights(wrong)
    for ours, theirs in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    with pytest.warns(UserWarning, match="Skipping layer 'second'"):
        model.load_weights(wrong, skip_mismatch=True)
    np.testing.assert_array_equal(model.get_layer("first").get_weights()[0], np.zeros((3, 4)))
