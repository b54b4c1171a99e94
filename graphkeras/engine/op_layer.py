"""OperatorLayer: what ``x + y``, ``-x``, ``x @ w`` and ``x[:, 1:]`` become in a graph.

A Python operator applied to KerasTensors records a node of an
OperatorLayer, so ``Model(inputs, a + b)`` works like ``layers.add([a, b])``:
the op appears in ``model.layers``, runs through the backend and survives
``get_config``. Operands that are not KerasTensors (numbers, arrays) are kept
on the layer as constants; the slicing key of ``x[...]`` is kept as ``key``.
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.engine import keras_tensor
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.engine.node import is_keras_tensor
from graphkeras.utils.naming import unique_name

# operator name -> (backend function name, number of operands)
OPERATORS: dict[str, tuple[str, int]] = {
    "add": ("add", 2),
    "subtract": ("subtract", 2),
    "multiply": ("multiply", 2),
    "divide": ("divide", 2),
    "power": ("power", 2),
    "matmul": ("matmul", 2),
    "negative": ("negative", 1),
    "abs": ("abs", 1),
    "getitem": ("getitem", 1),
    "floor_divide": ("floor_divide", 2),
    "mod": ("mod", 2),
    "less": ("less", 2),
    "less_equal": ("less_equal", 2),
    "greater": ("greater", 2),
    "greater_equal": ("greater_equal", 2),
    "logical_and": ("logical_and", 2),
    "logical_or": ("logical_or", 2),
    "logical_xor": ("logical_xor", 2),
    "logical_not": ("logical_not", 1),
    # Not recorded by Python's == and != (KerasTensors compare by identity);
    # there for graphs read from Keras files, such as an Embedding's mask.
    "equal": ("equal", 2),
    "not_equal": ("not_equal", 2),
}

# Operators whose result is boolean whatever their operands.
BOOLEAN_OPERATORS = frozenset(
    ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")
    + ("logical_and", "logical_or", "logical_xor", "logical_not")
)


@register_layer
class OperatorLayer(Layer):
    """One Python operator on KerasTensors, as a layer.

    ``operator`` is a key of ``OPERATORS``. ``constants`` lists the operands
    that are not tensors as ``{"position": i, "value": v}``; the layer's
    inputs fill the other positions in order. ``key`` is the index of a
    ``getitem`` (ints, slices, ``Ellipsis``, ``None``, or a tuple of those).
    """

    def __init__(self, operator: str, constants: list | None = None, key=None, **kwargs) -> None:
        if operator not in OPERATORS:
            raise ValueError(
                f"OperatorLayer: unknown operator {operator!r}; "
                f"expected one of {sorted(OPERATORS)}."
            )
        kwargs.setdefault("name", unique_name(operator))
        super().__init__(**kwargs)
        self.operator = operator
        self.constants = [
            {"position": int(item["position"]), "value": _constant_from_config(item)}
            for item in (constants or [])
        ]
        self.key = _key_from_config(key)
        _check_key(self.key, self.name)
        self._function = getattr(K, OPERATORS[operator][0])
        self.built = True

    def _operands(self, inputs: list) -> list:
        operands: list[Any] = [None] * OPERATORS[self.operator][1]
        for constant in self.constants:
            operands[constant["position"]] = constant["value"]
        tensors = iter(inputs)
        for position, value in enumerate(operands):
            if value is None and not any(c["position"] == position for c in self.constants):
                operands[position] = next(tensors)
        return operands

    def call(self, inputs):
        operands = self._operands(inputs if isinstance(inputs, (list, tuple)) else [inputs])
        if self.operator == "getitem":
            return self._function(operands[0], self.key)
        return self._function(*operands)

    def compute_output_spec(self, inputs, *args, **kwargs):
        operands = self._operands(inputs if isinstance(inputs, (list, tuple)) else [inputs])
        shapes = [_operand_shape(operand) for operand in operands]
        dtypes = [_operand_dtype(operand) for operand in operands]
        if self.operator == "getitem":
            return KerasTensor(_getitem_shape(shapes[0], self.key, self.name), dtype=dtypes[0])
        if self.operator in ("negative", "abs"):
            return KerasTensor(shapes[0], dtype=dtypes[0])
        if self.operator == "logical_not":
            return KerasTensor(shapes[0], dtype="bool")
        if self.operator == "matmul":
            shape = _matmul_shape(shapes[0], shapes[1], self.name)
        else:
            shape = broadcast_shapes(shapes[0], shapes[1], self.name)
        if self.operator in BOOLEAN_OPERATORS:
            return KerasTensor(shape, dtype="bool")
        dtype = K.result_type(*dtypes)
        if self.operator == "divide" and not K.is_float_dtype(dtype):
            dtype = K.floatx()
        return KerasTensor(shape, dtype=dtype)

    def compute_output_shape(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        specs = [KerasTensor(shape, dtype=self.dtype) for shape in shapes]
        return self.compute_output_spec(specs).shape

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype,
            "operator": self.operator,
            "constants": [
                {"position": c["position"], **_constant_to_config(c["value"])}
                for c in self.constants
            ],
            "key": _key_to_config(self.key),
        }


def apply_operator(operator: str, operands: tuple) -> KerasTensor:
    """Record ``operator`` on ``operands`` (at least one a KerasTensor) and return the result."""
    tensors = [operand for operand in operands if is_keras_tensor(operand)]
    if operator == "getitem":
        tensors = tensors[:1]
        layer = OperatorLayer("getitem", key=operands[1])
    else:
        constants = [
            {"position": position, "value": operand}
            for position, operand in enumerate(operands)
            if not is_keras_tensor(operand)
        ]
        layer = OperatorLayer(operator, constants=constants)
    return layer(tensors)


keras_tensor.set_operator_handler(apply_operator)


# ------------------------------------------------------------------ shapes


def broadcast_shapes(first: tuple, second: tuple, layer_name: str) -> tuple:
    """Numpy broadcasting of two shapes in which ``None`` is an unknown dim."""
    rank = max(len(first), len(second))
    first = (1,) * (rank - len(first)) + tuple(first)
    second = (1,) * (rank - len(second)) + tuple(second)
    result = []
    for a, b in zip(first, second, strict=True):
        if a == 1:
            result.append(b)
        elif b == 1:
            result.append(a)
        elif a is None:
            result.append(b)
        elif b is None or a == b:
            result.append(a)
        else:
            raise ValueError(
                f"Layer '{layer_name}': shapes {first} and {second} cannot be broadcast together."
            )
    return tuple(result)


def _matmul_shape(first: tuple, second: tuple, layer_name: str) -> tuple:
    if not first or not second:
        raise ValueError(f"Layer '{layer_name}': matmul needs operands of rank >= 1.")
    a = (1, *first) if len(first) == 1 else tuple(first)
    b = (*second, 1) if len(second) == 1 else tuple(second)
    if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
        raise ValueError(
            f"Layer '{layer_name}': matmul of shapes {first} and {second}: the inner dims "
            f"{a[-1]} and {b[-2]} differ."
        )
    batch = broadcast_shapes(a[:-2], b[:-2], layer_name)
    shape = (*batch, a[-2], b[-1])
    if len(first) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(second) == 1:
        shape = shape[:-1]
    return shape


def _getitem_shape(shape: tuple, key, layer_name: str) -> tuple:
    keys = key if isinstance(key, tuple) else (key,)
    consumed = sum(1 for item in keys if item is not None and item is not Ellipsis)
    if consumed > len(shape):
        raise ValueError(
            f"Layer '{layer_name}': index {key!r} has {consumed} entries for a tensor of "
            f"shape {shape}."
        )
    if Ellipsis in keys:
        at = keys.index(Ellipsis)
        keys = keys[:at] + (slice(None),) * (len(shape) - consumed) + keys[at + 1 :]
    else:
        keys = keys + (slice(None),) * (len(shape) - consumed)
    result = []
    axis = 0
    for item in keys:
        if item is None:
            result.append(1)
            continue
        dim = shape[axis]
        axis += 1
        if isinstance(item, int):
            if dim is not None and not -dim <= item < dim:
                raise ValueError(
                    f"Layer '{layer_name}': index {item} is out of range for axis {axis - 1} "
                    f"of size {dim}."
                )
            continue
        if dim is None:
            result.append(None)
        else:
            result.append(len(range(*item.indices(dim))))
    return tuple(result)


def _check_key(key, layer_name: str) -> None:
    for item in key if isinstance(key, tuple) else (key,):
        if not (item is None or item is Ellipsis or isinstance(item, (int, slice))):
            raise TypeError(
                f"Layer '{layer_name}': a KerasTensor can be indexed with ints, slices, "
                f"Ellipsis and None; received {item!r} ({type(item).__name__})."
            )


def _operand_shape(operand) -> tuple:
    if is_keras_tensor(operand):
        return operand.shape
    return tuple(K.int_shape(K.convert_to_tensor(operand)))


def _operand_dtype(operand):
    if is_keras_tensor(operand):
        return operand.dtype
    if isinstance(operand, (bool, int, float)):
        return type(operand)
    return K.dtype(K.convert_to_tensor(operand))


# ------------------------------------------------------------ config forms


def _constant_to_config(value) -> dict:
    if isinstance(value, (bool, int, float)):
        return {"value": value, "dtype": None}
    array = K.convert_to_numpy(value)
    return {"value": array.tolist(), "dtype": array.dtype.name}


def _constant_from_config(item: dict):
    value = item["value"]
    dtype = item.get("dtype")
    if dtype is None:
        return value
    return K.convert_to_tensor(value, dtype=dtype)


def _key_to_config(key):
    if key is None or isinstance(key, int):
        return key
    if key is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(key, slice):
        return {
            "class_name": "__slice__",
            "config": {"start": key.start, "stop": key.stop, "step": key.step},
        }
    return {"class_name": "__tuple__", "config": {"value": [_key_to_config(k) for k in key]}}


def _key_from_config(config):
    if not isinstance(config, dict):
        return config
    kind = config.get("class_name")
    inner = config.get("config", {})
    if kind == "__ellipsis__":
        return Ellipsis
    if kind == "__slice__":
        return slice(inner.get("start"), inner.get("stop"), inner.get("step"))
    if kind == "__tuple__":
        return tuple(_key_from_config(k) for k in inner.get("value", []))
    raise ValueError(f"OperatorLayer: unreadable index key in config: {config!r}.")
