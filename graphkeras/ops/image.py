"""``gk.ops.image``: Keras 3's image operations (resizing, grayscale, padding, cropping, patches).

Images are rank 3 (one image) or rank 4 (a batch), channels last unless
``data_format='channels_first'`` (None: ``image_data_format()``).
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.operation import operation
from graphkeras.utils import image_utils


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
    """Images of rank 3 or 4 resized to ``size=(height, width)``, as Keras 3.

    Interpolation is one of 'bilinear', 'nearest', 'bicubic', 'lanczos3',
    'lanczos5' or 'area' (see ``K.resize``); ``crop_to_aspect_ratio`` first
    cuts the centred window with the target's aspect ratio,
    ``pad_to_aspect_ratio`` first pads the short side with ``fill_value``.
    """
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "ops.image.resize: only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be "
            "True."
        )
    if fill_mode != "constant":
        raise ValueError(
            f"ops.image.resize: fill_mode must be 'constant', received fill_mode={fill_mode!r}."
        )
    images = as_float(images)
    size = tuple(size)
    if crop_to_aspect_ratio:
        images = image_utils.crop_to_aspect_ratio(images, size, data_format)
    elif pad_to_aspect_ratio:
        images = image_utils.pad_to_aspect_ratio(images, size, fill_value, data_format)
    return K.resize(
        images, size, interpolation=interpolation, antialias=antialias, data_format=data_format
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


def _margins(
    before: Any, after: Any, target: Any, size: int, growing: bool, names: str, name: str
) -> tuple[int, int]:
    """The margins before and after an axis of ``size``, from two of ``before, after, target``.

    Padding (``growing``) adds them to reach ``target``; cropping removes
    them to leave ``target``.
    """
    if [before, after, target].count(None) != 1:
        raise ValueError(
            f"ops.image.{name}: give exactly two of {names}, received {before}, {after}, {target}."
        )
    if target is None:
        target = size + before + after if growing else size - before - after
    outer, inner = (target, size) if growing else (size, target)
    before = outer - inner - after if before is None else before
    after = outer - inner - before if after is None else after
    if min(before, after, target) < 0:
        raise ValueError(
            f"ops.image.{name}: an axis of length {size} cannot have {names} of {before}, "
            f"{after}, {target}."
        )
    return before, after


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
    height, width = K.int_shape(images)[height_axis], K.int_shape(images)[width_axis]
    vertical = _margins(
        top_padding,
        bottom_padding,
        target_height,
        height,
        True,
        "top_padding, bottom_padding, target_height",
        "pad_images",
    )
    horizontal = _margins(
        left_padding,
        right_padding,
        target_width,
        width,
        True,
        "left_padding, right_padding, target_width",
        "pad_images",
    )
    widths = [(0, 0)] * K.ndim(images)
    widths[height_axis] = vertical
    widths[width_axis] = horizontal
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
    height, width = K.int_shape(images)[height_axis], K.int_shape(images)[width_axis]
    top, bottom = _margins(
        top_cropping,
        bottom_cropping,
        target_height,
        height,
        False,
        "top_cropping, bottom_cropping, target_height",
        "crop_images",
    )
    left, right = _margins(
        left_cropping,
        right_cropping,
        target_width,
        width,
        False,
        "left_cropping, right_cropping, target_width",
        "crop_images",
    )
    key = [slice(None)] * K.ndim(images)
    key[height_axis] = slice(top, height - bottom)
    key[width_axis] = slice(left, width - right)
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
