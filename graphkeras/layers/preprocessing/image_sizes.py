"""What ``Resizing`` and ``CenterCrop`` share: the target size and the image axes.

Both take a target ``height`` and ``width`` and work on one image (rank 3)
or a batch (rank 4) in ``data_format``. Integer images come back in their
own dtype, rounded and clipped to its range, as Keras 3 does.
"""

from __future__ import annotations

import numpy as np

from graphkeras import backend as K
from graphkeras.layers.value_checks import describe, is_int


def positive_size(value, argument: str, layer) -> int:
    if not is_int(value) or value <= 0:
        raise ValueError(
            f"{describe(layer)}: {argument} must be a positive int, received {argument}={value!r}."
        )
    return int(value)


def height_width_axes(input_shape, data_format: str, layer) -> tuple[int, int]:
    """The height and width axes of images of ``input_shape``; other ranks raise."""
    rank = len(input_shape)
    if rank not in (3, 4):
        raise ValueError(
            f"{describe(layer)} expects images of rank 3 (one image) or 4 (a batch), received "
            f"input shape {tuple(input_shape)}."
        )
    if data_format == "channels_last":
        return rank - 3, rank - 2
    return rank - 2, rank - 1


def resized_shape(input_shape, height: int, width: int, data_format: str, layer) -> tuple:
    """``input_shape`` with its height and width replaced."""
    height_axis, width_axis = height_width_axes(input_shape, data_format, layer)
    shape = list(input_shape)
    shape[height_axis], shape[width_axis] = height, width
    return tuple(shape)


def saturate_to(images, dtype: str):
    """Float ``images`` back in an integer ``dtype``: rounded, clipped to its range, cast."""
    limits = np.iinfo(dtype)
    return K.cast(K.clip(K.round(images), float(limits.min), float(limits.max)), dtype)
