"""TimeDistributed: apply one layer, with one set of weights, to every timestep.

The input is ``(batch, time, ...)``. Rather than calling the wrapped layer
once per timestep, the time axis is folded into the batch axis: the layer
sees one batch of ``batch * time`` samples of shape ``(...)``, and its output
is unfolded back to ``(batch, time, ...)``. The result is the same as Keras 3's
loop over timesteps for any layer that treats samples independently (Dense,
Conv2D, Dropout, ...), at the cost of one call instead of ``time`` calls.

>>> frames = Input(shape=(10, 16))                     # 10 timesteps of 16 features
>>> TimeDistributed(Dense(8))(frames).shape
(None, 10, 8)

Masks follow Keras 3: the incoming mask is passed to the wrapped layer (folded
like the inputs, when its ``call`` takes a ``mask``) and comes out unchanged.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.call_signature import call_signature
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.value_checks import describe
from graphkeras.layers.wrapper import Wrapper, build_sublayer, check_is_layer


@register_layer
class TimeDistributed(Wrapper):
    """Applies ``layer`` to each temporal slice (axis 1) of a rank >= 3 input.

    The weights are the wrapped layer's, shared by every timestep.
    ``training`` reaches the wrapped layer, so ``TimeDistributed(Dropout(0.5))``
    drops while training only.
    """

    def __init__(self, layer: Layer, **kwargs) -> None:
        check_is_layer(layer, "layer", "TimeDistributed")
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _child_input_shape(self, input_shape) -> tuple:
        """The shape one timestep has, as the wrapped layer sees it: ``(batch, ...)``."""
        if (
            not isinstance(input_shape, (tuple, list))
            or len(input_shape) < 3
            or any(isinstance(dim, (tuple, list)) for dim in input_shape)
        ):
            raise ValueError(
                f"{describe(self)} expects one input of rank at least 3 "
                f"(batch, time, ...), received input shape {input_shape}."
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape) -> None:
        build_sublayer(self.layer, self._child_input_shape(input_shape))
        self.built = True

    def compute_output_shape(self, input_shape):
        child_output_shape = self.layer.compute_output_shape(self._child_input_shape(input_shape))
        if not isinstance(child_output_shape, (tuple, list)) or any(
            isinstance(dim, (tuple, list)) for dim in child_output_shape
        ):
            raise ValueError(
                f"{describe(self)} can only wrap a layer with one output; "
                f"'{self.layer.name}' gives output shapes {child_output_shape}."
            )
        return (input_shape[0], input_shape[1], *tuple(child_output_shape)[1:])

    def call(self, inputs, training=None, mask=None):
        shape = K.int_shape(inputs)
        if len(shape) < 3:
            raise ValueError(
                f"{describe(self)} expects one input of rank at least 3 "
                f"(batch, time, ...), received input shape {shape}."
            )
        batch, timesteps = shape[0], shape[1]
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None:
            self._check_mask(mask, shape)
            if call_signature(type(self.layer).call)[1]:
                mask_shape = K.int_shape(mask)
                kwargs["mask"] = K.reshape(mask, (batch * timesteps, *mask_shape[2:]))
        folded = K.reshape(inputs, (batch * timesteps, *shape[2:]))
        outputs = self.layer(folded, **kwargs)
        if not K.is_tensor(outputs):
            raise ValueError(
                f"{describe(self)} can only wrap a layer with one output; "
                f"'{self.layer.name}' returned {type(outputs).__name__}."
            )
        return K.reshape(outputs, (batch, timesteps, *K.int_shape(outputs)[1:]))

    def _check_mask(self, mask, input_shape: tuple) -> None:
        """A mask must start with the input's ``(batch, time)`` dims."""
        mask_shape = K.int_shape(mask)
        if len(mask_shape) < 2 or tuple(mask_shape[:2]) != tuple(input_shape[:2]):
            raise ValueError(
                f"{describe(self)} expects a mask whose first two dims are the input's "
                f"(batch, time) = {tuple(input_shape[:2])}, received a mask of shape "
                f"{mask_shape}."
            )
