"""Dense and EinsumDense as ONNX nodes: MatMul (or Einsum), Add for the bias, the activation."""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_converters.activation_functions import write_activation
from graphkeras.export.onnx_registry import register_onnx_converter


def _bias_and_activation(call, outputs: str) -> str:
    layer = call.layer
    if layer.bias is not None:
        outputs = call.add("Add", [outputs, call.weight(layer.bias)])
    return write_activation(call, layer.activation, outputs, call.output_shapes[0])


def dense(call):
    """``inputs @ kernel + bias`` (MatMul broadcasts over any leading axes)."""
    outputs = call.add("MatMul", [call.inputs[0], call.weight(call.layer.kernel)])
    return _bias_and_activation(call, outputs)


def einsum_dense(call):
    """ONNX Einsum on the layer's own equation, then the bias (shaped to broadcast)."""
    outputs = call.add(
        "Einsum", [call.inputs[0], call.weight(call.layer.kernel)], equation=call.layer.equation
    )
    return _bias_and_activation(call, outputs)


register_onnx_converter(layers.Dense, dense)
register_onnx_converter(layers.EinsumDense, einsum_dense)
