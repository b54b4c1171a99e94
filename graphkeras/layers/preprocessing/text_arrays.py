"""Text values as NumPy unicode arrays: what the string layers compute on.

Keras keeps text as TensorFlow byte strings; graphkeras keeps it as NumPy
``str`` arrays. Inputs may be ``str`` arrays, ``bytes`` arrays (decoded
with the layer's ``encoding``), object arrays of either, or nested lists;
anything else (numbers) is a ``TypeError`` naming the layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.layers.value_checks import describe


def text_array(values: Any, layer, encoding: str = "utf-8") -> np.ndarray:
    """``values`` as a NumPy ``str`` array of the same shape."""
    array = np.asarray(K.convert_to_numpy(values) if K.is_tensor(values) else values)
    if array.dtype.kind == "U":
        return array
    if array.dtype.kind == "S":
        return np.char.decode(array, encoding)
    if array.dtype.kind == "O":
        flat = array.reshape(-1).tolist()
        if all(isinstance(item, str) for item in flat):
            return np.array(flat, dtype=str).reshape(array.shape)
        if all(isinstance(item, (str, bytes)) for item in flat):
            decoded = [item.decode(encoding) if isinstance(item, bytes) else item for item in flat]
            return np.array(decoded, dtype=str).reshape(array.shape)
    raise TypeError(
        f"{describe(layer)} reads text: an array of str or bytes; received an array of dtype "
        f"{array.dtype} and shape {array.shape}."
    )
