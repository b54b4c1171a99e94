"""Fitting images to an aspect ratio before a resize, as Keras 3 does.

``Resizing(crop_to_aspect_ratio=True)``, ``CenterCrop`` on small images and
``ops.image.resize`` all first cut (or pad) the image to the aspect ratio of
the target size, so the resize that follows stretches both axes equally.
The window is centred, its offset rounded down; a crop keeps at least one
pixel per axis. Both work on backend arrays (``K.getitem``, ``K.pad``), so
gradients flow through them.
"""

from __future__ import annotations

from graphkeras import backend as K


def _height_width_axes(rank: int, data_format) -> tuple[int, int]:
    if rank not in (3, 4):
        raise ValueError(
            f"Images must have rank 3 (one image) or 4 (a batch), received an array of rank {rank}."
        )
    if K.standardize_data_format(data_format) == "channels_last":
        return rank - 3, rank - 2
    return rank - 2, rank - 1


def aspect_ratio_crop_box(height: int, width: int, size) -> tuple[int, int, int, int]:
    """``(top, left, crop_height, crop_width)``: the largest centred window of ``size``'s ratio."""
    target_height, target_width = size
    crop_height = max(min(height, int(width * target_height / target_width)), 1)
    crop_width = max(min(width, int(height * target_width / target_height)), 1)
    return (height - crop_height) // 2, (width - crop_width) // 2, crop_height, crop_width


def crop_to_aspect_ratio(images, size, data_format=None):
    """``images`` cut to the centred window with the aspect ratio of ``size = (height, width)``."""
    height_axis, width_axis = _height_width_axes(K.ndim(images), data_format)
    shape = K.int_shape(images)
    top, left, crop_height, crop_width = aspect_ratio_crop_box(
        shape[height_axis], shape[width_axis], size
    )
    key = [slice(None)] * len(shape)
    key[height_axis] = slice(top, top + crop_height)
    key[width_axis] = slice(left, left + crop_width)
    return K.getitem(images, tuple(key))


def aspect_ratio_padding(height: int, width: int, size) -> tuple[int, int]:
    """``(rows, columns)`` added on each side to reach ``size``'s aspect ratio (one is 0).

    Each side gets half the shortfall, rounded down, so an odd shortfall
    leaves the padded image one pixel short, as Keras 3.
    """
    target_height, target_width = size
    padded_height = max(height, int(width * target_height / target_width))
    padded_width = max(width, int(height * target_width / target_height))
    if (padded_height - height) // 2 > 0:
        return (padded_height - height) // 2, 0
    return 0, max((padded_width - width) // 2, 0)


def pad_to_aspect_ratio(images, size, fill_value: float = 0.0, data_format=None):
    """``images`` padded evenly on the short side to the aspect ratio of ``size``.

    The margins are :func:`aspect_ratio_padding`'s; padding is ``fill_value``.
    """
    height_axis, width_axis = _height_width_axes(K.ndim(images), data_format)
    shape = K.int_shape(images)
    rows, columns = aspect_ratio_padding(shape[height_axis], shape[width_axis], size)
    if rows == 0 and columns == 0:
        return images
    pad_width = [(0, 0)] * len(shape)
    pad_width[height_axis] = (rows, rows)
    pad_width[width_axis] = (columns, columns)
    return K.pad(images, pad_width, constant_values=fill_value)
