"""Gathering by integer index, and its scatter-add gradient.

``take(x, indices, axis)`` is the lookup behind an embedding table: each
integer in ``indices`` selects one slice of ``x`` along ``axis``, and the
result has ``indices``' shape where that axis was. ``take_along_axis`` picks
one entry per position instead (``indices`` has ``x``'s rank), as reading
``x`` in the order ``argsort`` gives. Their gradients send each output's
gradient back to the entry it was read from, adding up entries read several
times (a token repeated in a sentence), which is a scatter-add.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend.numpy_backend.core import unwrap
from graphkeras.backend.numpy_backend.gradients import _cast_like, _v, unbroadcast


def _checked_positions(function: str, indices, size: int) -> np.ndarray:
    """``indices`` as an intp array; ValueError for float indices or one outside [-size, size)."""
    positions = np.asarray(unwrap(indices))
    if not np.issubdtype(positions.dtype, np.integer):
        raise ValueError(
            f"{function}() needs integer indices, received indices of dtype {positions.dtype}."
        )
    if positions.size and (positions.min() < -size or positions.max() >= size):
        raise ValueError(
            f"{function}() index out of range: the axis has size {size}, so indices must lie "
            f"in [{-size}, {size}); received indices from {positions.min()} to {positions.max()}."
        )
    return positions.astype(np.intp, copy=False)


def take(x, indices, axis=None) -> np.ndarray:
    """The slices of ``x`` at ``indices`` along ``axis`` (of the flattened ``x`` when None).

    Negative indices count from the end; an index outside ``[-n, n)`` raises
    ``ValueError`` naming the size ``n`` of the axis. Float indices are
    refused with ``ValueError`` (cast them to an integer dtype first).

    >>> take(np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([1, 1, 0]), axis=0).tolist()
    [[2.0, 3.0], [2.0, 3.0], [0.0, 1.0]]
    """
    array = unwrap(x)
    size = array.size if axis is None else array.shape[axis]
    return np.take(array, _checked_positions("take", indices, size), axis=axis)


def _along_axis_index(function: str, x_shape: tuple, indices, axis: int) -> tuple:
    """The fancy index that reads ``x[..., indices[...], ...]`` entry by entry along ``axis``.

    ``x`` and ``indices`` have the same rank; their other axes broadcast.
    Returns ``(index, shape)``: a tuple of integer arrays, one per axis, and
    the shape of ``x`` broadcast against ``indices`` (``x``'s length on ``axis``).
    """
    if not -len(x_shape) <= axis < len(x_shape):
        raise ValueError(f"{function}() axis {axis} is out of range for x of rank {len(x_shape)}.")
    axis %= len(x_shape)
    positions = _checked_positions(function, indices, x_shape[axis])
    if positions.ndim != len(x_shape):
        raise ValueError(
            f"{function}() needs indices of the same rank as x ({len(x_shape)}); "
            f"received indices of shape {positions.shape}."
        )
    others = [1 if i == axis else d for i, d in enumerate(x_shape)]
    index_others = [1 if i == axis else d for i, d in enumerate(positions.shape)]
    try:
        common = list(np.broadcast_shapes(tuple(others), tuple(index_others)))
    except ValueError:
        raise ValueError(
            f"{function}() needs x and indices to broadcast on every axis but {axis}; "
            f"received x of shape {x_shape} and indices of shape {positions.shape}."
        ) from None
    index = []
    for i, length in enumerate(common):
        if i == axis:
            index.append(
                np.broadcast_to(positions, common[:i] + [positions.shape[i]] + common[i + 1 :])
            )
        else:
            index.append(
                np.arange(length).reshape([-1 if j == i else 1 for j in range(len(common))])
            )
    common[axis] = x_shape[axis]
    return tuple(index), tuple(common)


def take_along_axis(x, indices, axis=None) -> np.ndarray:
    """``x`` read at ``indices`` along ``axis``, one entry per index.

    ``out[..., i, ...] = x[..., indices[..., i, ...], ...]`` with ``i`` on ``axis``.

    ``indices`` has ``x``'s rank (1-D with ``axis=None``, which reads the
    flattened ``x``); the other axes broadcast against each other. Negative
    indices count from the end; one outside ``[-n, n)`` or float indices raise
    ``ValueError``. The picks of ``argsort`` or ``top_k`` read this way.

    >>> take_along_axis(np.array([[10, 30, 20]]), np.array([[1, 2]]), axis=1).tolist()
    [[30, 20]]
    """
    array = np.asarray(unwrap(x))
    if axis is None:
        array, axis = array.reshape(-1), 0
    index, shape = _along_axis_index("take_along_axis", array.shape, indices, axis)
    return np.broadcast_to(array, shape)[index]


def take_gradient(upstream, output, arguments, needs) -> dict:
    """Scatter-add of the output's gradient back onto the rows that were read."""
    x = _v(arguments["x"])
    positions = np.asarray(_v(arguments["indices"]), dtype=np.intp)
    axis = arguments["axis"]
    if axis is None:
        flat = np.zeros(x.size, dtype=upstream.dtype)
        np.add.at(flat, positions.reshape(-1), upstream.reshape(-1))
        gradient = flat.reshape(x.shape)
    else:
        axis = axis % x.ndim
        # The gathered axis first, the axes before and after it flattened:
        # (rows, before, after), so one add.at adds every output slice to its row.
        before = int(np.prod(x.shape[:axis], dtype=np.int64))
        after = int(np.prod(x.shape[axis + 1 :], dtype=np.int64))
        grouped = np.zeros((x.shape[axis], before, after), dtype=upstream.dtype)
        slices = upstream.reshape(before, positions.size, after).transpose(1, 0, 2)
        np.add.at(grouped, positions.reshape(-1), slices)
        gradient = grouped.transpose(1, 0, 2).reshape(x.shape)
    return {"x": _cast_like(gradient, x)}


def take_along_axis_gradient(upstream, output, arguments, needs) -> dict:
    """Scatter-add of each output entry's gradient back to the entry of ``x`` it read."""
    x = _v(arguments["x"])
    axis = arguments["axis"]
    shape = (x.size,) if axis is None else x.shape
    index, broadcast_shape = _along_axis_index(
        "take_along_axis", shape, arguments["indices"], 0 if axis is None else axis
    )
    gradient = np.zeros(broadcast_shape, dtype=upstream.dtype)
    np.add.at(gradient, index, upstream)
    return {"x": _cast_like(unbroadcast(gradient, shape).reshape(x.shape), x)}


# Gradients flow into the gathered array only: the indices are integers.
GRADIENTS: dict = {
    "take": (take_gradient, ("x",)),
    "take_along_axis": (take_along_axis_gradient, ("x",)),
}
