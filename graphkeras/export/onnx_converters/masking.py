"""Masking as ONNX nodes: the input where a step is present, zeros where it is padding.

Its mask, the same test without the kept axis, is written (onnx_masks.py)
when a later layer reads it.
"""

from __future__ import annotations

import numpy as np

from graphkeras import layers
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_masks import register_onnx_mask_writer
from graphkeras.export.onnx_registry import register_onnx_converter


def present_steps(call, keepdims: bool) -> str:
    """Masking's test as ONNX nodes: any feature differs from ``mask_value`` (bool).

    NaN differs from every value, as in the layer; the values are compared
    in the input's own dtype.
    """
    x, dtype = call.inputs[0], call.input_dtypes[0]
    value = call.constant(call.layer.mask_value, dtype, "mask_value")
    differs = call.cast(call.add("Not", [call.add("Equal", [x, value])]), "int32")
    return call.cast(call.reduce("ReduceMax", differs, [-1], keepdims), "bool")


def masking(call):
    """``Where(any(x != mask_value, axis=-1, keepdims), x, 0)``, NaN-safe as the layer is."""
    x, dtype = call.inputs[0], call.input_dtypes[0]
    if not np.issubdtype(np.dtype(dtype), np.floating):
        layer = call.layer
        raise OnnxExportError(
            f"Masking layer '{layer.name}' reads {dtype} inputs; ONNX export writes Masking on "
            "float inputs (on other dtypes its output keeps the input dtype while the graph "
            "declares its float dtype). Cast the input to float first."
        )
    zero = call.constant(0, dtype, "zero")
    return call.add("Where", [present_steps(call, keepdims=True), x, zero])


register_onnx_converter(layers.Masking, masking)
register_onnx_mask_writer(layers.Masking, lambda call: present_steps(call, keepdims=False))
