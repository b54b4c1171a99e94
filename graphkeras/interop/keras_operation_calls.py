"""``gk.ops`` operation nodes in Keras 3's ``.keras`` form, and back.

A graphkeras :class:`~graphkeras.ops.OperationLayer` keeps one dict of
arguments (by the ops function's parameter names) with a numbered slot for
each tensor. Keras 3 splits the same arguments between the operation
class's constructor (its config) and its call node (positional and keyword
arguments); :mod:`graphkeras.interop.keras_operation_forms` says which goes
where for each operation. Values cross between the two forms here: tuples
and arrays change wrappers, tensors become slots and back. Anything else a
file might hold (a function, a class to import) is refused by name; the
module path is compared as text, never imported.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from graphkeras.interop.keras_operation_forms import (
    KERAS_OPERATION_FORMS,
    OPERATIONS_OF_KERAS_CLASSES,
)
from graphkeras.ops.arguments import to_config
from graphkeras.ops.registry import OPERATIONS
from graphkeras.saving.errors import ModelFileError

TENSOR_MARK = "__keras_tensor__"


def is_mapped_keras_operation(entry: Mapping) -> bool:
    """Whether a Keras 3 operation entry is one of graphkeras's ops."""
    key = (entry.get("module"), entry.get("class_name"))
    return key in OPERATIONS_OF_KERAS_CLASSES


def with_operation_module(entry: Mapping) -> Mapping:
    """``entry`` with its Keras module filled in when it is an operation written without one.

    Keras 3's legacy ``.h5`` writer drops the ``module`` of every entry, so an
    ``ops.add(x, y)`` node reads ``{"class_name": "Add", ...}`` like the Add
    layer. An operation's config has no ``trainable`` (every Keras 3 layer
    writes one) and its call node is Keras 3's ``{"args", "kwargs"}``; such an
    entry whose class is a known operation class gets that class's module.
    """
    if entry.get("module") is not None:
        return entry
    config = entry.get("config")
    nodes = entry.get("inbound_nodes")
    module = _MODULES_OF_CLASSES.get(entry.get("class_name"))
    if (
        module is None
        or not isinstance(config, Mapping)
        or "trainable" in config
        or not isinstance(nodes, list)
        or not all(isinstance(node, Mapping) and "args" in node for node in nodes)
    ):
        return entry
    return {**entry, "module": module}


_MODULES_OF_CLASSES = {class_name: module for module, class_name in OPERATIONS_OF_KERAS_CLASSES}


# ------------------------------------------------------------------ writing
def operation_entry_to_keras(layer) -> dict:
    """The Keras 3 entry (module, class, constructor config) of an OperationLayer.

    Constructor arguments left at their defaults are not written: Keras fills
    in the same defaults, and a Keras release older than the one this table
    was read from may not know a newer argument (``TopK``'s ``is_stable``).
    """
    form = _form_of(layer)
    where = f"Layer '{layer.name}' (ops.{layer.operation})"
    arguments = layer.get_config()["arguments"]
    parameters = OPERATIONS[layer.operation].signature.parameters
    config: dict[str, Any] = {"name": layer.name}
    for parameter in form.constructor:
        default = parameters[parameter].default
        if default is not inspect.Parameter.empty and arguments.get(parameter) == to_config(
            default, where
        ):
            continue
        config[parameter] = _to_keras(arguments.get(parameter), [], where)
    return {
        "module": form.keras_module,
        "class_name": form.class_name,
        "config": config,
        "registered_name": form.class_name,
    }


def operation_call_to_keras(layer, tensors: list) -> tuple[list, dict]:
    """``(args, kwargs)`` of a call node, with ``tensors`` (Keras marks) in the slots."""
    form = _form_of(layer)
    where = f"Layer '{layer.name}' (ops.{layer.operation})"
    arguments = layer.get_config()["arguments"]
    args: list = []
    for parameter in form.positional:
        if parameter.startswith("*"):
            spread = arguments.get(parameter[1:]) or {"config": {"value": []}}
            args.extend(_to_keras(item, tensors, where) for item in spread["config"]["value"])
        else:
            args.append(_to_keras(arguments.get(parameter), tensors, where))
    kwargs = {name: _to_keras(arguments.get(name), tensors, where) for name in form.keywords}
    return args, kwargs


def _form_of(layer):
    form = KERAS_OPERATION_FORMS.get(layer.operation)
    if form is None:
        raise ValueError(
            f"Layer '{layer.name}': ops.{layer.operation} has no Keras 3 operation class, so "
            "this model cannot be written as a .keras file (save it as .gk)."
        )
    return form


def _to_keras(value: Any, tensors: list, where: str) -> Any:
    """A graphkeras argument config value in Keras 3's form."""
    if isinstance(value, list):
        return [_to_keras(item, tensors, where) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("class_name")
    inner = value.get("config") or {}
    if kind == "__tensor__":
        return tensors[inner["index"]]
    if kind == "__tuple__":  # Keras 3 writes an operation's tuples as lists.
        return [_to_keras(item, tensors, where) for item in inner["value"]]
    if kind == "__dict__":
        return {key: _to_keras(item, tensors, where) for key, item in inner["value"].items()}
    if kind == "__ndarray__":
        return {
            "class_name": "__numpy__",
            "config": {"value": value["value"], "dtype": value["dtype"]},
        }
    raise ValueError(
        f"{where}: argument {value!r:.80} cannot be written to a .keras file (a function is "
        "only saved by name in graphkeras's own .gk format)."
    )


# ------------------------------------------------------------------ reading
def operation_from_keras_call(entry: Mapping, where: str) -> tuple[dict, list]:
    """``(OperationLayer entry without nodes, [tensor marks in slot order])`` for an entry."""
    name = entry.get("name")
    operation = OPERATIONS_OF_KERAS_CLASSES[(entry.get("module"), entry.get("class_name"))]
    form = KERAS_OPERATION_FORMS[operation]
    layer_where = f"{where}: operation {str(name)[:80]!r} ({entry.get('class_name')})"
    nodes = entry.get("inbound_nodes")
    if not isinstance(nodes, list) or len(nodes) != 1 or not isinstance(nodes[0], Mapping):
        raise ModelFileError(f"{layer_where} must have exactly one call node.")
    args = nodes[0].get("args", [])
    kwargs = nodes[0].get("kwargs") or {}
    config = entry.get("config") or {}
    if not isinstance(args, list) or not isinstance(kwargs, Mapping):
        raise ModelFileError(f"{layer_where}: a call node needs a list 'args' and a dict 'kwargs'.")
    if not isinstance(config, Mapping):
        raise ModelFileError(f"{layer_where}: the config must be an object.")
    parameters = OPERATIONS[operation].signature.parameters
    tensors: list = []
    arguments: dict[str, Any] = {}
    positional = list(args)
    for parameter in form.positional:
        if parameter.startswith("*"):
            arguments[parameter[1:]] = {
                "class_name": "__tuple__",
                "config": {"value": [_from_keras(v, tensors, layer_where) for v in positional]},
            }
            positional = []
        elif positional:
            arguments[parameter] = _from_keras(positional.pop(0), tensors, layer_where)
    if positional:
        raise ModelFileError(
            f"{layer_where}: {len(args)} positional arguments, more than ops.{operation} takes."
        )
    for key, value in kwargs.items():
        if key not in parameters:
            raise ModelFileError(f"{layer_where}: ops.{operation} takes no argument {key!r}.")
        arguments[key] = _from_keras(value, tensors, layer_where)
    for key, value in config.items():
        if key in ("name", "trainable", "dtype") and key not in form.constructor:
            continue
        if key not in form.constructor:
            raise ModelFileError(f"{layer_where}: unexpected constructor argument {key!r}.")
        arguments[key] = _from_keras(value, tensors, layer_where)
    if not tensors:
        raise ModelFileError(f"{layer_where} is not applied to any tensor.")
    layer_config = {"name": name, "operation": operation, "arguments": arguments}
    return {"name": name, "class_name": "OperationLayer", "config": layer_config}, tensors


def _from_keras(value: Any, tensors: list, where: str) -> Any:
    """A Keras 3 argument value in graphkeras's argument config form."""
    if isinstance(value, list):
        return [_from_keras(item, tensors, where) for item in value]
    if not isinstance(value, Mapping):
        return value
    kind = value.get("class_name")
    inner = value.get("config")
    if kind == TENSOR_MARK:
        tensors.append(value)
        return {"class_name": "__tensor__", "config": {"index": len(tensors) - 1}}
    if kind == "__tuple__" and isinstance(inner, Mapping) and isinstance(inner.get("value"), list):
        items = [_from_keras(item, tensors, where) for item in inner["value"]]
        return {"class_name": "__tuple__", "config": {"value": items}}
    if kind in ("__numpy__", "__tensor__") and isinstance(inner, Mapping):
        return {
            "class_name": "__ndarray__",
            "value": inner.get("value"),
            "dtype": inner.get("dtype"),
        }
    if kind is None:
        items = {str(key): _from_keras(item, tensors, where) for key, item in value.items()}
        return {"class_name": "__dict__", "config": {"value": items}}
    raise ModelFileError(
        f"{where}: an argument holds a {str(kind)[:60]!r} object; graphkeras reads only "
        "numbers, strings, lists, tuples, arrays and tensors there."
    )
