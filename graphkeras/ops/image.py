"""``gk.ops.image``: Keras 3's image operations (resizing, grayscale, padding, cropping, patches).

Images are rank 3 (one image) or rank 4 (a batch), channels last unless
``data_format='channels_first'`` (None: ``image_data_format()``).
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.operation import operation


@operation
def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Images of rank 3 or 4 resized to ``size=(height, width)``.

    'bilinear' and 'nearest' interpolation sample at half-pixel centers as
    Keras 3; antialiasing and the aspect-ratio options are not implemented
    and raise ValueError rather than giving other numbers.
    """
    if antialias or crop_to_aspect_ratio or pad_to_aspect_ratio:
        raise ValueError(
            "ops.image.resize: antialias, crop_to_aspect_ratio and pad_to_aspect_ratio are "
            "not supported by graphkeras."
        )
    return K.resize(
        as_float(images), tuple(size), interpolation=interpolation, data_format=data_format
    )


def _image_axes(images: Any, data_format: Any, name: str) -> tuple[str, int, int, int]:
    """``(data_format, height axis, width axis, channel axis)`` of rank-3 or rank-4 ``images``."""
    data_format = K.standardize_data_format(data_format)
    rank = K.ndim(images)
    if rank not in (3, 4):
        raise ValueError(
            f"ops.image.{name}: images must have rank 3 (one image) or 4 (a batch), "
            f"received shape {K.int_shape(images)}."
        )
    if data_format == "channels_last":
        return data_format, rank - 3, rank - 2, rank - 1
    return data_format, rank - 2, rank - 1, rank - 3


@operation
def rgb_to_grayscale(images, data_format=None):
    """RGB images as one-channel luma: ``0.2989 R + 0.5870 G + 0.1140 B`` (dtype kept)."""
    images = as_tensor(images)
    _, _, _, channel_axis = _image_axes(images, data_format, "rgb_to_grayscale")
    channels = K.int_shape(images)[channel_axis]
    if channels not in (1, 3):
        raise ValueError(
            "ops.image.rgb_to_grayscale: images must have 3 (RGB) or 1 (grayscale) channels, "
            f"received shape {K.int_shape(images)}."
        )
    if channels == 1:
        return K.tile(images, (1,) * K.ndim(images))
    values = as_float(images)
    shape = [1] * K.ndim(images)
    shape[channel_axis] = 3
    weights = K.reshape(K.convert_to_tensor([0.2989, 0.5870, 0.1140], K.dtype(values)), shape)
    gray = K.sum(K.multiply(values, weights), axis=channel_axis, keepdims=True)
    return K.cast(gray, K.dtype(images))


def _two_of(first: Any, second: Any, total: Any, names: str, name: str) -> None:
    if [first, second, total].count(None) != 1:
        raise ValueError(
            f"ops.image.{name}: give exactly two of {names}, received {first}, {second}, {total}."
        )
    for value in (first, second, total):
        if value is not None and value < 0:
            raise ValueError(
                f"ops.image.{name}: {names} must be >= 0, received {first}, {second}, {total}."
            )


@operation
def pad_images(
    images,
    top_padding=None,
    left_padding=None,
    bottom_padding=None,
    right_padding=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Images grown with zeros: two of top, bottom and target height (and of the widths) given."""
    images = as_tensor(images)
    _, height_axis, width_axis, _ = _image_axes(images, data_format, "pad_images")
    _two_of(
        top_padding,
        bottom_padding,
        target_height,
        "top_padding, bottom_padding, target_height",
        "pad_images",
    )
    _two_of(
        left_padding,
        right_padding,
        target_width,
        "left_padding, right_padding, target_width",
        "pad_images",
    )
    height, width = K.int_shape(images)[height_axis], K.int_shape(images)[width_axis]
    if top_padding is None:
        top_padding = target_height - bottom_padding - height
    if bottom_padding is None:
        bottom_padding = target_height - top_padding - height
    if left_padding is None:
        left_padding = target_width - right_padding - width
    if right_padding is None:
        right_padding = target_width - left_padding - width
    if min(top_padding, bottom_padding, left_padding, right_padding) < 0:
        raise ValueError(
            f"ops.image.pad_images: a {height} x {width} image cannot be padded to the target "
            f"size (paddings top {top_padding}, bottom {bottom_padding}, left {left_padding}, "
            f"right {right_padding})."
        )
    widths = [(0, 0)] * K.ndim(images)
    widths[height_axis] = (top_padding, bottom_padding)
    widths[width_axis] = (left_padding, right_padding)
    return K.pad(images, widths)


@operation
def crop_images(
    images,
    top_cropping=None,
    left_cropping=None,
    bottom_cropping=None,
    right_cropping=None,
    target_height=None,
    target_width=None,
    data_format=None,
):
    """Images cut down: two of top, bottom and target height (and of the widths) given."""
    images = as_tensor(images)
    _, height_axis, width_axis, _ = _image_axes(images, data_format, "crop_images")
    _two_of(
        top_cropping,
        bottom_cropping,
        target_height,
        "top_cropping, bottom_cropping, target_height",
        "crop_images",
    )
    _two_of(
        left_cropping,
        right_cropping,
        target_width,
        "left_cropping, right_cropping, target_width",
        "crop_images",
    )
    height, width = K.int_shape(images)[height_axis], K.int_shape(images)[width_axis]
    if top_cropping is None:
        top_cropping = height - target_height - bottom_cropping
    if target_height is None:
        target_height = height - bottom_cropping - top_cropping
    if left_cropping is None:
        left_cropping = width - target_width - right_cropping
    if target_width is None:
        target_width = width - right_cropping - left_cropping
    if (
        min(top_cropping, left_cropping, target_height, target_width) < 0
        or top_cropping + target_height > height
        or left_cropping + target_width > width
    ):
        raise ValueError(
            f"ops.image.crop_images: a {height} x {width} image cannot be cropped to "
            f"{target_height} x {target_width} from ({top_cropping}, {left_cropping})."
        )
    key = [slice(None)] * K.ndim(images)
    key[height_axis] = slice(top_cropping, top_cropping + target_height)
    key[width_axis] = slice(left_cropping, left_cropping + target_width)
    return K.getitem(images, tuple(key))


@operation
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches of ``size`` (height, width) as vectors: ``(..., rows, columns, h * w * channels)``.

    Each patch is flattened in (row, column, channel) order; ``strides``
    defaults to ``size`` (patches side by side). Computed, as in Keras 3,
    as a convolution with an identity kernel.
    """
    images = as_float(images)
    data_format, _, _, channel_axis = _image_axes(images, data_format, "extract_patches")
    patch_height, patch_width = (size, size) if isinstance(size, int) else tuple(size)
    channels = K.int_shape(images)[channel_axis]
    features = patch_height * patch_width * channels
    kernel = K.reshape(
        K.eye(features, dtype=K.dtype(images)), (patch_height, patch_width, channels, features)
    )
    single = K.ndim(images) == 3
    batch = K.expand_dims(images, 0) if single else images
    patches = K.conv(
        batch,
        kernel,
        strides=strides or size,
        padding=padding.lower(),
        data_format=data_format,
        dilation_rate=dilation_rate,
    )
    return K.squeeze(patches, 0) if single else patches
