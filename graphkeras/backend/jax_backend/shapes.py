"""Reshaping, indexing with ``[]``, and dynamic slicing of JAX arrays.

The reshaping ops (``reshape`` ... ``batch_flatten``) and ``getitem`` are
numpy's, on JAX arrays. ``slice(inputs, start_indices, shape)`` reads the
box that starts at ``start_indices`` and has ``shape``; ``slice_update``
returns a copy of ``inputs`` with that box replaced. Start indices may be
computed (an integer array). When their numbers can be read, a box that does
not fit inside ``inputs`` raises ``ValueError`` (a silent shift hides an
indexing bug); inside ``jax.jit`` they cannot be read, and JAX moves a box
that does not fit back inside (``jax.lax.dynamic_slice``'s rule).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend.common.slice_boxes import (
    box_slices,
    check_box_shape_argument,
    check_updates_rank,
    start_indices_error,
)
from graphkeras.backend.jax_backend.core import concrete_value, is_concrete, operand, unwrap

# ---------------------------------------------------------------- reshaping


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def reshape(x, shape) -> jax.Array:
    """``x`` with a new shape (one entry may be -1)."""
    return jnp.reshape(operand(x), _axis(shape))


def transpose(x, axes=None) -> jax.Array:
    """Axes reversed, or permuted by ``axes``."""
    return jnp.transpose(operand(x), _axis(axes))


def expand_dims(x, axis) -> jax.Array:
    """A new axis of length 1 at ``axis`` (or at each of several axes)."""
    return jnp.expand_dims(operand(x), _axis(axis))


def squeeze(x, axis=None) -> jax.Array:
    """Axes of length 1 removed (only ``axis`` when given)."""
    return jnp.squeeze(operand(x), axis=_axis(axis))


def concatenate(tensors, axis: int = -1) -> jax.Array:
    """Join arrays along an existing axis."""
    return jnp.concatenate([operand(t) for t in tensors], axis=axis)


def stack(tensors, axis: int = 0) -> jax.Array:
    """Join arrays along a new axis."""
    return jnp.stack([operand(t) for t in tensors], axis=axis)


def repeat(x, repeats, axis=None) -> jax.Array:
    """Each entry repeated ``repeats`` times along ``axis`` (of the flattened ``x`` when None)."""
    return jnp.repeat(operand(x), operand(repeats), axis=axis)


def tile(x, repeats) -> jax.Array:
    """``x`` repeated as a whole ``repeats[i]`` times along axis ``i``."""
    return jnp.tile(operand(x), repeats)


def batch_flatten(x) -> jax.Array:
    """``(batch, ...)`` to ``(batch, everything else)``."""
    x = jnp.asarray(operand(x))
    return jnp.reshape(x, (x.shape[0], -1))


def _index_part(part):
    """One part of an index key: arrays unwrapped, lists made arrays (JAX refuses lists)."""
    part = unwrap(part)
    return jnp.asarray(part) if isinstance(part, list) else part


def getitem(x, key) -> jax.Array:
    """``x[key]`` with numpy indexing (ints, slices, Ellipsis, None, integer or bool arrays)."""
    key = tuple(_index_part(part) for part in key) if isinstance(key, tuple) else _index_part(key)
    return jnp.asarray(operand(x))[key]


# ---------------------------------------------------------- dynamic slicing


def _start_indices(function: str, start_indices, rank: int, sizes: tuple):
    """``start_indices`` as a 1-D integer array of one entry per axis, or a ValueError."""
    starts = unwrap(start_indices)
    if isinstance(starts, (list, tuple)):
        starts = [unwrap(start) for start in starts]
        starts = jnp.asarray(starts) if starts else np.zeros(0, dtype=np.int64)
    elif not isinstance(starts, (jax.Array, np.ndarray)):
        starts = np.asarray(starts)
    if starts.ndim != 1 or not (starts.size == 0 or jnp.issubdtype(starts.dtype, jnp.integer)):
        raise start_indices_error(function, start_indices)
    if starts.shape[0] != rank or len(sizes) != rank:
        shown = concrete_value(starts).tolist() if is_concrete(starts) else start_indices
        raise ValueError(
            f"{function}() needs one start index and one size per axis of inputs "
            f"(rank {rank}); received start_indices={shown} and a box of shape {tuple(sizes)}."
        )
    return starts


def _box(function: str, shape: tuple, starts: np.ndarray, sizes) -> tuple:
    """The basic index (a slice per axis) of the box; ValueError when it does not fit.

    A size of -1 means "to the end of the axis", as Keras 3 allows for ``slice``.
    """
    return box_slices(function, shape, starts.tolist(), sizes)


def _traced_sizes(function: str, sizes) -> tuple:
    """The box's sizes for computed start indices, where "-1: to the end" cannot be known."""
    if any(int(size) == -1 for size in sizes):
        raise ValueError(
            f"{function}() needs explicit sizes (not -1) when start_indices are computed "
            f"inside jax.jit; received a box of shape {tuple(sizes)}."
        )
    return tuple(int(size) for size in sizes)


def slice(inputs, start_indices, shape) -> jax.Array:  # noqa: A001 - the Keras name
    """The box of ``inputs`` starting at ``start_indices`` with ``shape`` (a new array).

    >>> slice(jnp.arange(12).reshape(3, 4), [1, 2], (2, 2)).tolist()
    [[6, 7], [10, 11]]
    """
    check_box_shape_argument(shape)
    array = jnp.asarray(operand(inputs))
    sizes = tuple(shape)
    starts = _start_indices("slice", start_indices, array.ndim, sizes)
    if is_concrete(starts):
        return array[_box("slice", array.shape, concrete_value(starts), sizes)]
    return jax.lax.dynamic_slice(array, tuple(starts), _traced_sizes("slice", sizes))


def slice_update(inputs, start_indices, updates) -> jax.Array:
    """A copy of ``inputs`` with the box at ``start_indices`` replaced by ``updates``.

    ``updates`` has ``inputs``' rank; its values are cast to ``inputs``' dtype.
    """
    array = jnp.asarray(operand(inputs))
    replacement = jnp.asarray(operand(updates))
    check_updates_rank(array.ndim, replacement.shape)
    replacement = replacement.astype(array.dtype)
    starts = _start_indices("slice_update", start_indices, array.ndim, replacement.shape)
    if is_concrete(starts):
        box = _box("slice_update", array.shape, concrete_value(starts), replacement.shape)
        return array.at[box].set(replacement)
    return jax.lax.dynamic_update_slice(array, replacement, tuple(starts))


__all__ = [
    "batch_flatten",
    "concatenate",
    "expand_dims",
    "getitem",
    "repeat",
    "reshape",
    "slice",
    "slice_update",
    "squeeze",
    "stack",
    "tile",
    "transpose",
]
