"""Embedding as an ONNX Gather of the table's rows (negative ids count from the end, as here)."""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_converter


def embedding(call):
    ids = call.inputs[0]
    if call.input_dtypes[0] not in ("int32", "int64"):
        ids = call.cast(ids, "int32")  # As the layer casts.
    return call.add("Gather", [call.weight(call.layer.embeddings), ids], axis=0)


register_onnx_converter(layers.Embedding, embedding)
