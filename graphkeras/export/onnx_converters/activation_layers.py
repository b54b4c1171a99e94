"""Activation, ReLU, LeakyReLU, ELU, PReLU and Softmax layers as ONNX nodes."""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_converters.activation_functions import write_activation
from graphkeras.export.onnx_registry import register_onnx_converter


def activation(call):
    return write_activation(call, call.layer.activation, call.inputs[0], call.input_shapes[0])


def relu(call):
    """Keras 3's ReLU with its options: threshold, cap, and a slope below the threshold."""
    layer, x = call.layer, call.inputs[0]
    threshold, slope, cap = float(layer.threshold), float(layer.negative_slope), layer.max_value
    if threshold == 0.0 and slope == 0.0 and cap is None:
        return call.add("Relu", [x])
    zero = call.constant(0.0, role="zero")
    if threshold != 0.0:
        above = call.add("Greater", [x, call.constant(threshold, role="threshold")])
        result = call.add("Where", [above, x, zero])
    else:
        result = call.add("Relu", [x])
    if cap is not None:
        result = call.add("Clip", [result, zero, call.constant(float(cap), role="max_value")])
    if slope != 0.0:
        below = call.add("Relu", [call.add("Sub", [call.constant(threshold, role="threshold"), x])])
        result = call.add(
            "Sub", [result, call.add("Mul", [below, call.constant(slope, role="slope")])]
        )
    return result


def leaky_relu(call):
    return call.add("LeakyRelu", [call.inputs[0]], alpha=float(call.layer.negative_slope))


def elu(call):
    return call.add("Elu", [call.inputs[0]], alpha=float(call.layer.alpha))


def prelu(call):
    return call.add("PRelu", [call.inputs[0], call.weight(call.layer.alpha)])


def softmax(call):
    """One axis: ONNX Softmax; several: ``exp(x - max) / sum`` over them."""
    rank = len(call.input_shapes[0])
    axis = call.layer.axis
    axes = sorted(
        {int(item) % rank for item in (axis if isinstance(axis, (list, tuple)) else [axis])}
    )
    x = call.inputs[0]
    if len(axes) == 1:
        return call.add("Softmax", [x], axis=axes[0])
    shifted = call.add("Sub", [x, call.reduce("ReduceMax", x, axes, keepdims=True)])
    exponentials = call.add("Exp", [shifted])
    return call.add("Div", [exponentials, call.reduce("ReduceSum", exponentials, axes, True)])


register_onnx_converter(layers.Activation, activation)
register_onnx_converter(layers.ReLU, relu)
register_onnx_converter(layers.LeakyReLU, leaky_relu)
register_onnx_converter(layers.ELU, elu)
register_onnx_converter(layers.PReLU, prelu)
register_onnx_converter(layers.Softmax, softmax)
