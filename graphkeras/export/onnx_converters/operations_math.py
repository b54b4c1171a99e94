"""Element-wise math ``gk.ops`` (``exp``, ``log1p``, the trigonometric family, ``arctan2``, ...).

The input is cast to the dtype graphkeras recorded for the result first
(integers become floats, as the ops make them). Where ONNX has no single
operator the functions are composed from exact pieces: ``expm1`` and
``log1p`` with Kahan's and Goldberg's corrections (accurate near 0, where
``exp(x) - 1`` and ``log(1 + x)`` lose every digit), ``arctan2`` from
``Atan`` moved to the right quadrant (signed zeros and infinities
included), ``log2``, ``logaddexp``, ``cbrt``, ``sinc`` and the others by
the formulas graphkeras computes them with. ``round`` with ``decimals``
other than 0 on floats is refused: NumPy scales, rounds and scales back in
a way ONNX cannot repeat bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall, is_float


def _unary(op_type: str) -> Callable:
    """``op_type`` on ``x`` cast to the result's dtype (integers become floats first)."""

    def write(op: OperationCall) -> str:
        op.refuse_boolean_result()
        return op.add(op_type, [op.operand(op["x"], op.output_dtype(), "x")])

    return write


def _scaled_log(base: float) -> Callable:
    """``log(x) / log(base)``, the formula graphkeras computes."""

    def write(op: OperationCall) -> str:
        dtype = op.output_dtype()
        logarithm = op.add("Log", [op.operand(op["x"], dtype, "x")])
        return op.add("Div", [logarithm, op.constant(math.log(base), dtype, "log_base")])

    return write


def _scaled(factor: float) -> Callable:
    def write(op: OperationCall) -> str:
        dtype = op.output_dtype()
        return op.add("Mul", [op.operand(op["x"], dtype, "x"), op.constant(factor, dtype, "scale")])

    return write


def _expm1(op: OperationCall) -> str:
    """Kahan: ``(u - 1) * x / log(u)`` with ``u = exp(x)``; ``x`` where ``u == 1``."""
    dtype = op.output_dtype()
    x = op.operand(op["x"], dtype, "x")
    one = op.constant(1.0, dtype, "one")
    exponential = op.add("Exp", [x])
    less_one = op.add("Sub", [exponential, one])
    corrected = op.add("Div", [op.add("Mul", [less_one, x]), op.add("Log", [exponential])])
    # Where exp(x) is 0 or inf the plain difference is exact (-1 or inf).
    extreme = op.add(
        "Or",
        [
            op.add("IsInf", [exponential]),
            op.add("Equal", [less_one, op.constant(-1.0, dtype, "minus_one")]),
        ],
    )
    value = op.add("Where", [extreme, less_one, corrected])
    return op.add("Where", [op.add("Equal", [exponential, one]), x, value])


def _log1p(op: OperationCall) -> str:
    """Goldberg: ``log(u) * x / (u - 1)`` with ``u = 1 + x``; ``x`` where ``u == 1``."""
    dtype = op.output_dtype()
    x = op.operand(op["x"], dtype, "x")
    one = op.constant(1.0, dtype, "one")
    shifted = op.add("Add", [x, one])
    logarithm = op.add("Log", [shifted])
    corrected = op.add("Mul", [logarithm, op.add("Div", [x, op.add("Sub", [shifted, one])])])
    value = op.add("Where", [op.add("IsInf", [shifted]), logarithm, corrected])
    return op.add("Where", [op.add("Equal", [shifted, one]), x, value])


def _square(op: OperationCall) -> str:
    op.refuse_boolean_result()
    x = op.operand(op["x"], op.output_dtype(), "x")
    return op.add("Mul", [x, x])


def _rsqrt(op: OperationCall) -> str:
    dtype = op.output_dtype()
    root = op.add("Sqrt", [op.operand(op["x"], dtype, "x")])
    return op.add("Div", [op.constant(1.0, dtype, "one"), root])


def _trunc(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x = op.operand(op["x"], dtype, "x")
    if not is_float(dtype):
        return op.add("Identity", [x])
    negative = op.add("Less", [x, op.constant(0.0, dtype, "zero")])
    return op.add("Where", [negative, op.add("Ceil", [x]), op.add("Floor", [x])])


def _round(op: OperationCall) -> str:
    dtype = op.output_dtype()
    decimals = op.integer("decimals")
    x = op.operand(op["x"], dtype, "x")
    if not is_float(dtype):
        if decimals < 0:
            op.refuse("decimals", "is negative on integers, which NumPy rounds to tens")
        return op.add("Identity", [x])
    if decimals != 0:
        op.refuse("decimals", "is not 0; only whole-number rounding (ONNX Round) is exact")
    return op.add("Round", [x])


def _float_class(op_type: str) -> Callable:
    """IsNaN / IsInf; integers are never either (cast to float32, which holds every int)."""

    def write(op: OperationCall) -> str:
        x = op.tensor("x")
        name = x.name if is_float(x.dtype) else op.cast(x.name, "float32")
        return op.add(op_type, [name])

    return write


def _isfinite(op: OperationCall) -> str:
    x = op.tensor("x")
    name = x.name if is_float(x.dtype) else op.cast(x.name, "float32")
    return op.add("Not", [op.add("Or", [op.add("IsNaN", [name]), op.add("IsInf", [name])])])


def _arctan2(op: OperationCall) -> str:
    """``atan(y / x)`` moved to ``x``'s half-plane, with IEEE's zeros and infinities."""
    dtype = op.output_dtype()
    y, x = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    zero = op.constant(0.0, dtype, "zero")
    pi = op.constant(math.pi, dtype, "pi")
    one = op.constant(1.0, dtype, "one")

    def signbit(value: str) -> str:
        # 1 / -0.0 is -inf: the sign of zero shows through the reciprocal.
        return op.add("Less", [op.add("Div", [one, value]), zero])

    def with_sign_of_y(value: str) -> str:
        return op.add("Where", [signbit(y), op.add("Neg", [value]), value])

    x_negative = signbit(x)
    base = op.add("Atan", [op.add("Div", [y, x])])
    turned = op.add("Add", [base, with_sign_of_y(pi)])
    angle = op.add("Where", [x_negative, turned, base])
    both_zero = op.add("And", [op.add("Equal", [y, zero]), op.add("Equal", [x, zero])])
    at_origin = with_sign_of_y(op.add("Where", [x_negative, pi, zero]))
    angle = op.add("Where", [both_zero, at_origin, angle])
    both_infinite = op.add("And", [op.add("IsInf", [y]), op.add("IsInf", [x])])
    quarter = op.constant(math.pi / 4, dtype, "quarter_pi")
    three_quarters = op.constant(3 * math.pi / 4, dtype, "three_quarter_pi")
    corner = with_sign_of_y(op.add("Where", [x_negative, three_quarters, quarter]))
    return op.add("Where", [both_infinite, corner, angle])


def _log_add_exp(op: OperationCall, x1: str, x2: str, dtype: str) -> str:
    """The larger plus softplus of the negative gap; equal infinities give themselves."""
    first_larger = op.add("GreaterOrEqual", [x1, x2])
    value = op.add(
        "Where",
        [
            first_larger,
            op.add("Add", [x1, op.add("Softplus", [op.add("Sub", [x2, x1])])]),
            op.add("Add", [x2, op.add("Softplus", [op.add("Sub", [x1, x2])])]),
        ],
    )
    same_infinity = op.add("And", [op.add("IsInf", [x1]), op.add("Equal", [x1, x2])])
    return op.add("Where", [same_infinity, x1, value])


def _logaddexp(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    return _log_add_exp(op, x1, x2, dtype)


def _logaddexp2(op: OperationCall) -> str:
    """``logaddexp(x1 ln 2, x2 ln 2) / ln 2``, graphkeras's formula."""
    dtype = op.output_dtype()
    log_2 = op.constant(math.log(2.0), dtype, "log_2")
    x1 = op.add("Mul", [op.operand(op["x1"], dtype, "x1"), log_2])
    x2 = op.add("Mul", [op.operand(op["x2"], dtype, "x2"), log_2])
    return op.add("Div", [_log_add_exp(op, x1, x2, dtype), log_2])


def _hypot(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    return op.add("Sqrt", [op.add("Add", [op.add("Mul", [x1, x1]), op.add("Mul", [x2, x2])])])


def _heaviside(op: OperationCall) -> str:
    """0 below zero, 1 above, ``x2`` at zero, NaN at NaN."""
    dtype = op.output_dtype()
    x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    zero, one = op.constant(0.0, dtype, "zero"), op.constant(1.0, dtype, "one")
    step = op.add("Where", [op.add("Greater", [x1, zero]), one, x2])
    step = op.add("Where", [op.add("Less", [x1, zero]), zero, step])
    return op.add("Where", [op.add("IsNaN", [x1]), x1, step])


def _nan_to_num(op: OperationCall) -> str:
    x = op.tensor("x")
    if not is_float(x.dtype):
        return op.add("Identity", [x.name])
    limits = np.finfo(x.dtype)
    replacements = {
        "nan": op["nan"],
        "posinf": limits.max if op["posinf"] is None else op["posinf"],
        "neginf": limits.min if op["neginf"] is None else op["neginf"],
    }
    for name, value in replacements.items():
        if isinstance(value, OnnxTensor):
            op.refuse(name, "is a tensor; only a constant replacement is exported")
    value = op.add(
        "Where",
        [op.add("IsNaN", [x.name]), op.constant(replacements["nan"], x.dtype, "nan"), x.name],
    )
    value = op.add(
        "Where",
        [
            op.add("IsInf", [value], detect_negative=0),
            op.constant(replacements["posinf"], x.dtype, "posinf"),
            value,
        ],
    )
    return op.add(
        "Where",
        [
            op.add("IsInf", [value], detect_positive=0),
            op.constant(replacements["neginf"], x.dtype, "neginf"),
            value,
        ],
    )


def _as_float(op: OperationCall) -> str:
    """``x`` as floats (an integer or boolean is never infinite, NaN or -0.0 as a float32)."""
    x = op.tensor("x")
    return x.name if is_float(x.dtype) else op.cast(x.name, "float32")


def _infinity(detect_positive: int) -> Callable:
    def write(op: OperationCall) -> str:
        return op.add(
            "IsInf",
            [_as_float(op)],
            detect_positive=detect_positive,
            detect_negative=1 - detect_positive,
        )

    return write


def _signbit(op: OperationCall) -> str:
    """Negative, or a zero whose reciprocal is -inf (-0.0)."""
    x = _as_float(op)
    dtype = op["x"].dtype if is_float(op["x"].dtype) else "float32"
    zero, one = op.constant(0.0, dtype, "zero"), op.constant(1.0, dtype, "one")
    negative = op.add("Less", [x, zero])
    reciprocal_negative = op.add("Less", [op.add("Div", [one, x]), zero])
    negative_zero = op.add("And", [op.add("Equal", [x, zero]), reciprocal_negative])
    return op.add("Or", [negative, negative_zero])


def _cbrt(op: OperationCall) -> str:
    """``|x| ** (1/3)`` given the sign of ``x``, graphkeras's odd extension."""
    dtype = op.output_dtype()
    x = op.operand(op["x"], dtype, "x")
    non_negative = op.add("GreaterOrEqual", [x, op.constant(0.0, dtype, "zero")])
    magnitude = op.add("Where", [non_negative, x, op.add("Neg", [x])])
    root = op.add("Pow", [magnitude, op.constant(1.0 / 3.0, dtype, "third")])
    return op.add("Where", [non_negative, root, op.add("Neg", [root])])


def _sinc(op: OperationCall) -> str:
    """``sin(pi x) / (pi x)``, 1 at 0."""
    dtype = op.output_dtype()
    x = op.operand(op["x"], dtype, "x")
    one = op.constant(1.0, dtype, "one")
    is_zero = op.add("Equal", [x, op.constant(0.0, dtype, "zero")])
    scaled = op.add("Mul", [op.add("Where", [is_zero, one, x]), op.constant(math.pi, dtype, "pi")])
    return op.add("Where", [is_zero, one, op.add("Div", [op.add("Sin", [scaled]), scaled])])


WRITERS: dict[str, Callable] = {
    "abs": _unary("Abs"),
    "absolute": _unary("Abs"),
    "fabs": _unary("Abs"),
    "negative": _unary("Neg"),
    "sign": _unary("Sign"),
    "exp": _unary("Exp"),
    "expm1": _expm1,
    "exp2": lambda op: op.add("Exp", [_scaled(math.log(2.0))(op)]),
    "log": _unary("Log"),
    "log1p": _log1p,
    "log2": _scaled_log(2.0),
    "log10": _scaled_log(10.0),
    "sqrt": _unary("Sqrt"),
    "rsqrt": _rsqrt,
    "square": _square,
    "reciprocal": _unary("Reciprocal"),
    "sin": _unary("Sin"),
    "cos": _unary("Cos"),
    "tan": _unary("Tan"),
    "arcsin": _unary("Asin"),
    "arccos": _unary("Acos"),
    "arctan": _unary("Atan"),
    "sinh": _unary("Sinh"),
    "cosh": _unary("Cosh"),
    "tanh": _unary("Tanh"),
    "arcsinh": _unary("Asinh"),
    "arccosh": _unary("Acosh"),
    "arctanh": _unary("Atanh"),
    "floor": _unary("Floor"),
    "ceil": _unary("Ceil"),
    "trunc": _trunc,
    "round": _round,
    "erf": _unary("Erf"),
    "deg2rad": _scaled(math.pi / 180.0),
    "rad2deg": _scaled(180.0 / math.pi),
    "isnan": _float_class("IsNaN"),
    "isinf": _float_class("IsInf"),
    "isfinite": _isfinite,
    "arctan2": _arctan2,
    "logaddexp": _logaddexp,
    "logaddexp2": _logaddexp2,
    "hypot": _hypot,
    "heaviside": _heaviside,
    "nan_to_num": _nan_to_num,
    "isposinf": _infinity(detect_positive=1),
    "isneginf": _infinity(detect_positive=0),
    "signbit": _signbit,
    "cbrt": _cbrt,
    "sinc": _sinc,
}
