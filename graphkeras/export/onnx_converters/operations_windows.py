"""Cutting, padding and windowing ``gk.ops`` (crops, pads, patches, adaptive pools, frames).

``crop_images`` is a Slice of the height and width axes and ``pad_images``
a zero Pad, with the margins graphkeras derives from the two of (before,
after, target) that were given. ``extract_patches`` is the convolution
graphkeras computes, with the same one-hot kernel (patch entry ``(row,
column, channel)`` to feature ``(row * width + column) * channels +
channel``) and Keras's padding. The adaptive pools reduce the windows
``[floor(i L / n), ceil((i + 1) L / n))`` of one spatial axis after the
other (mean of means, as graphkeras averages), which needs the spatial
sizes known when exporting. ``extract_sequences`` gathers the frames'
positions along the last axis in one Gather.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras import backend as K
from graphkeras.export.onnx_converters.operation_call import OperationCall
from graphkeras.export.onnx_converters.spatial_layout import (
    from_channels_first,
    padding_attributes,
    to_channels_first,
)
from graphkeras.ops.image import _margins


def _image_axes(op: OperationCall, argument: str) -> tuple[str, int, int, int]:
    """``(data_format, height axis, width axis, channel axis)`` of rank-3 or rank-4 images."""
    images = op.tensor(argument)
    data_format = K.standardize_data_format(op["data_format"])
    if images.rank not in (3, 4):
        op.refuse(argument, "must have rank 3 or 4")
    rank = images.rank
    if data_format == "channels_last":
        return data_format, rank - 3, rank - 2, rank - 1
    return data_format, rank - 2, rank - 1, rank - 3


def _image_margins(op: OperationCall, growing: bool) -> tuple[str, tuple, tuple, int, int]:
    """The call's (before, after) margins of the height and width axes, and those axes."""
    images = op.tensor("images")
    _, height_axis, width_axis, _ = _image_axes(op, "images")
    word = "padding" if growing else "cropping"
    margins = []
    for axis, before, after, target in (
        (height_axis, f"top_{word}", f"bottom_{word}", "target_height"),
        (width_axis, f"left_{word}", f"right_{word}", "target_width"),
    ):
        size = images.shape[axis]
        if size is None:
            op.refuse("images", f"have axis {axis} of a length unknown until run time")
        given = [op[name] for name in (before, after, target)]
        for name, value in zip((before, after, target), given, strict=True):
            if value is not None:
                op.integer(name)
        margins.append(
            _margins(*given, size, growing, f"{before}, {after}, {target}", op.operation)
        )
    return images.name, margins[0], margins[1], height_axis, width_axis


def _crop_images(op: OperationCall) -> str:
    images, vertical, horizontal, height_axis, width_axis = _image_margins(op, growing=False)
    shape = op.tensor("images").shape
    cropped = op.slice_axis(images, height_axis, vertical[0], shape[height_axis] - vertical[1])
    return op.slice_axis(cropped, width_axis, horizontal[0], shape[width_axis] - horizontal[1])


def _pad_images(op: OperationCall) -> str:
    images, vertical, horizontal, height_axis, width_axis = _image_margins(op, growing=True)
    rank = op.tensor("images").rank
    befores, afters = [0] * rank, [0] * rank
    befores[height_axis], afters[height_axis] = vertical
    befores[width_axis], afters[width_axis] = horizontal
    return op.add("Pad", [images, op.int64s(befores + afters, "pads")], mode="constant")


def _pair(op: OperationCall, argument: str, value) -> list[int]:
    items = list(value) if isinstance(value, (list, tuple)) else [value, value]
    if len(items) != 2:
        op.refuse(argument, "must be an int or a pair of ints")
    return [op.integer(argument, item) for item in items]


def _extract_patches(op: OperationCall) -> str:
    """A Conv with the identity kernel reshaped to ``(h, w, channels, h * w * channels)``."""
    images = op.tensor("images")
    data_format, _, _, channel_axis = _image_axes(op, "images")
    dtype = op.output_dtype()
    size = _pair(op, "size", op["size"])
    strides = _pair(op, "strides", op["strides"] or op["size"])
    dilations = _pair(op, "dilation_rate", op["dilation_rate"])
    padding = op["padding"]
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        op.refuse("padding", "must be 'valid' or 'same'")
    channels = images.shape[channel_axis]
    if channels is None:
        op.refuse("images", "have a channel count unknown until run time")
    features = size[0] * size[1] * channels
    kernel = np.eye(features, dtype=dtype).reshape(size[0], size[1], channels, features)
    weight = op.constant(kernel.transpose(3, 2, 0, 1), dtype, "one_hot_kernel")
    value = op.operand(images, dtype, "images")
    shape = images.shape
    if images.rank == 3:
        value, shape = op.call.unsqueeze(value, [0]), (1, *shape)
    attributes = padding_attributes(
        op.call, shape, data_format, size, strides, dilations, padding.lower()
    )
    result = op.add(
        "Conv",
        [to_channels_first(op.call, value, 4, data_format), weight],
        kernel_shape=size,
        strides=strides,
        dilations=dilations,
        **attributes,
    )
    result = from_channels_first(op.call, result, 4, data_format)
    if images.rank == 3:
        result = op.add("Squeeze", [result, op.int64s([0], "axes")])
    return result


def _adaptive_pool(op_type: str) -> Callable:
    """``op_type`` (ReduceMax, ReduceMean) over each axis' windows, one axis after the other."""

    def write(op: OperationCall) -> str:
        inputs = op.tensor("inputs")
        dtype = op.output_dtype()
        data_format = K.standardize_data_format(op["data_format"])
        spatial = inputs.rank - 2
        output_size = op["output_size"]
        if isinstance(output_size, (list, tuple)):
            counts = op.integers("output_size")
        else:
            counts = [op.integer("output_size")] * spatial
        if spatial not in (1, 2, 3) or len(counts) != spatial:
            op.refuse("output_size", "must give one size per spatial axis (1 to 3 of them)")
        first = 1 if data_format == "channels_last" else 2
        value = op.operand(inputs, dtype, "inputs")
        for offset, count in enumerate(counts):
            axis = first + offset
            length = inputs.shape[axis]
            if length is None:
                op.refuse("inputs", f"have axis {axis} of a length unknown until run time")
            windows = [
                op.reduce(
                    op_type,
                    op.slice_axis(value, axis, i * length // count, -(-(i + 1) * length // count)),
                    [axis],
                    True,
                )
                for i in range(count)
            ]
            value = windows[0] if count == 1 else op.add("Concat", windows, axis=axis)
        return value

    return write


def _extract_sequences(op: OperationCall) -> str:
    x = op.tensor("x")
    length = x.shape[-1]
    if length is None:
        op.refuse("x", "has a last axis of a length unknown until run time")
    frame, stride = op.integer("sequence_length"), op.integer("sequence_stride")
    if not 1 <= frame <= length or stride < 1:
        op.refuse("sequence_length", f"must lie in [1, {length}] with sequence_stride >= 1")
    starts = range(0, length - frame + 1, stride)
    positions = np.asarray([[start + i for i in range(frame)] for start in starts], np.int64)
    return op.add("Gather", [x.name, op.constant(positions, "int64", "positions")], axis=x.rank - 1)


WRITERS: dict[str, Callable] = {
    "crop_images": _crop_images,
    "pad_images": _pad_images,
    "extract_patches": _extract_patches,
    "adaptive_max_pool": _adaptive_pool("ReduceMax"),
    "adaptive_average_pool": _adaptive_pool("ReduceMean"),
    "extract_sequences": _extract_sequences,
}
