"""LayerScale: a learned per-channel scale on a residual branch (Touvron et al., 2021).

ConvNeXt multiplies each block's branch by a vector ``gamma`` of
``projection_dim`` entries, started small (``init_values``, 1e-6 there), so
that deep networks begin close to the identity and learn how much of each
branch to let in.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import initializers
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks


@register_layer
class LayerScale(Layer):
    """``x * gamma``, ``gamma`` of shape ``(projection_dim,)`` started at ``init_values``.

    As Keras's ``keras.src.applications.convnext.LayerScale``: the one weight
    is held as ``gamma`` and, as Keras names a weight created without a
    name, called ``variable``; it scales the last axis of the input.

    >>> LayerScale(1e-6, 4)(np.ones((2, 4))).shape
    (2, 4)
    """

    keras_module = "keras.src.applications.convnext"

    def __init__(self, init_values: float, projection_dim: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.init_values = value_checks.number(init_values, "init_values", self)
        if not value_checks.is_int(projection_dim) or projection_dim <= 0:
            raise ValueError(
                f"{value_checks.describe(self)}: projection_dim must be a positive int, "
                f"received projection_dim={projection_dim!r}."
            )
        self.projection_dim = int(projection_dim)
        self.supports_masking = True

    def build(self, input_shape) -> None:
        channels = tuple(input_shape)[-1]
        if channels is not None and channels != self.projection_dim:
            raise ValueError(
                f"{value_checks.describe(self)} scales {self.projection_dim} channels "
                f"(projection_dim), received an input of shape {tuple(input_shape)}."
            )
        self.gamma = self.add_weight(
            "variable",
            shape=(self.projection_dim,),
            initializer=initializers.Constant(self.init_values),
        )
        self.built = True

    def call(self, inputs):
        return K.multiply(inputs, self.gamma)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "init_values": self.init_values,
            "projection_dim": self.projection_dim,
        }
