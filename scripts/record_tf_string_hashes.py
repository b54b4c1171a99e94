"""Record TensorFlow's 64-bit string hashes, for checking our own implementations.

Run by hand with TensorFlow installed, never in CI::

    python scripts/record_tf_string_hashes.py tests/data/tf_string_hashes.json

For a fixed set of byte strings (empty; every length from 1 to 160 bytes,
which covers each of FarmHash's length branches and block boundaries;
unicode text; arbitrary non-UTF-8 bytes) it writes, as JSON:

- ``fingerprint64``: ``tf.fingerprint`` of each string (FarmHash
  Fingerprint64), as a decimal string, and ``to_hash_bucket_fast`` of each
  string for a few bucket counts;
- ``keyed``: for a few two-integer keys, ``to_hash_bucket_strong`` of each
  string with ``num_buckets = 2**63 - 1`` and a few small bucket counts
  (TensorFlow exposes the keyed hash only modulo a bucket count).

Strings are stored as hex of their bytes. ``tests/test_string_fingerprints.py``
reads the file and never imports TensorFlow.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import tensorflow as tf

FAST_BUCKETS = [1, 3, 1000]
KEYED_BUCKETS = [1, 3, 1000, 2**63 - 1]
KEYS = [[133, 137], [133, 133], [0, 0], [2**63 - 1, -1], [0x0706050403020100, 0x0F0E0D0C0B0A0908]]


def sample_strings() -> list[bytes]:
    """Byte strings covering every FarmHash length class and some real text."""
    rng = np.random.default_rng(20260612)
    strings = [b""]
    for length in range(1, 161):
        strings.append(bytes(rng.integers(0, 256, size=length, dtype=np.uint8)))
    for length in range(1, 161, 5):
        strings.append(("abcdefghijklmnopqrstuvwxyz0123456789" * 5)[:length].encode())
    for length in (200, 255, 256, 257, 1000):
        strings.append(bytes(rng.integers(0, 256, size=length, dtype=np.uint8)))
    words = ["A", "B", "C", "D", "E", "", "0", "1", "-1", "42", "9223372036854775807"]
    words += ["-9223372036854775808", "hello world", "café", "日本語のテキスト", "😀🎉", "a\x00b"]
    words += ["Ünïcödé " * 9, "ŝtrïñĝ" * 20]
    strings.extend(word.encode("utf-8") for word in words)
    return strings


def main(output: str) -> None:
    strings = sample_strings()
    tensor = tf.constant(strings, dtype=tf.string)
    fingerprints = tf.fingerprint(tensor).numpy()
    as_uint64 = fingerprints.view("<u8").reshape(-1)
    record = {
        "strings_hex": [data.hex() for data in strings],
        "fingerprint64": [str(int(value)) for value in as_uint64],
        "fast_buckets": {
            str(buckets): tf.strings.to_hash_bucket_fast(tensor, buckets).numpy().tolist()
            for buckets in FAST_BUCKETS
        },
        "keyed": [
            {
                "key": [str(half) for half in key],
                "buckets": {
                    str(buckets): tf.strings.to_hash_bucket_strong(tensor, buckets, key=key)
                    .numpy()
                    .tolist()
                    for buckets in KEYED_BUCKETS
                },
            }
            for key in KEYS
        ],
        "tensorflow_version": tf.__version__,
    }
    with open(output, "w") as file:
        json.dump(record, file, separators=(",", ":"))
        file.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
