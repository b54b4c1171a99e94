"""Record what Keras 3 computes for ``Hashing`` and ``CategoryEncoding``, to test graphkeras on.

Run it by hand, never in CI, in an environment that has Keras 3, JAX and
TensorFlow (Keras's ``Hashing`` hashes through TensorFlow)::

    KERAS_BACKEND=jax python scripts/record_keras_hashing_values.py \\
        tests/data/keras_hashing_values.json

It writes, to the JSON path given:

- ``hashing``: for many settings (``num_bins``, ``salt`` as an int or a
  pair, ``mask_value``, every ``output_mode``, ``dtype``) and inputs
  (strings of many lengths and scripts, integers up to int64's extremes,
  floats, booleans; ranks 0 to 3), the layer's output, its dtype and
  ``get_config()``;
- ``category_encoding``: the same for ``CategoryEncoding`` (every mode,
  ranks 0 to 3, ids out of range, float ids, ``count_weights``);
- ``errors``: constructor arguments Keras refuses;
- ``model``: the inputs and outputs of a small integer-input functional
  model holding both layers, saved beside the JSON as
  ``keras_hashing_model.keras``.

``tests/test_keras_hashing_values.py`` reads both and never imports Keras.
Inputs are fixed or drawn from a seeded generator, so running again gives
the same files.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402

RNG = np.random.default_rng(20260612)

WORDS = [
    "A",
    "B",
    "C",
    "",
    "hello",
    "café",
    "日本語",
    "😀",
    "sixteen bytes!!!",
    "a string of between thirty-three and sixty-four bytes",
    "a string well over sixty-four bytes long, so that the block loop of the hash runs",
    "42",
]

INPUTS: dict[str, Any] = {
    "words": np.array(WORDS),
    "words_2d": np.array(WORDS).reshape(3, 4),
    "words_column": np.array(WORDS[:5]).reshape(5, 1),
    "words_3d": np.array(WORDS).reshape(2, 3, 2),
    "word_scalar": np.array("café"),
    "word_single": np.array(["B"]),
    "ints": np.array(
        [[0, 1, -1, 42], [7, 2**31, -(2**31) - 1, 123456789012], [2**63 - 1, -(2**63), 5, 5]],
        dtype="int64",
    ),
    "ints_column": np.array([[3], [0], [-8], [99]], dtype="int64"),
    "ints_3d": RNG.integers(-50, 50, size=(2, 3, 4)).astype("int64"),
    "ints_int32": np.array([0, 1, 2, 3, 4, 5, -6], dtype="int32"),
    "floats": np.array([1.7, -2.5, 0.0, 3.0, 1e10], dtype="float64"),
    "bools": np.array([True, False, True]),
}

HASHING_SETTINGS: list[tuple[dict, list[str]]] = [
    ({"num_bins": 1}, ["words", "ints"]),
    ({"num_bins": 3}, ["words", "words_2d", "word_scalar", "ints", "floats", "bools"]),
    ({"num_bins": 1000}, ["words", "ints", "ints_int32"]),
    ({"num_bins": 3, "salt": 133}, ["words", "ints"]),
    ({"num_bins": 3, "salt": [133, 137]}, ["words", "ints"]),
    ({"num_bins": 997, "salt": [2**40 + 3, -7]}, ["words", "ints"]),
    ({"num_bins": 3, "mask_value": ""}, ["words", "words_2d"]),
    ({"num_bins": 1, "mask_value": ""}, ["words"]),
    ({"num_bins": 2, "mask_value": "A"}, ["words"]),
    ({"num_bins": 5, "mask_value": 0}, ["ints", "ints_int32"]),
    ({"num_bins": 50, "mask_value": 5, "salt": 9}, ["ints"]),
    ({"num_bins": 4, "dtype": "int32"}, ["words"]),
    ({"num_bins": 6, "output_mode": "one_hot"}, ["words", "words_2d", "words_column"]),
    ({"num_bins": 6, "output_mode": "one_hot"}, ["word_single", "ints_column", "ints_3d"]),
    ({"num_bins": 6, "output_mode": "multi_hot"}, ["words", "words_2d", "words_column"]),
    ({"num_bins": 6, "output_mode": "multi_hot"}, ["words_3d", "word_scalar", "ints_3d"]),
    ({"num_bins": 6, "output_mode": "count"}, ["words", "words_2d", "words_column"]),
    ({"num_bins": 6, "output_mode": "count"}, ["words_3d", "ints", "ints_3d"]),
    ({"num_bins": 6, "output_mode": "count", "mask_value": "", "salt": 3}, ["words_2d"]),
    ({"num_bins": 6, "output_mode": "multi_hot", "dtype": "int32"}, ["words_2d"]),
]

IDS: dict[str, Any] = {
    "scalar": np.array(2, dtype="int32"),
    "rank1": np.array([0, 2, 2, 5], dtype="int32"),
    "single": np.array([3], dtype="int32"),
    "rank2": np.array([[0, 1, 1], [5, 5, 2]], dtype="int32"),
    "column": np.array([[0], [3], [5]], dtype="int32"),
    "rank3": RNG.integers(0, 6, size=(2, 3, 4)).astype("int32"),
    "out_of_range": np.array([[0, 6, -1], [7, 2, 2]], dtype="int32"),
    "floats": np.array([[0.0, 1.7, 2.0], [-0.5, 5.0, 5.9]], dtype="float32"),
}

WEIGHTS = {
    "rank2": np.array([[0.5, 1.0, 2.0], [1.0, 1.0, -3.0]], dtype="float32"),
    "rank1": np.array([1.0, 2.0, 3.0, 0.25], dtype="float32"),
}

CATEGORY_SETTINGS: list[tuple[dict, list[str]]] = [
    ({"num_tokens": 6, "output_mode": mode}, list(IDS))
    for mode in ("one_hot", "multi_hot", "count")
] + [
    ({"num_tokens": 6}, ["rank2"]),
    ({"num_tokens": 6, "output_mode": "binary"}, ["rank2"]),
    ({"num_tokens": 6, "output_mode": "count", "dtype": "int32"}, ["rank2", "rank3"]),
    ({"num_tokens": 1, "output_mode": "multi_hot"}, ["rank2"]),
]

ERRORS = {
    "Hashing": [
        {"num_bins": 0},
        {"num_bins": 3, "output_mode": "tf_idf"},
        {"num_bins": 3, "salt": "x"},
        {"num_bins": 3, "salt": [1, 2, 3]},
        {"num_bins": 3, "dtype": "float32"},
        {"num_bins": 3, "sparse": True},
    ],
    "CategoryEncoding": [
        {},
        {"num_tokens": 0},
        {"num_tokens": 3, "output_mode": "int"},
    ],
}


def as_json(value: Any) -> Any:
    """A JSON-ready copy: arrays become nested lists (strings stay strings)."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    array = np.asarray(value)
    if array.dtype.kind in "iubU":
        return array.tolist()
    return np.asarray(array, dtype="float64").tolist()


def describe_input(array: np.ndarray) -> dict:
    return {"values": as_json(array), "dtype": str(array.dtype), "shape": list(array.shape)}


def layer_case(layer_class, settings: dict, name: str, inputs: np.ndarray, **call_kwargs) -> dict:
    layer = layer_class(**settings)
    output = np.asarray(layer(inputs, **call_kwargs))
    record = {
        "settings": settings,
        "input_name": name,
        "output": as_json(output),
        "output_shape": list(output.shape),
        "output_dtype": str(output.dtype),
        "symbolic_dtype": layer.compute_dtype,
        "config": layer.get_config(),
    }
    if call_kwargs:
        record["call_kwargs"] = {key: as_json(value) for key, value in call_kwargs.items()}
    return record


def refusals() -> dict:
    refused = {}
    for class_name, settings_list in ERRORS.items():
        refused[class_name] = []
        for settings in settings_list:
            try:
                getattr(keras.layers, class_name)(**settings)
            except (ValueError, TypeError) as error:
                refused[class_name].append({"settings": settings, "error": type(error).__name__})
            else:
                raise AssertionError(f"Keras accepted {class_name}({settings})")
    return refused


def record_model(path: Path) -> dict:
    """A small integer-input model with both layers, saved to ``path``; its inputs and outputs."""
    inputs = keras.Input((4,), dtype="int64", name="ids")
    hashed = keras.layers.Hashing(num_bins=6, mask_value=0, salt=[3, 5], name="salted_bins")(inputs)
    counts = keras.layers.CategoryEncoding(6, output_mode="count", name="counts")(hashed)
    multi_hot = keras.layers.Hashing(num_bins=5, output_mode="multi_hot", name="hot_bins")(inputs)
    model = keras.Model(inputs, [hashed, counts, multi_hot], name="hashing_model")
    model.save(path)
    ids = np.array([[0, 1, 2, 3], [10, 0, 10, 99], [-4, 7, 7, 123456]], dtype="int64")
    outputs = [np.asarray(output) for output in model(ids)]
    return {
        "inputs": as_json(ids),
        "outputs": [as_json(output) for output in outputs],
        "output_dtypes": [str(output.dtype) for output in outputs],
    }


def main(output: str) -> None:
    output_path = Path(output)
    record = {
        "keras_version": keras.__version__,
        "inputs": {name: describe_input(array) for name, array in INPUTS.items()},
        "ids": {name: describe_input(array) for name, array in IDS.items()},
        "weights": {name: as_json(array) for name, array in WEIGHTS.items()},
        "hashing": [
            layer_case(keras.layers.Hashing, settings, name, INPUTS[name])
            for settings, names in HASHING_SETTINGS
            for name in names
            if not (settings.get("output_mode") == "one_hot" and INPUTS[name].ndim == 0)
        ],
        "category_encoding": [
            layer_case(keras.layers.CategoryEncoding, settings, name, IDS[name])
            for settings, names in CATEGORY_SETTINGS
            for name in names
        ],
        "errors": refusals(),
        "model": record_model(output_path.with_name("keras_hashing_model.keras")),
    }
    for name in ("rank2", "rank1"):
        layer_settings = {"num_tokens": 6, "output_mode": "count"}
        record["category_encoding"].append(
            layer_case(
                keras.layers.CategoryEncoding,
                layer_settings,
                name,
                IDS[name],
                count_weights=WEIGHTS[name],
            )
        )
    output_path.write_text(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
