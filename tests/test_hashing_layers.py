"""Behaviour of Hashing and CategoryEncoding beyond Keras's recorded numbers.

Round trips through ``.gk`` and ``.keras`` files (integer inputs), string
inputs of every numpy form called eagerly, the hashing of integers as
their decimal text, symbolic shapes that agree with eager outputs, and
clear errors. Bins are integers and compared exactly; encoded rows are
float32 sums of small integers or weights, compared at ``rtol=1e-6``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import layers
from graphkeras.layers.preprocessing.string_fingerprints import fingerprint64, keyed_hash64

IDS = np.array([[0, 1, 2, 3], [10, 0, 10, 99], [-4, 7, 7, 123456]], dtype="int64")


def hashing_model():
    inputs = gk.Input((4,), dtype="int64", name="ids")
    bins = layers.Hashing(num_bins=6, mask_value=0, salt=[3, 5], name="salted_bins")(inputs)
    counts = layers.CategoryEncoding(6, output_mode="count", name="counts")(bins)
    one_hot = layers.CategoryEncoding(6, output_mode="one_hot", name="one_hot")(bins)
    multi_hot = layers.Hashing(num_bins=5, output_mode="multi_hot", name="hot_bins")(inputs)
    return gk.Model(inputs, [bins, counts, one_hot, multi_hot], name="hashing_model")


@pytest.mark.parametrize("suffix", [".gk", ".keras"])
def test_a_model_of_hashing_layers_round_trips_through_files(tmp_path, suffix):
    model = hashing_model()
    expected = model.predict(IDS, verbose=0)
    path = tmp_path / f"hashing{suffix}"
    model.save(path)
    loaded = gk.models.load_model(path)
    assert json.dumps(loaded.get_config(), sort_keys=True) == json.dumps(
        model.get_config(), sort_keys=True
    )
    outputs = loaded.predict(IDS, verbose=0)
    np.testing.assert_array_equal(outputs[0], expected[0])
    assert outputs[0].dtype == np.int64
    for output, reference in zip(outputs[1:], expected[1:], strict=True):
        np.testing.assert_allclose(output, reference, rtol=1e-6)


def test_model_outputs_equal_the_layers_called_one_by_one():
    bins, counts, one_hot, multi_hot = hashing_model().predict(IDS, verbose=0)
    expected_bins = layers.Hashing(num_bins=6, mask_value=0, salt=[3, 5])(IDS)
    np.testing.assert_array_equal(bins, expected_bins)
    assert (bins[IDS == 0] == 0).all() and (bins[IDS != 0] >= 1).all()
    np.testing.assert_allclose(counts.sum(axis=1), np.full(3, 4.0), rtol=1e-6)
    np.testing.assert_allclose(one_hot.argmax(axis=-1), bins, rtol=0)
    assert multi_hot.shape == (3, 5) and set(np.unique(multi_hot)) <= {0.0, 1.0}


def test_string_inputs_of_every_numpy_form_give_the_same_bins():
    words = ["A", "B", "", "café", "日本語"]
    layer = layers.Hashing(num_bins=7, salt=11)
    expected = layer(np.array(words))
    for form in (
        np.array(words, dtype=object),
        np.array([word.encode("utf-8") for word in words]),
        np.array([word.encode("utf-8") for word in words], dtype=object),
    ):
        np.testing.assert_array_equal(layer(form), expected)
    np.testing.assert_array_equal(layer([[word] for word in words]), expected.reshape(5, 1))
    np.testing.assert_array_equal(
        expected, (keyed_hash64(np.array(words), [11, 11]) % np.uint64(7)).astype("int64")
    )


def test_the_documented_examples():
    inputs = np.array([["A"], ["B"], ["C"], ["D"], ["E"]])
    assert layers.Hashing(3)(inputs).reshape(-1).tolist() == [1, 0, 1, 1, 2]
    masked = np.array([["A"], ["B"], [""], ["C"], ["D"]])
    assert layers.Hashing(3, mask_value="")(masked).reshape(-1).tolist() == [1, 1, 0, 2, 2]
    assert layers.Hashing(3, salt=[133, 137])(inputs).reshape(-1).tolist() == [1, 2, 1, 0, 2]
    assert layers.Hashing(3, salt=133)(inputs).reshape(-1).tolist() == [0, 0, 2, 1, 0]


def test_a_mask_value_given_as_bytes_masks_str_inputs():
    bins = layers.Hashing(4, mask_value=b"x")(np.array(["x", "y", "x"]))
    assert bins[0] == bins[2] == 0 and bins[1] >= 1


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=8),
    num_bins=st.integers(1, 1000),
    salt=st.one_of(st.none(), st.integers(0, 2**32), st.tuples(st.integers(0, 99), st.integers())),
    masked=st.booleans(),
)
def test_hashing_integers_equals_hashing_their_decimal_text(values, num_bins, salt, masked):
    if isinstance(salt, tuple) and not -(2**63) <= salt[1] < 2**64:
        salt = (salt[0], salt[1] % 2**63)
    mask_value = values[0] if masked else None
    text_mask = str(values[0]) if masked else None
    numbers = layers.Hashing(num_bins, mask_value=mask_value, salt=salt)
    texts = layers.Hashing(num_bins, mask_value=text_mask, salt=salt)
    bins = numbers(np.array(values, dtype="int64"))
    np.testing.assert_array_equal(bins, texts(np.array([str(value) for value in values])))
    assert ((bins >= 0) & (bins < num_bins)).all()
    if masked and num_bins > 1:
        is_masked = np.array(values) == values[0]
        assert (bins[is_masked] == 0).all() and (bins[~is_masked] >= 1).all()


@settings(max_examples=30, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple),
    mode=st.sampled_from(["int", "one_hot", "multi_hot", "count"]),
    num_bins=st.integers(1, 9),
)
def test_hashing_output_shape_matches_its_symbolic_shape(shape, mode, num_bins):
    layer = layers.Hashing(num_bins, output_mode=mode)
    values = np.arange(int(np.prod(shape)), dtype="int64").reshape(shape)
    if mode == "one_hot" and not shape:
        with pytest.raises(ValueError, match="rank >= 1"):
            layer(values)
        return
    output = layer(values)
    assert output.shape == layer.compute_output_shape(shape)
    assert str(output.dtype) == ("int64" if mode == "int" else "float32")
    if mode in ("one_hot", "count"):
        np.testing.assert_allclose(output.sum(), values.size, rtol=0)
    elif mode == "multi_hot":
        assert set(np.unique(output)) <= {0.0, 1.0}


@settings(max_examples=30, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple),
    mode=st.sampled_from(["one_hot", "multi_hot", "count"]),
)
def test_category_encoding_output_shape_matches_its_symbolic_shape(shape, mode):
    layer = layers.CategoryEncoding(4, output_mode=mode)
    ids = (np.arange(int(np.prod(shape))) % 4).reshape(shape)
    output = layer(ids)
    assert output.shape == layer.compute_output_shape(shape)
    if mode == "multi_hot":
        assert set(np.unique(output)) <= {0.0, 1.0}
    else:
        np.testing.assert_allclose(output.sum(), ids.size, rtol=0)


def test_a_symbolic_call_agrees_with_the_eager_one():
    inputs = gk.Input((3, 4), dtype="int32")
    outputs = layers.CategoryEncoding(5, output_mode="count")(inputs)
    model = gk.Model(inputs, outputs)
    ids = np.arange(24).reshape(2, 3, 4) % 5
    assert outputs.shape == (None, 4, 5)
    np.testing.assert_allclose(
        model.predict(ids, verbose=0), layers.CategoryEncoding(5, "count")(ids), rtol=1e-6
    )


def test_count_weights_flow_through_a_model_as_a_second_input():
    ids = gk.Input((3,), dtype="int32", name="ids")
    weights = gk.Input((3,), name="weights")
    counts = layers.CategoryEncoding(4, output_mode="count")(ids, count_weights=weights)
    model = gk.Model([ids, weights], counts)
    got = model.predict(
        [np.array([[0, 1, 1], [3, 3, 3]]), np.array([[0.5, 1.0, 2.0], [1.0, 2.0, 3.0]])],
        verbose=0,
    )
    np.testing.assert_allclose(got, [[0.5, 3.0, 0.0, 0.0], [0.0, 0.0, 0.0, 6.0]], rtol=1e-6)


def test_ids_out_of_range_contribute_nothing_as_in_keras_on_jax():
    layer = layers.CategoryEncoding(3, output_mode="count")
    np.testing.assert_allclose(layer(np.array([[0, 3, -1, 2, 2]])), [[1.0, 0.0, 2.0]], rtol=0)
    one_hot = layers.CategoryEncoding(3, output_mode="one_hot")(np.array([5, -2, 1]))
    np.testing.assert_allclose(one_hot, [[0, 0, 0], [0, 0, 0], [0, 1, 0]], rtol=0)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: layers.Hashing(3, output_mode="one_hot", sparse=True), "sparse"),
        (lambda: layers.Hashing(3, sparse=True), "sparse may only be True"),
        (lambda: layers.Hashing(0), "num_bins must be a positive int"),
        (lambda: layers.Hashing(2.5), "num_bins must be a positive int"),
        (lambda: layers.Hashing(3, salt=(1,)), "salt must be an int or a tuple/list of 2"),
        (lambda: layers.Hashing(3, mask_value=1.5), "mask_value must be a string"),
        (lambda: layers.Hashing(3, dtype="float32"), "dtype must be 'int32' or 'int64'"),
        (lambda: layers.Hashing(3, output_mode="binary"), "output_mode must be one of"),
        (lambda: layers.CategoryEncoding(3, sparse=True), "sparse"),
        (lambda: layers.CategoryEncoding(), "num_tokens must be set"),
        (lambda: layers.CategoryEncoding(-1), "num_tokens must be an int >= 1"),
        (lambda: layers.CategoryEncoding(3, output_mode="int"), "output_mode must be one of"),
    ],
)
def test_bad_settings_are_refused_naming_the_layer(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_calls_are_refused_naming_the_layer():
    with pytest.raises(TypeError, match="Hashing 'words'.*mask_value=0"):
        layers.Hashing(3, mask_value=0, name="words")(np.array(["a"]))
    with pytest.raises(TypeError, match="Hashing 'objects'.*str or bytes"):
        layers.Hashing(3, name="objects")(np.array(["a", 1.5], dtype=object))
    with pytest.raises(ValueError, match="count_weights is only used with output_mode='count'"):
        layers.CategoryEncoding(3)(np.array([[0, 1]]), count_weights=np.ones((1, 2)))
    with pytest.raises(ValueError, match="count_weights must have the inputs' shape"):
        layers.CategoryEncoding(3, "count")(np.array([[0, 1]]), count_weights=np.ones((3, 3)))
    with pytest.raises(ValueError, match="CategoryEncoding 'ids' computes on numbers"):
        layers.CategoryEncoding(3, name="ids")(np.array(["a"]))


def test_layers_that_do_not_read_text_still_refuse_strings():
    with pytest.raises(ValueError, match="computes on numbers"):
        layers.Dense(2)(np.array([["a", "b"]]))


def test_hashed_bins_are_the_fingerprint_modulo_num_bins():
    words = np.array(["red", "green", "blue", "red"])
    expected = (fingerprint64(words) % np.uint64(11)).astype("int64")
    np.testing.assert_array_equal(layers.Hashing(11)(words), expected)
