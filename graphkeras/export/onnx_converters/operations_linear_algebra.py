"""Products of ``gk.ops`` (``matmul``, ``einsum``, ``tensordot``, ``dot``, ``inner``, ``outer``).

``matmul`` is ONNX ``MatMul`` (NumPy's broadcasting and 1-D rules are
ONNX's too). The others are contractions whose axes are known from the
inputs' static ranks, so each is written as one ``Einsum`` with an equation
spelled from those ranks: ``tensordot(a, b, axes)`` sums the named axes
pairwise, ``dot`` pairs ``a``'s last axis with ``b``'s second to last (its
only axis when 1-D), ``inner`` the last axes of both. Operands are cast to
the result's dtype first.
"""

from __future__ import annotations

import string
from collections.abc import Callable

from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall

LETTERS = string.ascii_lowercase


def _operands(op: OperationCall, names: tuple[str, ...]) -> list[str]:
    dtype = op.output_dtype()
    if dtype == "bool":
        op.refuse(names[0], "is boolean; ONNX products take numbers")
    return [op.operand(op[name], dtype, name) for name in names]


def _rank(op: OperationCall, argument: str) -> int:
    value = op[argument]
    if not isinstance(value, OnnxTensor):
        op.refuse(argument, "is a constant; only tensors of the graph are contracted here")
    return value.rank


def _contract(op: OperationCall, names: tuple[str, str], pairs: list[tuple[int, int]]) -> str:
    """Sum ``names[0]``'s axis ``i`` against ``names[1]``'s axis ``j`` for each ``(i, j)``."""
    first_rank, second_rank = _rank(op, names[0]), _rank(op, names[1])
    if first_rank + second_rank > len(LETTERS):
        op.refuse(names[0], "and its partner have more axes than an equation can letter")
    first = list(LETTERS[:first_rank])
    second = list(LETTERS[first_rank : first_rank + second_rank])
    for i, j in pairs:
        second[j] = first[i]
    summed = {first[i] for i, _ in pairs}
    kept = [letter for letter in first if letter not in summed]
    kept += [letter for letter in second if letter not in summed]
    equation = f"{''.join(first)},{''.join(second)}->{''.join(kept)}"
    return op.add("Einsum", _operands(op, names), equation=equation)


def _matmul(op: OperationCall) -> str:
    return op.add("MatMul", _operands(op, ("x1", "x2")))


def _einsum(op: OperationCall) -> str:
    subscripts = op["subscripts"]
    if not isinstance(subscripts, str):
        op.refuse("subscripts", "must be an equation string")
    dtype = op.output_dtype()
    if dtype == "bool":
        op.refuse("operands", "are boolean; ONNX Einsum takes numbers")
    operands = [op.operand(value, dtype, "operands") for value in op["operands"]]
    return op.add("Einsum", operands, equation=subscripts.replace(" ", ""))


def _tensordot(op: OperationCall) -> str:
    first_rank, second_rank = _rank(op, "x1"), _rank(op, "x2")
    axes = op["axes"]
    if isinstance(axes, (list, tuple)) and len(axes) == 2:
        firsts, seconds = axes
        firsts = list(firsts) if isinstance(firsts, (list, tuple)) else [firsts]
        seconds = list(seconds) if isinstance(seconds, (list, tuple)) else [seconds]
        if len(firsts) != len(seconds):
            op.refuse("axes", "pairs lists of different lengths")
        pairs = [
            (op.axis("axes", first_rank, i), op.axis("axes", second_rank, j))
            for i, j in zip(firsts, seconds, strict=True)
        ]
    else:
        count = op.integer("axes")
        if not 0 <= count <= min(first_rank, second_rank):
            op.refuse("axes", f"is outside [0, {min(first_rank, second_rank)}]")
        pairs = [(first_rank - count + k, k) for k in range(count)]
    return _contract(op, ("x1", "x2"), pairs)


def _dot(op: OperationCall) -> str:
    first_rank, second_rank = _rank(op, "x1"), _rank(op, "x2")
    if first_rank == 0 or second_rank == 0:
        return op.add("Mul", _operands(op, ("x1", "x2")))
    return _contract(op, ("x1", "x2"), [(first_rank - 1, max(second_rank - 2, 0))])


def _inner(op: OperationCall) -> str:
    first_rank, second_rank = _rank(op, "x1"), _rank(op, "x2")
    if first_rank == 0 or second_rank == 0:
        return op.add("Mul", _operands(op, ("x1", "x2")))
    return _contract(op, ("x1", "x2"), [(first_rank - 1, second_rank - 1)])


def _outer(op: OperationCall) -> str:
    first, second = _operands(op, ("x1", "x2"))
    column = op.add("Reshape", [first, op.int64s([-1, 1])])
    row = op.add("Reshape", [second, op.int64s([1, -1])])
    return op.add("Mul", [column, row])


def _cdist(op: OperationCall) -> str:
    """``sqrt(sum((x[..., :, None, :] - y[..., None, :, :]) ** 2, -1))``."""
    dtype = op.output_dtype()
    x, y = op.tensor("x"), op.tensor("y")
    rows = op.call.unsqueeze(op.operand(x, dtype, "x"), [x.rank - 1])
    columns = op.call.unsqueeze(op.operand(y, dtype, "y"), [y.rank - 2])
    differences = op.add("Sub", [rows, columns])
    squares = op.add("Mul", [differences, differences])
    rank = max(x.rank, y.rank) + 1
    return op.add("Sqrt", [op.reduce("ReduceSum", squares, [rank - 1], False)])


def _vdot(op: OperationCall) -> str:
    """The sum of the products of the flattened operands (real numbers: no conjugation)."""
    first, second = _operands(op, ("x1", "x2"))
    flat = op.int64s([-1])
    products = op.add("Mul", [op.add("Reshape", [first, flat]), op.add("Reshape", [second, flat])])
    return op.reduce("ReduceSum", products, [0], False)


WRITERS: dict[str, Callable] = {
    "matmul": _matmul,
    "einsum": _einsum,
    "tensordot": _tensordot,
    "dot": _dot,
    "inner": _inner,
    "outer": _outer,
    "cdist": _cdist,
    "vdot": _vdot,
}
