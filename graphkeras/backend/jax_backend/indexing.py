"""Gathering by integer index (``take``, ``take_along_axis``) and ``one_hot``.

``take(x, indices, axis)`` is the lookup behind an embedding table: each
integer in ``indices`` selects one slice of ``x`` along ``axis``, and the
result has ``indices``' shape where that axis was. ``take_along_axis`` picks
one entry per position instead (``indices`` has ``x``'s rank), as reading
``x`` in the order ``argsort`` gives.

Indices must be integers, and, when their numbers can be read, lie in
``[-n, n)`` (negative ones count from the end); both are refused with
``ValueError`` as on the numpy backend. Inside ``jax.jit`` an index out of
range cannot be caught and reads NaN for floats (JAX's "fill" mode).
JAX's gradient of a gather is the scatter-add: rows read twice add up.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.one_hot_arguments import check_one_hot_arguments
from graphkeras.backend.jax_backend.core import concrete_value, is_concrete, operand


def _checked_positions(function: str, indices, size: int) -> jax.Array:
    """``indices`` as an integer array; ValueError for floats or an index outside [-size, size)."""
    positions = jnp.asarray(operand(indices))
    if not jnp.issubdtype(positions.dtype, jnp.integer):
        raise ValueError(
            f"{function}() needs integer indices, received indices of dtype {positions.dtype}."
        )
    if positions.size and is_concrete(positions):
        values = concrete_value(positions)
        if values.min() < -size or values.max() >= size:
            raise ValueError(
                f"{function}() index out of range: the axis has size {size}, so indices must "
                f"lie in [{-size}, {size}); received indices from {values.min()} to "
                f"{values.max()}."
            )
    return positions


def take(x, indices, axis=None) -> jax.Array:
    """The slices of ``x`` at ``indices`` along ``axis`` (of the flattened ``x`` when None).

    Negative indices count from the end; an index outside ``[-n, n)`` raises
    ``ValueError`` naming the size ``n`` of the axis. Float indices are
    refused with ``ValueError`` (cast them to an integer dtype first).
    """
    array = jnp.asarray(operand(x))
    size = array.size if axis is None else array.shape[axis]
    positions = _checked_positions("take", indices, size)
    # Negative positions are made positive here: JAX's gather would clip them.
    positions = jnp.where(positions < 0, positions + size, positions)
    return jnp.take(array, positions, axis=axis)


def _broadcast_along_axis(function: str, x_shape: tuple, indices_shape: tuple, axis: int):
    """The shapes ``x`` and ``indices`` take so that every axis but ``axis`` matches.

    Returns ``(x_shape, indices_shape)`` broadcast against each other on
    every axis but ``axis``, where each keeps its own length.
    """
    if len(indices_shape) != len(x_shape):
        raise ValueError(
            f"{function}() needs indices of the same rank as x ({len(x_shape)}); "
            f"received indices of shape {indices_shape}."
        )
    others = tuple(1 if i == axis else d for i, d in enumerate(x_shape))
    index_others = tuple(1 if i == axis else d for i, d in enumerate(indices_shape))
    try:
        common = list(np.broadcast_shapes(others, index_others))
    except ValueError:
        raise ValueError(
            f"{function}() needs x and indices to broadcast on every axis but {axis}; "
            f"received x of shape {x_shape} and indices of shape {indices_shape}."
        ) from None
    x_target = tuple(x_shape[axis] if i == axis else d for i, d in enumerate(common))
    indices_target = tuple(indices_shape[axis] if i == axis else d for i, d in enumerate(common))
    return x_target, indices_target


def take_along_axis(x, indices, axis=None) -> jax.Array:
    """``x`` read at ``indices`` along ``axis``, one entry per index.

    ``out[..., i, ...] = x[..., indices[..., i, ...], ...]`` with ``i`` on ``axis``.

    ``indices`` has ``x``'s rank (1-D with ``axis=None``, which reads the
    flattened ``x``); the other axes broadcast against each other. Negative
    indices count from the end; one outside ``[-n, n)`` or float indices raise
    ``ValueError``.
    """
    array = jnp.asarray(operand(x))
    if axis is None:
        array, axis = array.reshape(-1), 0
    if not -array.ndim <= axis < array.ndim:
        raise ValueError(
            f"take_along_axis() axis {axis} is out of range for x of rank {array.ndim}."
        )
    axis %= array.ndim
    size = array.shape[axis]
    positions = _checked_positions("take_along_axis", indices, size)
    x_shape, indices_shape = _broadcast_along_axis(
        "take_along_axis", array.shape, positions.shape, axis
    )
    positions = jnp.where(positions < 0, positions + size, positions)
    return jnp.take_along_axis(
        jnp.broadcast_to(array, x_shape), jnp.broadcast_to(positions, indices_shape), axis=axis
    )


def one_hot(x, num_classes: int, axis: int = -1, dtype=None) -> jax.Array:
    """Each entry of ``x`` as a row of ``num_classes`` zeros with a 1 at its class.

    The new axis of length ``num_classes`` goes at ``axis`` of the result (the
    last by default); the result has ``dtype`` (``floatx()`` when None). An
    entry outside ``[0, num_classes)`` (a negative padding label, or one too
    large) gives a row of zeros, as Keras 3 on JAX does; so does a float entry
    that is not a whole number.
    """
    x = jnp.asarray(operand(x))
    check_one_hot_arguments(num_classes, axis, x.ndim)
    encoded = jnp.expand_dims(x, -1) == jnp.arange(int(num_classes))
    return jnp.moveaxis(encoded, -1, axis).astype(config.standardize_dtype(dtype))


__all__ = ["one_hot", "take", "take_along_axis"]
