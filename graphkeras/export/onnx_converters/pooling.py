"""Max and average pooling (1D, 2D, 3D) and global pooling as ONNX nodes.

Average pooling with ``"same"`` padding averages only the positions inside
the input, as Keras does; ONNX's AveragePool does the same with
``count_include_pad=0``.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_converters.spatial_layout import (
    from_channels_first,
    padding_attributes,
    to_channels_first,
)
from graphkeras.export.onnx_registry import register_onnx_converter


def pooling(call):
    layer = call.layer
    rank = len(call.input_shapes[0])
    x = to_channels_first(call, call.inputs[0], rank, layer.data_format)
    window = list(layer.pool_size)
    attributes = padding_attributes(
        call,
        call.input_shapes[0],
        layer.data_format,
        window,
        layer.strides,
        [1] * len(window),
        layer.padding,
    )
    if layer.pool_mode == "max":
        result = call.add(
            "MaxPool", [x], kernel_shape=window, strides=list(layer.strides), **attributes
        )
    else:
        result = call.add(
            "AveragePool",
            [x],
            kernel_shape=window,
            strides=list(layer.strides),
            count_include_pad=0,
            **attributes,
        )
    return from_channels_first(call, result, rank, layer.data_format)


def global_pooling(call):
    layer = call.layer
    operation = "ReduceMax" if layer.pool_mode == "max" else "ReduceMean"
    return call.reduce(operation, call.inputs[0], layer._axes, keepdims=bool(layer.keepdims))


def global_average_pooling_1d(call):
    """The mean over the unmasked steps when a mask arrives (a fully masked row gives 0/0).

    The mask is the one passed as ``mask=`` or, failing that, the one the
    input carries; without either it is the plain mean.
    """
    layer = call.layer
    mask = call.sequence_mask()
    if mask is None:
        return global_pooling(call)
    x = call.inputs[0]
    feature_axis = 2 if layer.data_format == "channels_last" else 1
    kept = call.unsqueeze(mask, [feature_axis])
    zero = call.constant(0.0, role="zero")
    total = call.reduce(
        "ReduceSum", call.add("Where", [kept, x, zero]), layer._axes, bool(layer.keepdims)
    )
    count = call.reduce("ReduceSum", call.cast(kept, call.dtype), layer._axes, bool(layer.keepdims))
    return call.add("Div", [total, count])


for _class in (
    layers.MaxPooling1D,
    layers.MaxPooling2D,
    layers.MaxPooling3D,
    layers.AveragePooling1D,
    layers.AveragePooling2D,
    layers.AveragePooling3D,
):
    register_onnx_converter(_class, pooling)
for _class in (
    layers.GlobalMaxPooling1D,
    layers.GlobalMaxPooling2D,
    layers.GlobalMaxPooling3D,
    layers.GlobalAveragePooling2D,
    layers.GlobalAveragePooling3D,
):
    register_onnx_converter(_class, global_pooling)
register_onnx_converter(
    layers.GlobalAveragePooling1D, global_average_pooling_1d, masks_carried=True
)
