"""Image resizing on numpy arrays: ``resize`` (bilinear or nearest), with its gradient.

Resizing is separable: each output row is a fixed weighted sum of input rows,
and each output column of input columns. The weights form two small
interpolation matrices (output size by input size), so a resize is two
matrix products, ``rows @ image @ columns.T``, and its gradient the
transposed products.

The sampling grid is Keras 3's (``jax.image.resize`` without antialiasing,
and TensorFlow's ``half_pixel_centers``): output pixel ``i`` samples the
input at ``(i + 0.5) * input_size / output_size - 0.5``. Bilinear
interpolation weighs the two nearest input pixels, clamping at the borders;
nearest takes the input pixel that contains ``(i + 0.5) * input_size /
output_size``.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.numpy_backend.core import unwrap

_INTERPOLATIONS = ("bilinear", "nearest")


def _interpolation_matrix(output_size: int, input_size: int, interpolation: str, dtype):
    """``(output_size, input_size)`` weights: output pixel ``i`` is row ``i`` times the input."""
    matrix = np.zeros((output_size, input_size), dtype="float64")
    rows = np.arange(output_size)
    centers = (rows + 0.5) * (input_size / output_size)
    if interpolation == "nearest":
        matrix[rows, np.minimum(np.floor(centers).astype(np.intp), input_size - 1)] = 1.0
        return matrix.astype(dtype)
    position = np.clip(centers - 0.5, 0.0, input_size - 1)
    below = np.floor(position).astype(np.intp)
    above = np.minimum(below + 1, input_size - 1)
    fraction = position - below
    np.add.at(matrix, (rows, below), 1.0 - fraction)
    np.add.at(matrix, (rows, above), fraction)
    return matrix.astype(dtype)


def _resize_geometry(images: np.ndarray, size, interpolation: str, data_format):
    """``(channels_last, row matrix, column matrix)`` for resizing ``images`` to ``size``."""
    if images.ndim not in (3, 4):
        raise ValueError(
            "resize expects images of rank 3 (one image) or 4 (a batch), "
            f"received shape {images.shape}."
        )
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"interpolation must be one of {_INTERPOLATIONS}, "
            f"received interpolation={interpolation!r}."
        )
    size = tuple(size)
    if len(size) != 2 or any(
        isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or dim <= 0 for dim in size
    ):
        raise ValueError(f"size must be two positive ints (height, width), received size={size!r}.")
    channels_last = config.standardize_data_format(data_format) == "channels_last"
    height_axis = images.ndim - 3 if channels_last else images.ndim - 2
    height, width = images.shape[height_axis], images.shape[height_axis + 1]
    rows = _interpolation_matrix(int(size[0]), height, interpolation, images.dtype)
    columns = _interpolation_matrix(int(size[1]), width, interpolation, images.dtype)
    return channels_last, rows, columns


def _spatial_last(images: np.ndarray, channels_last: bool) -> np.ndarray:
    """Channels-last images with height and width moved to the last two axes."""
    if not channels_last:
        return images
    return np.moveaxis(images, -1, -3)


def _spatial_back(images: np.ndarray, channels_last: bool) -> np.ndarray:
    if not channels_last:
        return images
    return np.moveaxis(images, -3, -1)


def resize(images, size, interpolation: str = "bilinear", data_format=None) -> np.ndarray:
    """``images`` resized to ``size = (height, width)``.

    ``images`` is one image (rank 3) or a batch (rank 4), ``channels_last``
    or ``channels_first`` (``None``: ``image_data_format()``);
    ``interpolation`` is ``"bilinear"`` or ``"nearest"``. Integer images
    come back as ``floatx()``.
    """
    images = np.asarray(unwrap(images))
    if not np.issubdtype(images.dtype, np.floating):
        images = images.astype(config.floatx())
    channels_last, rows, columns = _resize_geometry(images, size, interpolation, data_format)
    resized = rows @ _spatial_last(images, channels_last) @ columns.T
    return np.ascontiguousarray(_spatial_back(resized, channels_last))


def resize_gradient(upstream, output, arguments, needs):
    """The transposed products: each input pixel gathers the weights it was given."""
    images = np.asarray(unwrap(arguments["images"]))
    channels_last, rows, columns = _resize_geometry(
        images, arguments["size"], arguments["interpolation"], arguments["data_format"]
    )
    upstream = _spatial_last(np.asarray(upstream, dtype=images.dtype), channels_last)
    gradient = rows.T @ upstream @ columns
    return {"images": np.ascontiguousarray(_spatial_back(gradient, channels_last))}


GRADIENTS: dict = {"resize": (resize_gradient, ("images",))}
