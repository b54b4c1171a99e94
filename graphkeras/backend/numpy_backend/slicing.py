"""Dynamic slicing: reading and replacing a box of an array given by start indices.

``slice(inputs, start_indices, shape)`` reads the box that starts at
``start_indices`` (one int per axis, a list or an integer array, so they can
be computed) and has ``shape``; ``slice_update(inputs, start_indices,
updates)`` returns a copy of ``inputs`` with that box replaced by
``updates``. A box that does not fit inside ``inputs`` raises ``ValueError``
(JAX would silently move it inside; a silent shift hides an indexing bug).

Gradients: ``slice`` sends its gradient back into the box (zero elsewhere);
``slice_update`` sends the gradient outside the box to ``inputs`` and the
box's part to ``updates``. The start indices carry none.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend.common.slice_boxes import (
    box_slices,
    check_box_shape_argument,
    check_updates_rank,
    start_indices_error,
)
from graphkeras.backend.numpy_backend.core import unwrap
from graphkeras.backend.numpy_backend.gradients import _cast_like, _v


def _box(function: str, shape: tuple, start_indices, sizes) -> tuple:
    """The basic index (a slice per axis) of the box; ValueError when it does not fit.

    A size of -1 means "to the end of the axis", as Keras 3 allows for ``slice``.
    """
    starts = np.asarray(unwrap(start_indices))
    if starts.ndim != 1 or not (starts.size == 0 or np.issubdtype(starts.dtype, np.integer)):
        raise start_indices_error(function, start_indices)
    if len(starts) != len(shape) or len(sizes) != len(shape):
        raise ValueError(
            f"{function}() needs one start index and one size per axis of inputs "
            f"(rank {len(shape)}, shape {shape}); received start_indices={starts.tolist()} "
            f"and a box of shape {tuple(sizes)}."
        )
    return box_slices(function, shape, starts.tolist(), sizes)


def slice(inputs, start_indices, shape) -> np.ndarray:  # noqa: A001 - the Keras name
    """The box of ``inputs`` starting at ``start_indices`` with ``shape`` (a copy).

    >>> slice(np.arange(12).reshape(3, 4), [1, 2], (2, 2)).tolist()
    [[6, 7], [10, 11]]
    """
    check_box_shape_argument(shape)
    array = np.asarray(unwrap(inputs))
    return array[_box("slice", array.shape, start_indices, tuple(shape))].copy()


def slice_update(inputs, start_indices, updates) -> np.ndarray:
    """A copy of ``inputs`` with the box at ``start_indices`` replaced by ``updates``.

    ``updates`` has ``inputs``' rank; its values are cast to ``inputs``' dtype.
    """
    array = np.asarray(unwrap(inputs))
    replacement = np.asarray(unwrap(updates))
    check_updates_rank(array.ndim, replacement.shape)
    result = array.copy()
    result[_box("slice_update", array.shape, start_indices, replacement.shape)] = replacement
    return result


# ---------------------------------------------------------------- gradients


def slice_gradient(upstream, output, arguments, needs) -> dict:
    x = _v(arguments["inputs"])
    gradient = np.zeros(x.shape, dtype=upstream.dtype)
    gradient[_box("slice", x.shape, arguments["start_indices"], tuple(arguments["shape"]))] = (
        upstream
    )
    return {"inputs": _cast_like(gradient, x)}


def slice_update_gradient(upstream, output, arguments, needs) -> dict:
    x, updates = _v(arguments["inputs"]), _v(arguments["updates"])
    box = _box("slice_update", x.shape, arguments["start_indices"], updates.shape)
    result = {}
    if needs["inputs"]:
        gradient = upstream.copy()
        gradient[box] = 0
        result["inputs"] = _cast_like(gradient, x)
    if needs["updates"]:
        result["updates"] = _cast_like(upstream[box].copy(), updates)
    return result


GRADIENTS: dict = {
    "slice": (slice_gradient, ("inputs",)),
    "slice_update": (slice_update_gradient, ("inputs", "updates")),
}
