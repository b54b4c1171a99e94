"""The random image augmentation layers at inference, as ONNX nodes.

ONNX carries the inference graph, where these layers draw nothing
(``training=False``; a call recorded with ``training=True`` is refused by
the graph walk). What each then computes, read from its ``call``:

- ``RandomBrightness`` and ``RandomContrast`` return their input unchanged,
  dtype included: one Identity (a Cast for integer images, whose output
  the model declares in the layer's float dtype; the values are the same).
- ``RandomFlip``, ``RandomRotation``, ``RandomTranslation`` and
  ``RandomZoom`` return their input in the layer's float dtype: a Cast for
  an input of another dtype (integer images), an Identity otherwise.
- ``RandomCrop`` cuts the largest centred window with the target's aspect
  ratio and, when that window is not the target size, resizes it
  bilinearly to the target, as ``CenterCrop`` does for small images; it
  needs the images' height and width when exporting.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_converters.image_resizing import (
    as_compute_dtype,
    as_declared_dtype,
    cut,
    image_axes,
    known_image_size,
    resized,
)
from graphkeras.export.onnx_registry import register_onnx_converter
from graphkeras.layers.image_augmentation.random_crop import aspect_window


def unchanged(call):
    """The input itself (``finish`` writes the Identity that names the layer's output)."""
    return as_declared_dtype(call, call.inputs[0], call.input_dtypes[0])


def in_compute_dtype(call):
    return as_compute_dtype(call, call.inputs[0])


def random_crop(call):
    """The centred aspect-ratio window, resized bilinearly when it is not the target size."""
    layer = call.layer
    image_size = known_image_size(call, layer.data_format, "RandomCrop at inference")
    size = (layer.height, layer.width)
    top, left, rows, columns = aspect_window(*image_size, *size)
    x = as_compute_dtype(call, call.inputs[0])
    if (rows, columns) != tuple(image_size):
        x = cut(call, x, image_axes(call, layer.data_format), [top, left], [rows, columns])
    if (rows, columns) == size:
        return x
    return resized(call, x, (rows, columns), size, "bilinear", False, layer.data_format)


for _class in (layers.RandomBrightness, layers.RandomContrast):
    register_onnx_converter(_class, unchanged)
for _class in (
    layers.RandomFlip,
    layers.RandomRotation,
    layers.RandomTranslation,
    layers.RandomZoom,
):
    register_onnx_converter(_class, in_compute_dtype)
register_onnx_converter(layers.RandomCrop, random_crop)
