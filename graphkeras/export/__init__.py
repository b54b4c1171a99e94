"""gk.export: models written for serving runtimes, ONNX first.

``gk.export.to_onnx(model)`` returns an ``onnx.ModelProto``;
``model.export("model.onnx")`` writes one (this package registers the
``"onnx"`` format with the engine's door, ``engine/model_exports.py``).
Layers reach ONNX through converters, one module per layer family under
``onnx_converters/``; ``register_onnx_converter`` adds one for a custom layer,
and ``register_onnx_mask_writer`` writes the output mask of a custom layer
that computes one (onnx_masks.py).
``onnx`` itself is imported only when an export runs (the ``graphkeras[onnx]``
extra).
"""

from graphkeras.engine.model_exports import register_export_format
from graphkeras.export import onnx_converters
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_file import export_onnx
from graphkeras.export.onnx_layer_call import OnnxLayerCall
from graphkeras.export.onnx_masks import register_onnx_mask_writer
from graphkeras.export.onnx_model import DEFAULT_OPSET, to_onnx
from graphkeras.export.onnx_registry import register_onnx_converter

register_export_format("onnx", export_onnx)

__all__ = [
    "DEFAULT_OPSET",
    "OnnxExportError",
    "OnnxLayerCall",
    "export_onnx",
    "register_onnx_converter",
    "register_onnx_mask_writer",
    "to_onnx",
]
