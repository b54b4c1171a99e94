"""CategoryEncoding: integer category ids turned into one-hot rows, multi-hot rows or counts.

Ids are in ``[0, num_tokens)``. ``output_mode`` picks the encoding
(``"binary"`` is Keras's old name for ``"multi_hot"``):

- ``"one_hot"``: a row of ``num_tokens`` per id; ``(batch, 1)`` gives
  ``(batch, num_tokens)``, ``(batch, n)`` gives ``(batch, n, num_tokens)``;
- ``"multi_hot"``: one row per sample with 1 for each id it holds;
  ``(batch, n)`` gives ``(batch, num_tokens)`` and a rank-1 input is one
  sample;
- ``"count"``: as ``"multi_hot"`` but how often each id occurs, or, with the
  call argument ``count_weights`` (the inputs' shape), the sum of the weights
  at its positions.

As Keras 3 does on JAX, an id outside ``[0, num_tokens)`` is not an error:
it contributes nothing (an all-zero one-hot row). Outputs are float32
unless ``dtype`` says otherwise.

>>> CategoryEncoding(4, output_mode="count")(np.array([[0, 1, 1], [3, 3, 2]])).tolist()
[[1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0]]
"""

from __future__ import annotations

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing.categorical_encoding import (
    ENCODED_OUTPUT_MODES,
    encode_categories,
    encoded_shape,
)
from graphkeras.layers.value_checks import describe, is_int


@register_layer
class CategoryEncoding(Layer):
    """Encode integer ids in ``[0, num_tokens)`` as one-hot, multi-hot or count rows."""

    autocast = False

    def __init__(
        self,
        num_tokens: int | None = None,
        output_mode: str = "multi_hot",
        sparse: bool = False,
        dtype=None,
        name: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ENCODED_OUTPUT_MODES:
            raise ValueError(
                f"{describe(self)}: output_mode must be one of {ENCODED_OUTPUT_MODES}, "
                f"received output_mode={output_mode!r}."
            )
        if num_tokens is None:
            raise ValueError(
                f"{describe(self)}: num_tokens must be set (when the number of ids is not "
                "known beforehand, use IntegerLookup); received num_tokens=None."
            )
        if not is_int(num_tokens) or num_tokens < 1:
            raise ValueError(
                f"{describe(self)}: num_tokens must be an int >= 1, "
                f"received num_tokens={num_tokens!r}."
            )
        if sparse:
            raise ValueError(
                f"{describe(self)}: sparse=True needs sparse tensors, which graphkeras's numpy "
                "backend does not have; received sparse=True."
            )
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    f"{describe(self)}: count_weights is only used with output_mode='count', "
                    f"received count_weights with output_mode={self.output_mode!r}."
                )
            count_weights = K.cast(K.convert_to_tensor(count_weights), self.compute_dtype)
            try:
                np.broadcast_shapes(K.int_shape(inputs), K.int_shape(count_weights))
            except ValueError:
                raise ValueError(
                    f"{describe(self)}: count_weights must have the inputs' shape "
                    f"{K.int_shape(inputs)}, received shape {K.int_shape(count_weights)}."
                ) from None
        return encode_categories(
            inputs, self.output_mode, self.num_tokens, self.compute_dtype, count_weights
        )

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def compute_output_spec(self, inputs, count_weights=None):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
        }
