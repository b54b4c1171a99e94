"""Stable 64-bit hashes of strings, bit-identical to TensorFlow's string hashes.

Keras 3's ``Hashing`` layer (and the lookup layers' out-of-vocabulary
buckets) hash each string's UTF-8 bytes with one of two functions:

- ``fingerprint64``: FarmHash's ``Fingerprint64`` (the ``farmhashna``
  variant of ``Hash64``), which TensorFlow's ``tf.fingerprint`` and
  ``tf.strings.to_hash_bucket_fast`` use. Unkeyed, so the same string hashes
  the same everywhere, forever.
- ``keyed_hash64``: SipHash-2-4 with a 128-bit key given as two unsigned
  64-bit integers, which ``tf.strings.to_hash_bucket_strong`` uses; the
  key plays the role of a salt.

Both are written here from the published algorithms in plain Python integer
arithmetic (masked to 64 bits). Each distinct string in an array is hashed
once, then spread back over the array's shape, so large arrays of repeated
categories cost about as much as their vocabulary.

>>> int(fingerprint64(np.array(["A"]))[0]) % 3
1
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_MASK64 = (1 << 64) - 1

# FarmHash's multiplicative constants.
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _fetch64(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 8], "little")


def _fetch32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "little")


def _rotate(value: int, shift: int) -> int:
    """Rotate a 64-bit value right by ``shift`` bits."""
    if shift == 0:
        return value
    return ((value >> shift) | (value << (64 - shift))) & _MASK64


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _hash_len16(u: int, v: int, mul: int) -> int:
    """Mix two 64-bit values into one (a Murmur-style finaliser)."""
    a = ((u ^ v) * mul) & _MASK64
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK64
    b ^= b >> 47
    return (b * mul) & _MASK64


def _hash_len0to16(data: bytes) -> int:
    length = len(data)
    if length >= 8:
        mul = _K2 + length * 2
        a = (_fetch64(data, 0) + _K2) & _MASK64
        b = _fetch64(data, length - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK64
        d = ((_rotate(a, 25) + b) * mul) & _MASK64
        return _hash_len16(c, d, mul)
    if length >= 4:
        mul = _K2 + length * 2
        a = _fetch32(data, 0)
        return _hash_len16(length + (a << 3), _fetch32(data, length - 4), mul)
    if length > 0:
        y = (data[0] + (data[length >> 1] << 8)) & 0xFFFFFFFF
        z = (length + (data[length - 1] << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK64) * _K2) & _MASK64
    return _K2


def _mix_ends(data: bytes, first_multiplier: int) -> tuple[int, int, int, int]:
    """``(mul, a, y, w)``: the first and last 16 bytes mixed, as both mid-length branches begin."""
    length = len(data)
    mul = _K2 + length * 2
    a = (_fetch64(data, 0) * first_multiplier) & _MASK64
    b = _fetch64(data, 8)
    c = (_fetch64(data, length - 8) * mul) & _MASK64
    d = (_fetch64(data, length - 16) * _K2) & _MASK64
    y = (_rotate((a + b) & _MASK64, 43) + _rotate(c, 30) + d) & _MASK64
    w = (a + _rotate((b + _K2) & _MASK64, 18) + c) & _MASK64
    return mul, a, y, w


def _hash_len17to32(data: bytes) -> int:
    mul, _, y, w = _mix_ends(data, _K1)
    return _hash_len16(y, w, mul)


def _hash_len33to64(data: bytes) -> int:
    length = len(data)
    mul, a, y, w = _mix_ends(data, _K2)
    z = _hash_len16(y, w, mul)
    e = (_fetch64(data, 16) * mul) & _MASK64
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, length - 32)) * mul) & _MASK64
    h = ((z + _fetch64(data, length - 24)) * mul) & _MASK64
    return _hash_len16(
        (_rotate((e + f) & _MASK64, 43) + _rotate(g, 30) + h) & _MASK64,
        (e + _rotate((f + a) & _MASK64, 18) + g) & _MASK64,
        mul,
    )


def _weak_hash_len32_with_seeds(data: bytes, offset: int, a: int, b: int) -> tuple[int, int]:
    """Two 64-bit values mixed from 32 bytes at ``offset`` and two seeds."""
    w = _fetch64(data, offset)
    x = _fetch64(data, offset + 8)
    y = _fetch64(data, offset + 16)
    z = _fetch64(data, offset + 24)
    a = (a + w) & _MASK64
    b = _rotate((b + a + z) & _MASK64, 21)
    c = a
    a = (a + x + y) & _MASK64
    b = (b + _rotate(a, 44)) & _MASK64
    return (a + z) & _MASK64, (b + c) & _MASK64


def _hash_over64(data: bytes) -> int:
    """FarmHash (na) for more than 64 bytes: 64-byte blocks, then the last 64 bytes."""
    length = len(data)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK64
    z = (_shift_mix((y * _K2 + 113) & _MASK64) * _K2) & _MASK64
    v = (0, 0)
    w = (0, 0)
    x = (x * _K2 + _fetch64(data, 0)) & _MASK64
    end = ((length - 1) // 64) * 64
    last64 = end + ((length - 1) & 63) - 63
    for s in range(0, end, 64):
        x = (_rotate((x + y + v[0] + _fetch64(data, s + 8)) & _MASK64, 37) * _K1) & _MASK64
        y = (_rotate((y + v[1] + _fetch64(data, s + 48)) & _MASK64, 42) * _K1) & _MASK64
        x ^= w[1]
        y = (y + v[0] + _fetch64(data, s + 40)) & _MASK64
        z = (_rotate((z + w[0]) & _MASK64, 33) * _K1) & _MASK64
        v = _weak_hash_len32_with_seeds(data, s, (v[1] * _K1) & _MASK64, (x + w[0]) & _MASK64)
        w = _weak_hash_len32_with_seeds(
            data, s + 32, (z + w[1]) & _MASK64, (y + _fetch64(data, s + 16)) & _MASK64
        )
        z, x = x, z
    mul = _K1 + ((z & 0xFF) << 1)
    s = last64
    w0 = (w[0] + ((length - 1) & 63)) & _MASK64
    v0 = (v[0] + w0) & _MASK64
    w0 = (w0 + v0) & _MASK64
    v = (v0, v[1])
    w = (w0, w[1])
    x = (_rotate((x + y + v[0] + _fetch64(data, s + 8)) & _MASK64, 37) * mul) & _MASK64
    y = (_rotate((y + v[1] + _fetch64(data, s + 48)) & _MASK64, 42) * mul) & _MASK64
    x ^= (w[1] * 9) & _MASK64
    y = (y + v[0] * 9 + _fetch64(data, s + 40)) & _MASK64
    z = (_rotate((z + w[0]) & _MASK64, 33) * mul) & _MASK64
    v = _weak_hash_len32_with_seeds(data, s, (v[1] * mul) & _MASK64, (x + w[0]) & _MASK64)
    w = _weak_hash_len32_with_seeds(
        data, s + 32, (z + w[1]) & _MASK64, (y + _fetch64(data, s + 16)) & _MASK64
    )
    z, x = x, z
    return _hash_len16(
        (_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK64,
        (_hash_len16(v[1], w[1], mul) + x) & _MASK64,
        mul,
    )


def farmhash_fingerprint64(data: bytes) -> int:
    """FarmHash ``Fingerprint64`` of one byte string, as an int in ``[0, 2**64)``."""
    length = len(data)
    if length <= 16:
        return _hash_len0to16(data)
    if length <= 32:
        return _hash_len17to32(data)
    if length <= 64:
        return _hash_len33to64(data)
    return _hash_over64(data)


def _sip_round(v0: int, v1: int, v2: int, v3: int) -> tuple[int, int, int, int]:
    v0 = (v0 + v1) & _MASK64
    v1 = _rotate(v1, 64 - 13) ^ v0
    v0 = _rotate(v0, 64 - 32)
    v2 = (v2 + v3) & _MASK64
    v3 = _rotate(v3, 64 - 16) ^ v2
    v0 = (v0 + v3) & _MASK64
    v3 = _rotate(v3, 64 - 21) ^ v0
    v2 = (v2 + v1) & _MASK64
    v1 = _rotate(v1, 64 - 17) ^ v2
    v2 = _rotate(v2, 64 - 32)
    return v0, v1, v2, v3


def siphash24(data: bytes, key: tuple[int, int]) -> int:
    """SipHash-2-4 of one byte string under the key ``(k0, k1)`` (two uint64 halves)."""
    k0, k1 = key[0] & _MASK64, key[1] & _MASK64
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573
    length = len(data)
    full = length - length % 8
    final_block = data[full:] + bytes(7 - length % 8) + bytes([length & 0xFF])
    blocks = [_fetch64(data, offset) for offset in range(0, full, 8)]
    blocks.append(int.from_bytes(final_block, "little"))
    for block in blocks:
        v3 ^= block
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
        v0 ^= block
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def _as_bytes(value) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, np.bytes_):
        return bytes(value)
    raise TypeError(
        f"String hashing expects str or bytes values, received {type(value).__name__} {value!r}."
    )


def _hash_each_unique(values, hash_one: Callable[[bytes], int]) -> np.ndarray:
    """``hash_one`` of every element of ``values``, computed once per distinct value."""
    values = np.asarray(values)
    if values.dtype.kind not in "USO":
        raise TypeError(
            "String hashing expects an array of strings (str or bytes), "
            f"received an array of dtype {values.dtype}."
        )
    if values.size == 0:
        return np.zeros(values.shape, dtype="uint64")
    flat = values.reshape(-1)
    if values.dtype.kind == "O":
        as_bytes = [_as_bytes(value) for value in flat]
        distinct = {}
        inverse = np.fromiter(
            (distinct.setdefault(data, len(distinct)) for data in as_bytes),
            dtype="int64",
            count=len(as_bytes),
        )
        unique = list(distinct)
    else:
        unique_values, inverse = np.unique(flat, return_inverse=True)
        unique = [_as_bytes(value) for value in unique_values.tolist()]
    hashes = np.array([hash_one(data) for data in unique], dtype="uint64")
    return hashes[inverse.reshape(-1)].reshape(values.shape)


def fingerprint64(values: np.ndarray) -> np.ndarray:
    """FarmHash ``Fingerprint64`` of each string's UTF-8 bytes (uint64, ``values``' shape).

    Equal to TensorFlow's ``to_hash_bucket_fast`` before its ``% num_buckets``.
    ``values`` holds ``str`` or ``bytes`` (numpy ``U``/``S`` arrays or object
    arrays of either).
    """
    return _hash_each_unique(values, farmhash_fingerprint64)


def keyed_hash64(values: np.ndarray, key) -> np.ndarray:
    """SipHash-2-4 of each string's UTF-8 bytes under ``key`` (two ints; uint64).

    A negative key half is read as its two's-complement uint64, as TensorFlow
    reads its int64 ``key`` attribute. Equal to TensorFlow's
    ``to_hash_bucket_strong(values, n, key)`` before its ``% n``.
    """
    halves = tuple(int(half) for half in key)
    if len(halves) != 2 or any(half < -(2**63) or half > _MASK64 for half in halves):
        raise ValueError(
            f"keyed_hash64 expects a key of two 64-bit integers, received key={key!r}."
        )
    unsigned = (halves[0] & _MASK64, halves[1] & _MASK64)
    return _hash_each_unique(values, lambda data: siphash24(data, unsigned))
