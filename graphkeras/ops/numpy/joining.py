"""Joining and splitting ops of ``gk.ops.numpy``: concatenate, stack, split and their kin.

The splits return lists. Where the axis being cut has an unknown length
(a model's batch axis), the pieces' lengths along it are unknown too: their
shapes are inferred from the arguments, not probed, since a probe's
stand-in length may not divide as the real one does.
"""

from __future__ import annotations

import builtins
import itertools
from typing import Any

from graphkeras import backend as K
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.ops.dtypes import as_tensor
from graphkeras.ops.operation import operation


@operation
def concatenate(xs, axis=0):
    """The arrays of ``xs`` joined along ``axis``."""
    return K.concatenate(list(xs), axis=axis)


@operation
def stack(x, axis=0):
    """The arrays of ``x`` stacked along a new ``axis``."""
    return K.stack(list(x), axis=axis)


@operation
def hstack(xs):
    """Arrays joined along axis 1 (axis 0 for vectors)."""
    return K.concatenate(list(xs), axis=0 if K.ndim(as_tensor(xs[0])) == 1 else 1)


@operation
def vstack(xs):
    """Arrays joined along axis 0 (vectors become rows)."""
    rows = [K.reshape(x, (1, -1)) if K.ndim(as_tensor(x)) == 1 else x for x in xs]
    return K.concatenate(rows, axis=0)


@operation
def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened when None)."""
    if axis is None:
        return K.concatenate([K.reshape(x1, (-1,)), K.reshape(x2, (-1,))], axis=0)
    return K.concatenate([x1, x2], axis=axis)


@operation
def dstack(xs):
    """Arrays joined along axis 2 (vectors become ``(1, n, 1)``, matrices ``(m, n, 1)``)."""
    expanded = []
    for x in xs:
        x = as_tensor(x)
        if K.ndim(x) <= 1:
            x = K.reshape(x, (1, -1, 1))
        elif K.ndim(x) == 2:
            x = K.expand_dims(x, -1)
        expanded.append(x)
    return K.concatenate(expanded, axis=2)


@operation
def column_stack(xs):
    """1-D arrays as columns (and 2-D arrays as they are), joined along axis 1."""
    columns = [K.reshape(x, (-1, 1)) if K.ndim(as_tensor(x)) <= 1 else as_tensor(x) for x in xs]
    return K.concatenate(columns, axis=1)


# ------------------------------------------------------------------ splits


def _bounds(size: int | None, indices_or_sections: Any, even: bool, name: str) -> list:
    """``(start, stop)`` of each piece along an axis of length ``size`` (None: unknown)."""
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0 or (even and size is not None and size % sections):
            raise ValueError(
                f"ops.{name}: an axis of length {size} cannot be cut into {sections} "
                f"{'equal ' if even else ''}sections."
            )
        if size is None:
            return [(None, None)] * sections
        # The first size % sections pieces are one longer (as numpy.array_split).
        base, extra = divmod(size, sections)
        stops = list(itertools.accumulate(base + (i < extra) for i in range(sections)))
        return list(zip([0, *stops[:-1]], stops, strict=True))
    cuts = [0, *(int(index) for index in indices_or_sections), size]
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def _piece_length(size: int | None, start: int | None, stop: int | None) -> int | None:
    if size is not None:
        return len(range(*builtins.slice(start, stop).indices(size)))
    if start is None or stop is None or start < 0 or stop < 0:
        return None
    return builtins.max(0, stop - start)


def _cut(x: Any, indices_or_sections: Any, axis: int, even: bool, name: str) -> list:
    x = as_tensor(x)
    axis = axis % K.ndim(x)
    head = (builtins.slice(None),) * axis
    return [
        K.getitem(x, (*head, builtins.slice(start, stop)))
        for start, stop in _bounds(K.int_shape(x)[axis], indices_or_sections, even, name)
    ]


def _cut_spec(x: Any, indices_or_sections: Any, axis: int, even: bool, name: str) -> list:
    shape = list(x.shape)
    axis = axis % len(shape)
    pieces = []
    for start, stop in _bounds(shape[axis], indices_or_sections, even, name):
        shape[axis] = _piece_length(x.shape[axis], start, stop)
        pieces.append(KerasTensor(tuple(shape), dtype=x.dtype))
    return pieces


def _axis_of_rank(x: Any, axis: int, least_rank: int, name: str) -> int:
    rank = len(K.int_shape(x))
    if rank < least_rank:
        raise ValueError(
            f"ops.{name}: x must have rank {least_rank} or more, received rank {rank}."
        )
    return axis


def _hsplit_axis(x: Any) -> int:
    return 0 if len(K.int_shape(x)) == 1 else 1


@operation(
    infer=lambda x, indices_or_sections, axis=0: _cut_spec(
        x, indices_or_sections, axis, True, "split"
    )
)
def split(x, indices_or_sections, axis=0):
    """``x`` cut along ``axis`` into equal sections, or at the given indices; a list."""
    return _cut(x, indices_or_sections, axis, True, "split")


@operation(
    infer=lambda x, indices_or_sections, axis=0: _cut_spec(
        x, indices_or_sections, axis, False, "array_split"
    )
)
def array_split(x, indices_or_sections, axis=0):
    """``split`` that allows unequal sections: the first ``size % sections`` are one longer."""
    return _cut(x, indices_or_sections, axis, False, "array_split")


@operation(
    infer=lambda x, indices_or_sections: _cut_spec(
        x, indices_or_sections, _hsplit_axis(x), True, "hsplit"
    )
)
def hsplit(x, indices_or_sections):
    """``split`` along axis 1 (axis 0 of a vector)."""
    return _cut(x, indices_or_sections, _hsplit_axis(as_tensor(x)), True, "hsplit")


@operation(
    infer=lambda x, indices_or_sections: _cut_spec(
        x, indices_or_sections, _axis_of_rank(x, 0, 2, "vsplit"), True, "vsplit"
    )
)
def vsplit(x, indices_or_sections):
    """``split`` along axis 0 of an array of rank 2 or more."""
    return _cut(x, indices_or_sections, _axis_of_rank(x, 0, 2, "vsplit"), True, "vsplit")


@operation(
    infer=lambda x, indices_or_sections: _cut_spec(
        x, indices_or_sections, _axis_of_rank(x, 2, 3, "dsplit"), True, "dsplit"
    )
)
def dsplit(x, indices_or_sections):
    """``split`` along axis 2 of an array of rank 3 or more."""
    return _cut(x, indices_or_sections, _axis_of_rank(x, 2, 3, "dsplit"), True, "dsplit")
