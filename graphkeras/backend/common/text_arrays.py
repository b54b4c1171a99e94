"""Text as a numpy array: what ``convert_to_tensor(x, dtype="string")`` gives on every backend.

No backend has a string dtype of its own, so text stays a numpy unicode,
bytes or object array that the layers reading text accept; numbers are
refused for that dtype.
"""

from __future__ import annotations

import numpy as np


def text_array(x) -> np.ndarray:
    """``x`` as a numpy array of text, or a TypeError when it holds something else."""
    array = np.asarray(x)
    if array.dtype.kind not in "USO":
        raise TypeError(
            f"Expected text (an array of str or bytes) for dtype 'string', received an "
            f"array of dtype {array.dtype} and shape {array.shape}."
        )
    return array
