"""CustomScaleLayer: Inception-ResNet-v2's scaled residual sum ``x + scale * branch``.

Inception-ResNet-v2 scales each block's residual branch down (by 0.1 to
0.2) before adding it to the shortcut, which keeps the training of very
deep versions stable (Szegedy et al., 2016).
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks


@register_layer
class CustomScaleLayer(Layer):
    """Called on ``[shortcut, branch]``: returns ``shortcut + branch * scale``.

    As Keras's ``keras.src.applications.inception_resnet_v2.CustomScaleLayer``.
    """

    keras_module = "keras.src.applications.inception_resnet_v2"

    def __init__(self, scale: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scale = value_checks.number(scale, "scale", self)

    def _pair(self, inputs, shapes: bool = False) -> tuple:
        pair = isinstance(inputs, (list, tuple)) and len(inputs) == 2
        if shapes and pair:
            pair = all(isinstance(shape, (list, tuple)) for shape in inputs)
        if not pair:
            raise ValueError(
                f"{value_checks.describe(self)} expects a list of two inputs [shortcut, "
                f"branch], received {type(inputs).__name__} of "
                f"{len(inputs) if isinstance(inputs, (list, tuple)) else 1} input(s)."
            )
        return inputs[0], inputs[1]

    def call(self, inputs):
        shortcut, branch = self._pair(inputs)
        return K.add(shortcut, K.multiply(branch, self.scale))

    def compute_output_shape(self, input_shape):
        shortcut, branch = self._pair(input_shape, shapes=True)
        shortcut, branch = tuple(shortcut), tuple(branch)
        if len(shortcut) != len(branch):
            raise ValueError(
                f"{value_checks.describe(self)}: the shortcut and the branch must have the "
                f"same rank, received shapes {shortcut} and {branch}."
            )
        return tuple(a if a is not None else b for a, b in zip(shortcut, branch, strict=True))

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": self.scale}
