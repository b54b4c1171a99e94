"""Copying between strided arrays a contiguous run at a time.

The convolution kernels gather windows and regroup channels with copies
whose innermost stretch is a few dozen contiguous elements; NumPy's strided
copy steps element by element, so :func:`copy_in_runs` hands it whole runs
as single opaque items instead.
"""

from __future__ import annotations

import numpy as np


def runs_of(target: np.ndarray, source: np.ndarray, kept_axes: int = 0) -> tuple:
    """``(target, source)`` viewed so that each contiguous run is one opaque item.

    The trailing axes along which both arrays are contiguous (and of the
    same dtype and extent) merge into one item of that many bytes; the first
    ``kept_axes`` axes never merge and may differ in extent, so views made
    once for a whole batch can be sliced chunk by chunk. ``np.copyto``
    between the two views copies what it would between the arrays, in
    several times fewer, longer steps.
    """
    size, merged = target.itemsize, 0
    for axis in range(-1, kept_axes - min(target.ndim, source.ndim) - 1, -1):
        if target.dtype != source.dtype or target.shape[axis] != source.shape[axis]:
            break
        if target.strides[axis] != size or source.strides[axis] != size:
            break
        size *= target.shape[axis]
        merged += 1
    for _ in range(merged if target.size and source.size else 0):
        item = np.dtype((np.void, target.itemsize * target.shape[-1]))
        target, source = target.view(item)[..., 0], source.view(item)[..., 0]
    return target, source


def copy_in_runs(target: np.ndarray, source: np.ndarray) -> None:
    """``np.copyto(target, source)`` (same shape), a contiguous run at a time (:func:`runs_of`)."""
    np.copyto(*runs_of(target, source))
