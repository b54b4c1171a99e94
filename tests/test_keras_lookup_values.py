"""IntegerLookup, StringLookup and TextVectorization give Keras 3's vocabularies and indices.

``tests/data/keras_lookup_values.json`` was written by
``scripts/record_keras_lookup_values.py`` with Keras 3 (JAX backend, its
string ops in TensorFlow; the version is in the file): for each case the
layer and its arguments, the data it was adapted on and how it was fed,
Keras's vocabulary (ties and limits included), vocabulary size, tf_idf
weights, config, and its output for each input, or the error it raised.
``tests/fixtures/keras/lookup.keras`` is a model of the three layers saved
by Keras, with vocabulary assets. These tests never import Keras.

Vocabularies, indices and inverted tokens must be equal. tf_idf values
are float32 logarithms computed by TensorFlow and by NumPy: ``rtol=1e-6``.
Keras's indices reach the recording as int32 where JAX converted them;
graphkeras returns int64, as Keras's declared output spec (and TensorFlow)
does, so values are compared, not dtypes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers
from graphkeras.utils.py_dataset import PyDataset

HERE = Path(__file__).parent
DATA = json.loads((HERE / "data" / "keras_lookup_values.json").read_text("utf-8"))
CASES = DATA["cases"]
FIXTURE = HERE / "fixtures" / "keras" / "lookup.keras"
FLOATS = {"rtol": 1e-6, "atol": 1e-7}


def case_id(case: dict) -> str:
    arguments = ",".join(
        f"{key}={'...' if key in ('vocabulary', 'idf_weights') else value}"
        for key, value in case["arguments"].items()
    )
    fed = f"-adapt:{case['adapt']['kind']}" if case["adapt"] else ""
    return f"{case['layer']}({arguments}){fed}"


class Batches(PyDataset):
    def __init__(self, batches: list) -> None:
        super().__init__()
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        return self.batches[index]


def adapt_source(adapt: dict):
    data = adapt["data"]
    if adapt["kind"] == "array":
        return np.array(data)
    size = adapt["batch_size"]
    batches = [np.array(data[start : start + size]) for start in range(0, len(data), size)]
    if adapt["kind"] == "generator":
        return (batch for batch in batches)
    return Batches(batches)


def build(case: dict):
    arguments = dict(case["arguments"])
    if isinstance(arguments.get("ngrams"), list):
        arguments["ngrams"] = tuple(arguments["ngrams"])
    layer = getattr(layers, case["layer"])(**arguments)
    if case["adapt"] is not None:
        layer.adapt(adapt_source(case["adapt"]))
    return layer


def input_array(case: dict, values) -> np.ndarray:
    if case["layer"] == "IntegerLookup" or case["arguments"].get("invert"):
        return np.array(values, dtype="int64")
    return np.array(values, dtype=str)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_vocabulary_matches_keras(case):
    layer = build(case)
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.vocabulary_size() == case["vocabulary_size"]


@pytest.mark.parametrize("case", [c for c in CASES if c["idf_weights"] is not None], ids=case_id)
def test_idf_weights_match_keras(case):
    layer = build(case)
    lookup = getattr(layer, "_lookup_layer", layer)
    np.testing.assert_allclose(lookup._idf_weights, case["idf_weights"], **FLOATS)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_outputs_match_keras(case):
    layer = build(case)
    for values, expected in zip(case["inputs"], case["outputs"], strict=True):
        inputs = input_array(case, values)
        if "error" in expected:
            with pytest.raises(ValueError, match="num_oov_indices=0"):
                layer(inputs)
            continue
        got = layer(inputs)
        if expected["dtype"] == "float32":
            assert got.dtype == np.float32
            np.testing.assert_allclose(got, expected["value"], **FLOATS)
        elif expected["dtype"] == "object":
            assert got.tolist() == expected["value"]
        else:
            assert got.dtype == np.int64 or got.dtype == np.float32
            assert got.tolist() == expected["value"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_config_matches_keras(case):
    config = json.loads(json.dumps(build(case).get_config()))
    for key in ("name", "dtype", "trainable"):
        config.pop(key)
    expected = case["config"]
    assert config.keys() == expected.keys()
    for key, value in config.items():
        if key == "idf_weights" and value is not None:
            np.testing.assert_allclose(value, expected[key], rtol=1e-8)
        else:
            assert value == expected[key], key


def test_the_keras_file_of_lookup_layers_loads_with_keras_vocabularies_and_outputs():
    recorded = np.load(str(FIXTURE) + ".npz")
    model = gk.saving.load_model(FIXTURE)
    words, numbers, text = (
        model.get_layer(name) for name in ("word_lookup", "number_lookup", "vectorize")
    )
    assert words.get_vocabulary() == ["[UNK]", "a", "é", "c", "b"]
    assert text.get_vocabulary()[:3] == ["", "[UNK]", "the"]
    outputs = model.predict(
        [recorded["input_words"], recorded["input_numbers"], recorded["input_text"]], verbose=0
    )
    np.testing.assert_allclose(outputs[0], recorded["output_0"], **FLOATS)
    assert outputs[1].tolist() == recorded["output_1"].tolist()
    assert outputs[2].tolist() == recorded["output_2"].tolist()
