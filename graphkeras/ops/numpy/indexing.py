"""Indexing and ordering ops of ``gk.ops.numpy``: gathering, sorting, locating in sorted bins.

Positions come back as int32, as in Keras 3. ``take`` and the sorts pass
gradients back to the entries they read; positions have none.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_tensor
from graphkeras.ops.operation import operation


@operation
def take(x, indices, axis=None):
    """The slices of ``x`` at integer ``indices`` along ``axis``."""
    return K.take(x, indices, axis=axis)


@operation
def take_along_axis(x, indices, axis=None):
    """Entries of ``x`` picked by ``indices`` along ``axis`` (as ``numpy.take_along_axis``)."""
    return K.take_along_axis(x, indices, axis=axis)


@operation
def sort(x, axis=-1):
    """``x`` sorted along ``axis``."""
    return K.sort(x, axis=axis)


@operation
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (a stable sort), int32."""
    return K.cast(K.argsort(x, axis=axis), "int32")


@operation
def digitize(x, bins):
    """The bin of each entry of ``x``: ``i`` with ``bins[i-1] <= x < bins[i]``, int32.

    ``bins`` is 1-D and increasing (or decreasing, where ``bins[i-1] > x >=
    bins[i]``); an entry below every bin gets 0, above every bin ``len(bins)``.
    """
    x, bins = as_tensor(x), as_tensor(bins)
    if K.ndim(bins) != 1:
        raise ValueError(f"ops.digitize: bins must be 1-D, received shape {K.int_shape(bins)}.")
    spread = K.expand_dims(x, -1)
    # Bins at or below x (NaN counts as above every bin, as in NumPy).
    at_or_below = K.sum(K.cast(K.logical_not(K.less(spread, bins)), "int32"), axis=-1)
    above = K.sum(K.cast(K.greater(bins, spread), "int32"), axis=-1)
    size = K.int_shape(bins)[0]
    increasing = K.greater_equal(K.getitem(bins, -1), K.getitem(bins, 0)) if size else True
    return K.cast(K.where(increasing, at_or_below, above), "int32")


@operation
def searchsorted(sorted_sequence, values, side="left"):
    """Where each of ``values`` would go in the 1-D ``sorted_sequence`` to keep it sorted, int32.

    ``side='left'`` gives the first such place, ``'right'`` the last.
    """
    sorted_sequence, values = as_tensor(sorted_sequence), as_tensor(values)
    if K.ndim(sorted_sequence) != 1:
        raise ValueError(
            "ops.searchsorted: sorted_sequence must be 1-D, received shape "
            f"{K.int_shape(sorted_sequence)}."
        )
    if side not in ("left", "right"):
        raise ValueError(f"ops.searchsorted: side must be 'left' or 'right', received {side!r}.")
    spread = K.expand_dims(values, -1)
    before = (
        K.less(sorted_sequence, spread) if side == "left" else K.less_equal(sorted_sequence, spread)
    )
    return K.cast(K.sum(K.cast(before, "int32"), axis=-1), "int32")


@operation
def unravel_index(indices, shape):
    """The coordinates in an array of ``shape`` of flat ``indices``: a tuple, one per axis."""
    indices = as_tensor(indices)
    coordinates = []
    for size in reversed(tuple(shape)):
        coordinates.append(K.mod(indices, size))
        indices = K.floor_divide(indices, size)
    return tuple(reversed(coordinates))
