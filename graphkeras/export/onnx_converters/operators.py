"""Python operators on KerasTensors (``x + y``, ``-x``, ``x < 0``: OperatorLayer) as ONNX nodes.

Operands that are not tensors are written as constants in the operation's
dtype; tensor operands of another dtype are cast to it first (arithmetic
computes in the result's dtype, comparisons in the operands' common one).
``//`` and ``%`` follow NumPy for negatives (``floored_division.py``).
``x[key]`` is one ``Slice`` over every sliced axis (ints as one-entry
slices), a ``Squeeze`` of the int-indexed axes and an ``Unsqueeze`` for each
``None``; ``Ellipsis`` stands for the axes the key leaves out.
"""

from __future__ import annotations

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.op_layer import BOOLEAN_OPERATORS, OPERATORS, OperatorLayer
from graphkeras.export.onnx_converters.floored_division import write_floor_divide, write_mod
from graphkeras.export.onnx_converters.operation_call import FIRST, LAST
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_registry import register_onnx_converter

ONNX_OPERATORS = {
    "add": "Add",
    "subtract": "Sub",
    "multiply": "Mul",
    "divide": "Div",
    "power": "Pow",
    "matmul": "MatMul",
    "negative": "Neg",
    "abs": "Abs",
    "less": "Less",
    "less_equal": "LessOrEqual",
    "greater": "Greater",
    "greater_equal": "GreaterOrEqual",
    "equal": "Equal",
    "logical_and": "And",
    "logical_or": "Or",
    "logical_xor": "Xor",
    "logical_not": "Not",
}


FLOORED_OPERATORS = {"floor_divide": write_floor_divide, "mod": write_mod}


def operator(call):
    layer = call.layer
    if layer.operator == "getitem":
        return getitem(call)
    known = set(ONNX_OPERATORS) | set(FLOORED_OPERATORS) | {"not_equal"}
    if layer.operator not in known:
        raise OnnxExportError(
            f"OperatorLayer layer '{layer.name}': the operator {layer.operator!r} has no ONNX "
            "converter yet."
        )
    tensor_dtypes = iter(call.input_dtypes)
    tensor_names = iter(call.inputs)
    positions = {constant["position"]: constant["value"] for constant in layer.constants}
    if layer.operator in BOOLEAN_OPERATORS:
        # Constants count too: an int tensor compared with 2.5 is compared as floats.
        constant_dtypes = [_constant_dtype(value) for value in positions.values()]
        dtype = str(K.result_type(*call.input_dtypes, *constant_dtypes))
    else:
        dtype = str(call.node.output_tensors[0].dtype)
    operands = []
    for position in range(OPERATORS[layer.operator][1]):
        if position in positions:
            value = np.asarray(positions[position], dtype=dtype)
            operands.append(call.constant(value, dtype, role=f"operand{position}"))
            continue
        name = next(tensor_names)
        operands.append(name if next(tensor_dtypes) == dtype else call.cast(name, dtype))
    if layer.operator == "not_equal":
        return call.add("Not", [call.add("Equal", operands)])
    if layer.operator in FLOORED_OPERATORS:
        if dtype == "bool":
            raise OnnxExportError(
                f"OperatorLayer layer '{layer.name}': {layer.operator} of booleans has no "
                "ONNX form; cast the operands to a number dtype first."
            )
        return FLOORED_OPERATORS[layer.operator](call, *operands, dtype)
    return call.add(ONNX_OPERATORS[layer.operator], operands)


def _constant_dtype(value):
    """A constant operand's dtype as ``result_type`` weighs it (Python scalars weakly)."""
    if isinstance(value, (bool, int, float)):
        return type(value)
    return np.asarray(K.convert_to_numpy(value)).dtype.name


def _expanded_key(key, rank: int) -> list:
    """``key`` as a list with ``Ellipsis`` replaced by full slices (one entry per axis used)."""
    items = list(key) if isinstance(key, tuple) else [key]
    consumed = sum(1 for item in items if item is not None and item is not Ellipsis)
    if Ellipsis in items:
        at = items.index(Ellipsis)
        return items[:at] + [slice(None)] * (rank - consumed) + items[at + 1 :]
    return items + [slice(None)] * (rank - consumed)


def _slice_bounds(call, item: slice, size: int | None, axis: int) -> tuple[int, int, int]:
    """ONNX Slice's (start, end, step) reading what Python's ``item`` reads on this axis."""
    step = 1 if item.step is None else int(item.step)
    if size is not None:
        start, stop, step = item.indices(size)
        if step < 0 and stop < 0:
            stop = FIRST  # Python's -1 here means "before the first entry"
        return start, stop, step
    if step > 0:
        start = 0 if item.start is None else int(item.start)
        return start, LAST if item.stop is None else int(item.stop), step
    if item.start is not None or item.stop is not None:
        raise OnnxExportError(
            f"OperatorLayer layer '{call.layer.name}': the index {item!r} steps backwards "
            f"with bounds on axis {axis}, whose size is unknown until run time; ONNX Slice "
            "clamps such bounds differently from Python. Give the axis a static size."
        )
    return LAST, FIRST, step


def getitem(call) -> str:
    """``x[key]`` for ints, slices (any step), ``None`` and ``Ellipsis``."""
    shape = call.input_shapes[0]
    starts, ends, axes, steps = [], [], [], []
    squeezed, inserted = [], []
    axis = position = 0
    for item in _expanded_key(call.layer.key, len(shape)):
        if item is None:
            inserted.append(position)
            position += 1
            continue
        size = shape[axis]
        if isinstance(item, slice):
            bounds = _slice_bounds(call, item, size, axis)
            position += 1
        else:
            index = int(item) if size is None or item >= 0 else int(item) + size
            bounds = (index, LAST if index == -1 else index + 1, 1)
            squeezed.append(axis)
        if bounds != (0, LAST, 1) and not (size is not None and bounds == (0, size, 1)):
            for values, value in zip((starts, ends, steps), bounds, strict=True):
                values.append(value)
            axes.append(axis)
        axis += 1
    result = call.inputs[0]
    if axes:
        inputs = [result, call.int64s(starts, "starts"), call.int64s(ends, "ends")]
        inputs += [call.int64s(axes, "axes"), call.int64s(steps, "steps")]
        result = call.add("Slice", inputs)
    if squeezed:
        result = call.add("Squeeze", [result, call.int64s(squeezed, "axes")])
    if inserted:
        result = call.unsqueeze(result, inserted)
    if result == call.inputs[0]:
        result = call.add("Identity", [result])
    return result


register_onnx_converter(OperatorLayer, operator)
