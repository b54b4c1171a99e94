"""LeakyReLU: a rectifier that lets negative inputs through, scaled down."""

from __future__ import annotations

import warnings

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks


@register_layer
class LeakyReLU(Layer):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below, so negative units still learn.

    ``alpha`` is accepted as the old (Keras 2) name of ``negative_slope``,
    with a deprecation warning, as Keras 3 does.
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "LeakyReLU argument `alpha` is deprecated; use `negative_slope`.",
                DeprecationWarning,
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.negative_slope = value_checks.number(negative_slope, "negative_slope", self, 0.0)
        self.supports_masking = True

    def call(self, inputs):
        return K.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}
