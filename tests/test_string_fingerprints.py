"""FarmHash Fingerprint64 and keyed SipHash-2-4 equal TensorFlow's, bit for bit.

``tests/data/tf_string_hashes.json`` holds what TensorFlow computed
(``scripts/record_tf_string_hashes.py``) for byte strings of every length
from 0 to 160 bytes and longer, unicode text and non-UTF-8 bytes. Hashes
are integers, so they are compared exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkeras.layers.preprocessing.string_fingerprints import (
    farmhash_fingerprint64,
    fingerprint64,
    keyed_hash64,
    siphash24,
)

RECORD = json.loads((Path(__file__).parent / "data" / "tf_string_hashes.json").read_text())
STRINGS = [bytes.fromhex(text) for text in RECORD["strings_hex"]]


def strings_array() -> np.ndarray:
    return np.array(STRINGS, dtype=object)


def test_the_recording_covers_every_farmhash_length_class():
    lengths = {len(data) for data in STRINGS}
    assert set(range(0, 161)) <= lengths
    assert max(lengths) > 256


def test_fingerprint64_equals_tensorflow_fingerprint():
    expected = np.array([int(value) for value in RECORD["fingerprint64"]], dtype="uint64")
    np.testing.assert_array_equal(fingerprint64(strings_array()), expected)


@pytest.mark.parametrize("buckets", sorted(RECORD["fast_buckets"], key=int))
def test_fingerprint64_modulo_buckets_equals_to_hash_bucket_fast(buckets):
    hashes = fingerprint64(strings_array())
    expected = np.array(RECORD["fast_buckets"][buckets], dtype="uint64")
    np.testing.assert_array_equal(hashes % np.uint64(int(buckets)), expected)


@pytest.mark.parametrize("keyed", RECORD["keyed"], ids=lambda keyed: "-".join(keyed["key"]))
def test_keyed_hash64_modulo_buckets_equals_to_hash_bucket_strong(keyed):
    hashes = keyed_hash64(strings_array(), [int(half) for half in keyed["key"]])
    for buckets, expected in keyed["buckets"].items():
        np.testing.assert_array_equal(
            hashes % np.uint64(int(buckets)), np.array(expected, dtype="uint64")
        )


def test_siphash24_matches_the_reference_test_vectors():
    # The SipHash paper's key 00 01 .. 0f and messages 00 01 .. (len - 1).
    key = (0x0706050403020100, 0x0F0E0D0C0B0A0908)
    assert siphash24(b"", key) == 0x726FDB47DD0E0E31
    assert siphash24(bytes(range(15)), key) == 0xA129CA6149BE45E5


def test_str_bytes_and_unicode_arrays_hash_alike():
    words = ["café", "", "日本語", "A"]
    from_str = fingerprint64(np.array(words))
    from_bytes = fingerprint64(np.array([word.encode("utf-8") for word in words], dtype=object))
    np.testing.assert_array_equal(from_str, from_bytes)
    assert from_str.dtype == np.uint64


def test_hashes_keep_the_input_shape_and_repeat_for_repeated_values():
    values = np.array([["a", "b", "a"], ["b", "b", "c"]])
    hashes = keyed_hash64(values, [1, 2])
    assert hashes.shape == (2, 3)
    assert hashes[0, 0] == hashes[0, 2] and hashes[0, 1] == hashes[1, 0] == hashes[1, 1]
    assert len(set(hashes.reshape(-1).tolist())) == 3


def test_empty_arrays_hash_to_empty_uint64_arrays():
    assert fingerprint64(np.array([], dtype=str)).shape == (0,)
    assert keyed_hash64(np.zeros((2, 0), dtype=str), [1, 1]).dtype == np.uint64


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: fingerprint64(np.array([1, 2])), "array of strings"),
        (lambda: fingerprint64(np.array(["a", 3], dtype=object)), "str or bytes"),
        (lambda: keyed_hash64(np.array(["a"]), [1, 2, 3]), "two 64-bit integers"),
        (lambda: keyed_hash64(np.array(["a"]), [2**64, 0]), "two 64-bit integers"),
    ],
)
def test_bad_input_is_refused_clearly(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_a_negative_key_half_is_read_as_its_twos_complement():
    values = np.array(["x", "yz"])
    np.testing.assert_array_equal(
        keyed_hash64(values, [-1, 5]), keyed_hash64(values, [2**64 - 1, 5])
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.binary(max_size=140), min_size=1, max_size=6))
def test_vectorised_hashes_equal_one_at_a_time_hashes(strings):
    array = np.array(strings, dtype=object)
    expected = [farmhash_fingerprint64(data) for data in strings]
    np.testing.assert_array_equal(fingerprint64(array), np.array(expected, dtype="uint64"))
    keyed = [siphash24(data, (3, 4)) for data in strings]
    np.testing.assert_array_equal(keyed_hash64(array, (3, 4)), np.array(keyed, dtype="uint64"))
