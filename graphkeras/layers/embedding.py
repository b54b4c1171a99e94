"""Embedding: turn integer ids (words, items) into learned dense vectors.

The layer holds a table ``embeddings`` of shape ``(input_dim, output_dim)``:
row ``i`` is the vector of id ``i``, so an input of ids of shape ``(batch,
length)`` becomes ``(batch, length, output_dim)``. Training moves only the
rows that were looked up (the gradient of the lookup is a scatter-add).

With ``mask_zero=True`` id 0 is reserved for padding: the layer outputs a
mask that is False where the input is 0, and downstream layers that
support masking (recurrent layers, pooling, normalisation) skip those
positions. ``input_dim`` must then count the padding id too.
"""

from __future__ import annotations

import warnings

from graphkeras import backend as K
from graphkeras import constraints, initializers, regularizers
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.activity_regularization import activity_loss


def _positive_int(value, argument: str, layer) -> int:
    if not value_checks.is_int(value) or value <= 0:
        raise ValueError(
            f"{value_checks.describe(layer)}: {argument} must be a positive int, "
            f"received {argument}={value!r}."
        )
    return int(value)


@register_layer
class Embedding(Layer):
    """Look up row ``i`` of an ``(input_dim, output_dim)`` table for each integer ``i``.

    Weights: ``embeddings`` of shape ``(input_dim, output_dim)``, its
    initial value drawn by ``embeddings_initializer`` (uniform in [-0.05,
    0.05] by default) or given as ``weights``. Float inputs are cast to
    int32 first. An id outside ``[-input_dim, input_dim)`` raises ``ValueError``
    (negative ids count from the end, as in numpy indexing).

    >>> Embedding(1000, 64, mask_zero=True)(ids)  # (batch, length) -> (batch, length, 64)
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero: bool = False,
        weights=None,
        lora_rank: int | None = None,
        lora_alpha: float | None = None,
        quantization_config=None,
        activity_regularizer=None,
        **kwargs,
    ) -> None:
        if kwargs.pop("input_length", None) is not None:
            # Keras 2 configs carry it; Keras 3 accepts and ignores it, warning.
            warnings.warn(
                "Embedding argument `input_length` is deprecated and ignored; remove it.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.input_dim = _positive_int(input_dim, "input_dim", self)
        self.output_dim = _positive_int(output_dim, "output_dim", self)
        for argument, value in (
            ("lora_rank", lora_rank),
            ("lora_alpha", lora_alpha),
            ("quantization_config", quantization_config),
        ):
            if value is not None:
                raise ValueError(
                    f"{value_checks.describe(self)}: graphkeras does not implement LoRA or "
                    f"quantized embeddings; expected {argument}=None, received "
                    f"{argument}={value!r}."
                )
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.embeddings = None
        if weights is not None:
            # Keras accepts the table itself or a one-element list holding it.
            self.build(None)
            self.built = True
            table = weights[0] if isinstance(weights, list) and len(weights) == 1 else weights
            self.set_weights([table])

    def build(self, input_shape) -> None:
        if self.embeddings is not None:
            return
        self.embeddings = self.add_weight(
            "embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def call(self, inputs):
        if K.dtype(inputs) not in ("int32", "int64"):
            inputs = K.cast(inputs, "int32")
        try:
            outputs = K.take(self.embeddings, inputs, axis=0)
        except ValueError as error:
            raise ValueError(
                f"{value_checks.describe(self)} has {self.input_dim} rows, so ids must lie "
                f"in [0, {self.input_dim}) (negative ids count from the end): {error}"
            ) from None
        if self.activity_regularizer is not None:
            self.add_loss(activity_loss(self.activity_regularizer, outputs))
        return outputs

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return K.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
