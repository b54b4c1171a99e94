"""Hashing: each string or integer mapped to one of ``num_bins`` bins by a stable hash.

A value's bin is ``hash(text) % num_bins``, where ``text`` is the string's
UTF-8 bytes, or an integer's decimal digits (``42 -> "42"``; floats are
truncated to integers first, booleans read ``"true"``/``"false"``), exactly as
Keras 3 computes it through TensorFlow:

- without ``salt``, ``hash`` is FarmHash Fingerprint64 (the same string
  lands in the same bin on every machine, in every run);
- with ``salt`` (an int ``s``, read as ``[s, s]``, or a pair of ints),
  ``hash`` is SipHash-2-4 keyed by the pair, so bins cannot be predicted
  without the salt.

With ``mask_value`` (and ``num_bins > 1``), values equal to it go to bin 0
and the others to ``1 + hash % (num_bins - 1)``.

``output_mode="int"`` returns the bins (int64 unless ``dtype`` says int32);
``"one_hot"``, ``"multi_hot"`` and ``"count"`` encode them in rows of
``num_bins`` (float32), as ``CategoryEncoding`` does, a trailing axis of 1
first being dropped for ``"one_hot"``.

>>> Hashing(num_bins=3)(np.array(["A", "B", "C"])).tolist()
[1, 0, 1]
"""

from __future__ import annotations

import numbers

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing.categorical_encoding import (
    encode_categories,
    encoded_shape,
)
from graphkeras.layers.preprocessing.string_fingerprints import fingerprint64, keyed_hash64
from graphkeras.layers.value_checks import describe, is_int

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def _salt_pair(salt, layer) -> list[int] | None:
    """``salt`` as Keras stores it: ``None`` or a list of two ints."""
    if salt is None:
        return None
    if is_int(salt):
        return [int(salt), int(salt)]
    if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(is_int(half) for half in salt):
        return [int(half) for half in salt]
    raise ValueError(
        f"{describe(layer)}: salt must be an int or a tuple/list of 2 ints, received salt={salt!r}."
    )


def decimal_text(values: np.ndarray) -> np.ndarray:
    """The text TensorFlow's ``as_string`` gives each number: ``-7 -> "-7"``, ``True -> "true"``.

    Floats are truncated towards zero first (as a cast to int64 does).
    Each distinct value is formatted once.
    """
    if values.dtype.kind == "b":
        return np.where(values, "true", "false")
    if values.dtype.kind == "f":
        values = values.astype("int64")
    unique, inverse = np.unique(values, return_inverse=True)
    text = np.array([str(value) for value in unique.tolist()], dtype=object)
    return text[inverse.reshape(-1)].reshape(values.shape)


def _as_bytes(value) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


@register_layer
class Hashing(Layer):
    """Map strings or integers to ``num_bins`` bins with FarmHash64 (or salted SipHash64)."""

    autocast = False
    accepts_text = True

    def __init__(
        self,
        num_bins: int,
        mask_value=None,
        salt=None,
        output_mode: str = "int",
        sparse: bool = False,
        dtype=None,
        name: str | None = None,
        **kwargs,
    ) -> None:
        if dtype is None:
            dtype = "int64" if output_mode == "int" else K.floatx()
        super().__init__(name=name, dtype=dtype, **kwargs)
        if not is_int(num_bins) or num_bins <= 0:
            raise ValueError(
                f"{describe(self)}: num_bins must be a positive int, "
                f"received num_bins={num_bins!r}."
            )
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                f"{describe(self)}: output_mode must be one of {_OUTPUT_MODES}, "
                f"received output_mode={output_mode!r}."
            )
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(
                f"{describe(self)}: with output_mode='int', dtype must be 'int32' or 'int64', "
                f"received dtype={self.dtype!r}."
            )
        if sparse and output_mode == "int":
            raise ValueError(
                f"{describe(self)}: sparse may only be True with output_mode 'one_hot', "
                "'multi_hot' or 'count', received sparse=True and output_mode='int'."
            )
        if sparse:
            raise ValueError(
                f"{describe(self)}: sparse=True needs sparse tensors, which graphkeras's numpy "
                "backend does not have; received sparse=True."
            )
        if mask_value is not None and not isinstance(mask_value, (str, bytes, numbers.Integral)):
            raise ValueError(
                f"{describe(self)}: mask_value must be a string, an int or None, "
                f"received mask_value={mask_value!r}."
            )
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = _salt_pair(salt, self)
        self.output_mode = output_mode
        self.sparse = False

    @property
    def strong_hash(self) -> bool:
        """Whether values are hashed with keyed SipHash (a salt was given) instead of FarmHash."""
        return self.salt is not None

    # ------------------------------------------------------------ hashing
    def _masked(self, values: np.ndarray) -> np.ndarray:
        """Which values equal ``mask_value`` (text compared as UTF-8 bytes)."""
        is_text = values.dtype.kind in "USO"
        if is_text != isinstance(self.mask_value, (str, bytes)):
            raise TypeError(
                f"{describe(self)}: mask_value={self.mask_value!r} cannot be compared with "
                f"inputs of dtype {values.dtype}; give a string mask_value for strings and an "
                "int one for numbers."
            )
        if not is_text:
            return values == self.mask_value
        target = _as_bytes(self.mask_value)
        flat = [_as_bytes(value) == target for value in values.reshape(-1).tolist()]
        return np.array(flat, dtype=bool).reshape(values.shape)

    def hash_to_bins(self, values) -> np.ndarray:
        """The int64 bin of each value of ``values`` (strings, ints, floats or booleans)."""
        values = np.asarray(K.convert_to_numpy(values))
        if values.dtype.kind not in "USObiuf":
            raise TypeError(
                f"{describe(self)} hashes strings and numbers, received an array of dtype "
                f"{values.dtype}."
            )
        buckets = self.num_bins
        mask = None
        if self.mask_value is not None and buckets > 1:
            buckets -= 1
            mask = self._masked(values)
        text = values if values.dtype.kind in "USO" else decimal_text(values)
        try:
            hashes = keyed_hash64(text, self.salt) if self.strong_hash else fingerprint64(text)
        except TypeError as error:
            raise TypeError(f"{describe(self)}: {error}") from None
        bins = (hashes % np.uint64(buckets)).astype("int64")
        if mask is not None:
            bins = np.where(mask, 0, bins + 1)
        return bins

    # ------------------------------------------------------------ calling
    def call(self, inputs):
        bins = self.hash_to_bins(inputs)
        if self.output_mode == "int":
            return K.cast(K.convert_to_tensor(bins), self.compute_dtype)
        if self.output_mode == "one_hot":
            if bins.ndim == 0:
                raise ValueError(
                    f"{describe(self)}: output_mode='one_hot' needs inputs of rank >= 1, "
                    "received a scalar."
                )
            if bins.shape[-1] == 1:
                bins = np.squeeze(bins, -1)
        return encode_categories(
            K.convert_to_tensor(bins), self.output_mode, self.num_bins, self.compute_dtype
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if self.output_mode == "one_hot" and input_shape and input_shape[-1] == 1:
            input_shape = input_shape[:-1]
        return encoded_shape(input_shape, self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    # ------------------------------------------------------------ config
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
