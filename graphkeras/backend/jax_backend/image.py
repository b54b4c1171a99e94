"""Image resampling on JAX arrays: ``resize`` and ``affine_transform``.

Both are Keras 3's image ops, computed by JAX's own samplers:

- ``resize`` is ``jax.image.resize`` on the height and width axes. Its grid
  is the half-pixel one (output pixel ``i`` samples the input at ``(i + 0.5)
  * input_size / output_size - 0.5``); ``"nearest"`` takes the pixel under
  each sample; ``"bilinear"``, ``"bicubic"`` (Keys, ``a = -0.5``),
  ``"lanczos3"`` and ``"lanczos5"`` weigh the pixels near it by their kernel,
  dropping taps outside the image and renormalising the rest (``antialias``
  stretches the kernel when shrinking); ``"area"`` averages the box each
  output pixel covers, partial pixels weighted by the fraction covered, as
  TensorFlow's area resize does. These are the numpy backend's rules.
- ``affine_transform`` reads each output pixel ``(x, y)`` (column, row) at
  ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``, ``k = c0 x + c1 y +
  1``, through ``jax.scipy.ndimage.map_coordinates``: ``"nearest"`` rounds
  half away from zero, ``"bilinear"`` blends the four pixels around the
  point, and ``fill_mode`` says what an index off the image reads
  (``"constant"``: ``fill_value``, blended at the border).

Both are linear in the images, and JAX differentiates them there.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy import ndimage

from graphkeras.backend import config
from graphkeras.backend.common.affine_transform_arguments import check_affine_transform_arguments
from graphkeras.backend.common.resize_arguments import resize_target
from graphkeras.backend.jax_backend.core import concrete_value, is_concrete, unwrap

__all__ = ["resize", "affine_transform"]

# --------------------------------------------------------------------- resize


def _resized_shape(images: jax.Array, size, interpolation: str, data_format) -> tuple:
    """The shape ``images`` get when resized to ``size``, after checking every argument."""
    axis, height, width = resize_target(images.shape, size, interpolation, data_format)
    shape = list(images.shape)
    shape[axis : axis + 2] = (height, width)
    return tuple(shape)


def resize(
    images, size, interpolation: str = "bilinear", antialias: bool = False, data_format=None
) -> jax.Array:
    """``images`` resized to ``size = (height, width)``.

    ``images`` is one image (rank 3) or a batch (rank 4), ``channels_last``
    or ``channels_first`` (``None``: ``image_data_format()``);
    ``interpolation`` is one of ``"bilinear"``, ``"nearest"``,
    ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"`` or ``"area"``;
    ``antialias`` widens the kernel when shrinking (kernel methods only).
    Integer images come back as ``floatx()``.
    """
    images = jnp.asarray(unwrap(images))
    if not jnp.issubdtype(images.dtype, jnp.floating):
        images = images.astype(config.floatx())
    shape = _resized_shape(images, size, interpolation, data_format)
    return jax.image.resize(images, shape, method=interpolation, antialias=bool(antialias))


# ----------------------------------------------------------- affine_transform


def _compute_dtype(images_dtype) -> np.dtype:
    """The float type sampling runs in: numpy's promotion of the images' type with float32."""
    compute = np.result_type(np.dtype(images_dtype), np.float32)
    if not np.issubdtype(compute, np.floating):
        compute = np.dtype(config.floatx())
    return compute


def _sample_points(transform: jax.Array, batch: int, height: int, width: int, dtype):
    """``(rows, columns)``, each ``(batch, height, width)``: where every output pixel reads."""
    rows = jnp.broadcast_to(jnp.reshape(transform.astype(dtype), (-1, 8)), (batch, 8))
    a0, a1, a2, b0, b1, b2, c0, c1 = (rows[:, i, None, None] for i in range(8))
    y, x = jnp.meshgrid(
        jnp.arange(height, dtype=dtype), jnp.arange(width, dtype=dtype), indexing="ij"
    )
    k = c0 * x + c1 * y + 1
    return (b0 * x + b1 * y + b2) / k, (a0 * x + a1 * y + a2) / k


def _fill_number(fill_value) -> float:
    """``fill_value`` as a Python float: ``map_coordinates`` bakes it into the compiled program."""
    if not is_concrete(fill_value):
        raise TypeError(
            "affine_transform: fill_value must be a number known while the call is traced "
            f"(a Python float or a concrete array), received a traced value {fill_value!r}."
        )
    value = concrete_value(fill_value)
    if value.size != 1:
        raise ValueError(
            f"affine_transform: fill_value must be one number, received shape {value.shape}."
        )
    return float(value.reshape(()))


def affine_transform(
    images,
    transform,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value=0.0,
    data_format=None,
) -> jax.Array:
    """``images`` (rank 3 or 4) resampled through ``transform`` ((8,) or (batch, 8)).

    See the module docstring for the mapping and the fill modes. The result
    has the images' dtype; integer images are rounded half away from zero.
    """
    images = jnp.asarray(unwrap(images))
    transform = jnp.asarray(unwrap(transform))
    check_affine_transform_arguments(images.shape, transform.shape, interpolation, fill_mode)
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    single = images.ndim == 3
    batch = images[None] if single else images
    if channels_first:
        batch = jnp.moveaxis(batch, 1, -1)
    dtype = _compute_dtype(images.dtype)
    count, height, width = batch.shape[:3]
    rows, columns = _sample_points(transform, count, height, width, dtype)
    fill = _fill_number(fill_value)
    order = 0 if interpolation == "nearest" else 1

    def sample(image, image_rows, image_columns):
        return ndimage.map_coordinates(
            image, [image_rows, image_columns], order=order, mode=fill_mode, cval=fill
        )

    # Over the channels (last axis of each image, sampled at the same points), then the batch.
    per_channel = jax.vmap(sample, in_axes=(-1, None, None), out_axes=-1)
    result = jax.vmap(per_channel)(batch.astype(dtype), rows, columns)
    if not jnp.issubdtype(images.dtype, jnp.floating):
        result = jnp.sign(result) * jnp.floor(jnp.abs(result) + 0.5)
    result = result.astype(images.dtype)
    if channels_first:
        result = jnp.moveaxis(result, -1, 1)
    return result[0] if single else result
