"""Lambda: a layer that runs a Python function, refused by name.

An ONNX file holds operators, not code, and the export never traces a
function to guess its operators: a Lambda's computation is written again
with layers or ``gk.ops`` calls (each of which is exported), or given a
converter of its own in a layer class.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_refusal

register_onnx_refusal(
    layers.Lambda,
    "runs a Python function, which an ONNX file cannot hold; write the computation with "
    "layers or gk.ops calls, or as a layer class with a registered converter",
)
