"""ActivityRegularization: penalise large activations, leaving them unchanged.

The layer is the identity on its inputs, but each call adds
``(l1 * sum(|x|) + l2 * sum(x ** 2)) / batch_size`` to the layer's losses,
which a model adds to the loss it minimises. Dividing by the batch size, as
Keras 3 does, keeps the penalty's strength independent of the batch size.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import regularizers
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer


def activity_loss(regularizer, outputs):
    """``regularizer(outputs)`` divided by the batch size (0 for an empty batch)."""
    loss = regularizer(outputs)
    shape = K.int_shape(outputs)
    if not shape:
        return loss
    batch_size = shape[0]
    if not batch_size:
        return K.multiply(loss, 0.0)
    return K.divide(loss, float(batch_size))


@register_layer
class ActivityRegularization(Layer):
    """Identity that adds an L1/L2 penalty on its inputs to the losses (``add_loss``)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        # L1L2 checks each factor (a finite non-negative number), naming it.
        self._regularizer = regularizers.L1L2(l1=l1, l2=l2)
        self.l1 = float(l1)
        self.l2 = float(l2)
        self.supports_masking = True

    def call(self, inputs):
        self.add_loss(activity_loss(self._regularizer, inputs))
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
