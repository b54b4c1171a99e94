"""What a backend tells about any value's shape without touching its numbers.

The answers read only ``shape`` (arrays, Variables and symbolic
KerasTensors all have one), so every backend gives the same ones.
"""

from __future__ import annotations

import math

__all__ = ["count_params", "int_shape", "is_keras_tensor", "ndim"]


def int_shape(x) -> tuple:
    """The shape as a tuple of ints, ``None`` for unknown dims (KerasTensors)."""
    shape = getattr(x, "shape", None)
    if shape is None:
        if isinstance(x, (int, float, bool)):
            return ()
        raise TypeError(f"int_shape expected an array, Variable or KerasTensor, received {x!r}.")
    return tuple(shape)


def ndim(x) -> int:
    """Number of axes."""
    return len(int_shape(x))


def count_params(x) -> int:
    """Number of scalars in an array or variable."""
    return int(math.prod(int(dim) for dim in int_shape(x)))


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic KerasTensor (the engine marks that class)."""
    return bool(getattr(type(x), "_is_keras_tensor", False))
