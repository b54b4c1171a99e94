"""Reductions over axes (``sum`` ... ``logsumexp``) and running scans (``cumsum``, ``cumprod``).

``axis`` is an int, a tuple or list of ints, or None for every axis;
``keepdims`` keeps the reduced axes as length 1. Scans run along one axis,
or over the flattened array with ``axis=None``.

Gradients are JAX's: ``max`` and ``min`` split the gradient evenly between
tied extremes, ``logsumexp``'s is the softmax of ``x`` over the axes, and
``cumprod``'s is exact also where ``x`` has zeros (JAX differentiates the
scan of products, never dividing by an entry).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from graphkeras.backend import config
from graphkeras.backend.jax_backend.core import operand
from graphkeras.backend.jax_backend.variable import dtype_name


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def sum(x, axis=None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    """Sum over ``axis`` (an int, a tuple of ints, or None for all)."""
    return jnp.sum(operand(x), axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims: bool = False) -> jax.Array:
    """Mean over ``axis``."""
    return jnp.mean(operand(x), axis=_axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    """Maximum over ``axis``."""
    return jnp.max(operand(x), axis=_axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    """Minimum over ``axis``."""
    return jnp.min(operand(x), axis=_axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims: bool = False) -> jax.Array:
    """Product over ``axis``."""
    return jnp.prod(operand(x), axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims: bool = False) -> jax.Array:
    """Population variance over ``axis``."""
    return jnp.var(operand(x), axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims: bool = False) -> jax.Array:
    """Population standard deviation over ``axis``."""
    return jnp.std(operand(x), axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    """Whether any entry along ``axis`` is true."""
    return jnp.any(operand(x), axis=_axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims: bool = False) -> jax.Array:  # noqa: A001
    """Whether every entry along ``axis`` is true."""
    return jnp.all(operand(x), axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis: int | None = -1, keepdims: bool = False) -> jax.Array:
    """Index of the (first) largest entry along ``axis``; None: in the flattened array.

    The default axis is the last, as Keras 2's backend had it (Keras 3's
    ``ops.argmax`` defaults to None and passes its axis explicitly).
    """
    return jnp.argmax(operand(x), axis=axis, keepdims=keepdims)


def argmin(x, axis: int | None = -1, keepdims: bool = False) -> jax.Array:
    """Index of the (first) smallest entry along ``axis``; None: in the flattened array."""
    return jnp.argmin(operand(x), axis=axis, keepdims=keepdims)


def logsumexp(x, axis=None, keepdims: bool = False) -> jax.Array:
    """``log(sum(exp(x)))`` over ``axis``, shifted by the largest entry so nothing overflows.

    A slice of all ``-inf`` (or an empty one) gives ``-inf``; one holding
    ``+inf`` gives ``+inf``. Integer inputs are computed in ``floatx()``. The
    shift is held constant for differentiation, so the gradient is exactly
    the softmax of ``x``.
    """
    x = jnp.asarray(operand(x))
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(config.floatx())
    axes = _axis(axis)
    if x.size == 0:
        shape = jnp.sum(x, axis=axes, keepdims=keepdims).shape
        return jnp.full(shape, -jnp.inf, dtype=x.dtype)
    peak = jax.lax.stop_gradient(jnp.max(x, axis=axes, keepdims=True))
    peak = jnp.where(jnp.isfinite(peak), peak, jnp.zeros_like(peak))
    total = jnp.log(jnp.sum(jnp.exp(x - peak), axis=axes, keepdims=True)) + peak
    if keepdims:
        return total
    return total.reshape(()) if axes is None else jnp.squeeze(total, axis=axes)


# ------------------------------------------------------------------ scans


def _scan_dtype(x: jax.Array, dtype) -> str:
    """The scan's dtype: the one asked for, else ``x``'s (bool counts in int32, as Keras 3)."""
    if dtype is not None:
        return config.standardize_dtype(dtype)
    return "int32" if x.dtype == jnp.bool_ else dtype_name(x.dtype)


def cumsum(x, axis=None, dtype=None) -> jax.Array:
    """Running sum along ``axis`` (of the flattened ``x`` when None)."""
    x = jnp.asarray(operand(x))
    return jnp.cumsum(x, axis=axis, dtype=_scan_dtype(x, dtype))


def cumprod(x, axis=None, dtype=None) -> jax.Array:
    """Running product along ``axis`` (of the flattened ``x`` when None)."""
    x = jnp.asarray(operand(x))
    return jnp.cumprod(x, axis=axis, dtype=_scan_dtype(x, dtype))


__all__ = [
    "all",
    "any",
    "argmax",
    "argmin",
    "cumprod",
    "cumsum",
    "logsumexp",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
]
