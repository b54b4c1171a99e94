"""Resizing, CenterCrop and bilinear UpSampling2D as ONNX nodes, with ``K.resize``'s numbers.

graphkeras resizes on the half-pixel grid (see the numpy backend's
``image.py``): output pixel ``i`` samples the input at ``(i + 0.5) / scale
- 0.5``, ``scale = output_size / input_size``. Each interpolation is written
with the ONNX form that computes the same numbers:

- ``"nearest"`` takes pixel ``floor((i + 0.5) / scale)``. ONNX Resize's
  ``nearest`` mode with ``half_pixel`` coordinates and ``round_prefer_ceil``
  rounds ``(i + 0.5) / scale - 0.5`` half up, which is that same floor.
- ``"bilinear"`` weighs the two pixels around the sample by a triangle and
  drops a tap outside the image, renormalising the other: at the border the
  result is the edge pixel, which is what Resize's ``linear`` mode reads (it
  clamps the sample into the image).
- ``"bicubic"`` is Keys' cubic with ``a = -0.5``, taps outside the image
  dropped and the rest renormalised: Resize's ``cubic`` mode with
  ``cubic_coeff_a=-0.5`` and ``exclude_outside=1``. Shrinking with
  ``antialias`` stretches the kernel by the shrink factor; so does Resize's
  ``antialias=1``, which exists from opset 18. A channels-last shrink of
  known size is written as matrices (below): onnxruntime's layout optimizer
  moves the transposes around the Resize, and its kernel then refuses a
  cubic shrink on channels-last images.
- ``"lanczos3"``, ``"lanczos5"``, ``"area"``, and ``"bilinear"`` shrinking
  with ``antialias`` (onnxruntime's antialiased linear mode gives other
  numbers) have no Resize form. They are written as the computation
  graphkeras itself runs: two matrix products, ``rows @ image @ columns^T``,
  with graphkeras's interpolation matrices as initializers. These need the
  input's height and width when exporting.

Resize always runs on ``(batch, channels, height, width)`` (a channels-last
input is transposed there and back): runtimes implement the interpolating
modes on the two innermost axes (onnxruntime's cubic mode only there). The
runtime computes the sample positions in float32 from a float32 scale,
graphkeras in float64 before rounding the weights to float32: a position
is off by a few float32 ulps of the input size, so an interpolated value
is off by that fraction of the step between neighbouring pixels (of the
order of the input size times 1e-7 of the step, measured with
onnxruntime).
``"nearest"`` picks the same pixels exactly. Integer images, whose results
are rounded, are resized with the matrices, so halves round as in
graphkeras.
"""

from __future__ import annotations

import numpy as np

from graphkeras import layers
from graphkeras.backend.numpy_backend.image import _interpolation_matrix
from graphkeras.export.onnx_converters.spatial_layout import (
    from_channels_first,
    to_channels_first,
)
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_registry import register_onnx_converter
from graphkeras.utils import image_utils

_FIRST_OPSET_WITH_ANTIALIAS = 18
"""Resize gains ``antialias`` (and ``axes``) at opset 18."""


def describe(layer) -> str:
    return f"{type(layer).__name__} layer '{layer.name}'"


# ---------------------------------------------------------------- image geometry
def image_axes(call, data_format: str) -> tuple[int, int]:
    """The height and width axes of the call's batch of images; other ranks are refused.

    A rank-3 input is one image to the layer, its first axis the height:
    the exported graph keeps the first axis as the batch, so it is refused.
    """
    shape = call.input_shapes[0]
    if len(shape) != 4:
        raise OnnxExportError(
            f"{describe(call.layer)}: ONNX export writes batches of images (rank 4); received "
            f"input shape {shape}, whose first axis the layer would treat as image rows."
        )
    return (1, 2) if data_format == "channels_last" else (2, 3)


def known_image_size(call, data_format: str, purpose: str) -> tuple[int, int]:
    """The input's static ``(height, width)``; refused when either is unknown."""
    height_axis, width_axis = image_axes(call, data_format)
    shape = call.input_shapes[0]
    height, width = shape[height_axis], shape[width_axis]
    if height is None or width is None:
        raise OnnxExportError(
            f"{describe(call.layer)}: {purpose} needs the images' height and width when "
            f"exporting; received input shape {shape}. Give the Input a fixed image size."
        )
    return height, width


def cut(call, x: str, axes, starts, sizes) -> str:
    """The box of ``x`` starting at ``starts`` with ``sizes`` along ``axes`` (one Slice)."""
    ends = [start + size for start, size in zip(starts, sizes, strict=True)]
    return call.add(
        "Slice",
        [
            x,
            call.int64s(starts, "starts"),
            call.int64s(ends, "ends"),
            call.int64s(axes, "axes"),
        ],
    )


def cut_to_aspect_ratio(call, x: str, image_size, size, data_format: str) -> str:
    """``image_utils.crop_to_aspect_ratio``: the centred window with ``size``'s aspect ratio."""
    top, left, rows, columns = image_utils.aspect_ratio_crop_box(*image_size, size)
    if (rows, columns) == tuple(image_size):
        return x
    return cut(call, x, image_axes(call, data_format), [top, left], [rows, columns])


def as_declared_dtype(call, x: str, dtype: str) -> str:
    """``x`` (of ``dtype``) in the dtype the model declares for the layer's output.

    Called on integer images, ``Resizing`` and the brightness and contrast
    layers return the images' own dtype while their output KerasTensor (as
    in Keras 3) declares the layer's float dtype; the graph keeps the
    declared type, holding the same whole-number values.
    """
    declared = str(call.node.output_tensors[0].dtype)
    return x if declared == dtype else call.cast(x, declared)


def as_compute_dtype(call, x: str) -> str:
    if call.input_dtypes[0] == call.dtype:
        return x
    return call.cast(x, call.dtype)


# ---------------------------------------------------------------- resizing
def _resize_attributes(call, interpolation: str, antialias: bool, image_size, size, data_format):
    """Resize's attributes for this resize, or None when it is written as matrices."""
    known = all(dim is not None for dim in image_size)
    shrinks = not known or any(target < dim for dim, target in zip(image_size, size, strict=True))
    if interpolation == "nearest":
        return {
            "mode": "nearest",
            "coordinate_transformation_mode": "half_pixel",
            "nearest_mode": "round_prefer_ceil",
        }
    if interpolation == "bilinear" and not (antialias and shrinks):
        return {"mode": "linear", "coordinate_transformation_mode": "half_pixel"}
    if interpolation != "bicubic":
        return None
    cubic = {
        "mode": "cubic",
        "coordinate_transformation_mode": "half_pixel",
        "cubic_coeff_a": -0.5,
        "exclude_outside": 1,
    }
    if antialias and shrinks:
        return {**cubic, "antialias": 1} if call.opset >= _FIRST_OPSET_WITH_ANTIALIAS else None
    if shrinks and known and data_format == "channels_last":
        # onnxruntime's layout optimizer moves the transposes around this Resize, and its
        # kernel then refuses a cubic shrink on channels-last images: the matrices are exact.
        return None
    return cubic


def _resize_node(call, x: str, size, attributes: dict, scales=None) -> str:
    """One Resize of channels-first ``x`` to ``size`` (or by ``scales``) on its last two axes.

    Sizes and scales name every axis, the batch and channels kept, also from
    opset 18 on, where ``axes`` could name only the last two: onnxruntime's
    transpose optimizer permutes a two-entry sizes input as if it named
    every axis, and the graph then fails to run.
    """
    if scales is not None:
        whole = call.constant([1.0, 1.0, *scales], "float32", role="scales")
        return call.add("Resize", [x, "", whole], **attributes)
    leading = call.add(
        "Slice", [call.add("Shape", [x]), call.int64s([0], "starts"), call.int64s([2], "ends")]
    )
    sizes = call.add("Concat", [leading, call.int64s(size, "sizes")], axis=0)
    return call.add("Resize", [x, "", "", sizes], **attributes)


def _matrix_resize(call, x: str, image_size, size, interpolation: str, antialias: bool) -> str:
    """``rows @ x @ columns^T`` with graphkeras's own interpolation matrices (channels first)."""
    dtype = np.dtype(call.dtype)
    rows = _interpolation_matrix(size[0], image_size[0], interpolation, antialias, dtype)
    columns = _interpolation_matrix(size[1], image_size[1], interpolation, antialias, dtype)
    resized_rows = call.add("MatMul", [call.constant(rows, role="rows"), x])
    return call.add("MatMul", [resized_rows, call.constant(columns.T, role="columns")])


def resized(
    call,
    x: str,
    image_size,
    size,
    interpolation: str,
    antialias: bool,
    data_format: str,
    rounded: bool = False,
) -> str:
    """``K.resize(x, size, interpolation, antialias, data_format)`` for a batch of images.

    ``image_size`` is the input's ``(height, width)``, ``None`` where unknown.
    ``rounded`` says the result is rounded next (integer images): only
    graphkeras's own weights, in its order, land on a value's half exactly
    where graphkeras does, so interpolating resizes are then written as
    matrices.
    """
    size = (int(size[0]), int(size[1]))
    attributes = _resize_attributes(call, interpolation, antialias, image_size, size, data_format)
    if rounded and interpolation != "nearest":
        attributes = None
    channels_first = to_channels_first(call, x, 4, data_format)
    if attributes is not None:
        result = _resize_node(call, channels_first, size, attributes)
    else:
        if any(dim is None for dim in image_size):
            setting = f"interpolation={interpolation!r}" + (", antialias=True" if antialias else "")
            advice = ""
            if interpolation == "bicubic":
                advice = " (opset 18 writes it as one Resize: export with opset=18)"
            form = (
                "on integer images, whose results are rounded, has no exact Resize form"
                if rounded
                else f"has no ONNX Resize form at opset {call.opset}{advice}"
            )
            raise OnnxExportError(
                f"{describe(call.layer)}: {setting} {form}; it is written as graphkeras's "
                "interpolation matrices, "
                f"which need the images' height and width, but the input shape is "
                f"{call.input_shapes[0]}."
            )
        result = _matrix_resize(call, channels_first, image_size, size, interpolation, antialias)
    return from_channels_first(call, result, 4, data_format)


def _saturated(call, x: str, dtype: str) -> str:
    """``image_sizes.saturate_to``: rounded half to even, clipped to ``dtype``'s range, cast."""
    limits = np.iinfo(dtype)
    rounded = call.add("Round", [x])
    low = call.constant(float(limits.min), role="min")
    high = call.constant(float(limits.max), role="max")
    return call.cast(call.add("Clip", [rounded, low, high]), dtype)


# ---------------------------------------------------------------- converters
def resizing(call):
    """Cut or pad to the target's aspect ratio when asked, resize, and saturate integer images."""
    layer = call.layer
    height_axis, width_axis = image_axes(call, layer.data_format)
    shape = call.input_shapes[0]
    image_size = (shape[height_axis], shape[width_axis])
    size = (layer.height, layer.width)
    input_dtype = call.input_dtypes[0]
    x = as_compute_dtype(call, call.inputs[0])
    if layer.crop_to_aspect_ratio:
        image_size = known_image_size(call, layer.data_format, "crop_to_aspect_ratio=True")
        x = cut_to_aspect_ratio(call, x, image_size, size, layer.data_format)
        image_size = image_utils.aspect_ratio_crop_box(*image_size, size)[2:]
    elif layer.pad_to_aspect_ratio:
        image_size = known_image_size(call, layer.data_format, "pad_to_aspect_ratio=True")
        rows, columns = image_utils.aspect_ratio_padding(*image_size, size)
        if rows or columns:
            pads = [0] * 8
            pads[height_axis] = pads[height_axis + 4] = rows
            pads[width_axis] = pads[width_axis + 4] = columns
            fill = call.constant(layer.fill_value, role="fill_value")
            x = call.add("Pad", [x, call.int64s(pads, "pads"), fill], mode="constant")
            image_size = (image_size[0] + 2 * rows, image_size[1] + 2 * columns)
    integer_images = not np.issubdtype(np.dtype(input_dtype), np.floating)
    result = resized(
        call,
        x,
        image_size,
        size,
        layer.interpolation,
        layer.antialias,
        layer.data_format,
        rounded=integer_images,
    )
    if not integer_images:
        return result
    return as_declared_dtype(call, _saturated(call, result, input_dtype), input_dtype)


def center_crop(call):
    """The centred window; an image smaller than it is cut to its aspect ratio and resized."""
    layer = call.layer
    image_size = known_image_size(call, layer.data_format, "CenterCrop")
    size = (layer.height, layer.width)
    x = as_compute_dtype(call, call.inputs[0])
    if image_size[0] >= size[0] and image_size[1] >= size[1]:
        top = (image_size[0] - size[0]) // 2
        left = (image_size[1] - size[1]) // 2
        return cut(call, x, image_axes(call, layer.data_format), [top, left], list(size))
    x = cut_to_aspect_ratio(call, x, image_size, size, layer.data_format)
    cropped_size = image_utils.aspect_ratio_crop_box(*image_size, size)[2:]
    return resized(call, x, cropped_size, size, "bilinear", False, layer.data_format)


def bilinear_up_sampling(call):
    """``UpSampling2D(interpolation="bilinear")``: a linear Resize by the whole-number factors.

    Scales are given instead of sizes, so the image size may be unknown:
    ``size * factor`` is exact, and so is ``(i + 0.5) / factor``.
    """
    layer = call.layer
    image_axes(call, layer.data_format)
    channels_first = to_channels_first(call, call.inputs[0], 4, layer.data_format)
    result = _resize_node(
        call,
        channels_first,
        None,
        {"mode": "linear", "coordinate_transformation_mode": "half_pixel"},
        scales=[float(factor) for factor in layer.size],
    )
    return from_channels_first(call, result, 4, layer.data_format)


register_onnx_converter(layers.Resizing, resizing)
register_onnx_converter(layers.CenterCrop, center_crop)
