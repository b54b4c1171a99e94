"""Hashing and CategoryEncoding give exactly what Keras 3 gives, recorded from Keras.

``tests/data/keras_hashing_values.json`` was written by
``scripts/record_keras_hashing_values.py`` with Keras 3 on JAX (its
``Hashing`` hashes through TensorFlow): each case's settings, input,
output and config; ``tests/data/keras_hashing_model.keras`` is a small
integer-input model of both layers saved by Keras. These tests never import
Keras.

Bins are integers and are compared exactly. Encoded rows are float32
counts of a few small integers (or sums of a few float32 weights), compared
with ``assert_allclose`` at ``rtol=1e-6``.

One dtype note: Keras declares ``Hashing``'s int output as int64 (its
``compute_dtype``), but JAX, with 64-bit types off, hands back int32 when
run eagerly. graphkeras returns the declared dtype, so the dtypes are
compared with the recorded ``symbolic_dtype``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers
from graphkeras.utils.keras_object_form import value_from_keras

HERE = Path(__file__).parent
DATA = json.loads((HERE / "data" / "keras_hashing_values.json").read_text("utf-8"))
MODEL = HERE / "data" / "keras_hashing_model.keras"
TOLERANCE = {"rtol": 1e-6}


def recorded_array(record: dict) -> np.ndarray:
    return np.array(record["values"], dtype=record["dtype"]).reshape(record["shape"])


def case_id(case: dict) -> str:
    settings = ",".join(f"{key}={value}" for key, value in case["settings"].items())
    weighted = "-weighted" if "call_kwargs" in case else ""
    return f"{settings}-{case['input_name']}{weighted}"


def assert_matches(output, case: dict) -> None:
    output = np.asarray(output)
    assert list(output.shape) == case["output_shape"]
    assert str(output.dtype) == case["symbolic_dtype"]
    expected = np.asarray(case["output"])
    if output.dtype.kind in "iu":
        np.testing.assert_array_equal(output, expected)
    else:
        np.testing.assert_allclose(output, expected, **TOLERANCE)


def comparable_config(config: dict) -> dict:
    """A config without its name, with a Keras dtype policy reduced to its dtype's name."""
    config = dict(json.loads(json.dumps(config)))
    config.pop("name")
    dtype = config["dtype"]
    if isinstance(dtype, dict):
        config["dtype"] = dtype["config"]["name"]
    return config


@pytest.mark.parametrize("case", DATA["hashing"], ids=case_id)
def test_hashing_output_equals_keras(case):
    layer = layers.Hashing(**case["settings"])
    assert_matches(layer(recorded_array(DATA["inputs"][case["input_name"]])), case)


@pytest.mark.parametrize("case", DATA["category_encoding"], ids=case_id)
def test_category_encoding_output_equals_keras(case):
    layer = layers.CategoryEncoding(**case["settings"])
    kwargs = {key: np.asarray(value) for key, value in case.get("call_kwargs", {}).items()}
    assert_matches(layer(recorded_array(DATA["ids"][case["input_name"]]), **kwargs), case)


@pytest.mark.parametrize(
    "case, layer_class",
    [(case, layers.Hashing) for case in DATA["hashing"]]
    + [(case, layers.CategoryEncoding) for case in DATA["category_encoding"]],
    ids=lambda value: case_id(value) if isinstance(value, dict) else value.__name__,
)
def test_config_equals_keras(case, layer_class):
    assert comparable_config(layer_class(**case["settings"]).get_config()) == comparable_config(
        case["config"]
    )


@pytest.mark.parametrize(
    "case, layer_class",
    [(case, layers.Hashing) for case in DATA["hashing"][:8]]
    + [(case, layers.CategoryEncoding) for case in DATA["category_encoding"][:8]],
    ids=lambda value: case_id(value) if isinstance(value, dict) else value.__name__,
)
def test_a_keras_config_rebuilds_the_layer(case, layer_class):
    config = value_from_keras(case["config"], layer_class.__name__)
    layer = gk.layers.deserialize({"class_name": layer_class.__name__, "config": config})
    assert type(layer) is layer_class
    assert comparable_config(layer.get_config()) == comparable_config(case["config"])


@pytest.mark.parametrize(
    "class_name, case",
    [(name, case) for name, cases in DATA["errors"].items() for case in cases],
    ids=lambda value: value if isinstance(value, str) else str(value["settings"]),
)
def test_settings_keras_refuses_are_refused(class_name, case):
    error = {"ValueError": ValueError, "TypeError": TypeError}[case["error"]]
    with pytest.raises(error, match=class_name):
        getattr(layers, class_name)(**case["settings"])


def test_the_keras_model_file_loads_and_gives_keras_outputs():
    recorded = DATA["model"]
    model = gk.models.load_model(MODEL)
    assert [type(layer).__name__ for layer in model.layers[1:]] == [
        "Hashing",
        "CategoryEncoding",
        "Hashing",
    ]
    assert model.get_layer("salted_bins").salt == [3, 5]
    assert model.get_layer("salted_bins").mask_value == 0
    ids = np.asarray(recorded["inputs"], dtype="int64")
    outputs = model.predict(ids, verbose=0)
    hashed, counts, multi_hot = outputs
    np.testing.assert_array_equal(hashed, recorded["outputs"][0])
    np.testing.assert_allclose(counts, recorded["outputs"][1], **TOLERANCE)
    np.testing.assert_allclose(multi_hot, recorded["outputs"][2], **TOLERANCE)
