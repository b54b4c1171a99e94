"""Conv1D/2D/3D, DepthwiseConv1D/2D, SeparableConv1D/2D and Conv1D/2D/3DTranspose as ONNX nodes.

Keras keeps kernels as ``(*kernel_size, in, out)``; ONNX's Conv wants
``(out, in, *kernel_size)`` and ConvTranspose ``(in, out, *kernel_size)``.
The kernels are rearranged once, into initializers shared by every call.
"""

from __future__ import annotations

import numpy as np

from graphkeras import layers
from graphkeras.export.onnx_converters.activation_functions import write_activation
from graphkeras.export.onnx_converters.spatial_layout import (
    from_channels_first,
    padding_attributes,
    spatial_sizes,
    to_channels_first,
    transposed_padding,
)
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_registry import register_onnx_converter


def _out_in_spatial(kernel: np.ndarray) -> np.ndarray:
    """``(*k, in, out)`` -> ``(out, in, *k)``."""
    spatial = kernel.ndim - 2
    return np.transpose(kernel, (spatial + 1, spatial, *range(spatial)))


def _depthwise_as_grouped(kernel: np.ndarray) -> np.ndarray:
    """``(*k, in, multiplier)`` -> ``(in * multiplier, 1, *k)``; channel ``c * m + j`` first."""
    spatial = kernel.ndim - 2
    flat = kernel.reshape((*kernel.shape[:spatial], -1))
    return np.transpose(flat, (spatial, *range(spatial)))[:, None]


def _convolve(call, x, weight, bias, *, group=1, kernel_size, strides, dilations, padding):
    layer = call.layer
    attributes = padding_attributes(
        call, call.input_shapes[0], layer.data_format, kernel_size, strides, dilations, padding
    )
    inputs = [x, weight] if bias is None else [x, weight, bias]
    return call.add(
        "Conv",
        inputs,
        kernel_shape=list(kernel_size),
        strides=list(strides),
        dilations=list(dilations),
        group=int(group),
        **attributes,
    )


def _finish(call, channels_first_result: str) -> str:
    layer = call.layer
    rank = len(call.output_shapes[0])
    result = from_channels_first(call, channels_first_result, rank, layer.data_format)
    return write_activation(call, layer.activation, result, call.output_shapes[0])


def _bias(call):
    return None if call.layer.bias is None else call.weight(call.layer.bias)


def convolution(call):
    layer = call.layer
    rank = len(call.input_shapes[0])
    x = to_channels_first(call, call.inputs[0], rank, layer.data_format)
    weight = call.weight(layer.kernel, _out_in_spatial, "out_in_spatial")
    channels = call.input_shapes[0][-1 if layer.data_format == "channels_last" else 1]
    group = channels // layer.kernel.shape[-2]
    result = _convolve(
        call,
        x,
        weight,
        _bias(call),
        group=group,
        kernel_size=layer.kernel_size,
        strides=layer.strides,
        dilations=layer.dilation_rate,
        padding=layer.padding,
    )
    return _finish(call, result)


def depthwise_convolution(call):
    layer = call.layer
    rank = len(call.input_shapes[0])
    x = to_channels_first(call, call.inputs[0], rank, layer.data_format)
    result = _convolve(
        call,
        x,
        call.weight(layer.kernel, _depthwise_as_grouped, "grouped"),
        _bias(call),
        group=layer.kernel.shape[-2],
        kernel_size=layer.kernel_size,
        strides=layer.strides,
        dilations=layer.dilation_rate,
        padding=layer.padding,
    )
    return _finish(call, result)


def separable_convolution(call):
    layer = call.layer
    rank = len(call.input_shapes[0])
    x = to_channels_first(call, call.inputs[0], rank, layer.data_format)
    depthwise = _convolve(
        call,
        x,
        call.weight(layer.depthwise_kernel, _depthwise_as_grouped, "grouped"),
        None,
        group=layer.depthwise_kernel.shape[-2],
        kernel_size=layer.kernel_size,
        strides=layer.strides,
        dilations=layer.dilation_rate,
        padding=layer.padding,
    )
    pointwise = call.add(
        "Conv",
        [depthwise, call.weight(layer.pointwise_kernel, _out_in_spatial, "out_in_spatial")]
        + ([] if layer.bias is None else [call.weight(layer.bias)]),
        kernel_shape=[1] * layer.rank,
    )
    return _finish(call, pointwise)


def transposed_convolution(call):
    """ONNX ConvTranspose with the pads and output padding that give Keras's output size.

    Keras's transposed convolution is the gradient of a forward one whose
    padding follows ``padding``; its total, split as the forward op splits
    it, becomes ``pads``, and what remains of the output size becomes
    ``output_padding``. Needs the spatial sizes to be known.
    """
    layer = call.layer
    rank = len(call.input_shapes[0])
    inputs = spatial_sizes(call.input_shapes[0], layer.data_format)
    outputs = spatial_sizes(call.output_shapes[0], layer.data_format)
    if None in inputs or None in outputs:
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' needs known spatial sizes to be "
            f"written as ONNX, received input shape {call.input_shapes[0]}."
        )
    pads, extra = transposed_padding(
        inputs, outputs, layer.kernel_size, layer.strides, layer.dilation_rate
    )
    x = to_channels_first(call, call.inputs[0], rank, layer.data_format)
    weight = call.weight(
        layer.kernel,
        lambda kernel: np.transpose(kernel, (rank - 1, rank - 2, *range(rank - 2))),
        "in_out_spatial",
    )
    result = call.add(
        "ConvTranspose",
        [x, weight] + ([] if layer.bias is None else [call.weight(layer.bias)]),
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.strides),
        dilations=list(layer.dilation_rate),
        pads=pads,
        output_padding=extra,
    )
    return _finish(call, result)


for _class in (layers.Conv1D, layers.Conv2D, layers.Conv3D):
    register_onnx_converter(_class, convolution)
for _class in (layers.DepthwiseConv1D, layers.DepthwiseConv2D):
    register_onnx_converter(_class, depthwise_convolution)
for _class in (layers.SeparableConv1D, layers.SeparableConv2D):
    register_onnx_converter(_class, separable_convolution)
for _class in (layers.Conv1DTranspose, layers.Conv2DTranspose, layers.Conv3DTranspose):
    register_onnx_converter(_class, transposed_convolution)
