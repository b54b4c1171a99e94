"""``ops.conv`` and its depthwise, separable and transposed forms, and the pools, as ONNX nodes.

The kernel is an argument of the call (a tensor of the graph or a constant),
kept as Keras keeps it, ``(*kernel_size, in, out)``; it is rearranged into
ONNX's ``(out, in, *kernel_size)`` by a Transpose node (a depthwise kernel
``(*k, in, multiplier)`` into grouped form ``(in * multiplier, 1, *k)``,
channel ``c * multiplier + j`` first, as the backend orders its outputs).
Inputs go channels-first for ONNX and back, and Keras's ``"same"`` and
``"causal"`` padding become explicit pads, through ``spatial_layout.py``
as for the convolution and pooling layers.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras import backend as K
from graphkeras.export.onnx_converters.operation_call import OperationCall
from graphkeras.export.onnx_converters.spatial_layout import (
    from_channels_first,
    padding_attributes,
    spatial_sizes,
    to_channels_first,
    transposed_padding,
)


def _per_axis(op: OperationCall, argument: str, count: int, value=None) -> list[int]:
    """An int or one int per spatial axis, as a list of ``count`` ints."""
    value = op[argument] if value is None else value
    items = list(value) if isinstance(value, (list, tuple)) else [value] * count
    if len(items) != count:
        op.refuse(argument, f"must give one value per spatial axis ({count})")
    return [op.integer(argument, item) for item in items]


def _layout(op: OperationCall) -> tuple[str, str, int]:
    """``(channels-first inputs, data_format, rank)``."""
    inputs = op.tensor("inputs")
    data_format = K.standardize_data_format(op["data_format"])
    dtype = op.output_dtype()
    x = op.operand(inputs, dtype, "inputs")
    return to_channels_first(op.call, x, inputs.rank, data_format), data_format, inputs.rank


def _padding(op: OperationCall) -> str:
    padding = op["padding"]
    if not isinstance(padding, str):
        op.refuse("padding", "must be 'valid', 'same' or 'causal'")
    return padding.lower()


def _convolution(depthwise: bool) -> Callable:
    def write(op: OperationCall, kernel_argument: str = "kernel") -> str:
        x, data_format, rank = _layout(op)
        spatial = rank - 2
        kernel = op[kernel_argument]
        kernel_shape = kernel.shape if hasattr(kernel, "shape") else ()
        if len(kernel_shape) != rank or None in kernel_shape:
            op.refuse(kernel_argument, f"must have a static shape of rank {rank}")
        weight = op.operand(kernel, op.output_dtype(), kernel_argument)
        channels = op.call.input_shapes[0][-1 if data_format == "channels_last" else 1]
        if depthwise:
            flat = op.add("Reshape", [weight, op.int64s([*kernel_shape[:spatial], -1])])
            weight = op.call.unsqueeze(op.call.transpose(flat, [spatial, *range(spatial)]), [1])
            group = kernel_shape[-2]
        else:
            weight = op.call.transpose(weight, [spatial + 1, spatial, *range(spatial)])
            if channels is None:
                op.refuse("inputs", "have a channel count unknown until run time")
            group = channels // kernel_shape[-2]
        kernel_size = list(kernel_shape[:spatial])
        strides = _per_axis(op, "strides", spatial)
        dilations = _per_axis(op, "dilation_rate", spatial)
        attributes = padding_attributes(
            op.call,
            op.call.input_shapes[0],
            data_format,
            kernel_size,
            strides,
            dilations,
            _padding(op),
        )
        result = op.add(
            "Conv",
            [x, weight],
            kernel_shape=kernel_size,
            strides=strides,
            dilations=dilations,
            group=int(group),
            **attributes,
        )
        return from_channels_first(op.call, result, rank, data_format)

    return write


def _transposed_convolution(op: OperationCall) -> str:
    """ONNX ConvTranspose with the pads and output padding that give the recorded output size.

    As for the transposed convolution layers: the total padding of the
    forward convolution, split as it splits it, becomes ``pads``, and what
    remains of the output size ``output_padding``; the spatial sizes must be
    known.
    """
    x, data_format, rank = _layout(op)
    spatial = rank - 2
    kernel = op["kernel"]
    kernel_shape = kernel.shape if hasattr(kernel, "shape") else ()
    if len(kernel_shape) != rank or None in kernel_shape:
        op.refuse("kernel", f"must have a static shape of rank {rank}")
    inputs = spatial_sizes(op.call.input_shapes[0], data_format)
    outputs = spatial_sizes(op.output_shape(), data_format)
    if None in inputs or None in outputs:
        op.refuse("inputs", f"of shape {op.call.input_shapes[0]} have unknown spatial sizes")
    kernel_size = list(kernel_shape[:spatial])
    strides = _per_axis(op, "strides", spatial)
    dilations = _per_axis(op, "dilation_rate", spatial)
    pads, extra = transposed_padding(inputs, outputs, kernel_size, strides, dilations)
    weight = op.operand(kernel, op.output_dtype(), "kernel")
    weight = op.call.transpose(weight, [rank - 1, rank - 2, *range(spatial)])
    result = op.add(
        "ConvTranspose",
        [x, weight],
        kernel_shape=kernel_size,
        strides=strides,
        dilations=dilations,
        pads=pads,
        output_padding=extra,
    )
    return from_channels_first(op.call, result, rank, data_format)


def _pool(op_type: str) -> Callable:
    def write(op: OperationCall) -> str:
        x, data_format, rank = _layout(op)
        spatial = rank - 2
        window = _per_axis(op, "pool_size", spatial)
        strides = window if op["strides"] is None else _per_axis(op, "strides", spatial)
        padding = _padding(op)
        if padding not in ("valid", "same"):
            op.refuse("padding", "must be 'valid' or 'same'")
        attributes = padding_attributes(
            op.call, op.call.input_shapes[0], data_format, window, strides, [1] * spatial, padding
        )
        if op_type == "AveragePool":
            attributes["count_include_pad"] = 0  # Keras averages the positions inside only
        result = op.add(op_type, [x], kernel_shape=window, strides=strides, **attributes)
        return from_channels_first(op.call, result, rank, data_format)

    return write


def _separable_convolution(op: OperationCall) -> str:
    """A depthwise convolution, then a 1x1 convolution mixing channels (``valid``, stride 1)."""
    depthwise = _convolution(depthwise=True)(op, kernel_argument="depthwise_kernel")
    rank = op.tensor("inputs").rank
    data_format = K.standardize_data_format(op["data_format"])
    x = to_channels_first(op.call, depthwise, rank, data_format)
    spatial = rank - 2
    kernel = op.operand(op["pointwise_kernel"], op.output_dtype(), "pointwise_kernel")
    weight = op.call.transpose(kernel, [spatial + 1, spatial, *range(spatial)])
    ones = [1] * spatial
    result = op.add(
        "Conv",
        [x, weight],
        kernel_shape=ones,
        strides=ones,
        dilations=_per_axis(op, "dilation_rate", spatial),
        pads=[0] * (2 * spatial),
    )
    return from_channels_first(op.call, result, rank, data_format)


WRITERS: dict[str, Callable] = {
    "conv": _convolution(depthwise=False),
    "depthwise_conv": _convolution(depthwise=True),
    "max_pool": _pool("MaxPool"),
    "average_pool": _pool("AveragePool"),
    "separable_conv": _separable_convolution,
    "conv_transpose": _transposed_convolution,
}
