"""Products and matrices of ``gk.ops.numpy``: matmul, dot, tensordot, kron, diagonals.

The contractions reshape and transpose their operands so that one backend
``matmul`` (or ``einsum``) does the arithmetic, which the tape
differentiates; the matrix builders (``diag``, ``tri`` masks) choose
entries with ``where``.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

from graphkeras import backend as K
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.numpy.reductions import sum
from graphkeras.ops.operation import operation


@operation
def matmul(x1, x2):
    """Matrix product with batching (``x1 @ x2``)."""
    return K.matmul(x1, x2)


@operation
def dot(x1, x2):
    """NumPy's dot: products of scalars, inner products of vectors, else contraction."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    if K.ndim(x1) == 0 or K.ndim(x2) == 0:
        return K.multiply(x1, x2)
    if K.ndim(x2) == 1:
        return K.sum(K.multiply(x1, x2), axis=-1)
    return K.dot(x1, x2)


@operation
def einsum(subscripts, *operands):
    """Einstein summation over any number of operands (NumPy's notation).

    The backend op contracts one or two operands; three or more are
    contracted left to right, two at a time, each intermediate keeping the
    letters a later operand or the output still needs.
    """
    if len(operands) <= 2:
        return K.einsum(subscripts, *operands)
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum expects its subscripts as a string, received {subscripts!r}.")
    steps = _pairwise_einsum_steps(subscripts, len(operands))
    result = operands[0]
    for step, operand in zip(steps, operands[1:], strict=True):
        result = K.einsum(step, result, operand)
    return result


def _pairwise_einsum_steps(subscripts: str, count: int) -> list[str]:
    """The two-operand subscripts that contract ``count`` operands left to right.

    >>> _pairwise_einsum_steps("bi,bi,bi->b", 3)
    ['bi,bi->bi', 'bi,bi->b']
    """
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    specs = inputs.split(",")
    if len(specs) != count:
        raise ValueError(
            f"einsum subscripts {subscripts!r} name {len(specs)} operands, but {count} were given."
        )
    ellipsis = "..."
    if not arrow:
        # NumPy's implicit output: the broadcast axes, then letters used once, sorted.
        letters = "".join(spec.replace(ellipsis, "") for spec in specs)
        once = sorted(letter for letter in set(letters) if letters.count(letter) == 1)
        has_ellipsis = any(ellipsis in spec for spec in specs)
        output = (ellipsis if has_ellipsis else "") + "".join(once)
    steps = []
    current = specs[0]
    for index, spec in enumerate(specs[1:], start=1):
        if index == count - 1:
            steps.append(f"{current},{spec}->{output}")
            break
        needed = set(output).union(*specs[index + 1 :])
        present = current.replace(ellipsis, "") + spec.replace(ellipsis, "")
        kept = "".join(letter for letter in dict.fromkeys(present) if letter in needed)
        prefix = ellipsis if ellipsis in current or ellipsis in spec else ""
        intermediate = prefix + kept
        steps.append(f"{current},{spec}->{intermediate}")
        current = intermediate
    return steps


@operation
def outer(x1, x2):
    """The outer product of the flattened ``x1`` and ``x2``."""
    a = K.reshape(as_tensor(x1), (-1, 1))
    b = K.reshape(as_tensor(x2), (1, -1))
    return K.multiply(a, b)


@operation
def tril(x, k=0):
    """``x`` with entries above diagonal ``k`` zeroed."""
    return K.tril(as_tensor(x), k=k)


@operation
def triu(x, k=0):
    """``x`` with entries below diagonal ``k`` zeroed."""
    return K.triu(as_tensor(x), k=k)


@operation
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal ``offset`` of the matrices on axes ``axis1``, ``axis2``, as the last axis."""
    x = as_tensor(x)
    rank = K.ndim(x)
    axis1, axis2 = axis1 % rank, axis2 % rank
    rest = [a for a in range(rank) if a not in (axis1, axis2)]
    x = K.transpose(x, (*rest, axis1, axis2))
    rows, columns = K.int_shape(x)[-2:]
    start_row, start_column = (0, offset) if offset >= 0 else (-offset, 0)
    length = builtins.max(0, builtins.min(rows - start_row, columns - start_column))
    flat = K.reshape(x, (*K.int_shape(x)[:-2], rows * columns))
    positions = [(start_row + i) * columns + start_column + i for i in range(length)]
    return K.take(flat, K.convert_to_tensor(positions, dtype="int32"), axis=-1)


@operation
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the diagonal ``offset`` (bools and small integers as int32)."""
    return sum(diagonal(x, offset, axis1, axis2), axis=-1)


@operation
def diag(x, k=0):
    """The matrix with 1-D ``x`` on diagonal ``k`` (zeros elsewhere), or a 2-D ``x``'s diagonal."""
    x = as_tensor(x)
    if K.ndim(x) == 2:
        return diagonal(x, offset=k)
    if K.ndim(x) != 1:
        raise ValueError(f"ops.diag: x must be 1-D or 2-D, received shape {K.int_shape(x)}.")
    size = K.int_shape(x)[0] + builtins.abs(k)
    # Row i holds x[i] on diagonal k >= 0; below the diagonal, column j holds x[j].
    padded = K.pad(x, [(0, builtins.abs(k))])
    values = K.expand_dims(padded, 1 if k >= 0 else 0)
    on_diagonal = K.equal(K.tril(K.triu(K.ones((size, size)), k=k), k=k), 1)
    return K.where(on_diagonal, values, K.zeros_like(values))


@operation
def diagflat(x, k=0):
    """The matrix with the flattened ``x`` on diagonal ``k``."""
    return diag(K.reshape(as_tensor(x), (-1,)), k)


def _promoted(x1: Any, x2: Any) -> tuple[Any, Any]:
    """``x1`` and ``x2`` as arrays of their common dtype."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    dtype = K.result_type(K.dtype(x1), K.dtype(x2))
    return K.cast(x1, dtype), K.cast(x2, dtype)


def _contract(x1: Any, x2: Any, axes1: list, axes2: list) -> Any:
    """Sum of products over ``axes1`` of ``x1`` paired with ``axes2`` of ``x2`` (one matmul).

    The result has ``x1``'s other axes, then ``x2``'s.
    """
    shape1, shape2 = K.int_shape(x1), K.int_shape(x2)
    free1 = [a for a in range(len(shape1)) if a not in axes1]
    free2 = [a for a in range(len(shape2)) if a not in axes2]
    summed = math.prod(shape1[a] for a in axes1)
    left = K.reshape(K.transpose(x1, (*free1, *axes1)), (-1, summed))
    right = K.reshape(K.transpose(x2, (*axes2, *free2)), (summed, -1))
    product = K.matmul(left, right)
    return K.reshape(product, tuple(shape1[a] for a in free1) + tuple(shape2[a] for a in free2))


def _tensordot_axes(axes: Any, rank1: int, rank2: int) -> tuple[list, list]:
    """The axes of ``x1`` and of ``x2`` that ``tensordot``'s ``axes`` pairs up."""
    if isinstance(axes, int):
        return list(range(rank1 - axes, rank1)), list(range(axes))
    first, second = axes
    axes1 = [first] if isinstance(first, int) else list(first)
    axes2 = [second] if isinstance(second, int) else list(second)
    return [a % rank1 for a in axes1], [a % rank2 for a in axes2]


def _tensordot_spec(x1: Any, x2: Any, axes: Any = 2) -> KerasTensor:
    """``tensordot``'s output: the free axes of ``x1``, then those of ``x2``.

    Inferred, not probed: a contracted axis may be a model's batch axis,
    whose stand-in length would not match the other operand's.
    """
    shape1, shape2 = K.int_shape(x1), K.int_shape(x2)
    axes1, axes2 = _tensordot_axes(axes, len(shape1), len(shape2))
    free = [shape1[a] for a in range(len(shape1)) if a not in axes1]
    free += [shape2[a] for a in range(len(shape2)) if a not in axes2]
    return KerasTensor(tuple(free), dtype=K.result_type(K.dtype(x1), K.dtype(x2)))


@operation(infer=_tensordot_spec)
def tensordot(x1, x2, axes=2):
    """Sum of products over the last ``axes`` axes of ``x1`` and the first of ``x2``.

    ``axes`` may also be a pair: the axes of ``x1`` and of ``x2`` to pair up.
    """
    x1, x2 = _promoted(x1, x2)
    axes1, axes2 = _tensordot_axes(axes, K.ndim(x1), K.ndim(x2))
    if [K.int_shape(x1)[a] for a in axes1] != [K.int_shape(x2)[a] for a in axes2]:
        raise ValueError(
            f"ops.tensordot: axes {axes1} of x1 (shape {K.int_shape(x1)}) and {axes2} of x2 "
            f"(shape {K.int_shape(x2)}) must have equal lengths."
        )
    return _contract(x1, x2, axes1, axes2)


@operation
def inner(x1, x2):
    """Sum of products over the last axes of ``x1`` and ``x2`` (products for scalars)."""
    x1, x2 = _promoted(x1, x2)
    if K.ndim(x1) == 0 or K.ndim(x2) == 0:
        return K.multiply(x1, x2)
    return _contract(x1, x2, [K.ndim(x1) - 1], [K.ndim(x2) - 1])


@operation
def vdot(x1, x2):
    """The dot product of the flattened ``x1`` and ``x2`` (real numbers: no conjugation)."""
    x1, x2 = _promoted(x1, x2)
    products = K.multiply(K.reshape(x1, (-1,)), K.reshape(x2, (-1,)))
    return K.cast(K.sum(products), K.dtype(x1))


@operation
def kron(x1, x2):
    """The Kronecker product: each entry of ``x1`` times the whole of ``x2``, tiled."""
    x1, x2 = _promoted(x1, x2)
    rank = builtins.max(K.ndim(x1), K.ndim(x2))
    shape1 = (1,) * (rank - K.ndim(x1)) + K.int_shape(x1)
    shape2 = (1,) * (rank - K.ndim(x2)) + K.int_shape(x2)
    # x1's axis i meets x2's axis i as a pair of axes (i of x1, then i of x2).
    spread1 = K.reshape(x1, tuple(d for size in shape1 for d in (size, 1)))
    spread2 = K.reshape(x2, tuple(d for size in shape2 for d in (1, size)))
    product = K.multiply(spread1, spread2)
    return K.reshape(product, tuple(a * b for a, b in zip(shape1, shape2, strict=True)))


@operation
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross products of the 3-vectors (or 2-vectors, with z = 0) along the given axes.

    ``axis``, when given, is all three of ``axisa`` (``x1``'s vectors),
    ``axisb`` (``x2``'s) and ``axisc`` (the result's). Two 2-vectors give
    the z component only, a scalar per pair.
    """
    x1, x2 = _promoted(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    x1 = _moved_to_last(x1, axisa)
    x2 = _moved_to_last(x2, axisb)
    sizes = (K.int_shape(x1)[-1], K.int_shape(x2)[-1])
    if not set(sizes) <= {2, 3}:
        raise ValueError(
            f"ops.cross: the vectors must have 2 or 3 components, received {sizes[0]} and "
            f"{sizes[1]}."
        )

    def component(x, index):
        if index == 2 and K.int_shape(x)[-1] == 2:
            return K.zeros_like(K.getitem(x, (Ellipsis, 0)))
        return K.getitem(x, (Ellipsis, index))

    a = [component(x1, i) for i in range(3)]
    b = [component(x2, i) for i in range(3)]

    def minor(i, j):
        return K.subtract(K.multiply(a[i], b[j]), K.multiply(a[j], b[i]))

    if sizes == (2, 2):
        return minor(0, 1)
    result = K.stack([minor(1, 2), minor(2, 0), minor(0, 1)], axis=-1)
    rank = K.ndim(result)
    order = list(range(rank - 1))
    order.insert(axisc % rank, rank - 1)
    return K.transpose(result, tuple(order))


def _moved_to_last(x: Any, axis: int) -> Any:
    rank = K.ndim(x)
    axis = axis % rank
    return K.transpose(x, (*[a for a in range(rank) if a != axis], axis))


@operation
def vander(x, N=None, increasing=False):  # noqa: N803 (Keras 3's argument name)
    """The Vandermonde matrix of 1-D ``x``: columns ``x ** (N - 1)`` down to ``x ** 0`` (or up)."""
    x = as_tensor(x)
    if K.ndim(x) != 1:
        raise ValueError(f"ops.vander: x must be 1-D, received shape {K.int_shape(x)}.")
    columns = K.int_shape(x)[0] if N is None else N
    powers = list(range(columns)) if increasing else list(range(columns - 1, -1, -1))
    compute_dtype = K.result_type(K.dtype(x), K.floatx())
    bases = K.expand_dims(K.cast(x, compute_dtype), 1)
    exponents = K.convert_to_tensor(powers, dtype=compute_dtype)
    result = K.power(bases, exponents)
    return result if K.is_float_dtype(K.dtype(x)) else K.cast(K.round(result), K.dtype(x))


def _slogdet_spec(x: Any) -> tuple:
    shape, dtype = K.int_shape(x), K.dtype(x)
    dtype = dtype if K.is_float_dtype(dtype) else K.floatx()
    return KerasTensor(shape[:-2], dtype=dtype), KerasTensor(shape[:-2], dtype=dtype)


# Inferred: the stand-in zero matrices of a probe are singular.
@operation(infer=_slogdet_spec)
def slogdet(x):
    """``(sign, log |det x|)`` of each square matrix, the determinant without overflow."""
    x = as_float(x)
    shape = K.int_shape(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(
            f"ops.slogdet: x must be square matrices (..., n, n), received shape {shape}."
        )
    log_magnitude = K.logdet(x)
    # Scaled to |det| = 1, the determinant keeps its sign and neither overflows nor underflows.
    scale = K.exp(K.divide(K.stop_gradient(log_magnitude), float(shape[-1])))
    scaled = K.divide(K.stop_gradient(x), K.expand_dims(K.expand_dims(scale, -1), -1))
    return K.sign(K.det(scaled)), log_magnitude
