"""Value-level ``gk.ops`` with a direct ONNX form: ``saturate_cast``, ``angle``, ``allclose``.

``saturate_cast`` clips to the limits graphkeras computes (the range both
dtypes share, held in the input's dtype and nudged inside the target's
range where rounding pushed it out), then casts, as graphkeras does; a
float cast to an integer truncates toward zero in both (NaN, which no
integer holds, is left to the cast in both, as C leaves it). ``angle`` of real
numbers is ``arctan2(0, x)``: pi for negatives and -0.0, 0 for the others,
NaN for NaN. ``allclose`` is ``isclose`` (its writer) over every entry.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras.export.onnx_converters import operations_elementwise
from graphkeras.export.onnx_converters.operation_call import OperationCall
from graphkeras.ops.core import saturation_limits


def _saturate_cast(op: OperationCall) -> str:
    x = op.tensor("x")
    if x.dtype == "bool":
        op.refuse("x", "is boolean; ONNX Clip takes numbers")
    target = op.output_dtype()
    low, high = saturation_limits(x.dtype, target)
    clipped = op.add(
        "Clip", [x.name, op.constant(low, x.dtype, "low"), op.constant(high, x.dtype, "high")]
    )
    return op.cast(clipped, target)


def _angle(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x = op.operand(op.tensor("x"), dtype, "x")
    zero = op.constant(0.0, dtype, "zero")
    negative_zero = op.add(
        "And",
        [
            op.add("Equal", [x, zero]),
            op.add("Less", [op.add("Div", [op.constant(1.0, dtype, "one"), x]), zero]),
        ],
    )
    negative = op.add("Or", [op.add("Less", [x, zero]), negative_zero])
    pi = op.constant(np.arctan2(np.zeros((), dtype), -np.ones((), dtype)), dtype, "pi")
    angles = op.add("Where", [negative, pi, zero])
    return op.add("Where", [op.add("IsNaN", [x]), x, angles])


def _allclose(op: OperationCall) -> str:
    close = operations_elementwise.WRITERS["isclose"](op)
    flat = op.cast(op.add("Reshape", [close, op.int64s([-1])]), "int32")
    return op.cast(op.reduce("ReduceMin", flat, [0], False), "bool")


WRITERS: dict[str, Callable] = {
    "saturate_cast": _saturate_cast,
    "angle": _angle,
    "allclose": _allclose,
}
