"""Softmax: turn scores into probabilities along an axis, skipping masked positions."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.mask_shapes import check_mask_shape

# What masked scores are replaced by before the softmax: exp() of it is 0.
_LARGE_NEGATIVE = {"float16": -3e4}
_DEFAULT_LARGE_NEGATIVE = -1e9


@register_layer
class Softmax(Layer):
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int or a list of ints).

    A mask (True or > 0.5 where a score counts) must broadcast to the
    inputs, matched from the last axis as numpy broadcasting does (an
    attention mask of shape ``(batch, 1, keys)`` for scores ``(batch,
    queries, keys)``). Masked scores get probability 0, and a row whose
    every entry is masked comes out all zero, as in Keras 3.
    """

    def __init__(self, axis=-1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.axis = value_checks.axis_argument(axis, self)
        self.supports_masking = True

    def compute_output_spec(self, inputs, mask=None):
        """Checks a mask (given or carried by ``inputs``) before describing the output."""
        mask = mask if mask is not None else getattr(inputs, "_keras_mask", None)
        if mask is not None:
            self._check_mask(inputs, mask)
        return super().compute_output_spec(inputs)

    def _check_mask(self, inputs, mask) -> None:
        check_mask_shape(
            self,
            mask,
            inputs,
            K.int_shape(inputs),
            exact_rank=False,
            expectation="a mask that broadcasts to the inputs (each dim, from the last, "
            "1 or the input's)",
        )

    def call(self, inputs, mask=None):
        axes = value_checks.canonical_axes(self.axis, K.int_shape(inputs), self)
        axis = axes[0] if len(axes) == 1 else axes
        if mask is None:
            return K.softmax(inputs, axis=axis)
        self._check_mask(inputs, mask)
        if K.dtype(mask) != "bool":
            mask = K.greater(mask, 0.5)
        filler = _LARGE_NEGATIVE.get(K.dtype(inputs), _DEFAULT_LARGE_NEGATIVE)
        scores = K.where(mask, inputs, K.full((), filler, dtype=K.dtype(inputs)))
        probabilities = K.softmax(scores, axis=axis)
        return K.where(mask, probabilities, K.zeros((), dtype=K.dtype(inputs)))

    def compute_output_shape(self, input_shape):
        value_checks.canonical_axes(self.axis, input_shape, self)
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
