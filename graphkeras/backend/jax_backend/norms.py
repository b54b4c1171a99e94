"""Vector and matrix norms (``norm``, Keras 3's ``ops.norm``) on JAX arrays.

The axes and orders, and what each order computes, are those of
:mod:`graphkeras.backend.common.norm_arguments`, which checks them.

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
from graphkeras.backend.common.norm_arguments import check_ord, norm_axes
from graphkeras.backend.jax_backend.core import operand


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
    axes = norm_axes("norm", x.ndim, ord, axis)
    check_ord(ord, axes)
    if len(axes) == 1:
        result = _vector_norm(x, ord, axes[0])
    elif len(axes) != 2:
        result = _root_of_positive(jnp.sum(x * x, axis=axes, keepdims=True), 2)
    else:
        result = _matrix_norm(x, ord, axes)
    result = result.astype(x.dtype)
    return result if keepdims else jnp.squeeze(result, axis=axes)


__all__ = ["norm"]
