"""Image resizing on numpy arrays: ``resize``, with its gradient.

Resizing is separable: each output row is a fixed weighted sum of input rows,
and each output column of input columns. The weights form two small
interpolation matrices (output size by input size), so a resize is two
matrix products, ``rows @ image @ columns.T``, and its gradient the
transposed products.

The sampling grid is Keras 3's (``jax.image.resize``, and TensorFlow's
``half_pixel_centers``): output pixel ``i`` samples the input at
``(i + 0.5) * input_size / output_size - 0.5``.

- ``"nearest"`` takes the input pixel that contains
  ``(i + 0.5) * input_size / output_size``.
- ``"bilinear"``, ``"bicubic"``, ``"lanczos3"`` and ``"lanczos5"`` weigh the
  input pixels near the sample point by a kernel of the distance (a
  triangle, Keys' cubic with ``a = -0.5``, Lanczos of radius 3 or 5). Taps
  that fall outside the image are dropped and the rest renormalised to sum
  to one, as ``jax.image.scale_and_translate`` does. With ``antialias`` and
  a smaller output, the kernel is stretched by the shrink factor, so every
  input pixel contributes (a low-pass filter before sampling).
- ``"area"`` is TensorFlow's area resize: each output pixel is the mean of
  the input over the box it covers, ``[i, i + 1) * input_size /
  output_size``, partial pixels weighted by the fraction covered.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.resize_arguments import resize_target
from graphkeras.backend.numpy_backend.core import unwrap

# Column sums at or below this leave a column of zeros, as jax does (its float32 threshold).
_SMALLEST_WEIGHT_SUM = 1000.0 * float(np.finfo(np.float32).eps)


def _triangle(distance: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 1.0 - distance)


def _keys_cubic(distance: np.ndarray) -> np.ndarray:
    """Keys (1981) cubic convolution with ``a = -0.5``; zero from distance 2 on."""
    near = ((1.5 * distance - 2.5) * distance) * distance + 1.0
    far = ((-0.5 * distance + 2.5) * distance - 4.0) * distance + 2.0
    return np.where(distance >= 2.0, 0.0, np.where(distance >= 1.0, far, near))


def _lanczos(radius: int):
    def kernel(distance: np.ndarray) -> np.ndarray:
        safe = np.where(distance > 1e-3, distance, 1.0)
        value = radius * np.sin(np.pi * safe) * np.sin(np.pi * safe / radius) / (np.pi * safe) ** 2
        value = np.where(distance > 1e-3, value, 1.0)
        return np.where(distance > radius, 0.0, value)

    return kernel


_KERNELS = {
    "bilinear": _triangle,
    "bicubic": _keys_cubic,
    "lanczos3": _lanczos(3),
    "lanczos5": _lanczos(5),
}


def _nearest_matrix(output_size: int, input_size: int) -> np.ndarray:
    matrix = np.zeros((output_size, input_size))
    rows = np.arange(output_size)
    centers = (rows + 0.5) * (input_size / output_size)
    matrix[rows, np.minimum(np.floor(centers).astype(np.intp), input_size - 1)] = 1.0
    return matrix


def _area_matrix(output_size: int, input_size: int) -> np.ndarray:
    """Row ``i``: the share of input pixel ``j`` in output ``i``'s box, divided by the box size."""
    scale = input_size / output_size
    starts = np.arange(output_size)[:, None] * scale
    pixels = np.arange(input_size)[None, :]
    overlap = np.minimum(pixels + 1.0, starts + scale) - np.maximum(pixels, starts)
    return np.maximum(overlap, 0.0) / scale


def _kernel_matrix(output_size: int, input_size: int, interpolation: str, antialias: bool):
    """Row ``i``: the kernel weights of every input pixel for output ``i``, renormalised."""
    inverse_scale = input_size / output_size
    stretch = max(inverse_scale, 1.0) if antialias else 1.0
    samples = (np.arange(output_size) + 0.5) * inverse_scale - 0.5
    distances = np.abs(samples[:, None] - np.arange(input_size)[None, :]) / stretch
    weights = _KERNELS[interpolation](distances)
    sums = weights.sum(axis=1, keepdims=True)
    usable = np.abs(sums) > _SMALLEST_WEIGHT_SUM
    return np.where(usable, weights / np.where(usable, sums, 1.0), 0.0)


def _interpolation_matrix(
    output_size: int, input_size: int, interpolation: str, antialias: bool, dtype
):
    """``(output_size, input_size)`` weights: output pixel ``i`` is row ``i`` times the input."""
    if interpolation == "nearest":
        matrix = _nearest_matrix(output_size, input_size)
    elif interpolation == "area":
        matrix = _area_matrix(output_size, input_size)
    else:
        matrix = _kernel_matrix(output_size, input_size, interpolation, antialias)
    return matrix.astype(dtype)


def _resize_geometry(images: np.ndarray, size, interpolation: str, antialias: bool, data_format):
    """``(channels_last, row matrix, column matrix)`` for resizing ``images`` to ``size``."""
    axis, new_height, new_width = resize_target(images.shape, size, interpolation, data_format)
    channels_last = config.standardize_data_format(data_format) == "channels_last"
    height, width = images.shape[axis], images.shape[axis + 1]
    antialias = bool(antialias)
    rows = _interpolation_matrix(new_height, height, interpolation, antialias, images.dtype)
    columns = _interpolation_matrix(new_width, width, interpolation, antialias, images.dtype)
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


def resize(
    images, size, interpolation: str = "bilinear", antialias: bool = False, data_format=None
) -> np.ndarray:
    """``images`` resized to ``size = (height, width)``.

    ``images`` is one image (rank 3) or a batch (rank 4), ``channels_last``
    or ``channels_first`` (``None``: ``image_data_format()``);
    ``interpolation`` is one of ``"bilinear"``, ``"nearest"``,
    ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"`` or ``"area"``;
    ``antialias`` widens the kernel when shrinking (kernel methods only).
    Integer images come back as ``floatx()``.
    """
    images = np.asarray(unwrap(images))
    if not np.issubdtype(images.dtype, np.floating):
        images = images.astype(config.floatx())
    channels_last, rows, columns = _resize_geometry(
        images, size, interpolation, antialias, data_format
    )
    resized = rows @ _spatial_last(images, channels_last) @ columns.T
    return np.ascontiguousarray(_spatial_back(resized, channels_last))


def resize_gradient(upstream, output, arguments, needs):
    """The transposed products: each input pixel gathers the weights it was given."""
    images = np.asarray(unwrap(arguments["images"]))
    channels_last, rows, columns = _resize_geometry(
        images,
        arguments["size"],
        arguments.get("interpolation", "bilinear"),
        arguments.get("antialias", False),
        arguments.get("data_format"),
    )
    upstream = _spatial_last(np.asarray(upstream, dtype=images.dtype), channels_last)
    gradient = rows.T @ upstream @ columns
    return {"images": np.ascontiguousarray(_spatial_back(gradient, channels_last))}


GRADIENTS: dict = {"resize": (resize_gradient, ("images",))}
