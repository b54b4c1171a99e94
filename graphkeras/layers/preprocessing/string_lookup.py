"""StringLookup: strings to vocabulary indices, or indices back to strings (Keras 3's layer).

>>> layer = StringLookup(vocabulary=["a", "b"])
>>> layer(np.array([["a", "c"], ["b", "a"]]))
array([[1, 0],
       [2, 1]])

Index 0 is the OOV token ``"[UNK]"`` here; the layout of indices, the
output modes and ``adapt`` are :class:`IndexLookup`'s. With several OOV
indices an unknown string goes to ``fingerprint64(string) %
num_oov_indices`` (FarmHash's Fingerprint64 of its encoded bytes, as
TensorFlow's ``to_hash_bucket_fast``; with a ``salt``, SipHash-2-4).
"""

from __future__ import annotations

import numpy as np

from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing.index_lookup import IndexLookup
from graphkeras.layers.preprocessing.text_arrays import text_array


@register_layer
class StringLookup(IndexLookup):
    """Map strings to indices of a vocabulary (given, read from a file, or adapted)."""

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary=None,
        idf_weights=None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        salt=None,
        **kwargs,
    ) -> None:
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            name=name,
            salt=salt,
            **kwargs,
        )

    def _tokens(self, values) -> np.ndarray:
        return text_array(values, self, self.encoding)

    def _token_from_line(self, line: str) -> str:
        return line

    def _hashed_bytes(self, tokens: np.ndarray) -> list[bytes]:
        return [token.encode(self.encoding) for token in tokens.tolist()]

    def _token_array_dtype(self):
        return object

    def _token_dtype_name(self) -> str:
        return "string"

    def _invert(self, inputs) -> np.ndarray:
        return super()._invert(inputs).astype(str)

    def get_config(self) -> dict:
        return {**super().get_config(), "encoding": self.encoding}
