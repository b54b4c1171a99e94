"""Projective image transforms on numpy arrays: ``affine_transform``, with its image gradient.

Each output pixel ``(x, y)`` (column, row) reads the input at the point the
transform row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps it to::

    x_in = (a0 x + a1 y + a2) / k,   y_in = (b0 x + b1 y + b2) / k,   k = c0 x + c1 y + 1

so the transform runs from output to input (the inverse of the motion the
image undergoes). This is Keras 3's ``ops.image.affine_transform``; its
JAX backend samples with ``jax.scipy.ndimage.map_coordinates``, whose rules
are followed here:

- ``"nearest"`` interpolation rounds the point half away from zero;
  ``"bilinear"`` weighs the four pixels around it.
- Each pixel index a sample needs is brought back into the image by
  ``fill_mode``: ``"reflect"`` (``d c b a | a b c d | d c b a``), ``"mirror"``
  (``d c b | a b c d | c b a``), ``"wrap"`` (``a b c d | a b c d``),
  ``"nearest"`` (``a a | a b c d | d d``); ``"constant"`` reads
  ``fill_value`` for an index outside the image, so a bilinear sample at the
  border blends the image with ``fill_value``.

The result is linear in the images for a fixed transform, so the gradient
with respect to the images scatters the upstream gradient back along the
same samples and weights. The transform gets no gradient (as in Keras).
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.affine_transform_arguments import check_affine_transform_arguments
from graphkeras.backend.numpy_backend.core import unwrap


def _round_half_away_from_zero(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def _mirror_index(index: np.ndarray, size: int) -> np.ndarray:
    """``d c b | a b c d | c b a``: a triangular wave of half-period ``size - 1``."""
    if size == 1:
        return np.zeros_like(index)
    period = size - 1
    return np.abs((index + period) % (2 * period) - period)


def _reflect_index(index: np.ndarray, size: int) -> np.ndarray:
    """``d c b a | a b c d | d c b a``: mirroring about the pixel edges, not their centres."""
    return (_mirror_index(2 * index + 1, 2 * size + 1) - 1) // 2


_INDEX_FIXERS = {
    "constant": lambda index, size: np.clip(index, 0, size - 1),
    "nearest": lambda index, size: np.clip(index, 0, size - 1),
    "wrap": lambda index, size: index % size,
    "mirror": _mirror_index,
    "reflect": _reflect_index,
}


def _axis_samples(coordinate: np.ndarray, size: int, interpolation: str, fill_mode: str):
    """``[(index, weight, inside)]`` along one axis: the pixels a coordinate reads, fixed up.

    ``inside`` is False only in ``"constant"`` mode, for an index off the image.
    """
    if interpolation == "nearest":
        nodes = [(_round_half_away_from_zero(coordinate), np.ones_like(coordinate))]
    else:
        lower = np.floor(coordinate)
        upper_weight = coordinate - lower
        nodes = [(lower, 1 - upper_weight), (lower + 1, upper_weight)]
    samples = []
    for index, weight in nodes:
        index = index.astype(np.int64)
        inside = (index >= 0) & (index < size) if fill_mode == "constant" else None
        samples.append((_INDEX_FIXERS[fill_mode](index, size), weight, inside))
    return samples


class _Sampling:
    """Where and how strongly each output pixel reads the channels-last batch it samples."""

    def __init__(self, images: np.ndarray, transform: np.ndarray, interpolation, fill_mode):
        batch, height, width = images.shape[:3]
        compute = np.result_type(images.dtype, np.float32)
        if not np.issubdtype(compute, np.floating):
            compute = np.dtype(config.floatx())
        rows = np.broadcast_to(np.asarray(transform, dtype=compute).reshape(-1, 8), (batch, 8))
        a0, a1, a2, b0, b1, b2, c0, c1 = (rows[:, i, None, None] for i in range(8))
        y, x = np.meshgrid(
            np.arange(height, dtype=compute), np.arange(width, dtype=compute), indexing="ij"
        )
        k = c0 * x + c1 * y + 1
        self.x_samples = _axis_samples((a0 * x + a1 * y + a2) / k, width, interpolation, fill_mode)
        self.y_samples = _axis_samples((b0 * x + b1 * y + b2) / k, height, interpolation, fill_mode)
        self.batch_index = np.arange(batch)[:, None, None]
        self.compute_dtype = compute

    def corners(self):
        """``(rows, columns, weight, inside)`` for each pixel a sample blends."""
        for rows, row_weight, row_inside in self.y_samples:
            for columns, column_weight, column_inside in self.x_samples:
                if row_inside is None:
                    inside = None
                else:
                    inside = row_inside & column_inside
                yield rows, columns, (row_weight * column_weight)[..., None], inside


def _channels_last_batch(images: np.ndarray, data_format) -> tuple[np.ndarray, bool, bool]:
    """``(batch, single, channels_first)``: images as a channels-last batch, and how to undo it."""
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    single = images.ndim == 3
    batch = images[None] if single else images
    if channels_first:
        batch = np.moveaxis(batch, 1, -1)
    return batch, single, channels_first


def _restore_layout(batch: np.ndarray, single: bool, channels_first: bool) -> np.ndarray:
    if channels_first:
        batch = np.moveaxis(batch, -1, 1)
    return np.ascontiguousarray(batch[0] if single else batch)


def affine_transform(
    images,
    transform,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value=0.0,
    data_format=None,
) -> np.ndarray:
    """``images`` (rank 3 or 4) resampled through ``transform`` ((8,) or (batch, 8)).

    See the module docstring for the mapping and the fill modes. The result
    has the images' dtype; integer images are rounded half away from zero.
    """
    images = np.asarray(unwrap(images))
    transform = np.asarray(unwrap(transform))
    check_affine_transform_arguments(images.shape, transform.shape, interpolation, fill_mode)
    batch, single, channels_first = _channels_last_batch(images, data_format)
    sampling = _Sampling(batch, transform, interpolation, fill_mode)
    values = batch.astype(sampling.compute_dtype, copy=False)
    fill = np.asarray(fill_value, dtype=sampling.compute_dtype)
    result = np.zeros(values.shape, dtype=sampling.compute_dtype)
    for rows, columns, weight, inside in sampling.corners():
        read = values[sampling.batch_index, rows, columns]
        if inside is not None:
            read = np.where(inside[..., None], read, fill)
        result += weight * read
    if not np.issubdtype(images.dtype, np.floating):
        result = _round_half_away_from_zero(result)
    return _restore_layout(result.astype(images.dtype), single, channels_first)


def affine_transform_gradient(upstream, output, arguments, needs):
    """Each sample's upstream gradient, times its weight, added to the pixel it read."""
    images = np.asarray(unwrap(arguments["images"]))
    transform = np.asarray(unwrap(arguments["transform"]))
    batch, single, channels_first = _channels_last_batch(images, arguments["data_format"])
    sampling = _Sampling(batch, transform, arguments["interpolation"], arguments["fill_mode"])
    upstream, _, _ = _channels_last_batch(np.asarray(upstream), arguments["data_format"])
    gradient = np.zeros(batch.shape, dtype=images.dtype)
    for rows, columns, weight, inside in sampling.corners():
        contribution = upstream * weight
        if inside is not None:
            contribution = np.where(inside[..., None], contribution, 0.0)
        batch_index = np.broadcast_to(sampling.batch_index, rows.shape)
        np.add.at(gradient, (batch_index, rows, columns), contribution)
    return {"images": _restore_layout(gradient, single, channels_first)}


GRADIENTS: dict = {"affine_transform": (affine_transform_gradient, ("images",))}
