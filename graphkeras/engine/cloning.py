"""``clone_model``: the same architecture again, with new layers and fresh weights.

As Keras 3's ``keras.models.clone_model``: every layer is replaced by
``clone_function(layer)`` (by default a new layer from its config, so with
newly initialised weights), and the graph is replayed on the clones node by
node, in the model's execution order, with the same call arguments. A layer
shared by several calls gets one clone, called as often; a nested model is
one layer and is cloned whole by ``clone_function``. ``input_tensors``
rebuilds the clone on tensors of the caller's, and ``call_function`` (given
the clone and the call's arguments) replaces each plain call.
Sequential models clone into Sequential models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_layer import Input, InputLayer
from graphkeras.engine.network_config import named_call_keywords, structured_endpoints
from graphkeras.engine.node import is_keras_tensor
from graphkeras.engine.sequential import Sequential
from graphkeras.engine.training import Model
from graphkeras.utils import nest


def clone_layer(layer: Layer) -> Layer:
    """A new layer built from ``layer``'s config: same settings, fresh weights."""
    return layer.__class__.from_config(layer.get_config())


def clone_model(
    model,
    input_tensors=None,
    clone_function: Callable[[Layer], Layer] | None = None,
    call_function: Callable[..., Any] | None = None,
    **kwargs,
):
    """A model of the same graph on cloned layers (``clone_function``, default: from config)."""
    if kwargs:
        raise ValueError(f"clone_model: unexpected arguments {sorted(kwargs)}.")
    if not isinstance(model, Model) or not (
        getattr(model, "_is_graph_network", False) or isinstance(model, Sequential)
    ):
        raise ValueError(
            f"clone_model takes a functional or Sequential model, received "
            f"{type(model).__name__}; a subclassed model has no graph to replay."
        )
    clone_function = clone_function or clone_layer
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function)
    return _clone_functional(model, input_tensors, clone_function, call_function)


def _clone_sequential(model: Sequential, input_tensors, clone_function) -> Model:
    clone = Sequential(name=model.name, trainable=model.trainable)
    if input_tensors is not None:
        tensors = nest.flatten(input_tensors)
        if len(tensors) != 1 or not is_keras_tensor(tensors[0]):
            raise ValueError(
                f"clone_model: a Sequential model takes one Input tensor as input_tensors, "
                f"received {input_tensors!r:.200}."
            )
        clone.add(tensors[0])
    elif model._stack_input is not None:
        source = model._stack_input
        clone.add(Input(batch_shape=source.shape, dtype=source.dtype))
    for layer in model.layers:
        clone.add(_cloned(layer, clone_function))
    return clone


def _clone_functional(model: Model, input_tensors, clone_function, call_function) -> Model:
    old_inputs = nest.flatten(model.inputs)
    if input_tensors is None:
        new_inputs = [
            Input(
                batch_shape=tensor.shape,
                dtype=tensor.dtype,
                name=tensor._keras_history.layer.name,
                optional=tensor._keras_history.layer.optional,
            )
            for tensor in old_inputs
        ]
    else:
        new_inputs = nest.flatten(input_tensors)
        if len(new_inputs) != len(old_inputs) or not all(map(is_keras_tensor, new_inputs)):
            raise ValueError(
                f"clone_model: input_tensors must be {len(old_inputs)} KerasTensors, one per "
                f"input of model '{model.name}', received {input_tensors!r:.200}."
            )
    replaced = {id(old): new for old, new in zip(old_inputs, new_inputs, strict=True)}
    clones: dict[int, Layer] = {}

    def replace(value):
        return replaced[id(value)] if is_keras_tensor(value) else value

    for node in model._execution_order:
        layer = node.outbound_layer
        if isinstance(layer, InputLayer):
            continue
        if id(layer) not in clones:
            clones[id(layer)] = _cloned(layer, clone_function)
        new_layer = clones[id(layer)]
        inputs = nest.map_structure(replace, node.call_args[0])
        keywords = {
            key: nest.map_structure(replace, value)
            for key, value in named_call_keywords(node).items()
        }
        if call_function is not None:
            outputs = call_function(new_layer, inputs, **keywords)
        else:
            outputs = new_layer(inputs, **keywords)
        for old, new in zip(node.output_tensors, nest.flatten(outputs), strict=True):
            replaced[id(old)] = new

    inputs = structured_endpoints(
        [replaced[id(t)] for t in old_inputs],
        model._input_keys,
        isinstance(model._inputs_struct, tuple),
    )
    outputs = structured_endpoints(
        [replaced[id(t)] for t in model.outputs],
        model._output_keys,
        isinstance(model._outputs_struct, tuple),
    )
    return Model(inputs, outputs, name=model.name, trainable=model.trainable)


def _cloned(layer: Layer, clone_function) -> Layer:
    clone = clone_function(layer)
    if not isinstance(clone, Layer):
        raise ValueError(
            f"clone_model: clone_function must return a layer; for '{layer.name}' it returned "
            f"{type(clone).__name__}."
        )
    return clone
