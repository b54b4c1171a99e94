"""Keras 3 operation nodes as graphkeras OperatorLayers, and back.

A Keras 3 functional config can hold operations applied to KerasTensors,
not only layers: ``x + y`` or ``x[:, 1:]`` written by the user, and the
``NotEqual`` an ``Embedding(mask_zero=True)`` adds to compute the mask that
feeds the next layer. Each is an entry with ``module`` ``keras.src.ops.*``
and one call node whose positional arguments mix tensors and constants.
The common ones map onto graphkeras's :class:`OperatorLayer` (the class
Python operators on KerasTensors record); any other is refused by name.
The module path is compared as text, never imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphkeras.engine.op_layer import OPERATORS
from graphkeras.saving.errors import ModelFileError

# Keras operation class -> OperatorLayer operator.
OPERATORS_OF_KERAS_OPS: dict[str, str] = {
    "Add": "add",
    "Subtract": "subtract",
    "Multiply": "multiply",
    "Divide": "divide",
    "TrueDivide": "divide",
    "Power": "power",
    "Matmul": "matmul",
    "Negative": "negative",
    "Absolute": "abs",
    "Equal": "equal",
    "NotEqual": "not_equal",
    "GetItem": "getitem",
    "FloorDivide": "floor_divide",
    "Mod": "mod",
    "Less": "less",
    "LessEqual": "less_equal",
    "Greater": "greater",
    "GreaterEqual": "greater_equal",
    "LogicalAnd": "logical_and",
    "LogicalOr": "logical_or",
    "LogicalXor": "logical_xor",
    "LogicalNot": "logical_not",
}
KERAS_OPS_OF_OPERATORS: dict[str, str] = {
    operator: op for op, operator in OPERATORS_OF_KERAS_OPS.items() if op != "TrueDivide"
}
KERAS_OPS_MODULE = "keras.src.ops.numpy"
TENSOR_MARK = "__keras_tensor__"


def is_keras_operation(entry: Mapping) -> bool:
    """Whether a Keras 3 config entry is an operation rather than a layer."""
    module = entry.get("module")
    return isinstance(module, str) and module.startswith("keras.src.ops")


def is_operator(entry: Mapping) -> bool:
    """Whether an operation entry is one of the Python operators (an OperatorLayer)."""
    return entry.get("class_name") in OPERATORS_OF_KERAS_OPS


def operation_from_keras(entry: Mapping, where: str) -> tuple[dict, list]:
    """``(layer entry without nodes, [the call's arguments])`` for an operation entry.

    The caller turns the tensors among the arguments into inbound references.
    """
    class_name = entry.get("class_name")
    name = entry.get("name")
    operator = OPERATORS_OF_KERAS_OPS.get(class_name)
    if operator is None:
        raise ModelFileError(
            f"{where}: layer {name!r} is the Keras operation {class_name!r} (from "
            f"{entry.get('module')!r}); graphkeras maps only {sorted(OPERATORS_OF_KERAS_OPS)}."
        )
    nodes = entry.get("inbound_nodes")
    if not isinstance(nodes, list) or len(nodes) != 1 or not isinstance(nodes[0], Mapping):
        raise ModelFileError(f"{where}: operation {name!r} must have exactly one call node.")
    args = nodes[0].get("args")
    kwargs = nodes[0].get("kwargs") or {}
    if not isinstance(args, list) or not args or kwargs:
        raise ModelFileError(
            f"{where}: operation {name!r} has a call graphkeras cannot map "
            f"(positional arguments only): {nodes[0]!r:.120}."
        )
    config: dict[str, Any] = {"name": name, "operator": operator, "constants": [], "key": None}
    if operator == "getitem":
        if len(args) != 2:
            raise ModelFileError(f"{where}: operation {name!r} should index one tensor.")
        config["key"] = _key_from_keras(args[1])
        tensor_args = [args[0]]
    else:
        tensor_args = []
        for position, value in enumerate(args):
            if _is_tensor(value):
                tensor_args.append(value)
            else:
                config["constants"].append({"position": position, **_constant(value, where)})
    if not tensor_args or not all(_is_tensor(value) for value in tensor_args):
        raise ModelFileError(f"{where}: operation {name!r} is not applied to a tensor.")
    return {"name": name, "class_name": "OperatorLayer", "config": config}, tensor_args


def operation_to_keras(layer) -> tuple[dict, list]:
    """``(Keras entry without nodes, positional arguments with tensors as None)`` for a layer."""
    op = KERAS_OPS_OF_OPERATORS[layer.operator]
    entry = {
        "module": KERAS_OPS_MODULE,
        "class_name": op,
        "config": {"name": layer.name},
        "registered_name": op,
    }
    if layer.operator == "getitem":
        return entry, [None, _key_to_keras(layer.key)]

    arguments: list = [None] * OPERATORS[layer.operator][1]
    for constant in layer.constants:
        value = constant["value"]
        arguments[constant["position"]] = value.tolist() if hasattr(value, "tolist") else value
    return entry, arguments


def _is_tensor(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get("class_name") == TENSOR_MARK


def _constant(value: Any, where: str) -> dict:
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return {"value": value, "dtype": None}
    if isinstance(value, Mapping) and value.get("class_name") in ("__numpy__", "__tensor__"):
        inner = value.get("config") or {}
        dtype = inner.get("dtype")
        if not isinstance(dtype, str):
            raise ModelFileError(f"{where}: an array constant without a dtype: {value!r:.120}.")
        return {"value": inner.get("value"), "dtype": dtype}
    if isinstance(value, list):
        return {"value": value, "dtype": "float32"}
    raise ModelFileError(f"{where}: operation constant {value!r:.120} is not a number or array.")


def _key_from_keras(key: Any) -> Any:
    """Keras writes an index tuple as a list; graphkeras's key config wraps it as a tuple."""
    if isinstance(key, list):
        return {"class_name": "__tuple__", "config": {"value": [_key_from_keras(k) for k in key]}}
    return key


def _key_to_keras(key: Any) -> Any:
    if isinstance(key, tuple):
        return [_key_to_keras(k) for k in key]
    if key is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(key, slice):
        return {
            "class_name": "__slice__",
            "config": {"start": key.start, "stop": key.stop, "step": key.step},
        }
    return key
