"""Vector and matrix norms (``norm``, Keras 3's ``ops.norm``) on JAX arrays.

One axis holds vectors, two axes hold matrices; ``axis=None`` means every
axis with the default ``ord`` (the 2-norm of the flattened array) and, with
another ``ord``, the only axis of a vector or the two of a matrix.

Vector norms by ``ord``: None or 2 (``sqrt(sum(x²))``), 1 (``sum(|x|)``),
``inf`` / ``-inf`` (largest / smallest ``|x|``), 0 (the count of non-zero
entries) and any other number p (``sum(|x|^p)^(1/p)``). Matrix norms: None
or ``'fro'`` (Frobenius), ``'nuc'`` (sum of singular values), 1 / -1
(largest / smallest column sum of ``|x|``), ``inf`` / ``-inf`` (largest /
smallest row sum), 2 / -2 (largest / smallest singular value).

The formulas are written so JAX's derivative of them is the subgradient the
interface asks for: 0 for a zero vector or matrix (the square root and the
p-th powers are taken only of positive sums), an even split between tied
extremes (JAX's rule for ``max`` and ``min``), 0 for ``ord=0`` (a count).
The singular value norms assume distinct singular values (2, -2) and full
rank ('nuc'), where they are differentiable.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend import config
from graphkeras.backend.jax_backend.core import operand

_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)


def _norm_axes(function: str, ndim: int, ord, axis) -> tuple:
    """The normalised axes the norm reduces: one (vectors) or two (matrices).

    ``axis=None`` with ``ord=None`` gives every axis (the flattened 2-norm).
    """
    if axis is None:
        if ord is None or ndim in (1, 2):
            return tuple(range(ndim))
        raise ValueError(
            f"{function}() with ord={ord!r} needs an axis for an array of rank {ndim} "
            "(without one only a vector or a matrix has a norm of that order)."
        )
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    if not 1 <= len(axes) <= 2 or any(not -ndim <= a < ndim for a in axes):
        raise ValueError(
            f"{function}() needs axis as one axis (vectors) or two (matrices) of an array "
            f"of rank {ndim}; received axis={axis!r}."
        )
    axes = tuple(a % ndim for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{function}() needs two different axes, received axis={axis!r}.")
    return axes


def _check_ord(ord, axes: tuple) -> None:
    if isinstance(ord, bool):
        raise ValueError(f"norm() needs ord as a number, 'fro' or 'nuc', received {ord!r}.")
    if len(axes) == 2 and ord not in _MATRIX_ORDS:
        raise ValueError(
            "norm() of matrices (two axes) takes ord None, 'fro', 'nuc', 1, -1, 2, -2, inf "
            f"or -inf; received ord={ord!r}."
        )
    if len(axes) == 1 and not (ord is None or isinstance(ord, (int, float, np.number))):
        raise ValueError(f"norm() of vectors (one axis) needs a number ord, received {ord!r}.")


def _root_of_positive(total: jax.Array, power: float) -> jax.Array:
    """``total ** (1 / power)`` where ``total > 0``, else 0, with a finite derivative at 0."""
    positive = total > 0
    safe = jnp.where(positive, total, jnp.ones_like(total))
    return jnp.where(positive, safe ** (1.0 / power), jnp.zeros_like(total))


def _extreme(values: jax.Array, axis: int, largest: bool) -> jax.Array:
    pick = jnp.max if largest else jnp.min
    return pick(values, axis=axis, keepdims=True)


def _vector_norm(x: jax.Array, ord, axis: int) -> jax.Array:
    magnitude = jnp.abs(x)
    if ord is None or ord == 2:
        return _root_of_positive(jnp.sum(x * x, axis=axis, keepdims=True), 2)
    if ord == 1:
        return jnp.sum(magnitude, axis=axis, keepdims=True)
    if ord in (np.inf, -np.inf):
        return _extreme(magnitude, axis, ord > 0)
    if ord == 0:
        return jnp.sum(x != 0, axis=axis, keepdims=True).astype(x.dtype)
    if ord < 0:
        # Any zero entry makes the sum infinite and the norm 0, as numpy gives.
        return jnp.sum(magnitude**ord, axis=axis, keepdims=True) ** (1.0 / ord)
    nonzero = magnitude > 0
    powered = jnp.where(nonzero, jnp.where(nonzero, magnitude, jnp.ones_like(magnitude)) ** ord, 0)
    return _root_of_positive(jnp.sum(powered, axis=axis, keepdims=True), ord)


def _matrix_norm(x: jax.Array, ord, axes: tuple) -> jax.Array:
    rows, columns = axes
    magnitude = jnp.abs(x)
    if ord in (None, "fro"):
        return _root_of_positive(jnp.sum(x * x, axis=axes, keepdims=True), 2)
    if ord in (1, -1):
        return _extreme(jnp.sum(magnitude, axis=rows, keepdims=True), columns, ord > 0)
    if ord in (np.inf, -np.inf):
        return _extreme(jnp.sum(magnitude, axis=columns, keepdims=True), rows, ord > 0)
    moved = jnp.moveaxis(x, axes, (-2, -1))
    singular = jnp.linalg.svd(moved, compute_uv=False)
    reduce = {"nuc": jnp.sum, 2: jnp.max, -2: jnp.min}[ord]
    return jnp.expand_dims(reduce(singular, axis=-1), axis=axes)


def norm(x, ord=None, axis=None, keepdims: bool = False) -> jax.Array:
    """The norm of the vectors along ``axis`` or the matrices on its two axes (see module).

    Integer and bool inputs are computed in ``floatx()``.
    """
    x = jnp.asarray(operand(x))
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(config.floatx())
    axes = _norm_axes("norm", x.ndim, ord, axis)
    _check_ord(ord, axes)
    if len(axes) == 1:
        result = _vector_norm(x, ord, axes[0])
    elif len(axes) != 2:
        result = _root_of_positive(jnp.sum(x * x, axis=axes, keepdims=True), 2)
    else:
        result = _matrix_norm(x, ord, axes)
    result = result.astype(x.dtype)
    return result if keepdims else jnp.squeeze(result, axis=axes)


__all__ = ["norm"]
