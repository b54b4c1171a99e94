"""Python operators on KerasTensors (``x + y``, ``-x``, ``x < 0``: OperatorLayer) as ONNX nodes.

Operands that are not tensors are written as constants in the operation's
dtype; tensor operands of another dtype are cast to it first (arithmetic
computes in the result's dtype, comparisons in the operands' common one).
``getitem``, ``floor_divide`` and ``mod`` have no converter yet and are
refused by name.
"""

from __future__ import annotations

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.op_layer import BOOLEAN_OPERATORS, OPERATORS, OperatorLayer
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


def operator(call):
    layer = call.layer
    if layer.operator not in ONNX_OPERATORS and layer.operator != "not_equal":
        raise OnnxExportError(
            f"OperatorLayer layer '{layer.name}': the operator {layer.operator!r} has no ONNX "
            "converter yet."
        )
    tensor_dtypes = iter(call.input_dtypes)
    tensor_names = iter(call.inputs)
    positions = {constant["position"]: constant["value"] for constant in layer.constants}
    if layer.operator in BOOLEAN_OPERATORS:
        dtype = K.result_type(*call.input_dtypes)
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
    return call.add(ONNX_OPERATORS[layer.operator], operands)


register_onnx_converter(OperatorLayer, operator)
