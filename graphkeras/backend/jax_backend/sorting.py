"""Sorting along an axis: ``sort``, ``argsort`` and ``top_k``.

Every sort here is stable, so equal entries keep their order: ``argsort``
lists tied entries by position, and ``top_k`` lists the largest values first
with ties by lowest position (``jax.lax.top_k``'s rule). NaN sorts as the
largest value, as in numpy.

Sorting only moves values, so JAX's gradient of ``sort`` and of ``top_k``'s
values sends each output entry's gradient back to the position it came from.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend.jax_backend.core import operand


def sort(x, axis=-1) -> jax.Array:
    """``x`` sorted ascending along ``axis`` (None sorts the flattened array)."""
    return jnp.sort(operand(x), axis=axis, stable=True)


def argsort(x, axis=-1) -> jax.Array:
    """The int32 positions that sort ``x`` ascending along ``axis``; ties keep their order."""
    return jnp.argsort(operand(x), axis=axis, stable=True).astype(jnp.int32)


def top_k(x, k: int, sorted: bool = True) -> tuple:  # noqa: A002 - the Keras name
    """The ``k`` largest entries along the last axis and their int32 positions.

    Returns ``(values, indices)``, each of shape ``x.shape[:-1] + (k,)``, the
    largest first; equal values are listed by lowest position. The result is
    always sorted, which also satisfies ``sorted=False`` (that asks for no
    particular order).
    """
    x = jnp.asarray(operand(x))
    if x.ndim == 0:
        raise ValueError("top_k() needs an array of rank 1 or more, received a scalar.")
    size = x.shape[-1]
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 0 <= k <= size:
        raise ValueError(
            f"top_k() needs an int k from 0 to the last axis' size {size}, received k={k!r}."
        )
    values, indices = jax.lax.top_k(x, int(k))
    return values, indices.astype(jnp.int32)


__all__ = ["argsort", "sort", "top_k"]
