"""UnitNormalization: scale each sample to unit L2 norm along ``axis``.

Useful before a dot product that should measure an angle (cosine
similarity) rather than lengths. The norm is floored at 1e-12, as in Keras
3, so an all-zero vector stays zero instead of dividing by zero.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks

# The smallest norm divided by; its square floors the sum of squares, so the
# square root (and its gradient) never sees zero.
_NORM_FLOOR = 1e-12


@register_layer
class UnitNormalization(Layer):
    """``x / max(||x||, 1e-12)``, the norm taken over ``axis`` (an int or a list of ints)."""

    def __init__(self, axis=-1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.axis = value_checks.axis_argument(axis, self)
        self.supports_masking = True

    def call(self, inputs):
        axes = value_checks.canonical_axes(self.axis, K.int_shape(inputs), self)
        squares = K.sum(K.square(inputs), axis=axes, keepdims=True)
        norms = K.sqrt(K.maximum(squares, _NORM_FLOOR * _NORM_FLOOR))
        return K.divide(inputs, norms)

    def compute_output_shape(self, input_shape):
        value_checks.canonical_axes(self.axis, input_shape, self)
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
