"""The argument checks of ``resize``, and the shape it gives, shared by every backend."""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")


def resize_target(shape: tuple, size, interpolation: str, data_format) -> tuple[int, int, int]:
    """``(height axis, new height, new width)`` after checking every argument of ``resize``.

    ``size`` must be two positive ints and the images must have pixels;
    ``interpolation`` one of :data:`INTERPOLATIONS`.
    """
    if len(shape) not in (3, 4):
        raise ValueError(
            f"resize expects images of rank 3 (one image) or 4 (a batch), received shape {shape}."
        )
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"interpolation must be one of {INTERPOLATIONS}, "
            f"received interpolation={interpolation!r}."
        )
    size = tuple(size)
    if len(size) != 2 or any(
        isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim <= 0 for dim in size
    ):
        raise ValueError(f"size must be two positive ints (height, width), received size={size!r}.")
    channels_last = config.standardize_data_format(data_format) == "channels_last"
    axis = len(shape) - 3 if channels_last else len(shape) - 2
    if shape[axis] == 0 or shape[axis + 1] == 0:
        raise ValueError(f"resize expects images with pixels, received shape {shape}.")
    return axis, int(size[0]), int(size[1])
