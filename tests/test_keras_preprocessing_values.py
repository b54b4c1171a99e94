"""The numeric and image preprocessing layers give the numbers Keras 3 gives, recorded from Keras.

``tests/data/keras_preprocessing_values.json`` was written by
``scripts/record_keras_preprocessing_values.py`` with Keras 3 on JAX (the
version is in the file): for each case the layer and its constructor
arguments, the input, the data it was adapted on and how it was fed (one
array, a generator of batches, a PyDataset of ``(x, y)`` batches), the
adapted state, Keras's output and config. ``tests/fixtures/keras/
preprocessing.keras`` is a model of all five layers saved by Keras. These
tests rebuild each case with graphkeras; they never import Keras.

Tolerances: float32 on both sides, through different but equivalent
arithmetic (matrix products here, gathers and sums in JAX): ``rtol=1e-5``
with ``atol=1e-6`` for values near zero.
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
DATA = json.loads((HERE / "data" / "keras_preprocessing_values.json").read_text("utf-8"))
CASES = DATA["cases"]
FIXTURE = HERE / "fixtures" / "keras" / "preprocessing.keras"
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def case_id(case: dict) -> str:
    arguments = ",".join(f"{key}={value}" for key, value in case["arguments"].items())
    adapt = case["adapt"]
    shape = np.shape(case["input"])
    fed = f"-adapt:{adapt['kind']}" if adapt else ""
    return f"{case['layer']}({arguments}){fed}-{shape}"


class Batches(PyDataset):
    """A PyDataset of ``(x, y)`` batches, as a ``fit`` pipeline would give."""

    def __init__(self, batches: list) -> None:
        super().__init__()
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        return self.batches[index], np.zeros(len(self.batches[index]))


def adapt_source(adapt: dict):
    data = np.asarray(adapt["data"], dtype="float32")
    if adapt["kind"] == "array":
        return data
    size = adapt["batch_size"]
    batches = [data[start : start + size] for start in range(0, len(data), size)]
    if adapt["kind"] == "generator":
        return (batch for batch in batches)
    return Batches(batches)


def build(case: dict):
    arguments = dict(case["arguments"])
    if arguments.get("axis") is not None and isinstance(arguments["axis"], list):
        arguments["axis"] = tuple(arguments["axis"])
    layer = getattr(layers, case["layer"])(**arguments)
    if case["adapt"] is not None:
        layer.adapt(adapt_source(case["adapt"]))
    return layer


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_layer_output_matches_keras(case):
    layer = build(case)
    output = gk.backend.convert_to_numpy(layer(np.asarray(case["input"], dtype="float32")))
    assert output.dtype == case["output_dtype"]
    np.testing.assert_allclose(output, np.asarray(case["output"]), **TOLERANCE)


@pytest.mark.parametrize("case", [c for c in CASES if c["state"]], ids=case_id)
def test_adapted_state_matches_keras(case):
    layer = build(case)
    for name, expected in case["state"].items():
        attribute = {"mean": "adapt_mean", "variance": "adapt_variance"}.get(name, name)
        got = getattr(layer, attribute)
        got = gk.backend.convert_to_numpy(got) if not isinstance(got, list) else got
        np.testing.assert_allclose(np.asarray(got), np.asarray(expected), **TOLERANCE)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_config_matches_keras(case):
    config = json.loads(json.dumps(build(case).get_config()))
    for key in ("name", "dtype"):
        config.pop(key, None)
    expected = case["config"]
    assert config.keys() == expected.keys()
    for key, value in config.items():
        if isinstance(value, float) or (isinstance(value, list) and key != "axis"):
            # The recorded file keeps 9 significant digits.
            np.testing.assert_allclose(value, expected[key], rtol=1e-8, err_msg=key)
        else:
            assert value == expected[key], key


def test_the_keras_file_of_every_layer_loads_with_keras_outputs():
    expected = np.load(str(FIXTURE) + ".npz")
    model = gk.saving.load_model(FIXTURE)
    assert [type(layer).__name__ for layer in model.layers[1:]] == [
        "Rescaling",
        "Normalization",
        "Resizing",
        "CenterCrop",
        "Discretization",
    ]
    crop, bins = model.predict(expected["input_0"], verbose=0)
    np.testing.assert_allclose(crop, expected["output_0"], **TOLERANCE)
    np.testing.assert_array_equal(bins, expected["output_1"])
    assert bins.dtype == np.int32
