"""ZeroPadding, Cropping and (nearest) UpSampling in 1D, 2D and 3D as ONNX nodes.

Each layer reads its per-axis settings for an input of the call's rank, so
``data_format`` is already resolved: padding becomes Pad, cropping Slice,
up-sampling by repetition a nearest-neighbour Resize at whole-number
scales (which repeats each entry exactly), and ``UpSampling2D``'s bilinear
interpolation the linear Resize that ``image_resizing.py`` explains.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_converters.image_resizing import bilinear_up_sampling
from graphkeras.export.onnx_registry import register_onnx_converter

_TO_THE_END = 2**63 - 1


def zero_padding(call):
    widths = call.layer._widths(len(call.input_shapes[0]))
    pads = [before for before, _ in widths] + [after for _, after in widths]
    return call.add("Pad", [call.inputs[0], call.int64s(pads, "pads")], mode="constant")


def cropping(call):
    cropped = call.layer._cropped_axes(len(call.input_shapes[0]))
    axes = sorted(cropped)
    starts = [cropped[axis][0] for axis in axes]
    ends = [-cropped[axis][1] if cropped[axis][1] else _TO_THE_END for axis in axes]
    return call.add(
        "Slice",
        [
            call.inputs[0],
            call.int64s(starts, "starts"),
            call.int64s(ends, "ends"),
            call.int64s(axes, "axes"),
        ],
    )


def up_sampling(call):
    layer = call.layer
    if getattr(layer, "interpolation", "nearest") == "bilinear":
        return bilinear_up_sampling(call)
    rank = len(call.input_shapes[0])
    factors = layer._factors(rank)
    scales = [float(factors.get(axis, 1)) for axis in range(rank)]
    return call.add(
        "Resize",
        [call.inputs[0], "", call.constant(scales, "float32", role="scales")],
        mode="nearest",
        coordinate_transformation_mode="asymmetric",
        nearest_mode="floor",
    )


for _class in (layers.ZeroPadding1D, layers.ZeroPadding2D, layers.ZeroPadding3D):
    register_onnx_converter(_class, zero_padding)
for _class in (layers.Cropping1D, layers.Cropping2D, layers.Cropping3D):
    register_onnx_converter(_class, cropping)
for _class in (layers.UpSampling1D, layers.UpSampling2D, layers.UpSampling3D):
    register_onnx_converter(_class, up_sampling)
