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
    """One axis: ONNX Softmax; several: ``exp(x - max) / sum`` over them.

    With a mask (passed as ``mask=``, else carried by the input), masked
    scores are replaced as graphkeras replaces them (``-1e9``; ``-3e4`` in
    float16) and their probabilities set to 0, so a fully masked row is 0.
    """
    rank = len(call.input_shapes[0])
    axis = call.layer.axis
    axes = sorted(
        {int(item) % rank for item in (axis if isinstance(axis, (list, tuple)) else [axis])}
    )
    x = call.inputs[0]
    mask = _softmax_mask(call)
    if mask is not None:
        filler = call.constant(-3e4 if call.dtype == "float16" else -1e9, role="masked_score")
        x = call.add("Where", [mask, x, filler])
    if len(axes) == 1:
        probabilities = call.add("Softmax", [x], axis=axes[0])
    else:
        shifted = call.add("Sub", [x, call.reduce("ReduceMax", x, axes, keepdims=True)])
        exponentials = call.add("Exp", [shifted])
        probabilities = call.add(
            "Div", [exponentials, call.reduce("ReduceSum", exponentials, axes, True)]
        )
    if mask is None:
        return probabilities
    return call.add("Where", [mask, probabilities, call.constant(0.0, role="zero")])


def _softmax_mask(call) -> str | None:
    """The mask as an ONNX bool tensor (``> 0.5`` for a non-boolean one given), or None."""
    explicit = call.node.call_kwargs.get("mask") if call.node is not None else None
    if explicit is None or str(explicit.dtype) == "bool":
        return call.sequence_mask()
    name = call.input_name(explicit)
    return call.add("Greater", [name, call.constant(0.5, str(explicit.dtype), role="half")])


register_onnx_converter(layers.Activation, activation)
register_onnx_converter(layers.ReLU, relu)
register_onnx_converter(layers.LeakyReLU, leaky_relu)
register_onnx_converter(layers.ELU, elu)
register_onnx_converter(layers.PReLU, prelu)
register_onnx_converter(layers.Softmax, softmax, masks_carried=True)
