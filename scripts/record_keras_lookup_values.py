"""Record what Keras 3 computes for IntegerLookup, StringLookup and TextVectorization.

Run by hand, never in CI, with Keras 3, JAX and TensorFlow installed (Keras's
string layers run TensorFlow ops)::

    KERAS_BACKEND=jax python scripts/record_keras_lookup_values.py \
        tests/data/keras_lookup_values.json tests/fixtures/keras/lookup.keras

The first path receives, for each case, the layer's class and constructor
arguments, the data it was adapted on (one array, a generator of batches
or a PyDataset of batches), Keras's vocabulary, vocabulary size, tf_idf
weights and config, and the layer's output for each input (or ``"error"``
where Keras refuses it). Layers are called on TensorFlow tensors so their
outputs come back as TensorFlow computes them (int64 indices, strings from
``invert``). The second path receives a small functional model of the
three layers saved by Keras, with its inputs and outputs beside it in
``<path>.npz``. ``tests/test_keras_lookup_values.py`` reads both and never
imports Keras.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

WORDS = ["a", "b", "c", "a", "b", "d", "e", "a", "cc", "B", "é", "", "[UNK]", "zz", "b"]
INTEGERS = [7, 3, 3, 12, 7, 3, -1, 0, 42, 12, 5, 5, 99, 7, 1000000007]

TRICKY_TEXT = [
    "The Cat SAT on the mat.",
    "ÉCLAIR à la CRÈME, s'il vous plaît!",
    "İstanbul ΣΟΦΙΑ Straße ǅemal ＦＵＬＬ",
    "don't stop-believing; C++ & snake_case @home #tag $5.00 100%",
    "back\\slash [brackets] {braces} (parens) <angle> a|b ~tilde `tick` ^caret",
    "“curly quotes” ‘single’ «guillemets» ¿qué? ¡sí! — dash … ellipsis · middot",
    "tabs\tand\nnewlines\r\nand\vvertical\fform feed",
    "no\u00a0break\u2003em\u3000ideographic\x1cfile\x85next",
    "   leading and trailing   ",
    "",
    "!!!...???",
    "emoji 🙂 👍🏽 flags 🇫🇷 e\u0301 combining",
    "MiXeD CaSe mixed case MIXED CASE",
    "数字123 and ١٢٣ digits",
]


def _batches(data: list, size: int) -> list:
    return [data[start : start + size] for start in range(0, len(data), size)]


def cases() -> list[dict]:
    """Every case: ``{"layer", "arguments", "adapt"?, "inputs"}`` before Keras runs it."""
    words_2d = np.array(WORDS[:12]).reshape(6, 2).tolist()
    integers_2d = np.array(INTEGERS[:12]).reshape(6, 2).tolist()
    string_inputs = [
        [["a", "zz"], ["b", "q"]],
        ["c", "", "[UNK]", "é", "B"],
        [["a"], ["nope"], ["d"]],
    ]
    integer_inputs = [[[3, 7], [12, 8]], [0, -1, 5, 42, 1000000007, -5], [[99], [4], [3]]]
    found: list[dict] = []

    def case(layer: str, arguments: dict, inputs: list, adapt: dict | None = None) -> None:
        found.append({"layer": layer, "arguments": arguments, "adapt": adapt, "inputs": inputs})

    # Adapted vocabularies: ties, limits, special tokens, how the data is fed.
    for arguments in (
        {},
        {"max_tokens": 4},
        {"max_tokens": 6, "num_oov_indices": 2},
        {"mask_token": ""},
        {"mask_token": "", "num_oov_indices": 0},
        {"num_oov_indices": 3},
        {"num_oov_indices": 3, "salt": 17},
        {"num_oov_indices": 2, "salt": [5, 9]},
        {"oov_token": "b"},
        {"output_mode": "one_hot"},
        {"output_mode": "multi_hot", "mask_token": ""},
        {"output_mode": "count"},
        {"output_mode": "tf_idf"},
        {"output_mode": "tf_idf", "max_tokens": 5, "pad_to_max_tokens": True},
        {"output_mode": "count", "max_tokens": 8, "pad_to_max_tokens": True},
    ):
        case("StringLookup", arguments, string_inputs, {"data": WORDS, "kind": "array"})
    case("StringLookup", {}, string_inputs, {"data": words_2d, "kind": "array"})
    case(
        "StringLookup",
        {"output_mode": "tf_idf"},
        string_inputs,
        {"data": words_2d, "kind": "generator", "batch_size": 2},
    )
    case(
        "StringLookup",
        {"output_mode": "tf_idf"},
        string_inputs,
        {"data": WORDS, "kind": "generator", "batch_size": 4},
    )
    case("StringLookup", {}, string_inputs, {"data": WORDS, "kind": "py_dataset", "batch_size": 5})

    for arguments in (
        {},
        {"max_tokens": 3},
        {"mask_token": 0},
        {"mask_token": 0, "num_oov_indices": 3},
        {"num_oov_indices": 4},
        {"num_oov_indices": 3, "oov_method": "farmhash"},
        {"num_oov_indices": 3, "oov_method": "farmhash", "salt": 11},
        {"num_oov_indices": 0, "mask_token": 0},
        {"output_mode": "multi_hot"},
        {"output_mode": "count", "mask_token": 0},
        {"output_mode": "tf_idf"},
    ):
        case("IntegerLookup", arguments, integer_inputs, {"data": INTEGERS, "kind": "array"})
    case(
        "IntegerLookup",
        {"output_mode": "tf_idf"},
        integer_inputs,
        {"data": integers_2d, "kind": "py_dataset", "batch_size": 4},
    )

    # Given vocabularies.
    vocabulary = ["the", "cat", "é", "B"]
    for arguments in (
        {"vocabulary": vocabulary},
        {"vocabulary": ["[UNK]", *vocabulary]},
        {"vocabulary": vocabulary, "mask_token": "", "num_oov_indices": 2},
        {"vocabulary": ["", "[UNK]", "[UNK]", *vocabulary], "mask_token": "", "num_oov_indices": 2},
        {"vocabulary": vocabulary, "invert": True},
        {"vocabulary": vocabulary, "invert": True, "mask_token": ""},
        {"vocabulary": vocabulary, "output_mode": "one_hot"},
        {"vocabulary": vocabulary, "output_mode": "tf_idf", "idf_weights": [0.5, 1.0, 2.0, 0.25]},
        {
            "vocabulary": ["[UNK]", *vocabulary],
            "output_mode": "tf_idf",
            "idf_weights": [0.1, 0.5, 1.0, 2.0, 0.25],
        },
        {
            "vocabulary": vocabulary,
            "output_mode": "tf_idf",
            "idf_weights": [0.5, 1.0, 2.0, 0.25],
            "max_tokens": 8,
            "pad_to_max_tokens": True,
        },
    ):
        inputs = (
            [[[0, 1], [2, 5]], [3, 4, -1, 9]]
            if arguments.get("invert")
            else [[["the", "x"], ["B", "b"]], ["é", "cat", "", "dog"], [["cat"], ["the"]]]
        )
        case("StringLookup", arguments, inputs)
    for arguments in (
        {"vocabulary": [12, 36, 1138, 42]},
        {"vocabulary": [-1, 12, 36]},
        {"vocabulary": [12, 36, 1138], "mask_token": 0, "num_oov_indices": 2},
        {"vocabulary": [12, 36, 1138], "invert": True},
        {"vocabulary": [12, 36, 1138], "output_mode": "count"},
    ):
        inputs = (
            [[[0, 1], [3, 7]], [1, 2, -4]]
            if arguments.get("invert")
            else [[[12, 7], [1138, 0]], [36, -1, 42, 5]]
        )
        case("IntegerLookup", arguments, inputs)

    # TextVectorization on tricky text.
    text_inputs = [TRICKY_TEXT, [[line] for line in TRICKY_TEXT[:5]]]
    for arguments in (
        {},
        {"standardize": "lower"},
        {"standardize": "strip_punctuation"},
        {"standardize": None},
        {"split": "character", "max_tokens": 40},
        {"output_sequence_length": 6},
        {"output_sequence_length": 30},
        {"ngrams": 2, "max_tokens": 50},
        {"ngrams": (1, 3), "max_tokens": 40},
        {"output_mode": "multi_hot"},
        {"output_mode": "count", "max_tokens": 20},
        {"output_mode": "tf_idf"},
        {"output_mode": "tf_idf", "max_tokens": 30, "pad_to_max_tokens": True},
        {"max_tokens": 10, "output_mode": "count", "pad_to_max_tokens": True},
    ):
        case("TextVectorization", arguments, text_inputs, {"data": TRICKY_TEXT, "kind": "array"})
    case(
        "TextVectorization",
        {"output_mode": "tf_idf"},
        text_inputs,
        {"data": TRICKY_TEXT, "kind": "generator", "batch_size": 4},
    )
    case(
        "TextVectorization",
        {},
        text_inputs,
        {"data": [[line] for line in TRICKY_TEXT], "kind": "py_dataset", "batch_size": 5},
    )
    case(
        "TextVectorization",
        {"split": None, "standardize": "lower"},
        [[["The Cat"], ["the cat"], ["new"]], ["A", "a", "the cat"]],
        {"data": ["The Cat", "the cat", "a", "A!", "the cat"], "kind": "array"},
    )
    case(
        "TextVectorization",
        {"vocabulary": ["the", "cat", "sat"], "output_sequence_length": 4},
        [["The cat sat on the cat", "sat"]],
    )
    case(
        "TextVectorization",
        {
            "vocabulary": ["the", "cat", "sat"],
            "output_mode": "tf_idf",
            "idf_weights": [0.5, 1.5, 2.5],
        },
        [["The cat sat on the cat", "sat"]],
    )
    return found


def _as_json(value: Any) -> Any:
    """Plain JSON data: arrays as lists, bytes as text, floats kept to 9 significant digits."""
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value).decode("utf-8")
    if isinstance(value, np.ndarray):
        return _as_json(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_as_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, (np.floating, float)):
        return float(f"{float(value):.9g}")
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.str_):
        return str(value)
    return value


def _adapt_source(keras, adapt: dict):
    data = adapt["data"]
    if adapt["kind"] == "array":
        return np.array(data)
    batches = [np.array(batch) for batch in _batches(data, adapt["batch_size"])]
    if adapt["kind"] == "generator":
        return (batch for batch in batches)

    class Batches(keras.utils.PyDataset):
        def __len__(self) -> int:
            return len(batches)

        def __getitem__(self, index: int):
            return batches[index]

    return Batches()


def _tensor(tf, layer_name: str, arguments: dict, values: list):
    if layer_name == "IntegerLookup" or arguments.get("invert"):
        return tf.constant(values, dtype="int64")
    return tf.constant(values, dtype="string")


def record_case(keras, tf, case: dict) -> dict:
    layer = getattr(keras.layers, case["layer"])(**case["arguments"])
    if case["adapt"] is not None:
        layer.adapt(_adapt_source(keras, case["adapt"]))
    outputs = []
    for values in case["inputs"]:
        try:
            output = layer(_tensor(tf, case["layer"], case["arguments"], values))
            output = np.asarray(output.numpy() if hasattr(output, "numpy") else output)
            outputs.append({"value": output, "dtype": str(output.dtype)})
        except Exception as error:  # Keras refuses this input: record that it does.
            outputs.append({"error": type(error).__name__})
    lookup = getattr(layer, "_lookup_layer", layer)
    idf = getattr(lookup, "idf_weights_const", None)
    config = {
        key: value
        for key, value in layer.get_config().items()
        if key not in ("name", "dtype", "trainable")
    }
    return _as_json(
        {
            **case,
            "vocabulary": layer.get_vocabulary(),
            "vocabulary_size": int(layer.vocabulary_size()),
            "idf_weights": None if idf is None else np.asarray(idf),
            "outputs": outputs,
            "config": config,
        }
    )


def lookup_model(keras):
    """Words, integers and text through the three layers, adapted or given a vocabulary."""
    layers = keras.layers
    words = keras.Input(shape=(1,), dtype="string", name="words")
    numbers = keras.Input(shape=(1,), dtype="int64", name="numbers")
    text = keras.Input(shape=(1,), dtype="string", name="text")
    word_lookup = layers.StringLookup(output_mode="tf_idf", name="word_lookup")
    word_lookup.adapt(np.array([["a"], ["b"], ["a"], ["c"], ["é"]]))
    number_lookup = layers.IntegerLookup(vocabulary=[3, 5, 9], mask_token=0, name="number_lookup")
    vectorize = layers.TextVectorization(output_sequence_length=5, name="vectorize")
    vectorize.adapt(np.array(TRICKY_TEXT[:4]))
    model = keras.Model(
        [words, numbers, text],
        [word_lookup(words), number_lookup(numbers), vectorize(text)],
        name="lookups",
    )
    inputs = {
        "words": np.array([["a"], ["zz"], ["é"]]),
        "numbers": np.array([[5], [0], [7]], dtype="int64"),
        "text": np.array([["The CAT, sat"], ["crème brûlée"], [""]]),
    }
    return model, [word_lookup, number_lookup, vectorize], inputs


def record(values_path: str, fixture_path: str) -> None:
    import keras
    import tensorflow as tf

    recorded = [record_case(keras, tf, case) for case in cases()]
    text = json.dumps(
        {"keras_version": keras.__version__, "cases": recorded},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    Path(values_path).write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(recorded)} cases to {values_path} ({len(text)} characters)")

    model, model_layers, inputs = lookup_model(keras)
    model.save(fixture_path)
    outputs = {}
    for index, (layer, name) in enumerate(zip(model_layers, inputs, strict=True)):
        dtype = "int64" if name == "numbers" else "string"
        value = layer(tf.constant(inputs[name], dtype=dtype))
        outputs[f"output_{index}"] = np.asarray(value)
    np.savez(fixture_path + ".npz", **{f"input_{k}": v for k, v in inputs.items()}, **outputs)
    print(f"wrote {fixture_path} ({Path(fixture_path).stat().st_size} bytes) and its .npz")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    record(sys.argv[1], sys.argv[2])
