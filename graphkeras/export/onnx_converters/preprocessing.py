"""Rescaling and Normalization (preprocessing layers with an ONNX form) as ONNX nodes."""

from __future__ import annotations

import numpy as np

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_converter


def _as_compute_dtype(call, x: str) -> str:
    if call.input_dtypes[0] == call.dtype:
        return x
    return call.cast(x, call.dtype)


def rescaling(call):
    """``x * scale + offset`` (a per-channel scale is shaped as the layer shapes it)."""
    layer = call.layer
    scale = np.asarray(layer.scale, dtype=call.dtype)
    if scale.ndim > 0 and K.image_data_format() == "channels_first":
        scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
    x = _as_compute_dtype(call, call.inputs[0])
    scaled = call.add("Mul", [x, call.constant(scale, role="scale")])
    return call.add("Add", [scaled, call.constant(layer.offset, role="offset")])


def normalization(call):
    """``(x - mean) / max(sqrt(variance), epsilon)``, or its inverse with ``invert=True``."""
    layer = call.layer
    mean, variance = layer._statistics(call.input_shapes[0])
    mean = np.asarray(K.convert_to_numpy(mean), dtype=call.dtype)
    variance = np.asarray(K.convert_to_numpy(variance), dtype=call.dtype)
    spread = np.maximum(np.sqrt(variance), np.asarray(K.epsilon(), dtype=call.dtype))
    x = _as_compute_dtype(call, call.inputs[0])
    mean_name = call.constant(mean, role="mean")
    spread_name = call.constant(spread, role="spread")
    if layer.invert:
        return call.add("Add", [mean_name, call.add("Mul", [x, spread_name])])
    return call.add("Div", [call.add("Sub", [x, mean_name]), spread_name])


register_onnx_converter(layers.Rescaling, rescaling)
register_onnx_converter(layers.Normalization, normalization)
