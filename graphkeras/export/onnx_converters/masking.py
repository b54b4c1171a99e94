"""Masking as ONNX nodes: the input where a step is present, zeros where it is padding.

Its mask, the same test without the kept axis, is written by
``onnx_sequence_masks.py`` when a later layer reads it.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_converter
from graphkeras.export.onnx_sequence_masks import present_steps


def masking(call):
    """``Where(any(x != mask_value, axis=-1, keepdims), x, 0)``, NaN-safe as the layer is."""
    x = call.inputs[0]
    zero = call.constant(0, call.input_dtypes[0], "zero")
    return call.add("Where", [present_steps(call, keepdims=True), x, zero])


register_onnx_converter(layers.Masking, masking)
