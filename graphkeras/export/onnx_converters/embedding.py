"""Embedding as an ONNX Gather of the table's rows (negative ids count from the end, as here).

With ``mask_zero`` its output mask, written when a layer that carries
masks reads it (onnx_masks.py), marks the ids that are not 0.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_masks import register_onnx_mask_writer
from graphkeras.export.onnx_registry import register_onnx_converter


def embedding(call):
    ids = call.inputs[0]
    if call.input_dtypes[0] not in ("int32", "int64"):
        ids = call.cast(ids, "int32")  # As the layer casts.
    return call.add("Gather", [call.weight(call.layer.embeddings), ids], axis=0)


def embedding_mask(call):
    """``ids != 0`` on the ids as given (before any cast), as ``Embedding.compute_mask``."""
    if not call.layer.mask_zero:
        return None
    zero = call.constant(0, call.input_dtypes[0], "zero")
    return call.add("Not", [call.add("Equal", [call.inputs[0], zero])])


register_onnx_converter(layers.Embedding, embedding)
register_onnx_mask_writer(layers.Embedding, embedding_mask)
