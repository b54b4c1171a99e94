"""Copying between strided arrays a contiguous run at a time.

The convolution kernels gather windows and regroup channels with copies
whose innermost stretch is a few dozen contiguous elements; NumPy's strided
copy steps element by element, so :func:`copy_in_runs` hands it whole runs
as single opaque items instead.
"""

from __future__ import annotations

import numpy as np


def copy_in_runs(target: np.ndarray, source: np.ndarray) -> None:
    """``np.copyto(target, source)`` (same shape and dtype), a contiguous run at a time.

    The trailing axes along which both arrays are contiguous are viewed as
    one opaque item, so the copy moves whole runs (a window's row of pixels
    and channels) instead of looping over their elements: several times
    fewer, longer steps for NumPy's strided copy.
    """
    size, merged = target.itemsize, 0
    for axis in reversed(range(target.ndim if target.dtype == source.dtype else 0)):
        if target.strides[axis] != size or source.strides[axis] != size:
            break
        size *= target.shape[axis]
        merged += 1
    for _ in range(merged if target.size else 0):
        item = np.dtype((np.void, target.itemsize * target.shape[-1]))
        target, source = target.view(item)[..., 0], source.view(item)[..., 0]
    np.copyto(target, source)
