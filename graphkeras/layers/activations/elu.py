"""ELU: the exponential linear unit as a layer."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks


@register_layer
class ELU(Layer):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below: negatives saturate at ``-alpha``.

    Unlike Keras 3's (which leaves it out), the config holds ``alpha``, so a
    reloaded layer keeps its value.
    """

    def __init__(self, alpha: float = 1.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.alpha = value_checks.number(alpha, "alpha", self)
        self.supports_masking = True

    def call(self, inputs):
        return K.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}
