"""Shape ops of ``gk.ops.numpy``: reshaping, moving axes, flipping, padding, grids.

Each rearranges entries without computing new values, through backend ops
(``reshape``, ``transpose``, ``getitem``, ``pad``), so gradients flow back
to the entries they came from.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

from graphkeras import backend as K
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.ops.dtypes import as_tensor
from graphkeras.ops.operation import operation


@operation
def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one entry may be -1)."""
    newshape = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    return K.reshape(x, newshape)


@operation
def transpose(x, axes=None):
    """``x`` with its axes permuted (reversed when ``axes`` is None)."""
    return K.transpose(x, None if axes is None else tuple(axes))


@operation
def expand_dims(x, axis):
    """``x`` with a new axis of length 1 at ``axis`` (or at each of a tuple of axes)."""
    if isinstance(axis, (list, tuple)):
        rank = K.ndim(as_tensor(x)) + len(axis)
        for position in sorted(a % rank for a in axis):
            x = K.expand_dims(x, position)
        return x
    return K.expand_dims(x, axis)


@operation
def squeeze(x, axis=None):
    """``x`` without its length-1 axes (only ``axis`` when given)."""
    return K.squeeze(x, tuple(axis) if isinstance(axis, list) else axis)


@operation
def ravel(x):
    """``x`` flattened to one axis."""
    return K.reshape(x, (-1,))


@operation
def moveaxis(x, source, destination):
    """``x`` with axes ``source`` moved to positions ``destination``."""
    rank = K.ndim(as_tensor(x))
    sources = [s % rank for s in (source if isinstance(source, (list, tuple)) else [source])]
    targets = [
        d % rank for d in (destination if isinstance(destination, (list, tuple)) else [destination])
    ]
    order = [axis for axis in range(rank) if axis not in sources]
    for target, axis in sorted(zip(targets, sources, strict=True)):
        order.insert(target, axis)
    return K.transpose(x, tuple(order))


@operation
def swapaxes(x, axis1, axis2):
    """``x`` with two axes exchanged."""
    order = list(range(K.ndim(as_tensor(x))))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return K.transpose(x, tuple(order))


# The output has the shape asked for whatever the input's batch, so it is
# inferred: probing would stand a batch of 2 in for a batch that must be 1.
@operation(infer=lambda x, shape: KerasTensor(tuple(shape), dtype=x.dtype))
def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return K.add(as_tensor(x), K.zeros(tuple(shape), dtype=K.dtype(as_tensor(x))))


@operation
def tile(x, repeats):
    """``x`` repeated whole, ``repeats`` times along each axis."""
    return K.tile(x, repeats)


@operation
def repeat(x, repeats, axis=None):
    """Each entry of ``x`` repeated ``repeats`` times along ``axis``."""
    return K.repeat(x, repeats, axis=axis)


@operation
def flip(x, axis=None):
    """``x`` reversed along ``axis`` (every axis when None)."""
    rank = K.ndim(as_tensor(x))
    axes = range(rank) if axis is None else [axis] if isinstance(axis, int) else axis
    axes = {a % rank for a in axes}
    key = tuple(
        builtins.slice(None, None, -1) if a in axes else builtins.slice(None) for a in range(rank)
    )
    return K.getitem(x, key)


@operation
def roll(x, shift, axis=None):
    """``x`` rotated by ``shift`` along ``axis`` (flattened when None)."""
    x = as_tensor(x)
    if axis is None:
        return K.reshape(roll(K.reshape(x, (-1,)), shift, 0), K.int_shape(x))
    size = K.int_shape(x)[axis]
    if not size:
        return x
    shift = shift % size
    axis = axis % K.ndim(x)
    head = (builtins.slice(None),) * axis
    return K.concatenate(
        [
            K.getitem(x, head + (builtins.slice(size - shift, None),)),
            K.getitem(x, head + (builtins.slice(0, size - shift),)),
        ],
        axis=axis,
    )


@operation
def pad(x, pad_width, mode="constant", constant_values=None):
    """``x`` grown by ``pad_width`` as ``numpy.pad`` does."""
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"ops.pad: constant_values applies to mode 'constant' only, received mode {mode!r}."
        )
    return K.pad(x, pad_width, mode=mode, constant_values=constant_values or 0)


@operation
def copy(x):
    """A copy of ``x``."""
    x = as_tensor(x)
    return K.tile(x, (1,) * K.ndim(x)) if K.ndim(x) else K.reshape(x, ())


def _at_least_rank(x: Any, rank: int, name: str) -> Any:
    x = as_tensor(x)
    if K.ndim(x) < rank:
        raise ValueError(
            f"ops.{name}: x must have rank {rank} or more, received shape {K.int_shape(x)}."
        )
    return x


@operation
def fliplr(x):
    """``x`` reversed along axis 1 (left to right)."""
    return flip(_at_least_rank(x, 2, "fliplr"), axis=1)


@operation
def flipud(x):
    """``x`` reversed along axis 0 (up to down)."""
    return flip(_at_least_rank(x, 1, "flipud"), axis=0)


@operation
def rot90(array, k=1, axes=(0, 1)):
    """``array`` turned ``k`` quarter turns in the plane of ``axes``, first axis toward second."""
    array = _at_least_rank(array, 2, "rot90")
    rank = K.ndim(array)
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % rank == axes[1] % rank:
        raise ValueError(f"ops.rot90: axes must be two different axes, received {axes}.")
    first, second = axes[0] % rank, axes[1] % rank
    order = list(range(rank))
    order[first], order[second] = second, first
    turns = k % 4
    if turns == 0:
        return copy(array)
    if turns == 2:
        return flip(flip(array, axis=first), axis=second)
    if turns == 1:
        return K.transpose(flip(array, axis=second), tuple(order))
    return flip(K.transpose(array, tuple(order)), axis=second)


@operation
def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D arrays: output i varies along input i's axis.

    With 'ij' indexing the grids have shape ``(len(x[0]), len(x[1]), ...)``;
    with 'xy' (Cartesian) the first two axes are swapped.
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"ops.meshgrid: indexing must be 'xy' or 'ij', received {indexing!r}.")
    vectors = [K.reshape(as_tensor(vector), (-1,)) for vector in x]
    axes = list(range(len(vectors)))
    if indexing == "xy" and len(vectors) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(vectors)
    for vector, axis in zip(vectors, axes, strict=True):
        shape[axis] = K.int_shape(vector)[0]
    grids = []
    for vector, axis in zip(vectors, axes, strict=True):
        along = [1] * len(vectors)
        along[axis] = -1
        grids.append(K.add(K.reshape(vector, tuple(along)), K.zeros(tuple(shape), K.dtype(vector))))
    return grids


# -------------------------------------------------------------- properties


def size(x) -> int:
    """The number of entries of ``x`` (a KerasTensor's unknown dims give None)."""
    shape = K.int_shape(x)
    if None in shape:
        return None
    return math.prod(shape)


def ndim(x) -> int:
    """The rank of ``x``."""
    return len(K.int_shape(x))
