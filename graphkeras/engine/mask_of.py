"""MaskOf: a symbolic mask, passed explicitly to a layer, as a node of the graph.

A layer's output mask is a detached KerasTensor: the engine recomputes masks
as the model runs rather than storing them as graph tensors. When a user
passes one on explicitly, as in Keras 3's ``lstm(x, mask=embedded._keras_mask)``,
the call must still be recordable and replayable. So the mask is replaced by
the output of a ``MaskOf`` node on the tensor it belongs to: at run time
that node receives the tensor's mask (the engine passes masks to a ``call``
that takes ``mask``) and returns it, and in a config it is a layer like any
other.
"""

from __future__ import annotations

from graphkeras.engine import base_layer
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.call_arguments import CallArguments
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.engine.node import is_keras_tensor
from graphkeras.utils import nest


@register_layer
class MaskOf(Layer):
    """Outputs the mask of its input tensor (a boolean tensor)."""

    def call(self, inputs, mask=None):
        if mask is None:
            raise ValueError(
                f"Layer '{self.name}' forwards the mask of its input, but the input "
                "arrived without one."
            )
        return mask

    def compute_output_spec(self, inputs, mask=None, **kwargs):
        source = mask if mask is not None else inputs._keras_mask
        if source is None:
            raise ValueError(f"Layer '{self.name}': its input {inputs.name} carries no mask.")
        return KerasTensor(source.shape, dtype="bool")

    def compute_mask(self, inputs, mask=None):
        return None


def connect_masks(call: CallArguments) -> CallArguments:
    """``call`` with each detached symbolic mask among its arguments replaced by a MaskOf output.

    The call's leaves are read as flattened already; only a call that holds
    such a mask is rebuilt.
    """
    if not any(_is_detached_mask(leaf) for leaf in call.argument_leaves):
        return call
    connected = {}

    def connect(leaf):
        if not _is_detached_mask(leaf):
            return leaf
        if id(leaf) not in connected:
            connected[id(leaf)] = MaskOf()(leaf._mask_owner)
        return connected[id(leaf)]

    new_args, new_kwargs = nest.map_structure(connect, [list(call.args), call.kwargs])
    return CallArguments(call.inputs, tuple(new_args), new_kwargs)


def _is_detached_mask(value) -> bool:
    return is_keras_tensor(value) and value._keras_history is None and value._mask_owner is not None


base_layer.set_mask_connector(connect_masks)
