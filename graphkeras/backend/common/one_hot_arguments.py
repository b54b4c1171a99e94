"""The argument checks of ``one_hot``, shared by every backend."""

from __future__ import annotations

import numpy as np


def check_one_hot_arguments(num_classes, axis: int, input_ndim: int) -> None:
    """``num_classes`` a non-negative int; ``axis`` an axis of the result.

    The result has rank ``input_ndim + 1``: the new axis of classes is added.
    """
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool):
        raise TypeError(f"one_hot() needs an int num_classes, received {num_classes!r}.")
    if num_classes < 0:
        raise ValueError(f"one_hot() needs num_classes >= 0, received {num_classes}.")
    if not -(input_ndim + 1) <= axis <= input_ndim:
        raise ValueError(
            f"one_hot() axis {axis} is out of range for a result of rank {input_ndim + 1}."
        )
