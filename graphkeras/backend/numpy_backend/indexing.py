"""Gathering rows by integer index, and its scatter-add gradient.

``take(x, indices, axis)`` is the lookup behind an embedding table: each
integer in ``indices`` selects one slice of ``x`` along ``axis``, and the
result has ``indices``' shape where that axis was. Its gradient sends each
output slice back to the row it was read from, adding up the slices of rows
read several times (a token repeated in a sentence), which is a scatter-add.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend.numpy_backend.core import unwrap
from graphkeras.backend.numpy_backend.variable import Variable


def take(x, indices, axis=None) -> np.ndarray:
    """The slices of ``x`` at ``indices`` along ``axis`` (of the flattened ``x`` when None).

    Negative indices count from the end; an index outside ``[-n, n)`` raises
    ``ValueError`` naming the size ``n`` of the axis. Float indices are
    refused with ``ValueError`` (cast them to an integer dtype first).

    >>> take(np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([1, 1, 0]), axis=0).tolist()
    [[2.0, 3.0], [2.0, 3.0], [0.0, 1.0]]
    """
    array = unwrap(x)
    positions = np.asarray(unwrap(indices))
    if not np.issubdtype(positions.dtype, np.integer):
        raise ValueError(
            f"take() needs integer indices, received indices of dtype {positions.dtype}."
        )
    size = array.size if axis is None else array.shape[axis]
    if positions.size and (positions.min() < -size or positions.max() >= size):
        raise ValueError(
            f"take() index out of range: the axis has size {size}, so indices must lie in "
            f"[{-size}, {size}); received indices from {positions.min()} to {positions.max()}."
        )
    return np.take(array, positions.astype(np.intp, copy=False), axis=axis)


def _v(value) -> np.ndarray:
    return value.value if type(value) is Variable else np.asarray(value)


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
    if gradient.dtype != x.dtype:
        gradient = gradient.astype(x.dtype)
    return {"x": gradient}


# Gradients flow into the gathered array only: the indices are integers.
GRADIENTS: dict = {"take": (take_gradient, ("x",))}
