"""The box ``slice`` and ``slice_update`` read or write, checked alike by every backend.

A box starts at ``start_indices`` (one int per axis) and has a size per
axis; a size of -1 means "to the end of the axis", as Keras 3 allows for
``slice``. The box must fit inside the input.
"""

from __future__ import annotations

import builtins

import numpy as np


def check_box_shape_argument(shape) -> None:
    """``slice``'s ``shape`` (the box's sizes) is a list or tuple of ints."""
    if not isinstance(shape, (list, tuple, np.ndarray)):
        raise TypeError(f"slice() needs shape as a list or tuple of ints, received {shape!r}.")


def check_updates_rank(rank: int, updates_shape: tuple) -> None:
    """``slice_update``'s ``updates`` have the rank of its ``inputs``."""
    if len(updates_shape) != rank:
        raise ValueError(
            f"slice_update() needs updates of the same rank as inputs ({rank}); "
            f"received updates of shape {updates_shape}."
        )


def start_indices_error(function: str, start_indices) -> ValueError:
    """The error for ``start_indices`` that are not a list of ints, one per axis."""
    return ValueError(
        f"{function}() needs start_indices as a list of ints, one per axis; "
        f"received {start_indices!r}."
    )


def box_slices(function: str, shape: tuple, starts: list, sizes) -> tuple:
    """The basic index (a slice per axis) of the box; ValueError when it does not fit."""
    box = []
    for axis, (start, size, length) in enumerate(zip(starts, sizes, shape, strict=True)):
        size = length - start if size == -1 else int(size)
        if start < 0 or size < 0 or start + size > length:
            raise ValueError(
                f"{function}() box does not fit on axis {axis} of inputs of shape {shape}: "
                f"it starts at {start} with size {size}, so it needs 0 <= start and "
                f"start + size <= {length}."
            )
        box.append(builtins.slice(start, start + size))
    return tuple(box)
