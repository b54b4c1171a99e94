"""Rescaling, Normalization and Pipeline (a chain of preprocessing layers) as ONNX nodes.

A Pipeline is a single layer whose ``call`` applies its layers in turn, so
the model's graph has one node for it and none for the layers inside. Each
inner layer is written by its own converter, on a stand-in node holding the
tensor specs the layer gives (``compute_output_spec``), and named
``pipeline/inner``, as a nested model's layers are.
"""

from __future__ import annotations

import numpy as np

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_layer_call import OnnxLayerCall
from graphkeras.export.onnx_model import _autocast
from graphkeras.export.onnx_registry import converter_entry, refusal_reason, register_onnx_converter


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


class _PipelineStep:
    """What a converter reads of a node, for one layer inside a Pipeline."""

    def __init__(self, layer, input_tensor, output_tensor) -> None:
        self.outbound_layer = layer
        self.input_tensors = [input_tensor]
        self.output_tensors = [output_tensor]
        self.call_args = (input_tensor,)
        self.call_kwargs: dict = {}
        self.arguments: dict = {}


def pipeline(call):
    """Each inner layer's converter in turn, the output of one the input of the next."""
    layer = call.layer
    builder = call._builder
    tensor, name = call.node.input_tensors[0], call.inputs[0]
    for inner in layer.layers:
        described = f"{type(inner).__name__} layer '{inner.name}' inside Pipeline '{layer.name}'"
        reason = refusal_reason(inner)
        if reason is not None:
            raise OnnxExportError(f"{described} cannot be exported to ONNX: it {reason}.")
        entry = converter_entry(inner)
        if entry is None:
            raise OnnxExportError(f"{described} has no ONNX converter.")
        output = inner.compute_output_spec(tensor)
        path = f"{call.path}/{inner.name}"
        step = OnnxLayerCall(builder, _PipelineStep(inner, tensor, output), path, [name])
        _autocast(step)
        result = entry.converter(step)
        target = builder.unique_name(path)
        step.finish([result] if isinstance(result, str) else list(result), [target])
        tensor, name = output, target
    return name


register_onnx_converter(layers.Rescaling, rescaling)
register_onnx_converter(layers.Normalization, normalization)
register_onnx_converter(layers.Pipeline, pipeline)
