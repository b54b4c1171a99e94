"""ReLU: the rectified linear unit as a layer, with Keras 3's three options."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks


@register_layer
class ReLU(Layer):
    """``x`` above ``threshold`` (else 0), capped at ``max_value``, leaking below.

    With the defaults it is ``max(x, 0)``. ``negative_slope`` lets inputs
    below ``threshold`` through as ``-negative_slope * (threshold - x)``;
    ``max_value`` caps the output (``max_value=6`` is ReLU6). All three
    must be non-negative.
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if max_value is not None:
            max_value = value_checks.number(max_value, "max_value", self, 0.0)
        self.max_value = max_value
        self.negative_slope = value_checks.number(negative_slope, "negative_slope", self, 0.0)
        self.threshold = value_checks.number(threshold, "threshold", self, 0.0)
        self.supports_masking = True

    def call(self, inputs):
        return K.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }
