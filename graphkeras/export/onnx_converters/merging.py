"""Add, Subtract, Multiply, Average, Maximum, Minimum and Concatenate as ONNX nodes.

As the layers do, an input of lower rank gets unit axes after the batch
axis first, so its non-batch axes line up from the right. The variadic ONNX
nodes (Sum, Mean, Max, Min) take every input at once; Mul is folded
pairwise. Masks: Add, Subtract, Average and Concatenate ignore them, so a
masked input does not block the export; Multiply, Maximum and Minimum use
them and are refused when a mask reaches them.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_converter


def _same_rank(call) -> list[str]:
    rank = max(len(shape) for shape in call.input_shapes)
    aligned = []
    for name, shape in zip(call.inputs, call.input_shapes, strict=True):
        missing = rank - len(shape)
        aligned.append(call.unsqueeze(name, list(range(1, 1 + missing))) if missing else name)
    return aligned


def _variadic(op_type: str):
    return lambda call: call.add(op_type, _same_rank(call))


def subtract(call):
    return call.add("Sub", _same_rank(call))


def multiply(call):
    inputs = _same_rank(call)
    product = inputs[0]
    for value in inputs[1:]:
        product = call.add("Mul", [product, value])
    return product


def concatenate(call):
    return call.add("Concat", list(call.inputs), axis=int(call.layer.axis))


register_onnx_converter(layers.Add, _variadic("Sum"), masks_ignored=True)
register_onnx_converter(layers.Subtract, subtract, masks_ignored=True)
register_onnx_converter(layers.Average, _variadic("Mean"), masks_ignored=True)
register_onnx_converter(layers.Multiply, multiply)
register_onnx_converter(layers.Maximum, _variadic("Max"))
register_onnx_converter(layers.Minimum, _variadic("Min"))
register_onnx_converter(layers.Concatenate, concatenate, masks_ignored=True)
