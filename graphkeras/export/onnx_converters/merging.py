"""Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate and Dot as ONNX nodes.

As the layers do, an input of lower rank gets unit axes after the batch
axis first, so its non-batch axes line up from the right. The variadic ONNX
nodes (Sum, Mean, Max, Min) take every input at once; Mul is folded
pairwise. Masks: Add, Subtract, Average and Concatenate ignore them, so a
masked input does not block the export; Multiply, Maximum and Minimum use
them and are refused when a mask reaches them. Their output mask (the
logical or of the inputs' masks when every input has one; Concatenate's
joins them) is written when a layer that carries masks reads it
(onnx_masks.py).

Dot is one Einsum contracting its two axes, after L2-normalising both
inputs along them with ``normalize=True`` (the squared norm floored at 1e-12, as the
backend's ``l2_normalize``); a result of rank 1 becomes ``(batch, 1)``.
"""

from __future__ import annotations

import string

from graphkeras import layers
from graphkeras.export.onnx_masks import register_onnx_mask_writer
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


def _l2_normalized(call, x: str, axis: int) -> str:
    """``x / sqrt(max(sum(x * x), 1e-12))`` along ``axis``."""
    squares = call.reduce("ReduceSum", call.add("Mul", [x, x]), [axis], keepdims=True)
    floored = call.add("Max", [squares, call.constant(1e-12, role="norm_floor")])
    return call.add("Div", [x, call.add("Sqrt", [floored])])


def dot(call):
    """``batch_dot`` along the layer's axes as an Einsum: batch, then ``x``'s and ``y``'s rest."""
    layer = call.layer
    (x, y), shapes = call.inputs, call.input_shapes
    x_axis, y_axis = layer._resolved_axes(shapes)
    if layer.normalize:
        x, y = _l2_normalized(call, x, x_axis), _l2_normalized(call, y, y_axis)
    letters = iter(string.ascii_lowercase[2:])
    x_letters = ["a"] + [next(letters) for _ in shapes[0][1:]]
    y_letters = ["a"] + [next(letters) for _ in shapes[1][1:]]
    x_letters[x_axis] = y_letters[y_axis] = "b"
    kept = [letter for letter in x_letters[1:] + y_letters[1:] if letter != "b"]
    equation = f"{''.join(x_letters)},{''.join(y_letters)}->a{''.join(kept)}"
    product = call.add("Einsum", [x, y], equation=equation)
    return call.unsqueeze(product, [1]) if not kept else product


def merged_mask(call):
    """The logical or of the inputs' masks when each has one (``Merge.compute_mask``), else None."""
    masks = [call.mask_of(tensor) for tensor in call.node.input_tensors]
    if any(mask is None for mask in masks):
        return None
    merged = masks[0]
    for mask in masks[1:]:
        merged = call.add("Or", [merged, mask])
    return merged


def concatenated_mask(call):
    """``Concatenate.compute_mask``: each input's mask spread over its features (all True
    without one), joined on the layer's axis, then any over the last axis."""
    masks = [call.mask_of(tensor) for tensor in call.node.input_tensors]
    if all(mask is None for mask in masks):
        return None
    rank = len(call.input_shapes[0])
    spread = []
    for value, tensor, mask in zip(call.inputs, call.node.input_tensors, masks, strict=True):
        if mask is None or len(tensor._keras_mask.shape) < rank:
            filler = call.constant(mask is None, "bool", role="filler")
            filled = call.add("Expand", [filler, call.add("Shape", [value])])
            mask = filled if mask is None else call.add("Or", [call.unsqueeze(mask, [-1]), filled])
        spread.append(mask)
    joined = call.add("Concat", spread, axis=int(call.layer.axis))
    counted = call.reduce("ReduceMax", call.cast(joined, "int32"), [rank - 1], keepdims=False)
    return call.cast(counted, "bool")


register_onnx_converter(layers.Dot, dot, masks_ignored=True)
register_onnx_mask_writer(layers.Merge, merged_mask)
register_onnx_mask_writer(layers.Concatenate, concatenated_mask)
register_onnx_converter(layers.Add, _variadic("Sum"), masks_ignored=True)
register_onnx_converter(layers.Subtract, subtract, masks_ignored=True)
register_onnx_converter(layers.Average, _variadic("Mean"), masks_ignored=True)
register_onnx_converter(layers.Multiply, multiply)
register_onnx_converter(layers.Maximum, _variadic("Max"))
register_onnx_converter(layers.Minimum, _variadic("Min"))
register_onnx_converter(layers.Concatenate, concatenate, masks_ignored=True)
