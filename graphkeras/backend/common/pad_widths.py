"""The ``pad_width`` argument of ``pad``, read as one ``(before, after)`` pair per axis."""

from __future__ import annotations

import numpy as np


def pad_widths(pad_width, ndim: int) -> tuple:
    """``pad_width`` (an int, one ``(before, after)`` pair, or one per axis) as pairs.

    It is read as Python numbers: it fixes the shape of the result.
    """
    try:
        widths = np.asarray(pad_width)
        if not np.issubdtype(widths.dtype, np.integer):
            raise TypeError
        widths = np.broadcast_to(widths, (ndim, 2))
    except (TypeError, ValueError):
        raise ValueError(
            "pad_width must be an int, a (before, after) pair, or one (before, after) pair per "
            f"axis of the input (rank {ndim}), received pad_width={pad_width!r}."
        ) from None
    if (widths < 0).any():
        raise ValueError(f"pad_width must not be negative, received pad_width={pad_width!r}.")
    return tuple((int(before), int(after)) for before, after in widths)
