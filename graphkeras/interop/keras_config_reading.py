"""Keras model configs (Keras 3 ``.keras`` and Keras 2 ``.h5``) as graphkeras configs.

Keras 3 wraps every object as ``{"module", "class_name", "config",
"registered_name"}``, writes dtypes as ``DTypePolicy`` objects and call
nodes as ``{"args": [...], "kwargs": {...}}`` holding ``__keras_tensor__``
references; Keras 2 writes the lists graphkeras reads natively. Both are
rewritten here, as plain data, into the Keras 2.2 layout of
``network_config.py``, which the usual loader then builds. The object
wrappers themselves are read by ``utils/keras_object_form.py``, which
``deserialize_keras_object`` shares; here its refusals become
``ModelFileError``.

Nothing here resolves a name: a class name is carried over as text (a
registered name such as ``"my_package>Scale"`` is preferred, as Keras
does), and ``module`` entries are dropped unread, so a file naming
``os.system`` fails later as an unknown class, with nothing imported. Keras
options graphkeras does not have are dropped when they hold the value
that means "off" (``quantization_config=None``, ``ragged=False``, ...);
any other value is refused with the layer and option named.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from graphkeras.engine.layer_registry import BUILTIN_LAYERS
from graphkeras.interop.keras_operation_calls import (
    is_mapped_keras_operation,
    operation_from_keras_call,
    with_operation_module,
)
from graphkeras.interop.keras_operations import (
    is_keras_operation,
    is_operator,
    operation_from_keras,
)
from graphkeras.saving.errors import ModelFileError
from graphkeras.utils import keras_object_form
from graphkeras.utils.keras_object_form import TENSOR_MARK, preview

MODEL_CLASSES = ("Functional", "Model", "Sequential")

# Shapes a Keras 2 layer records in its config once built; graphkeras builds on the call.
_BUILD_RECORDS: dict[str, tuple[str, ...]] = {
    "MultiHeadAttention": ("query_shape", "key_shape", "value_shape"),
}


def model_config_from_keras(document: Any, flavour: str, where: str) -> dict:
    """``{"class_name", "config"}`` for graphkeras from a Keras model config.

    ``flavour`` is ``"keras3"`` (a ``.keras`` archive) or ``"keras2"`` (a
    legacy ``.h5`` file); ``where`` names the file part in errors.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("config"), Mapping):
        raise ModelFileError(
            f"{where}: expected an object with 'class_name' and 'config', "
            f"received {preview(document)}."
        )
    class_name = _class_name(document, where)
    if class_name not in MODEL_CLASSES:
        raise ModelFileError(
            f"{where}: the file holds a {class_name!r}; graphkeras reads Keras functional "
            "and Sequential models (subclassed Keras models have no config to rebuild)."
        )
    try:
        return _convert_model(class_name, document["config"], flavour, where)
    except ModelFileError:
        raise
    except (AttributeError, TypeError, KeyError, IndexError, ValueError, RecursionError) as error:
        # A value of an unexpected type somewhere the checks above did not look.
        raise ModelFileError(
            f"{where}: malformed Keras model config ({type(error).__name__}: {error})."
        ) from error


def value_from_keras(value: Any, where: str) -> Any:
    """A config value with Keras 3's object wrappers turned into graphkeras's forms."""
    return keras_object_form.value_from_keras(value, where, ModelFileError)


def _class_name(wrapper: Mapping, where: str) -> str:
    return keras_object_form.class_name_to_resolve(wrapper, where, ModelFileError)


def _without_inert_options(config: dict, where: str) -> dict:
    return keras_object_form.without_inert_options(config, where, ModelFileError)


# ---------------------------------------------------------------- models
def _convert_model(class_name: str, config: Mapping, flavour: str, where: str) -> dict:
    if class_name == "Sequential":
        return {"class_name": "Sequential", "config": _sequential(config, flavour, where)}
    return {"class_name": "Functional", "config": _functional(config, flavour, where)}


def _sequential(config: Mapping, flavour: str, where: str) -> dict:
    entries = config.get("layers")
    if not isinstance(entries, list):
        raise ModelFileError(f"{where}: a Sequential config needs a list under 'layers'.")
    layers = []
    for position, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ModelFileError(f"{where}: Sequential layer #{position} is not an object.")
        converted = _layer(entry, flavour, where)
        batch_shape = converted["config"].pop("batch_input_shape", None)
        if batch_shape is not None and converted["class_name"] != "InputLayer" and not layers:
            # Keras 2 keeps a Sequential's input shape on its first layer.
            layers.append(_input_layer(batch_shape, converted["config"]))
        layers.append({"class_name": converted["class_name"], "config": converted["config"]})
    result: dict[str, Any] = {"name": config.get("name"), "layers": layers}
    if "trainable" in config:
        result["trainable"] = config["trainable"]
    build_shape = config.get("build_input_shape")
    if build_shape is not None:
        result["build_input_shape"] = value_from_keras(build_shape, where)
    return result


def _input_layer(batch_shape: Any, first_layer: Mapping) -> dict:
    dtype = first_layer.get("dtype", "float32")
    return {
        "class_name": "InputLayer",
        "config": {
            "batch_shape": batch_shape,
            "dtype": dtype if isinstance(dtype, str) else "float32",
            "name": f"{first_layer.get('name', 'layer')}_input",
        },
    }


def _functional(config: Mapping, flavour: str, where: str) -> dict:
    entries = config.get("layers")
    if not isinstance(entries, list):
        raise ModelFileError(f"{where}: a functional config needs a list under 'layers'.")
    layers = []
    # A nested model has a node 0 of its own in graphkeras (as in Keras 2), so
    # its calls count from 1. Keras 3 counts them from 0 in call nodes, and
    # from 1 in 'input_layers'/'output_layers' for a functional model only.
    # Keras 3's legacy .h5 writer keeps Keras 3's call nodes (and their count).
    keras3_counting = flavour == "keras3" or _has_keras3_nodes(entries)
    node_shifts: dict[str, int] = {}
    endpoint_shifts: dict[str, int] = {}
    for position, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ModelFileError(f"{where}: layer #{position} is not an object.")
        entry = with_operation_module(entry)
        if is_keras_operation(entry):
            if is_mapped_keras_operation(entry) and not is_operator(entry):
                layers.append((entry, operation_from_keras_call(entry, where)))
            else:
                layers.append((entry, operation_from_keras(entry, where)))
            continue
        converted = _layer(entry, flavour, where)
        if keras3_counting and converted["class_name"] in MODEL_CLASSES:
            node_shifts[converted["name"]] = 1
            if converted["class_name"] == "Sequential":
                endpoint_shifts[converted["name"]] = 1
        layers.append((entry, converted))
    result: dict[str, Any] = {"name": config.get("name"), "layers": []}
    if "trainable" in config:
        result["trainable"] = config["trainable"]
    layer_names = {
        (converted[0] if isinstance(converted, tuple) else converted)["name"]
        for _, converted in layers
    }
    for entry, converted in layers:
        if isinstance(converted, tuple):  # An operation and the tensors it reads.
            converted, tensors = converted
            references = [_shifted(_history(t, where), node_shifts, where) for t in tensors]
            converted["inbound_nodes"] = [[[*reference, {}] for reference in references]]
        else:
            converted["inbound_nodes"] = _nodes(entry, converted, layer_names, node_shifts, where)
        result["layers"].append(converted)
    for key, keys_key in (("input_layers", "input_keys"), ("output_layers", "output_keys")):
        references, names = _endpoints(config.get(key), key, endpoint_shifts, where)
        result[key] = references
        if names is not None:
            result[keys_key] = names
    return result


def _has_keras3_nodes(entries: list) -> bool:
    """Whether any layer's inbound nodes are Keras 3 call records (``{"args": ...}``)."""
    return any(
        isinstance(node, Mapping)
        for entry in entries
        if isinstance(entry, Mapping) and isinstance(entry.get("inbound_nodes"), list)
        for node in entry["inbound_nodes"]
    )


def _endpoints(value: Any, key: str, shifts: Mapping, where: str) -> tuple:
    """``[[name, node, tensor], ...]`` and, for a dict, its keys."""
    names = None
    if isinstance(value, Mapping):
        names = list(value)
        value = list(value.values())
    elif isinstance(value, list) and value and isinstance(value[0], str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ModelFileError(f"{where}: '{key}' must list [layer, node, tensor] references.")
    references = []
    for reference in value:
        if not isinstance(reference, list) or len(reference) != 3:
            raise ModelFileError(f"{where}: malformed '{key}' entry {preview(reference)}.")
        references.append(_shifted(reference, shifts, where))
    return references, names


def _shifted(reference: list, shifts: Mapping, where: str) -> list:
    name, node_index, tensor_index = reference
    if not isinstance(name, str) or not isinstance(node_index, int):
        raise ModelFileError(f"{where}: malformed tensor reference {preview(reference)}.")
    return [name, node_index + shifts.get(name, 0), tensor_index]


# ---------------------------------------------------------------- layers
def _layer(entry: Mapping, flavour: str, where: str) -> dict:
    class_name = _class_name(entry, where)
    if is_keras_operation(entry):
        raise ModelFileError(
            f"{where}: layer {entry.get('name')!r} is the Keras operation {class_name!r} "
            f"(from {entry.get('module')!r}) outside a functional graph."
        )
    config = entry.get("config")
    if not isinstance(config, Mapping):
        raise ModelFileError(f"{where}: layer {entry.get('name')!r} has no config object.")
    name = entry.get("name", config.get("name"))
    layer_where = f"{where}: layer {name!r} ({class_name})"
    if class_name in MODEL_CLASSES:
        nested = _convert_model(class_name, config, flavour, layer_where)
        return {"name": name, "class_name": nested["class_name"], "config": nested["config"]}
    converted = _without_inert_options(value_from_keras(dict(config), layer_where), layer_where)
    if class_name == "InputLayer":
        shape = converted.pop("batch_input_shape", None)
        if shape is not None:
            converted.setdefault("batch_shape", shape)
    for option in _BUILD_RECORDS.get(class_name, ()):
        converted.pop(option, None)
    axis = converted.get("axis")
    if class_name == "BatchNormalization" and isinstance(axis, list) and len(axis) == 1:
        converted["axis"] = axis[0]  # Keras 2 stores the built axis as a list.
    return {"name": name, "class_name": class_name, "config": converted}


def _nodes(
    entry: Mapping, converted: Mapping, layer_names: set, shifts: Mapping, where: str
) -> list:
    nodes = entry.get("inbound_nodes", [])
    layer_where = f"{where}: layer {converted['name']!r}"
    if not isinstance(nodes, list):
        raise ModelFileError(f"{layer_where}: 'inbound_nodes' must be a list.")
    result = []
    for node in nodes:
        if isinstance(node, Mapping):
            result.append(_keras3_node(node, converted, shifts, layer_where))
        elif isinstance(node, list):
            result.append(_keras2_node(node, layer_names, shifts, layer_where))
        else:
            raise ModelFileError(f"{layer_where}: malformed inbound node {preview(node)}.")
    return result


def _keras2_node(node: list, layer_names: set, shifts: Mapping, where: str) -> list:
    entries = []
    for item in node:
        if not isinstance(item, list) or len(item) not in (3, 4):
            raise ModelFileError(f"{where}: malformed inbound entry {preview(item)}.")
        kwargs = item[3] if len(item) == 4 and item[3] is not None else {}
        kwargs = _keras2_tensor_keywords(
            value_from_keras(kwargs, where), layer_names, shifts, where
        )
        entries.append([*_shifted(list(item[:3]), shifts, where), kwargs])
    return entries


def _keras2_tensor_keywords(value: Any, layer_names: set, shifts: Mapping, where: str) -> Any:
    """Keras 2 writes a tensor among call keywords as ``[layer, node, tensor]``; mark those."""
    if (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and value[0] in layer_names
        and all(isinstance(item, int) and not isinstance(item, bool) for item in value[1:])
    ):
        history = _shifted(list(value), shifts, where)
        return {"class_name": TENSOR_MARK, "config": {"keras_history": history}}
    if isinstance(value, list):
        return [_keras2_tensor_keywords(item, layer_names, shifts, where) for item in value]
    if isinstance(value, dict):
        return {
            key: _keras2_tensor_keywords(item, layer_names, shifts, where)
            for key, item in value.items()
        }
    return value


def _keras3_node(node: Mapping, converted: Mapping, shifts: Mapping, where: str) -> list:
    args = node.get("args", [])
    kwargs = node.get("kwargs", {})
    if not isinstance(args, list) or not isinstance(kwargs, Mapping):
        raise ModelFileError(f"{where}: malformed call node {preview(node)}.")
    if not args:
        raise ModelFileError(f"{where}: a call node without arguments is not supported.")
    tensors = _flat_tensors(args[0], where)
    keywords: dict[str, Any] = {}
    if len(args) > 1:
        parameters = _call_parameters(converted["class_name"], where)
        if len(args) - 1 > len(parameters):
            raise ModelFileError(
                f"{where}: a call passes {len(args)} positional arguments; the layer takes "
                f"{len(parameters) + 1}."
            )
        keywords.update(zip(parameters, args[1:], strict=False))
    keywords.update(kwargs)
    # Keras 3 records the training flag each layer saw while the graph was
    # built; the model sets it at run time, so it is not part of the graph.
    if isinstance(keywords.get("training"), bool):
        del keywords["training"]
    encoded = {key: _keywords_from_keras(value, shifts, where) for key, value in keywords.items()}
    return [
        [*_shifted(reference, shifts, where), encoded if position == 0 else {}]
        for position, reference in enumerate(tensors)
    ]


def _flat_tensors(value: Any, where: str) -> list:
    """The ``keras_history`` of each tensor in a call's first argument, in order."""
    if isinstance(value, list):
        return [history for item in value for history in _flat_tensors(item, where)]
    if isinstance(value, Mapping) and value.get("class_name") == TENSOR_MARK:
        return [_history(value, where)]
    if isinstance(value, Mapping) and value.get("class_name") == "__tuple__":
        return _flat_tensors((value.get("config") or {}).get("value"), where)
    raise ModelFileError(
        f"{where}: a call's first argument must be tensors, received {preview(value)}."
    )


def _history(mark: Mapping, where: str) -> list:
    history = (mark.get("config") or {}).get("keras_history")
    if not isinstance(history, list) or len(history) != 3:
        raise ModelFileError(f"{where}: malformed tensor reference {preview(mark)}.")
    return list(history)


def _keywords_from_keras(value: Any, shifts: Mapping, where: str) -> Any:
    if isinstance(value, Mapping) and value.get("class_name") == TENSOR_MARK:
        history = _shifted(_history(value, where), shifts, where)
        return {"class_name": TENSOR_MARK, "config": {"keras_history": history}}
    if isinstance(value, list):
        return [_keywords_from_keras(item, shifts, where) for item in value]
    if isinstance(value, Mapping) and value.get("class_name") == "__tuple__":
        items = (value.get("config") or {}).get("value")
        return _keywords_from_keras(items if isinstance(items, list) else [], shifts, where)
    if isinstance(value, Mapping) and not ("class_name" in value and "config" in value):
        return {key: _keywords_from_keras(item, shifts, where) for key, item in value.items()}
    return value_from_keras(value, where)


def _call_parameters(class_name: str, where: str) -> list[str]:
    """Names of a built-in layer's call parameters after the first (for positional args)."""
    layer_class = BUILTIN_LAYERS.get(class_name)
    if layer_class is None:
        raise ModelFileError(
            f"{where}: passes extra positional call arguments to {class_name!r}, which is not "
            "a graphkeras layer."
        )
    parameters = list(inspect.signature(layer_class.call).parameters.values())[2:]
    return [
        parameter.name
        for parameter in parameters
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ]
