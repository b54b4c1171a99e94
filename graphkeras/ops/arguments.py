"""An operation's arguments as a recorded layer keeps them, and as its config writes them.

When a ``gk.ops`` function is called on KerasTensors, its arguments are
kept with a :class:`TensorSlot` in place of each KerasTensor (the slots
number the layer's inputs in order), so running the layer puts arrays in
the slots and calls the function again. The config form is JSON:

- ``None``, bools, ints, floats, strings and lists as themselves;
- a tensor slot as ``{"class_name": "__tensor__", "config": {"index": i}}``;
- a tuple as ``{"class_name": "__tuple__", "config": {"value": [...]}}``,
  a dict as ``{"class_name": "__dict__", "config": {"value": {...}}}``;
- an array as ``{"class_name": "__ndarray__", "value": [...], "dtype": d}``
  (the ``.gk`` writer moves large ones into ``constants.npz``);
- a function (the body of ``ops.cond``, ``ops.scan``) by its registered
  name, ``{"class_name": "__function__", "config": {"name": n}}``: code is
  never written into a config, and reading one only looks names up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.node import is_keras_tensor
from graphkeras.utils import serialization

ARRAY_CLASS = "__ndarray__"
# Kinds of array a config may hold: booleans, integers, floats.
_ARRAY_KINDS = "biuf"


@dataclass(frozen=True)
class TensorSlot:
    """Where the ``index``-th input of a recorded operation goes in its arguments."""

    index: int


def with_slots(arguments: dict[str, Any]) -> tuple[dict[str, Any], list]:
    """``arguments`` with each KerasTensor replaced by a slot, and the KerasTensors in order."""
    tensors: list = []

    def replace(value: Any) -> Any:
        if not is_keras_tensor(value):
            return value
        tensors.append(value)
        return TensorSlot(len(tensors) - 1)

    return {name: _map_leaves(value, replace) for name, value in arguments.items()}, tensors


def fill_slots(arguments: dict[str, Any], inputs: list) -> dict[str, Any]:
    """``arguments`` with each slot replaced by its input."""

    def fill(value: Any) -> Any:
        return inputs[value.index] if isinstance(value, TensorSlot) else value

    return {name: _map_leaves(value, fill) for name, value in arguments.items()}


def count_slots(arguments: Any) -> int:
    """How many tensor slots ``arguments`` holds."""
    found: list = []
    _map_leaves(
        arguments, lambda value: found.append(value) if isinstance(value, TensorSlot) else None
    )
    return len(found)


def _map_leaves(value: Any, function) -> Any:
    """``value`` rebuilt with ``function`` applied to each leaf of its lists, tuples and dicts."""
    if isinstance(value, (list, tuple)):
        items = [_map_leaves(item, function) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    if isinstance(value, dict):
        return {key: _map_leaves(item, function) for key, item in value.items()}
    return function(value)


# ------------------------------------------------------------ config form
def to_config(value: Any, where: str) -> Any:
    """The JSON form of one argument value (see the module docstring)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, TensorSlot):
        return {"class_name": "__tensor__", "config": {"index": value.index}}
    if isinstance(value, list):
        return [to_config(item, where) for item in value]
    if isinstance(value, tuple):
        return {
            "class_name": "__tuple__",
            "config": {"value": [to_config(v, where) for v in value]},
        }
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise ValueError(f"{where}: a dict argument needs string keys, received {value!r:.80}.")
        inner = {key: to_config(item, where) for key, item in value.items()}
        return {"class_name": "__dict__", "config": {"value": inner}}
    if K.is_tensor(value) or K.is_variable(value) or isinstance(value, np.ndarray):
        array = K.convert_to_numpy(value)
        if array.dtype.kind not in _ARRAY_KINDS:
            raise ValueError(f"{where}: an array argument of dtype {array.dtype} cannot be saved.")
        return {"class_name": ARRAY_CLASS, "value": array.tolist(), "dtype": array.dtype.name}
    if callable(value):
        return {"class_name": "__function__", "config": {"name": _function_name(value, where)}}
    raise ValueError(
        f"{where}: argument {value!r:.80} ({type(value).__name__}) cannot be written to a config."
    )


def from_config(value: Any, where: str, custom_objects: dict | None = None) -> Any:
    """The live value of one argument read from its JSON form; nothing is imported or run."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [from_config(item, where, custom_objects) for item in value]
    if not isinstance(value, dict):
        raise ValueError(f"{where}: unreadable argument {value!r:.80}.")
    kind = value.get("class_name")
    inner = value.get("config")
    if kind == ARRAY_CLASS:
        return _array(value, where)
    if not isinstance(inner, dict):
        raise ValueError(f"{where}: argument {value!r:.80} needs a 'config' object.")
    if kind == "__tensor__":
        index = inner.get("index")
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise ValueError(f"{where}: a tensor slot needs an index >= 0, received {index!r}.")
        return TensorSlot(index)
    if kind == "__tuple__" and isinstance(inner.get("value"), list):
        return tuple(from_config(item, where, custom_objects) for item in inner["value"])
    if kind == "__dict__" and isinstance(inner.get("value"), dict):
        return {
            str(key): from_config(item, where, custom_objects)
            for key, item in inner["value"].items()
        }
    if kind == "__function__":
        name = inner.get("name")
        if not isinstance(name, str):
            raise ValueError(f"{where}: a function argument needs a registered name.")
        return serialization.resolve(name, custom_objects, {}, "function")
    raise ValueError(f"{where}: unreadable argument of class {str(kind)[:80]!r}.")


def _array(value: dict, where: str) -> Any:
    dtype = value.get("dtype")
    try:
        kind = np.dtype(dtype).kind if isinstance(dtype, str) else None
    except TypeError:
        kind = None
    if kind is None or kind not in _ARRAY_KINDS:
        raise ValueError(
            f"{where}: an array argument needs a boolean, integer or float dtype; "
            f"received {str(dtype)[:40]!r}."
        )
    try:
        array = np.asarray(value.get("value"), dtype=dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: unreadable array argument: {error}.") from None
    return K.convert_to_tensor(array, dtype=dtype)


def _function_name(function: Any, where: str) -> str:
    name = serialization.get_registered_name(function)
    if serialization.get_registered_object(name) is function:
        return name
    raise ValueError(
        f"{where}: function {function!r} cannot be saved. graphkeras never writes code into "
        "a config; register it with @graphkeras.saving.register_keras_serializable() and it "
        "is saved by name."
    )
