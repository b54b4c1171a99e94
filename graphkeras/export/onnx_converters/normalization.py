"""BatchNormalization (inference form), Layer-, Group- and UnitNormalization as ONNX nodes.

Both are written as graphkeras computes them, ``x * inverse + offset`` with
``inverse = gamma / sqrt(variance + epsilon)`` and ``offset = beta - mean *
inverse``: the statistics' arithmetic runs on the small weight vectors
(initializers shared by every call), then one Mul and one Add over ``x``.
GroupNormalization does the same on a grouped view of ``x`` (the channel
axis split into ``(groups, channels per group)``, shapes read at run time so
any unknown dims stay free); UnitNormalization divides by the L2 norm, its
square floored at ``1e-24`` as the layer floors it.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_converter


def _broadcast(shape: tuple):
    return lambda array: array.reshape(shape)


def _normalize(call, x, mean, variance, gamma, beta, weight_shape, tag) -> str:
    """``x * inverse + offset``; ``gamma`` and ``beta`` are Variables or None."""
    epsilon = call.constant(float(call.layer.epsilon), role="epsilon")
    inverse = call.add(
        "Pow", [call.add("Add", [variance, epsilon]), call.constant(-0.5, role="exponent")]
    )
    if gamma is not None:
        inverse = call.add("Mul", [inverse, call.weight(gamma, _broadcast(weight_shape), tag)])
    offset = call.add("Mul", [call.add("Neg", [mean]), inverse])
    if beta is not None:
        offset = call.add("Add", [offset, call.weight(beta, _broadcast(weight_shape), tag)])
    return call.add("Add", [call.add("Mul", [x, inverse]), offset])


def batch_normalization(call):
    """The moving statistics (inference); a call with ``training=True`` is refused earlier."""
    layer = call.layer
    rank = len(call.input_shapes[0])
    axis = layer.axis % rank
    shape = tuple(call.input_shapes[0][axis] if item == axis else 1 for item in range(rank))
    tag = f"rank{rank}"
    mean = call.weight(layer.moving_mean, _broadcast(shape), tag)
    variance = call.weight(layer.moving_variance, _broadcast(shape), tag)
    return _normalize(call, call.inputs[0], mean, variance, layer.gamma, layer.beta, shape, tag)


def layer_normalization(call):
    """Mean and variance over the layer's axes, then the scale and offset (or RMS scaling)."""
    layer = call.layer
    input_shape = call.input_shapes[0]
    rank = len(input_shape)
    axes = sorted(
        {
            int(item) % rank
            for item in (layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis])
        }
    )
    shape = tuple(input_shape[item] if item in axes else 1 for item in range(rank))
    tag = f"rank{rank}"
    x = call.inputs[0]
    mean = call.reduce("ReduceMean", x, axes, keepdims=True)
    deviation = call.add("Sub", [x, mean])
    variance = call.reduce("ReduceMean", call.add("Mul", [deviation, deviation]), axes, True)
    if layer.rms_scaling:
        epsilon = call.constant(float(layer.epsilon), role="epsilon")
        inverse = call.add(
            "Pow", [call.add("Add", [variance, epsilon]), call.constant(-0.5, role="exponent")]
        )
        scaled = call.add("Mul", [x, inverse])
        return call.add("Mul", [scaled, call.weight(layer.gamma, _broadcast(shape), tag)])
    return _normalize(call, x, mean, variance, layer.gamma, layer.beta, shape, tag)


def group_normalization(call):
    """Mean and population variance per group of channels, then scale and offset per channel."""
    layer = call.layer
    x = call.inputs[0]
    rank = len(call.input_shapes[0])
    axis, groups = layer._axis, layer._groups
    channels = call.input_shapes[0][axis]
    shape = call.add("Shape", [x])
    parts = []
    if axis > 0:
        parts.append(call.add("Slice", [shape, call.int64s([0], "starts"), call.int64s([axis])]))
    parts.append(call.int64s([groups, channels // groups], "groups"))
    if axis < rank - 1:
        parts.append(
            call.add("Slice", [shape, call.int64s([axis + 1], "starts"), call.int64s([rank])])
        )
    grouped_shape = call.add("Concat", parts, axis=0)
    grouped = call.add("Reshape", [x, grouped_shape])
    axes = list(layer._reduction_axes)
    mean = call.reduce("ReduceMean", grouped, axes, keepdims=True)
    deviation = call.add("Sub", [grouped, mean])
    variance = call.reduce("ReduceMean", call.add("Mul", [deviation, deviation]), axes, True)
    weight_shape = layer._weight_shape
    normalized = _normalize(
        call, grouped, mean, variance, layer.gamma, layer.beta, weight_shape, "grouped"
    )
    return call.add("Reshape", [normalized, shape])


def unit_normalization(call):
    """``x / sqrt(max(sum(x * x), 1e-24))`` over the layer's axes."""
    layer = call.layer
    rank = len(call.input_shapes[0])
    axes = sorted(
        {
            int(item) % rank
            for item in (layer.axis if isinstance(layer.axis, (list, tuple)) else [layer.axis])
        }
    )
    x = call.inputs[0]
    squares = call.reduce("ReduceSum", call.add("Mul", [x, x]), axes, keepdims=True)
    floor = call.constant(1e-12 * 1e-12, role="norm_floor")
    return call.add("Div", [x, call.add("Sqrt", [call.add("Max", [squares, floor])])])


# A mask only chooses the rows of the training statistics; inference ignores it.
register_onnx_converter(layers.BatchNormalization, batch_normalization, masks_ignored=True)
register_onnx_converter(layers.LayerNormalization, layer_normalization)
register_onnx_converter(layers.GroupNormalization, group_normalization)
register_onnx_converter(layers.UnitNormalization, unit_normalization)
