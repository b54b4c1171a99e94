"""IntegerLookup: integers to vocabulary indices, or indices back to integers (Keras 3's layer).

>>> layer = IntegerLookup(vocabulary=[12, 36])
>>> layer(np.array([[12, 7], [36, 12]]))
array([[1, 0],
       [2, 1]])

Index 0 is the OOV value ``-1`` here; the layout of indices, the output
modes and ``adapt`` are :class:`IndexLookup`'s. With several OOV indices an
unknown integer ``v`` goes to ``v mod num_oov_indices``
(``oov_method="floormod"``, the default) or to the FarmHash Fingerprint64
of its decimal text (``oov_method="farmhash"``). Keras 2's names for the
special values, ``mask_value`` and ``oov_value``, are accepted too.
"""

from __future__ import annotations

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing.index_lookup import IndexLookup
from graphkeras.layers.value_checks import describe, is_int


@register_layer
class IntegerLookup(IndexLookup):
    """Map integers to indices of a vocabulary (given, read from a file, or adapted)."""

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: int | None = None,
        oov_token: int = -1,
        vocabulary=None,
        vocabulary_dtype: str = "int64",
        idf_weights=None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt=None,
        name: str | None = None,
        **kwargs,
    ) -> None:
        mask_token = kwargs.pop("mask_value", mask_token)
        oov_token = kwargs.pop("oov_value", oov_token)
        self.vocabulary_dtype = vocabulary_dtype
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=None,
            idf_weights=None,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            salt=salt,
            name=name,
            has_input_vocabulary=kwargs.pop("has_input_vocabulary", vocabulary is not None),
            **kwargs,
        )
        if vocabulary_dtype != "int64":
            raise ValueError(
                f"{describe(self)}: only vocabulary_dtype='int64' is supported (as in Keras 3), "
                f"received vocabulary_dtype={vocabulary_dtype!r}."
            )
        for argument, value in (("mask_token", mask_token), ("oov_token", oov_token)):
            if value is not None and not is_int(value):
                raise ValueError(
                    f"{describe(self)}: {argument} must be an int or None, "
                    f"received {argument}={value!r}."
                )
        self.mask_token = None if mask_token is None else int(mask_token)
        self.oov_token = None if oov_token is None else int(oov_token)
        self.input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self.input_idf_weights = idf_weights
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    def _hashes_integers(self) -> bool:
        return True

    def _tokens(self, values) -> np.ndarray:
        array = np.asarray(K.convert_to_numpy(values) if K.is_tensor(values) else values)
        if array.dtype.kind in "iub":
            return array.astype("int64")
        if array.dtype.kind == "f":
            return array.astype("int64")  # Keras casts, truncating toward zero.
        raise TypeError(
            f"{describe(self)} reads integers; received an array of dtype {array.dtype} and "
            f"shape {array.shape}."
        )

    def _token_from_line(self, line: str) -> int:
        return int(line)

    def _hashed_bytes(self, tokens: np.ndarray) -> list[bytes]:
        return [str(token).encode("ascii") for token in tokens.tolist()]

    def _token_array_dtype(self):
        return "int64"

    def _token_dtype_name(self) -> str:
        return "int64"

    def get_config(self) -> dict:
        config = super().get_config()
        config["vocabulary_dtype"] = self.vocabulary_dtype
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(value) for value in config["vocabulary"]]
        return config
