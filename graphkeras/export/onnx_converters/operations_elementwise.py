"""Element-wise arithmetic, comparisons and logic of ``gk.ops``, with ``where``, ``clip``, ``cast``.

Each operand is cast to the dtype the op computes in before the ONNX node:
arithmetic computes in the dtype graphkeras recorded for the result (an
int32 tensor plus ``2.5`` is computed in float64, as graphkeras does),
comparisons in the operands' common dtype, logic on booleans. ``mod`` and
``floor_divide`` follow NumPy's signs (``floored_division.py``); ``fmod``,
``fmax``, ``fmin`` and ``divide_no_nan`` are composed as graphkeras
composes them.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras import backend as K
from graphkeras.export.onnx_converters.floored_division import write_floor_divide, write_mod
from graphkeras.export.onnx_converters.operation_call import OperationCall, is_float


def _binary(op_type: str, operands: tuple = ("x1", "x2")) -> Callable:
    """``op_type`` on both operands cast to the result's dtype."""

    def write(op: OperationCall) -> str:
        op.refuse_boolean_result()
        dtype = op.output_dtype()
        return op.add(op_type, [op.operand(op[name], dtype, name) for name in operands])

    return write


def _comparison(op_type: str, negate: bool = False) -> Callable:
    def write(op: OperationCall) -> str:
        dtype = op.common_dtype("x1", "x2")
        result = op.add(
            op_type, [op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")]
        )
        return op.add("Not", [result]) if negate else result

    return write


def _logical(op_type: str) -> Callable:
    def write(op: OperationCall) -> str:
        return op.add(
            op_type, [op.operand(op["x1"], "bool", "x1"), op.operand(op["x2"], "bool", "x2")]
        )

    return write


def _logical_not(op: OperationCall) -> str:
    return op.add("Not", [op.operand(op["x"], "bool", "x")])


def _floored(writer: Callable) -> Callable:
    def write(op: OperationCall) -> str:
        op.refuse_boolean_result()
        dtype = op.output_dtype()
        return writer(
            op.call, op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2"), dtype
        )

    return write


def _fmod(op: OperationCall) -> str:
    op.refuse_boolean_result()
    dtype = op.output_dtype()
    x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    if is_float(dtype):
        return op.add("Mod", [x1, x2], fmod=1)
    # C's remainder on integers: the dividend's sign (ONNX's fmod=1 is for floats only).
    remainder = write_mod(op.call, x1, x2, dtype)
    zero = op.constant(0, dtype, "zero")
    wrong = op.add(
        "And",
        [
            op.add("Not", [op.add("Equal", [remainder, zero])]),
            op.add("Xor", [op.add("Less", [remainder, zero]), op.add("Less", [x1, zero])]),
        ],
    )
    return op.add("Where", [wrong, op.add("Sub", [remainder, x2]), remainder])


def _divide_no_nan(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    zero, one = op.constant(0.0, dtype, "zero"), op.constant(1.0, dtype, "one")
    is_zero = op.add("Equal", [x2, zero])
    quotient = op.add("Div", [x1, op.add("Where", [is_zero, one, x2])])
    return op.add("Where", [is_zero, zero, quotient])


def _ignoring_nan(op_type: str) -> Callable:
    """fmax / fmin: the other operand where one is NaN."""

    def write(op: OperationCall) -> str:
        dtype = op.output_dtype()
        x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
        result = op.add(op_type, [x1, x2])
        if not is_float(dtype):
            return result
        result = op.add("Where", [op.add("IsNaN", [x2]), x1, result])
        return op.add("Where", [op.add("IsNaN", [x1]), x2, result])

    return write


def _isclose(op: OperationCall) -> str:
    """``|x1 - x2| <= atol + rtol |x2|``, or equal (infinities), or both NaN with equal_nan."""
    floats = []
    for name in ("x1", "x2"):
        dtype = op.common_dtype(name)
        floats.append(dtype if is_float(dtype) else "float32")
    dtype = str(K.result_type(*floats))
    for name in ("rtol", "atol"):
        if isinstance(op[name], bool) or not isinstance(op[name], (int, float)):
            op.refuse(name, "must be a static number for the ONNX export")
    x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    tolerance = op.add(
        "Add",
        [
            op.constant(op["atol"], dtype, "atol"),
            op.add("Mul", [op.constant(op["rtol"], dtype, "rtol"), op.add("Abs", [x2])]),
        ],
    )
    close = op.add("LessOrEqual", [op.add("Abs", [op.add("Sub", [x1, x2])]), tolerance])
    close = op.add("Or", [close, op.add("Equal", [x1, x2])])
    if op["equal_nan"]:
        both_nan = op.add("And", [op.add("IsNaN", [x1]), op.add("IsNaN", [x2])])
        close = op.add("Or", [close, both_nan])
    return close


def _where(op: OperationCall) -> str:
    if op["x1"] is None or op["x2"] is None:
        op.refuse("x1", "is None (the indices form of where has a data-dependent shape)")
    dtype = op.output_dtype()
    condition = op.operand(op["condition"], "bool", "condition")
    return op.add(
        "Where", [condition, op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")]
    )


def _clip(op: OperationCall) -> str:
    """``minimum(maximum(x, x_min), x_max)``, NumPy's order (so ``x_min > x_max`` gives x_max)."""
    op.refuse_boolean_result()
    dtype = op.output_dtype()
    x = op.operand(op["x"], dtype, "x")
    raised = op.add("Max", [x, op.operand(op["x_min"], dtype, "x_min")])
    return op.add("Min", [raised, op.operand(op["x_max"], dtype, "x_max")])


def _cast(op: OperationCall) -> str:
    return op.add("Identity", [op.operand(op["x"], op.output_dtype(), "x")])


def _select(op: OperationCall) -> str:
    """The choice of the first condition that holds, else ``default``: Where from the last."""
    conditions, choices = op["condlist"], op["choicelist"]
    if not isinstance(conditions, (list, tuple)) or len(conditions) != len(choices):
        op.refuse("condlist", "and choicelist must be lists of one length")
    dtype = op.output_dtype()
    result = op.operand(op["default"], dtype, "default")
    for condition, choice in reversed(list(zip(conditions, choices, strict=True))):
        result = op.add(
            "Where",
            [
                op.operand(condition, "bool", "condlist"),
                op.operand(choice, dtype, "choicelist"),
                result,
            ],
        )
    return result


def _isin(op: OperationCall) -> str:
    """Whether each entry equals one of ``x2``'s (flattened), as graphkeras compares them."""
    x1 = op.tensor("x1")
    dtype = op.common_dtype("x1", "x2")
    candidates = op.add("Reshape", [op.operand(op["x2"], dtype, "x2"), op.int64s([-1])])
    expanded = op.call.unsqueeze(op.operand(x1, dtype, "x1"), [x1.rank])
    hits = op.cast(op.add("Equal", [expanded, candidates]), "int32")
    found = op.cast(op.reduce("ReduceMax", hits, [x1.rank], False), "bool")
    return op.add("Not", [found]) if op["invert"] else found


def _ldexp(op: OperationCall) -> str:
    """``x1 * 2 ** x2`` with the integer exponents as floats."""
    dtype = op.output_dtype()
    two = op.constant(2.0, dtype, "two")
    scale = op.add("Pow", [two, op.operand(op["x2"], dtype, "x2")])
    return op.add("Mul", [op.operand(op["x1"], dtype, "x1"), scale])


WRITERS: dict[str, Callable] = {
    "logical_not": _logical_not,
    "add": _binary("Add"),
    "subtract": _binary("Sub"),
    "multiply": _binary("Mul"),
    "divide": _binary("Div"),
    "true_divide": _binary("Div"),
    "power": _binary("Pow"),
    "maximum": _binary("Max"),
    "minimum": _binary("Min"),
    "fmax": _ignoring_nan("Max"),
    "fmin": _ignoring_nan("Min"),
    "mod": _floored(write_mod),
    "floor_divide": _floored(write_floor_divide),
    "fmod": _fmod,
    "divide_no_nan": _divide_no_nan,
    "isclose": _isclose,
    "equal": _comparison("Equal"),
    "not_equal": _comparison("Equal", negate=True),
    "less": _comparison("Less"),
    "less_equal": _comparison("LessOrEqual"),
    "greater": _comparison("Greater"),
    "greater_equal": _comparison("GreaterOrEqual"),
    "logical_and": _logical("And"),
    "logical_or": _logical("Or"),
    "logical_xor": _logical("Xor"),
    "where": _where,
    "clip": _clip,
    "cast": _cast,
    "array": _cast,
    "select": _select,
    "isin": _isin,
    "ldexp": _ldexp,
}
