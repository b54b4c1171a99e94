"""Masking: mark the timesteps whose features all equal ``mask_value`` as padding.

For inputs of shape ``(batch, timesteps, features)``, a timestep is kept
when any of its features differs from ``mask_value``; the layer outputs the
inputs with skipped timesteps set to 0 and a mask of shape ``(batch,
timesteps)`` that downstream layers supporting masks (recurrent layers,
pooling, normalisation) use to ignore them.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks


@register_layer
class Masking(Layer):
    """Mask (and zero) every position whose last-axis entries all equal ``mask_value``."""

    def __init__(self, mask_value: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.mask_value = value_checks.number(mask_value, "mask_value", self)
        self.supports_masking = True

    def _kept(self, inputs, keepdims: bool):
        return K.any(K.not_equal(inputs, self.mask_value), axis=-1, keepdims=keepdims)

    def call(self, inputs):
        return K.where(self._kept(inputs, keepdims=True), inputs, K.zeros_like(inputs))

    def compute_mask(self, inputs, mask=None):
        return self._kept(inputs, keepdims=False)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
