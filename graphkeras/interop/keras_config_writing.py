"""A graphkeras model's config in Keras 3's ``.keras`` form, for Keras to load.

Each object becomes ``{"module", "class_name", "config", "registered_name"}``
with the Keras module of its family (``keras.layers``, ``keras.initializers``,
...), found by looking the class name up in graphkeras's own registries; a
class registered with ``register_serializable`` keeps its ``package>Name`` as
``registered_name`` (Keras finds it if the same class is registered there).
Call nodes become ``{"args", "kwargs"}`` with each tensor written as a
``__keras_tensor__`` carrying its shape, dtype and ``keras_history``.
Keras 3 numbers a nested Sequential's calls from 0 where graphkeras counts
its own node first, so references to one shift down by one.
"""

from __future__ import annotations

import json
from typing import Any

from graphkeras.engine.network_config import kept_node_indices, named_call_keywords
from graphkeras.engine.node import is_keras_tensor
from graphkeras.engine.op_layer import OperatorLayer
from graphkeras.engine.sequential import Sequential
from graphkeras.interop.keras_operation_calls import (
    operation_call_to_keras,
    operation_entry_to_keras,
)
from graphkeras.interop.keras_operations import operation_to_keras
from graphkeras.ops import OperationLayer
from graphkeras.utils import nest
from graphkeras.utils.keras_object_form import TENSOR_MARK, keras_value, object_wrapper
from graphkeras.utils.serialization import get_registered_name

FUNCTIONAL_MODULE = "keras.src.models.functional"


def keras_document(model) -> dict:
    """``config.json`` of a ``.keras`` archive for ``model`` (config and compile config)."""
    if not getattr(model, "_is_graph_network", False):
        raise ValueError(
            f"Model '{model.name}' is a subclassed model without a graph; only functional and "
            "Sequential models can be written as .keras files."
        )
    document = _model_wrapper(model)
    compiled = getattr(model, "compiled", False)
    document["compile_config"] = keras_value(model.get_compile_config()) if compiled else None
    return document


# ---------------------------------------------------------------- models
def _model_wrapper(model) -> dict:
    if isinstance(model, Sequential):
        return _sequential_wrapper(model)
    return {
        "module": FUNCTIONAL_MODULE,
        "class_name": "Functional",
        "config": _functional_config(model),
        "registered_name": "Functional",
        "build_config": {"input_shape": None},
    }


def _sequential_wrapper(model) -> dict:
    layers = [_layer_wrapper(layer) for layer in model.layers]
    input_shape = [None, *model.inputs[0].shape[1:]] if model.inputs else None
    if model.inputs and not any(type(layer).__name__ == "InputLayer" for layer in model.layers):
        input_layer = model.inputs[0].node.outbound_layer
        layers.insert(0, _layer_wrapper(input_layer))
    config = {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "build_input_shape": input_shape,
    }
    return {
        "module": "keras",
        "class_name": "Sequential",
        "config": config,
        "registered_name": None,
        "build_config": {"input_shape": input_shape},
    }


def _layer_wrapper(layer) -> dict:
    if getattr(layer, "_is_graph_network", False):
        return _model_wrapper(layer)
    registered = get_registered_name(type(layer))
    wrapper = object_wrapper(registered, keras_value(layer.get_config()))
    if ">" not in registered:
        wrapper["class_name"] = type(layer).__name__
    return wrapper


def _functional_config(model) -> dict:
    kept_index = kept_node_indices(model)

    def history(tensor, in_call: bool) -> list:
        # graphkeras counts a nested model's own node 0; Keras 3 does not in
        # call nodes, and does for a functional model in input/output_layers.
        layer, _, tensor_index = tensor._keras_history
        node_index = kept_index[id(tensor.node)]
        if getattr(layer, "_is_graph_network", False):
            if in_call or isinstance(layer, Sequential):
                node_index -= 1
        return [layer.name, node_index, tensor_index]

    def mark(tensor) -> dict:
        return {
            "class_name": TENSOR_MARK,
            "config": {
                "shape": list(tensor.shape),
                "dtype": tensor.dtype,
                "keras_history": history(tensor, in_call=True),
            },
        }

    def encode(value):
        return nest.map_structure(lambda leaf: mark(leaf) if is_keras_tensor(leaf) else leaf, value)

    entries = []
    for layer in model._layers:
        nodes = []
        for node in layer._inbound_nodes:
            if node.is_own_node or node not in model._network_nodes:
                continue
            kwargs = {}
            for key, value in named_call_keywords(node).items():
                encoded = keras_value(encode(value))
                try:
                    json.dumps(encoded)
                except TypeError:
                    continue
                kwargs[key] = encoded
            if isinstance(layer, OperatorLayer):
                nodes.append({"args": _operation_arguments(layer, node, encode), "kwargs": {}})
                continue
            if isinstance(layer, OperationLayer):
                tensors = [encode(t) for t in nest.flatten(node.call_args[0])]
                args, kwargs = operation_call_to_keras(layer, tensors)
                nodes.append({"args": args, "kwargs": kwargs})
                continue
            nodes.append({"args": [keras_value(encode(node.call_args[0]))], "kwargs": kwargs})
        if isinstance(layer, OperatorLayer):
            entry = operation_to_keras(layer)[0]
        elif isinstance(layer, OperationLayer):
            entry = operation_entry_to_keras(layer)
        else:
            entry = _layer_wrapper(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = nodes
        entries.append(entry)

    def endpoint(tensor) -> list:
        return history(tensor, in_call=False)

    config: dict[str, Any] = {"name": model.name, "trainable": model.trainable, "layers": entries}
    for key, tensors, keys in (
        ("input_layers", model.inputs, model._input_keys),
        ("output_layers", model.outputs, model._output_keys),
    ):
        references = [endpoint(tensor) for tensor in tensors]
        if keys is not None:
            config[key] = dict(zip(keys, references, strict=True))
        else:
            # One tensor is written bare, so Keras returns a tensor, not a list of one.
            config[key] = references[0] if len(references) == 1 else references
    return config


def _operation_arguments(layer, node, encode) -> list:
    """An operation's positional arguments: its tensors (in order) where the constants are not."""
    arguments = operation_to_keras(layer)[1]
    tensors = iter(nest.flatten(node.call_args[0]))
    return [encode(next(tensors)) if value is None else value for value in arguments]
