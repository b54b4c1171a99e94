"""MaskOf, the node a mask passed explicitly to a layer becomes, as the mask it forwards.

``layer(x, mask=embedded._keras_mask)`` records a MaskOf node on
``embedded``; in ONNX it is the mask of ``embedded`` (onnx_masks.py), a bool
tensor.
"""

from __future__ import annotations

from graphkeras.engine.mask_of import MaskOf
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_registry import register_onnx_converter


def mask_of(call):
    source = call.node.input_tensors[0]
    mask = call.mask_of(source)
    if mask is None:
        raise OnnxExportError(
            f"MaskOf layer '{call.layer.name}' forwards the mask of '{source.name}', "
            "which carries none."
        )
    return mask


register_onnx_converter(MaskOf, mask_of, masks_carried=True)
