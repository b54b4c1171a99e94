"""Linear algebra on JAX arrays: products, triangles, QR, square-matrix ops, einsum.

Products (``dot``, ``matmul``, ``batch_dot``, ``einsum``) contract axes;
``tril``/``triu`` keep a triangle of the last two axes; ``inv``, ``solve``,
``det``, ``logdet`` and ``cholesky`` work on a square matrix or a batch of
them (the last two axes), computing integer inputs in ``floatx()``.

A singular matrix (``inv``, ``solve``) or one that is not positive definite
(``cholesky``) raises ``ValueError`` when its numbers can be read; inside
``jax.jit`` they cannot, and JAX's result holds inf or NaN instead.

Gradients are JAX's, with one choice made here: ``cholesky`` reads only the
lower triangle, yet its gradient is symmetric, the
derivative with respect to the symmetric matrix that triangle stands for.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.einsum_arguments import check_einsum_arguments
from graphkeras.backend.common.matrix_arguments import (
    batch_dot_axes,
    check_matrix_rank,
    check_square,
    solves_vectors,
)
from graphkeras.backend.jax_backend.core import concrete_value, is_concrete, operand

# ------------------------------------------------------------------ products


def dot(x, y) -> jax.Array:
    """Keras ``dot``: contract the last axis of ``x`` with the second-to-last of ``y``.

    For a matrix ``y`` this is ``x @ y`` on any leading batch axes of ``x``.
    """
    x, y = jnp.asarray(operand(x)), jnp.asarray(operand(y))
    if y.ndim <= 2:
        return jnp.matmul(x, y)
    return jnp.dot(x, y)


def matmul(x, y) -> jax.Array:
    """``x @ y`` with numpy's batching rules."""
    return jnp.matmul(operand(x), operand(y))


def batch_dot(x, y, axes) -> jax.Array:
    """Per-sample dot product of ``x`` and ``y`` along ``axes`` (axis 0 is the batch).

    ``axes`` is an int (the same axis of both) or a pair ``(axis_of_x,
    axis_of_y)``. The result keeps the other axes of ``x`` then of ``y``;
    a result of rank 1 is returned as ``(batch, 1)``, as in Keras.
    """
    x, y = jnp.asarray(operand(x)), jnp.asarray(operand(y))
    axis_x, axis_y = batch_dot_axes(x.shape, y.shape, axes)
    x_moved = jnp.moveaxis(x, axis_x, -1)
    y_moved = jnp.moveaxis(y, axis_y, 1)
    batch = x.shape[0]
    depth = x.shape[axis_x]
    product = jnp.matmul(
        x_moved.reshape(batch, -1, depth), y_moved.reshape(batch, depth, -1)
    ).reshape((batch, *x_moved.shape[1:-1], *y_moved.shape[2:]))
    if product.ndim == 1:
        product = product[:, None]
    return product


def einsum(subscripts: str, x, y=None, *more) -> jax.Array:
    """Einstein summation of one or two operands, with numpy's notation and broadcasting.

    ``subscripts`` is numpy's string: explicit (``"ij,jk->ik"``) or implicit
    (``"ij,jk"``: the letters used once, in alphabetical order), with
    ``...`` for leading axes that broadcast. One or two operands, as on the
    numpy backend (whose tape records an op by named arguments).
    """
    check_einsum_arguments(subscripts, more)
    operands = [operand(x)] if y is None else [operand(x), operand(y)]
    return jnp.einsum(subscripts, *operands)


def l2_normalize(x, axis=-1) -> jax.Array:
    """``x`` divided by its L2 norm along ``axis`` (the norm floored at 1e-6)."""
    x = jnp.asarray(operand(x))
    axis = tuple(axis) if isinstance(axis, list) else axis
    squared = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    return x / jnp.sqrt(jnp.maximum(squared, jnp.asarray(1e-12, dtype=x.dtype)))


# ----------------------------------------------------------------- triangles


def tril(x, k: int = 0) -> jax.Array:
    """The lower triangle of the last two axes: entries above diagonal ``k`` set to 0.

    ``k = 0`` is the main diagonal, ``k > 0`` diagonals above it, ``k < 0`` below.
    """
    x = jnp.asarray(operand(x))
    check_matrix_rank("tril", x.shape)
    return jnp.tril(x, k=k)


def triu(x, k: int = 0) -> jax.Array:
    """The upper triangle of the last two axes: entries below diagonal ``k`` set to 0."""
    x = jnp.asarray(operand(x))
    check_matrix_rank("triu", x.shape)
    return jnp.triu(x, k=k)


def qr(x, mode: str = "reduced") -> tuple:
    """QR decomposition ``(q, r)`` of a matrix (or of each of a batch)."""
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr() needs mode 'reduced' or 'complete', received {mode!r}.")
    return tuple(jnp.linalg.qr(operand(x), mode=mode))


# ---------------------------------------------------------- square matrices


def _square(x, name: str) -> jax.Array:
    """``x`` as a float array of square matrices, or a ValueError naming ``name``."""
    x = jnp.asarray(operand(x))
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(config.floatx())
    check_square(name, x.shape)
    return x


def _transposed(x: jax.Array) -> jax.Array:
    return jnp.swapaxes(x, -1, -2)


def _refuse_non_finite(result: jax.Array, inputs: tuple, message: str) -> None:
    """Raise ``ValueError(message)`` when finite ``inputs`` gave a result with inf or NaN.

    That is how a singular (or not positive definite) matrix shows in JAX's
    factorizations; it is checked only when the numbers can be read.
    """
    if not is_concrete(result) or not all(is_concrete(value) for value in inputs):
        return
    if all(np.isfinite(concrete_value(value)).all() for value in inputs) and not (
        np.isfinite(concrete_value(result)).all()
    ):
        raise ValueError(message)


def inv(x) -> jax.Array:
    """The inverse of each matrix; a singular one raises ValueError."""
    x = _square(x, "inv")
    result = jnp.linalg.inv(x)
    _refuse_non_finite(result, (x,), "inv() of a singular matrix: it has no inverse.")
    return result


def solve(a, b) -> jax.Array:
    """``x`` with ``a @ x == b``; ``b`` is ``(..., n, k)``, or ``(..., n)``: a vector per matrix."""
    a = _square(a, "solve")
    b = jnp.asarray(operand(b))
    if not jnp.issubdtype(b.dtype, jnp.floating):
        b = b.astype(a.dtype)
    vector = solves_vectors(a.shape, b.shape)
    result = jnp.linalg.solve(a, b[..., None] if vector else b)
    _refuse_non_finite(result, (a, b), "solve() with a singular matrix: no unique solution.")
    return result[..., 0] if vector else result


def det(x) -> jax.Array:
    """The determinant of each matrix."""
    return jnp.linalg.det(_square(x, "det"))


def logdet(x) -> jax.Array:
    """``log |det x|`` of each matrix, without the overflow of ``det`` (from ``slogdet``)."""
    return jnp.linalg.slogdet(_square(x, "logdet"))[1]


def cholesky(x, upper: bool = False) -> jax.Array:
    """``L`` lower triangular with ``x == L @ Lᵀ`` (``U`` upper, ``x == Uᵀ U``, with ``upper``).

    Only the lower triangle of ``x`` is read (with ``upper`` too). The
    factorization runs on the symmetric matrix that triangle stands for, so
    it is differentiated as a function of a symmetric matrix: the gradient
    is symmetric, as ``x`` is.
    """
    x = _square(x, "cholesky")
    stated = jnp.tril(x) + _transposed(jnp.tril(x, -1))
    symmetric = (x + _transposed(x)) / 2
    # The value of the stated matrix, the derivative of the symmetric part.
    matrix = symmetric + jax.lax.stop_gradient(stated - symmetric)
    lower = jax.lax.linalg.cholesky(matrix, symmetrize_input=False)
    _refuse_non_finite(lower, (stated,), "cholesky() of a matrix that is not positive definite.")
    return _transposed(lower) if upper else lower


__all__ = [
    "batch_dot",
    "cholesky",
    "det",
    "dot",
    "einsum",
    "inv",
    "l2_normalize",
    "logdet",
    "matmul",
    "qr",
    "solve",
    "tril",
    "triu",
]
