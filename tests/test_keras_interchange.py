"""Keras interchange: real Keras 3 ``.keras`` and Keras 2 ``.h5`` files load with Keras's outputs.

The files under ``tests/fixtures/keras`` were written by real Keras (3.15.1
with JAX, and tf.keras 2.15) with ``scripts/make_keras_fixtures.py``, each
with the inputs and Keras's predictions beside it. These tests need h5py
(the ``keras`` extra) and skip without it; ``test_keras_file_safety.py``
checks the error a user without it gets, and what a hostile file meets.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

FIXTURES = Path(__file__).parent / "fixtures" / "keras"
MODEL_NAMES = [
    "functional_shared",
    "sequential_mlp",
    "nested_sequential",
    "small_cnn",
    "embedding_recurrent",
    "wrapped_recurrent",
    "transformer_block",
]
# Models only Keras 3 can write (keras.ops calls in the graph), as .keras and
# through Keras 3's legacy HDF5 writer (which drops each operation's module).
KERAS3_ONLY_NAMES = ["ops_graph", "sequential_inside_keras3"]


def expected_of(path: Path) -> tuple[list, list]:
    arrays = np.load(f"{path}.npz")
    inputs = [arrays[k] for k in sorted(arrays.files) if k.startswith("input_")]
    outputs = [arrays[k] for k in sorted(arrays.files) if k.startswith("output_")]
    return inputs, outputs


def predict_list(model, inputs: list) -> list:
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    return outputs if isinstance(outputs, list) else [outputs]


h5py = pytest.importorskip("h5py")


@pytest.mark.parametrize(
    "name, extension",
    [(name, extension) for name in MODEL_NAMES for extension in (".keras", ".h5")]
    + [(name, extension) for name in KERAS3_ONLY_NAMES for extension in (".keras", ".keras3.h5")],
)
def test_a_keras_file_loads_with_kerass_outputs(name, extension):
    path = FIXTURES / f"{name}{extension}"
    model = gk.models.load_model(path)
    inputs, expected = expected_of(path)
    got = predict_list(model, inputs)
    assert len(got) == len(expected)
    for ours, theirs in zip(got, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_a_keras_file_keeps_layer_names_order_and_nesting(extension):
    model = gk.models.load_model(FIXTURES / f"functional_shared{extension}")
    assert [layer.name for layer in model.layers] == [
        "x",
        "shared",
        "add",
        "encoder",
        "scores",
        "bn",
    ]
    assert len(model.get_layer("shared").inbound_nodes) == 2
    assert isinstance(model.get_layer("encoder"), gk.Model)
    bn = model.get_layer("bn")
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_a_compiled_keras_file_loads_compiled(extension):
    model = gk.models.load_model(FIXTURES / f"sequential_mlp{extension}")
    assert model.compiled
    assert type(model.optimizer).__name__ == "Adam"
    assert model.optimizer.learning_rate == pytest.approx(1e-3)
    x = np.random.default_rng(0).normal(size=(8, 6)).astype("float32")
    y = np.eye(3, dtype="float32")[np.arange(8) % 3]
    history = model.fit(x, y, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}


def test_compile_false_leaves_a_keras_model_uncompiled():
    model = gk.models.load_model(FIXTURES / "sequential_mlp.keras", compile=False)
    assert not model.compiled


def test_a_keras_file_renamed_still_loads_by_content(tmp_path):
    renamed = tmp_path / "model.bin"
    renamed.write_bytes((FIXTURES / "nested_sequential.h5").read_bytes())
    model = gk.models.load_model(renamed)
    inputs, expected = expected_of(FIXTURES / "nested_sequential.h5")
    np.testing.assert_allclose(predict_list(model, inputs)[0], expected[0], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- writing .keras
def dataset_layout(data: bytes) -> dict:
    """``{path: (shape, values)}`` of every dataset in a model.weights.h5."""
    layout = {}
    with h5py.File(io.BytesIO(data), "r") as handle:

        def visit(name, item):
            if isinstance(item, h5py.Dataset):
                layout[name] = np.asarray(item[()])

        handle.visititems(visit)
    return layout


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_saving_a_loaded_keras_model_writes_kerass_weight_layout(name, tmp_path):
    source = FIXTURES / f"{name}.keras"
    model = gk.models.load_model(source)
    target = tmp_path / f"{name}.keras"
    model.save(target)
    with zipfile.ZipFile(source) as archive:
        theirs = {
            path: value
            for path, value in dataset_layout(archive.read("model.weights.h5")).items()
            if not path.startswith("optimizer/")
        }
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        ours = dataset_layout(archive.read("model.weights.h5"))
    assert sorted(ours) == sorted(theirs)
    for path, value in theirs.items():
        np.testing.assert_array_equal(ours[path], value)


def test_a_written_keras_file_round_trips_with_identical_outputs(tmp_path):
    left = gk.Input((3,), name="left")
    right = gk.Input((3,), name="right")
    block = gk.Sequential([gk.Input((3,)), layers.Dense(4, activation="relu")], name="block")
    shared = layers.Dense(2, name="shared")
    joined = layers.Concatenate()([shared(block(left)), shared(block(right))])
    model = gk.Model([left, right], layers.Dense(1, name="out")(joined))
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "m.keras")
    loaded = gk.models.load_model(tmp_path / "m.keras")
    data = [np.random.default_rng(1).normal(size=(5, 3)).astype("float32") for _ in range(2)]
    np.testing.assert_allclose(
        loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6, atol=1e-7
    )
    assert loaded.compiled and type(loaded.optimizer).__name__ == "SGD"


def test_a_written_keras_config_uses_kerass_forms(tmp_path):
    x = gk.Input((3,), name="x")
    block = gk.Sequential([gk.Input((3,)), layers.Dense(4)], name="block")
    model = gk.Model(x, layers.Dense(2, kernel_initializer="he_normal", name="head")(block(x)))
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        document = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
    assert metadata["keras_version"].startswith("3.")
    assert document["class_name"] == "Functional"
    assert document["module"] == "keras.src.models.functional"
    head = document["config"]["layers"][-1]
    assert head["module"] == "keras.layers" and head["class_name"] == "Dense"
    assert head["config"]["kernel_initializer"] == {
        "module": "keras.initializers",
        "class_name": "HeNormal",
        "config": {"seed": None},
        "registered_name": None,
    }
    # Keras 3 counts a nested model's calls from 0 inside call nodes.
    (node,) = head["inbound_nodes"]
    tensor = node["args"][0]
    assert tensor["class_name"] == "__keras_tensor__"
    assert tensor["config"]["keras_history"] == ["block", 0, 0]
    assert tensor["config"]["shape"] == [None, 4]
    assert document["config"]["input_layers"] == ["x", 0, 0]


def test_saving_to_h5_is_refused_with_the_reason(tmp_path):
    x = gk.Input((2,))
    model = gk.Model(x, layers.Dense(1)(x))
    with pytest.raises(ValueError, match=r"does not write Keras 2 \.h5"):
        model.save(tmp_path / "m.h5")
    assert not (tmp_path / "m.h5").exists()


def test_keras_operations_load_as_operator_layers():
    model = gk.models.load_model(FIXTURES / "embedding_recurrent.keras")
    operators = {
        layer.name: layer.operator
        for layer in model.layers
        if type(layer).__name__ == "OperatorLayer"
    }
    # The Embedding's mask (a NotEqual), a slice and "+ 1.5", as Keras recorded them.
    assert sorted(operators.values()) == ["add", "getitem", "not_equal"]
    lstm_node = model.get_layer("lstm").inbound_nodes[0]
    assert lstm_node.inbound_layers[1].operator == "not_equal"


def test_graphkeras_operations_are_written_as_keras_operations(tmp_path):
    x = gk.Input((4, 3), name="x")
    y = layers.Dense(3, name="d")(x)
    model = gk.Model(x, (y[:, 1:] * 2.0) - x[:, :3])
    model.save(tmp_path / "ops.keras")
    with zipfile.ZipFile(tmp_path / "ops.keras") as archive:
        document = json.loads(archive.read("config.json"))
    operations = {
        entry["class_name"]: entry["inbound_nodes"][0]["args"]
        for entry in document["config"]["layers"]
        if entry["module"] == "keras.src.ops.numpy"
    }
    assert sorted(operations) == ["GetItem", "Multiply", "Subtract"]
    assert operations["Multiply"][1] == 2.0
    loaded = gk.models.load_model(tmp_path / "ops.keras")
    data = np.random.default_rng(2).normal(size=(2, 4, 3)).astype("float32")
    np.testing.assert_allclose(
        loaded.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6, atol=1e-7
    )
