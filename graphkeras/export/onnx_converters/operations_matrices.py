"""Matrix-shaped ``gk.ops`` (diagonals, ``kron``, ``cross``, ``vander``, powers, determinants).

Each is written with graphkeras's own steps: ``diagonal`` moves the two
axes last, merges them and gathers the flat positions of the diagonal
(``trace`` sums them); ``diag`` and ``diagflat`` lay a vector on a
diagonal with a constant mask; ``kron`` multiplies ``x1`` and ``x2`` spread
over interleaved unit axes and merges each pair of axes; ``cross`` takes
the component products graphkeras subtracts; ``vander`` raises the column
of ``x`` to the constant powers; ``matrix_power`` multiplies by squaring in
graphkeras's order (a negative power, which needs an inverse, is refused);
``corrcoef`` is the centered product over the spreads, clipped.

``det`` is ONNX ``Det``; ``logdet`` and ``slogdet`` are ``log |Det|`` and
``Sign(Det)``. These agree with NumPy's LU factorization to float32
rounding on well-conditioned matrices (the tests' random matrices), but,
unlike graphkeras's ``logdet``, they overflow once ``|det|`` leaves
float32's range (about 3e38).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras import backend as K
from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall, is_float


def _static(op: OperationCall, argument: str, sizes: tuple, what: str) -> tuple[int, ...]:
    """``sizes`` as ints, the call refused when one is unknown until run time."""
    if None in sizes:
        op.refuse(argument, f"has {what} unknown until run time (the batch axis?)")
    return tuple(int(size) for size in sizes)


def _diagonal_of(
    op: OperationCall, x: OnnxTensor, value: str, offset: int, axis1: int, axis2: int
) -> str:
    """The diagonal ``offset`` of ``value``'s matrices on ``axis1``, ``axis2``, as the last axis."""
    rest = [a for a in range(x.rank) if a not in (axis1, axis2)]
    moved = op.call.transpose(value, [*rest, axis1, axis2])
    rows, columns = _static(op, "x", (x.shape[axis1], x.shape[axis2]), "a matrix axis")
    start_row, start_column = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(rows - start_row, columns - start_column))
    flat = op.add("Reshape", [moved, op.int64s([0] * len(rest) + [rows * columns])])
    positions = [(start_row + i) * columns + start_column + i for i in range(length)]
    return op.add("Gather", [flat, op.int64s(positions, "positions")], axis=len(rest))


def _diagonal_arguments(op: OperationCall) -> tuple[OnnxTensor, int, int, int]:
    x = op.tensor("x")
    if x.rank < 2:
        op.refuse("x", "must have two axes or more")
    axis1, axis2 = op.axis("axis1", x.rank), op.axis("axis2", x.rank)
    if axis1 == axis2:
        op.refuse("axis2", "is axis1; the diagonal needs two axes")
    return x, op.integer("offset"), axis1, axis2


def _diagonal(op: OperationCall) -> str:
    x, offset, axis1, axis2 = _diagonal_arguments(op)
    return _diagonal_of(op, x, x.name, offset, axis1, axis2)


def _trace(op: OperationCall) -> str:
    """The diagonal's sum in the result's dtype (bools and small integers as int32)."""
    x, offset, axis1, axis2 = _diagonal_arguments(op)
    diagonal = _diagonal_of(op, x, x.name, offset, axis1, axis2)
    return op.reduce("ReduceSum", op.cast(diagonal, op.output_dtype()), [x.rank - 2], False)


def _on_diagonal(op: OperationCall, vector: str, length: int, k: int) -> str:
    """The ``(n + |k|)``-square matrix with ``vector`` (length ``n``) on diagonal ``k``."""
    size = length + abs(k)
    dtype = op.output_dtype()
    padded = op.add("Pad", [vector, op.int64s([0, abs(k)], "pads")], mode="constant")
    values = op.call.unsqueeze(padded, [1 if k >= 0 else 0])
    mask = np.tril(np.triu(np.ones((size, size)), k=k), k=k) == 1
    zero = op.constant(np.zeros((), dtype), dtype, "zero")
    return op.add("Where", [op.constant(mask, "bool", "on_diagonal"), values, zero])


def _diag(op: OperationCall) -> str:
    x = op.tensor("x")
    k = op.integer("k")
    if x.rank == 2:
        return _diagonal_of(op, x, x.name, k, 0, 1)
    if x.rank != 1:
        op.refuse("x", "must be 1-D or 2-D")
    (length,) = _static(op, "x", x.shape, "a length")
    return _on_diagonal(op, x.name, length, k)


def _diagflat(op: OperationCall) -> str:
    x = op.tensor("x")
    sizes = _static(op, "x", x.shape, "a size")
    flat = op.add("Reshape", [x.name, op.int64s([-1])])
    return _on_diagonal(op, flat, int(np.prod(sizes)), op.integer("k"))


def _promoted(op: OperationCall) -> tuple[OnnxTensor | None, str, OnnxTensor | None, str]:
    dtype = op.output_dtype()
    if dtype == "bool":
        op.refuse("x1", "is boolean; ONNX multiplies numbers")
    first, second = op["x1"], op["x2"]
    return first, op.operand(first, dtype, "x1"), second, op.operand(second, dtype, "x2")


def _rank_of(value) -> int:
    return value.rank if isinstance(value, OnnxTensor) else np.ndim(value)


def _kron(op: OperationCall) -> str:
    first, x1, second, x2 = _promoted(op)
    rank1, rank2 = _rank_of(first), _rank_of(second)
    rank = max(rank1, rank2)
    if rank == 0:
        return op.add("Mul", [x1, x2])
    if rank1 < rank:
        x1 = op.call.unsqueeze(x1, list(range(rank - rank1)))
    if rank2 < rank:
        x2 = op.call.unsqueeze(x2, list(range(rank - rank2)))
    spread1 = op.call.unsqueeze(x1, [2 * i + 1 for i in range(rank)])
    spread2 = op.call.unsqueeze(x2, [2 * i for i in range(rank)])
    product = op.add("Mul", [spread1, spread2])
    shape = op.add("Mul", [op.add("Shape", [x1]), op.add("Shape", [x2])])
    return op.add("Reshape", [product, shape])


def _cross(op: OperationCall) -> str:
    first, x1, second, x2 = _promoted(op)
    if op["axis"] is not None:
        axisa = axisb = axisc = op["axis"]
        names = ("axis", "axis", "axis")
    else:
        axisa, axisb, axisc = op["axisa"], op["axisb"], op["axisc"]
        names = ("axisa", "axisb", "axisc")
    dtype = op.output_dtype()
    zero = op.constant(np.zeros((), dtype), dtype, "zero")
    components, sizes = [], []
    for value, given, axis, name in ((x1, first, axisa, names[0]), (x2, second, axisb, names[1])):
        shape = given.shape if isinstance(given, OnnxTensor) else np.shape(given)
        axis = op.axis(name, len(shape), axis)
        size = _static(op, name, (shape[axis],), "a vector length")[0]
        if size not in (2, 3):
            op.refuse(name, "must select vectors of 2 or 3 components")
        sizes.append(size)
        picked = [
            op.add("Gather", [value, op.scalar_int64(index)], axis=axis) for index in range(size)
        ]
        components.append(picked + ([zero] if size == 2 else []))
    a, b = components

    def minor(i: int, j: int) -> str:
        return op.add("Sub", [op.add("Mul", [a[i], b[j]]), op.add("Mul", [a[j], b[i]])])

    if sizes == [2, 2]:
        return minor(0, 1)
    parts = [op.call.unsqueeze(minor(i, j), [-1]) for i, j in ((1, 2), (2, 0), (0, 1))]
    stacked = op.add("Concat", parts, axis=-1)
    rank = len(op.output_shape())
    order = list(range(rank - 1))
    order.insert(op.axis(names[2], rank, axisc), rank - 1)
    return op.call.transpose(stacked, order)


def _vander(op: OperationCall) -> str:
    x = op.tensor("x")
    if x.rank != 1:
        op.refuse("x", "must be 1-D")
    columns = op["N"]
    columns = _static(op, "x", x.shape, "a length")[0] if columns is None else op.integer("N")
    increasing = op["increasing"]
    if not isinstance(increasing, bool):
        op.refuse("increasing", "must be True or False")
    powers = list(range(columns)) if increasing else list(range(columns - 1, -1, -1))
    compute_dtype = str(K.result_type(x.dtype, K.floatx()))
    bases = op.call.unsqueeze(op.operand(x, compute_dtype, "x"), [1])
    result = op.add("Pow", [bases, op.constant(powers, compute_dtype, "powers")])
    if is_float(x.dtype):
        return result
    return op.cast(op.add("Round", [result]), op.output_dtype())


def _square(op: OperationCall) -> tuple[OnnxTensor, str]:
    x = op.tensor("x")
    if x.rank < 2 or x.shape[-1] != x.shape[-2] or x.shape[-1] is None:
        op.refuse("x", "must be square matrices (..., n, n) of a known size")
    dtype = op.output_dtype(0)
    if not is_float(dtype):
        op.refuse("x", "gives a non-float result; only float matrices are exported")
    return x, op.operand(x, dtype, "x")


def _matrix_power(op: OperationCall) -> str:
    """Multiplication by squaring, in graphkeras's order; ``n = 0`` is the identity."""
    x, value = _square(op)
    n = op.integer("n")
    if n < 0:
        op.refuse("n", "is negative; the inverse it needs has no exact ONNX form")
    result, power = None, value
    while n:
        if n & 1:
            result = power if result is None else op.add("MatMul", [result, power])
        n >>= 1
        if n:
            power = op.add("MatMul", [power, power])
    if result is not None:
        return op.add("Identity", [result]) if result == value else result
    identity = op.constant(np.eye(x.shape[-1]), op.output_dtype(), "identity")
    return op.add("Expand", [identity, op.add("Shape", [value])])


def _det(op: OperationCall) -> str:
    return op.add("Det", [_square(op)[1]])


def _log_magnitude(op: OperationCall, determinant: str) -> str:
    return op.add("Log", [op.add("Abs", [determinant])])


def _logdet(op: OperationCall) -> str:
    return _log_magnitude(op, _det(op))


def _slogdet(op: OperationCall) -> list[str]:
    determinant = _det(op)
    return [op.add("Sign", [determinant]), _log_magnitude(op, determinant)]


def _corrcoef(op: OperationCall) -> str:
    """Rows are variables: ``centered @ centeredᵀ`` over the spreads' outer product, clipped."""
    x = op.tensor("x")
    if x.rank not in (1, 2):
        op.refuse("x", "must be 1-D or 2-D")
    dtype = op.output_dtype()
    value = op.operand(x, dtype, "x")
    rows = op.add("Reshape", [value, op.int64s([1, -1])]) if x.rank == 1 else value
    centered = op.add("Sub", [rows, op.reduce("ReduceMean", rows, [1], True)])
    covariance = op.add("MatMul", [centered, op.call.transpose(centered, [1, 0])])
    squares = op.add("Mul", [centered, centered])
    spreads = op.add("Sqrt", [op.reduce("ReduceSum", squares, [1], False)])
    scale = op.add("Mul", [op.call.unsqueeze(spreads, [1]), op.call.unsqueeze(spreads, [0])])
    correlation = op.add(
        "Clip",
        [
            op.add("Div", [covariance, scale]),
            op.constant(-1.0, dtype, "low"),
            op.constant(1.0, dtype, "high"),
        ],
    )
    if x.rank == 1:
        return op.add("Reshape", [correlation, op.int64s([], "scalar")])
    return correlation


WRITERS: dict[str, Callable] = {
    "diagonal": _diagonal,
    "trace": _trace,
    "diag": _diag,
    "diagflat": _diagflat,
    "kron": _kron,
    "cross": _cross,
    "vander": _vander,
    "matrix_power": _matrix_power,
    "det": _det,
    "logdet": _logdet,
    "slogdet": _slogdet,
    "corrcoef": _corrcoef,
}
