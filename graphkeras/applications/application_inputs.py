"""The input end of an application model: a new ``Input`` or the caller's tensor.

Keras applications accept ``input_tensor`` so a network can be built on
top of another model's output; the model then starts at that tensor's
sources. These two helpers keep that choice in one place for every family.
"""

from __future__ import annotations

from graphkeras.engine.graph_mapping import get_source_inputs
from graphkeras.engine.input_layer import Input
from graphkeras.engine.node import is_keras_tensor


def image_input(input_tensor, input_shape: tuple):
    """The tensor the network starts from: ``input_tensor`` if given, else a new ``Input``."""
    if input_tensor is None:
        return Input(shape=input_shape)
    if not is_keras_tensor(input_tensor):
        raise ValueError(
            "`input_tensor` must be a symbolic tensor (the output of `gk.Input()` or of a layer "
            f"called on one). Received: input_tensor={input_tensor!r} "
            f"of type {type(input_tensor).__name__}"
        )
    return input_tensor


def model_inputs(input_tensor, image: object):
    """What the model is built from: the sources of ``input_tensor``, else the new input."""
    if input_tensor is None:
        return image
    return get_source_inputs(input_tensor)
