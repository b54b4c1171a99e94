"""Flatten, Reshape, Permute and RepeatVector as ONNX nodes; the batch axis is never fixed."""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_converter


def flatten(call):
    """Channels-first inputs are moved to channels-last first, as the layer does."""
    x = call.inputs[0]
    rank = len(call.input_shapes[0])
    if rank == 1:
        return call.unsqueeze(x, [1])
    if call.layer.data_format == "channels_first" and rank > 2:
        x = call.transpose(x, [0, *range(2, rank), 1])
    return call.add("Flatten", [x], axis=1)


def reshape(call):
    """ONNX Reshape to ``(0, *target_shape)``: 0 keeps the batch size of the input."""
    target = [0, *call.layer.target_shape]
    return call.add("Reshape", [call.inputs[0], call.int64s(target)])


def permute(call):
    return call.transpose(call.inputs[0], [0, *call.layer.dims])


def repeat_vector(call):
    """``(batch, features)`` -> ``(batch, n, features)``: a unit axis tiled ``n`` times."""
    expanded = call.unsqueeze(call.inputs[0], [1])
    return call.add("Tile", [expanded, call.int64s([1, call.layer.n, 1], "repeats")])


register_onnx_converter(layers.Flatten, flatten)
register_onnx_converter(layers.Reshape, reshape)
register_onnx_converter(layers.Permute, permute)
register_onnx_converter(layers.RepeatVector, repeat_vector)
