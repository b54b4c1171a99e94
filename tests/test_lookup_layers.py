"""Behaviour of IntegerLookup, StringLookup and TextVectorization beyond Keras's recorded values.

Text through models (``model(x)``, ``predict``, ``fit``), round trips of
adapted vocabularies and tf_idf weights through ``.gk`` and ``.keras``
files, ``adapt`` on every kind of source, vocabulary files, clear errors
for what graphkeras refuses, and properties that hold for any input
(hypothesis). Float outputs of two separately built models are compared
with ``rtol=1e-6``.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import layers
from graphkeras.utils.py_dataset import PyDataset

WORDS = np.array([["a"], ["b"], ["a"], ["c"], ["é"], ["b"], ["a"]])
TEXT = ["The cat sat.", "the DOG ran", "a cat, a dog"]


class Batches(PyDataset):
    def __init__(self, batches: list) -> None:
        super().__init__()
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        return self.batches[index], np.zeros(len(self.batches[index]))


def lookup_model():
    words = gk.Input(shape=(1,), dtype="string", name="words")
    numbers = gk.Input(shape=(1,), dtype="int64", name="numbers")
    text = gk.Input(shape=(), dtype="string", name="text")
    word_lookup = layers.StringLookup(output_mode="tf_idf")
    word_lookup.adapt(WORDS)
    vectorize = layers.TextVectorization(output_sequence_length=4)
    vectorize.adapt(TEXT)
    number_lookup = layers.IntegerLookup(vocabulary=[3, 5, 9], mask_token=0)
    outputs = [word_lookup(words), number_lookup(numbers), vectorize(text)]
    return gk.Model([words, numbers, text], outputs)


INPUTS = [
    np.array([["a"], ["zz"], ["é"]]),
    np.array([[5], [0], [7]]),
    np.array(["The cat", "crème brûlée", ""]),
]


@pytest.mark.parametrize("suffix", [".gk", ".keras"])
def test_adapted_lookups_round_trip_through_files(tmp_path, suffix):
    model = lookup_model()
    path = tmp_path / f"lookups{suffix}"
    model.save(path)
    loaded = gk.saving.load_model(path)
    outputs = zip(loaded.predict(INPUTS, verbose=0), model.predict(INPUTS, verbose=0), strict=True)
    for got, expected in outputs:
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6)
    for original, copy in zip(model.layers, loaded.layers, strict=True):
        if hasattr(original, "get_vocabulary"):
            assert copy.get_vocabulary() == original.get_vocabulary()


def test_a_keras_archive_keeps_vocabularies_where_keras_puts_them(tmp_path):
    path = tmp_path / "lookups.keras"
    lookup_model().save(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert archive.read("assets/layers/string_lookup/vocabulary.txt").decode() == (
            "[UNK]\na\nb\né\nc"
        )
    assert "assets/layers/text_vectorization/vocabulary.txt" in names
    assert "assets/layers/text_vectorization/_lookup_layer/vocabulary.txt" in names
    # A given vocabulary lives in the config, as Keras keeps it.
    assert not any(name.startswith("assets/layers/integer_lookup") for name in names)


def test_a_keras_archive_asset_outside_its_folder_is_refused(tmp_path):
    path = tmp_path / "lookups.keras"
    lookup_model().save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("assets/layers/../../evil.txt", b"x")
    with pytest.raises(ValueError, match="not a plain path"):
        gk.saving.load_model(path)


def test_string_models_take_str_object_and_bytes_arrays():
    model = lookup_model()
    expected = model.predict(INPUTS, verbose=0)
    as_objects = [INPUTS[0].astype(object), INPUTS[1], INPUTS[2].astype(object)]
    as_bytes = [np.char.encode(INPUTS[0], "utf-8"), INPUTS[1], np.char.encode(INPUTS[2], "utf-8")]
    for inputs in (as_objects, as_bytes):
        for got, want in zip(model(inputs), expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-6)


def test_fit_trains_through_a_string_lookup_and_text_vectorization():
    words = gk.Input(shape=(1,), dtype="string")
    lookup = layers.StringLookup(vocabulary=["a", "b", "c"], output_mode="one_hot")
    lookup_model = gk.Model(words, layers.Dense(1)(lookup(words)))
    text = gk.Input(shape=(), dtype="string")
    vectorize = layers.TextVectorization(output_sequence_length=5)
    vectorize.adapt(TEXT)
    pooled = layers.GlobalAveragePooling1D()(layers.Embedding(12, 3)(vectorize(text)))
    text_model = gk.Model(text, layers.Dense(1)(pooled))
    for model, x in ((lookup_model, WORDS), (text_model, np.array(TEXT * 2))):
        model.compile("sgd", "mse")
        y = np.arange(len(x), dtype="float32").reshape(-1, 1)
        losses = model.fit(x, y, epochs=6, batch_size=3, verbose=0).history["loss"]
        assert losses[-1] < losses[0]
        assert model.predict(x, verbose=0).shape == (len(x), 1)


def test_a_model_refuses_numbers_for_a_string_input():
    words = gk.Input(shape=(1,), dtype="string")
    model = gk.Model(words, layers.StringLookup(vocabulary=["a"])(words))
    with pytest.raises(TypeError, match="string"):
        model(np.ones((2, 1)))


@pytest.mark.parametrize("kind", ["array", "list", "generator", "py_dataset"])
def test_string_lookup_adapts_to_the_same_vocabulary_from_any_source(kind):
    batches = [WORDS[:3], WORDS[3:5], WORDS[5:]]
    source = {
        "array": WORDS,
        "list": WORDS.tolist(),
        "generator": (batch for batch in batches),
        "py_dataset": Batches(batches),
    }[kind]
    layer = layers.StringLookup()
    layer.adapt(source)
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "é", "c"]


def test_adapt_reads_at_most_steps_batches():
    layer = layers.IntegerLookup()
    layer.adapt((np.array([index, index]) for index in range(100)), steps=3)
    assert layer.get_vocabulary() == [-1, 2, 1, 0]


def test_adapt_on_bad_data_leaves_the_vocabulary_as_it_was():
    layer = layers.StringLookup()
    layer.adapt(WORDS)
    with pytest.raises(TypeError, match="StringLookup 'string_lookup.*str or bytes"):
        layer.adapt([np.array(["x"]), np.array([1.5])].__iter__())
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "é", "c"]


def test_vocabulary_from_a_text_file(tmp_path):
    path = tmp_path / "vocabulary.txt"
    path.write_text("low\nhigh\nmiddle\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path), mask_token="")
    assert layer.get_vocabulary() == ["", "[UNK]", "low", "high", "middle"]
    assert layer(np.array(["high", "", "nope"])).tolist() == [3, 0, 1]
    assert layer.get_config()["vocabulary"] is None
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("10\n20\n", encoding="utf-8")
    assert layers.IntegerLookup(vocabulary=str(numbers))(np.array([20, 3])).tolist() == [2, 0]


def test_set_vocabulary_replaces_an_adapted_one():
    layer = layers.StringLookup()
    layer.adapt(WORDS)
    layer.set_vocabulary(["x", "y"])
    assert layer.get_vocabulary() == ["[UNK]", "x", "y"]
    assert layer(np.array(["y", "a"])).tolist() == [2, 0]


def test_registered_standardize_saves_and_unregistered_refuses(tmp_path):
    @gk.saving.register_keras_serializable(package="lookup_tests")
    def shout(text):
        return np.char.upper(text)

    def whisper(text):
        return np.char.lower(text)

    text = gk.Input(shape=(), dtype="string")
    vectorize = layers.TextVectorization(standardize=shout, vocabulary=["CAT"])
    model = gk.Model(text, vectorize(text))
    path = tmp_path / "shout.gk"
    model.save(path)
    loaded = gk.saving.load_model(path)
    assert loaded(np.array(["cat dog"])).tolist() == [[2, 1]]

    quiet = layers.TextVectorization(standardize=whisper, vocabulary=["cat"])
    assert quiet(np.array(["CAT"])).tolist() == [[2]]
    with pytest.raises(ValueError, match="standardize='whisper' is a callable that is not regis"):
        gk.Model(text, quiet(text)).save(tmp_path / "whisper.gk")


def test_callable_split_receives_strings_and_returns_tokens():
    layer = layers.TextVectorization(
        standardize=None,
        split=lambda text: [value.split(",") for value in text],
        vocabulary=["a", "b c"],
    )
    assert layer(np.array(["a,b c,d"])).tolist() == [[2, 3, 1]]


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: layers.StringLookup(output_mode="count", sparse=True), ValueError, "sparse"),
        (lambda: layers.TextVectorization(ragged=True), ValueError, "ragged"),
        (lambda: layers.StringLookup(invert=True, output_mode="multi_hot"), ValueError, "invert"),
        (lambda: layers.StringLookup(output_mode="bag"), ValueError, "output_mode must be"),
        (lambda: layers.StringLookup(max_tokens=1), ValueError, "max_tokens"),
        (lambda: layers.StringLookup(pad_to_max_tokens=True), ValueError, "pad_to_max_tokens"),
        (lambda: layers.StringLookup(vocabulary=["a", "a"]), ValueError, "repeats"),
        (lambda: layers.StringLookup(vocabulary=["a", ""], mask_token=""), ValueError, "mask"),
        (
            lambda: layers.StringLookup(vocabulary=["a"], max_tokens=2, num_oov_indices=2),
            ValueError,
            "max_tokens=2",
        ),
        (
            lambda: layers.StringLookup(output_mode="tf_idf", vocabulary=["a"]),
            ValueError,
            "idf_weights",
        ),
        (lambda: layers.IntegerLookup(vocabulary_dtype="int32"), ValueError, "int64"),
        (lambda: layers.IntegerLookup(salt=3), ValueError, "farmhash"),
        (lambda: layers.TextVectorization(ngrams=0), ValueError, "ngrams"),
        (
            lambda: layers.TextVectorization(output_mode="count", output_sequence_length=3),
            ValueError,
            "output_sequence_length",
        ),
        (lambda: layers.TextVectorization(split="comma"), ValueError, "split must be"),
    ],
)
def test_bad_arguments_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_out_of_vocabulary_values_without_oov_indices_raise():
    layer = layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=0)
    assert layer(np.array([2, 1])).tolist() == [1, 0]
    with pytest.raises(ValueError, match=r"out-of-vocabulary values \[7\]"):
        layer(np.array([1, 7]))


def test_a_given_vocabulary_refuses_adapt_and_vector_modes_need_one():
    with pytest.raises(ValueError, match="was given a vocabulary"):
        layers.StringLookup(vocabulary=["a"]).adapt(WORDS)
    with pytest.raises(RuntimeError, match="needs a vocabulary"):
        layers.StringLookup(output_mode="count")(np.array(["a"]))


def test_symbolic_outputs_have_keras_shapes_and_dtypes():
    words = gk.Input(shape=(1,), dtype="string")
    assert layers.StringLookup(vocabulary=["a"])(words).dtype == "int64"
    counted = layers.StringLookup(vocabulary=["a", "b"], output_mode="count")(words)
    assert (counted.shape, counted.dtype) == ((None, 3), "float32")
    inverted = layers.StringLookup(vocabulary=["a"], invert=True)(gk.Input((2,), dtype="int64"))
    assert inverted.dtype == "string"
    sequence = layers.TextVectorization(output_sequence_length=7)(gk.Input((), dtype="string"))
    assert sequence.shape == (None, 7)


# ---------------------------------------------------------------- properties
TOKENS = st.text(alphabet="abcé[]UNK ", max_size=4)


@settings(max_examples=40, deadline=None)
@given(vocabulary=st.lists(TOKENS, min_size=1, max_size=6, unique=True), inputs=st.lists(TOKENS))
def test_lookup_then_invert_gives_the_token_or_the_oov_token(vocabulary, inputs):
    vocabulary = [token for token in vocabulary if token != "[UNK]"] or ["x"]
    forward = layers.StringLookup(vocabulary=vocabulary)
    backward = layers.StringLookup(vocabulary=vocabulary, invert=True)
    values = np.array(inputs, dtype=str)
    got = backward(forward(values)).tolist()
    assert got == [token if token in vocabulary else "[UNK]" for token in inputs]


@settings(max_examples=40, deadline=None)
@given(data=st.lists(st.integers(-3, 6), min_size=1, max_size=30), oov=st.integers(1, 4))
def test_adapted_integer_vocabulary_is_ranked_by_count_then_value_descending(data, oov):
    layer = layers.IntegerLookup(num_oov_indices=oov)
    layer.adapt(np.array(data))
    learned = layer.get_vocabulary(include_special_tokens=False)
    counts = Counter(value for value in data if value != -1)
    assert sorted(learned) == sorted(counts)
    keys = [(counts[value], value) for value in learned]
    assert keys == sorted(keys, reverse=True)
    indices = layer(np.array(data)).tolist()
    assert all(0 <= index < layer.vocabulary_size() for index in indices)
    assert [layer.get_vocabulary()[index] for index in indices] == [
        value if value in counts else -1 for value in data
    ]


@settings(max_examples=30, deadline=None)
@given(text=st.lists(st.text(max_size=12), min_size=1, max_size=4))
def test_counts_of_an_adapted_text_add_up_to_its_ascii_whitespace_words(text):
    layer = layers.TextVectorization(output_mode="count", standardize=None)
    layer.adapt(text)
    counts = layer(np.array(text, dtype=str))
    words = [len(re.findall(r"[^ \t\n\v\f\r]+", value)) for value in text]
    assert counts.shape == (len(text), layer.vocabulary_size())
    assert counts.sum(axis=1).tolist() == words
