"""``gk.ops.linalg``: Keras 3's linear-algebra operations.

Each takes a matrix or a batch of them (the last two axes). ``inv``,
``solve``, ``det``, ``cholesky`` (and ``logdet`` in ``gk.ops.math``) are the
backend's, with their gradients; ``solve_triangular``,
``cholesky_inverse`` and ``matrix_power`` are composed from them, so
gradients flow through those too. Decompositions whose gradients need
eigen- or singular-vector derivatives (``svd``, ``eig``, ``eigh``,
``pinv``, ``lstsq``, ``lu_factor``, ``matrix_rank``) are not provided.
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.ops.dtypes import as_float
from graphkeras.ops.operation import operation


def _float_spec(x: Any) -> KerasTensor:
    """A KerasTensor of ``x``'s shape, in the float dtype the op computes ``x`` in."""
    dtype = K.dtype(x)
    return KerasTensor(K.int_shape(x), dtype=dtype if K.is_float_dtype(dtype) else K.floatx())


def _solve_spec(a: Any, b: Any, lower: bool = False) -> KerasTensor:
    """``solve``'s output: ``b``'s shape, in the float dtype of ``a`` and ``b`` together."""
    dtype = K.result_type(_float_spec(a).dtype, _float_spec(b).dtype)
    return KerasTensor(K.int_shape(b), dtype=dtype)


# The ops below are inferred, not probed: their stand-in zero matrices are singular.


def _square_matrices(x: Any, name: str) -> Any:
    """``x`` as float square matrices (``(..., n, n)``), or a ValueError naming ``ops.name``."""
    x = as_float(x)
    shape = K.int_shape(x)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(
            f"ops.{name}: x must be square matrices (..., n, n), received shape {shape}."
        )
    return x


@operation
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 (Keras 3's argument name)
    """Vector or matrix norm of ``x`` over ``axis``, as ``numpy.linalg.norm``."""
    return K.norm(as_float(x), ord=ord, axis=axis, keepdims=keepdims)


@operation
def qr(x, mode="reduced"):
    """``(q, r)`` with ``q`` orthonormal and ``r`` upper triangular."""
    return K.qr(as_float(x), mode=mode)


@operation(infer=_float_spec)
def inv(x):
    """The inverse of each square matrix."""
    return K.inv(_square_matrices(x, "inv"))


@operation
def det(x):
    """The determinant of each square matrix."""
    return K.det(_square_matrices(x, "det"))


@operation(infer=_solve_spec)
def solve(a, b):
    """``x`` with ``a @ x == b``; ``b`` is ``(..., n, k)``, or ``(..., n)``: a vector per matrix."""
    return K.solve(_square_matrices(a, "solve"), as_float(b))


@operation(infer=_solve_spec)
def solve_triangular(a, b, lower=False):
    """``solve`` for triangular ``a``: only its upper triangle (lower, with ``lower``) is read."""
    a = _square_matrices(a, "solve_triangular")
    return K.solve(K.tril(a) if lower else K.triu(a), as_float(b))


@operation(infer=lambda x, upper=False: _float_spec(x))
def cholesky(x, upper=False):
    """``L`` lower triangular with ``x == L @ Lᵀ`` for symmetric positive-definite ``x``.

    With ``upper``, ``U = Lᵀ`` (``x == Uᵀ @ U``).
    """
    return K.cholesky(_square_matrices(x, "cholesky"), upper=upper)


def _identities(x: Any) -> Any:
    """Identity matrices of the shape and dtype of ``x`` (one per matrix of a batch)."""
    return K.add(K.zeros_like(x), K.eye(K.int_shape(x)[-1], dtype=K.dtype(x)))


def _matrix_transpose(x: Any) -> Any:
    rank = K.ndim(x)
    return K.transpose(x, (*range(rank - 2), rank - 1, rank - 2))


@operation(infer=lambda x, upper=False: _float_spec(x))
def cholesky_inverse(x, upper=False):
    """The inverse of ``L @ Lᵀ`` given its Cholesky factor ``x = L`` (``Uᵀ @ U``, ``x = U``)."""
    factor = _square_matrices(x, "cholesky_inverse")
    factor_inverse = K.solve(K.triu(factor) if upper else K.tril(factor), _identities(factor))
    if upper:
        return K.matmul(factor_inverse, _matrix_transpose(factor_inverse))
    return K.matmul(_matrix_transpose(factor_inverse), factor_inverse)


@operation(infer=lambda x, n: _float_spec(x))
def matrix_power(x, n):
    """``x`` multiplied by itself ``n`` times (the identity for 0, powers of the inverse below)."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"ops.matrix_power: n must be an int, received {n!r}.")
    x = _square_matrices(x, "matrix_power")
    if n < 0:
        x, n = K.inv(x), -n
    result = None
    power = x
    while n:
        if n & 1:
            result = power if result is None else K.matmul(result, power)
        n >>= 1
        if n:
            power = K.matmul(power, power)
    return _identities(x) if result is None else result
