"""Dense and EinsumDense as ONNX nodes: MatMul (or Einsum), Add for the bias, the activation."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.export.onnx_converters.activation_functions import write_activation
from graphkeras.export.onnx_registry import register_onnx_converter


def _bias_and_activation(call, outputs: str, layer=None, shape: tuple | None = None) -> str:
    layer = call.layer if layer is None else layer
    if layer.bias is not None:
        outputs = call.add("Add", [outputs, call.weight(layer.bias)])
    shape = call.output_shapes[0] if shape is None else shape
    return write_activation(call, layer.activation, outputs, shape)


def dense(call):
    """``inputs @ kernel + bias`` (MatMul broadcasts over any leading axes)."""
    outputs = call.add("MatMul", [call.inputs[0], call.weight(call.layer.kernel)])
    return _bias_and_activation(call, outputs)


def write_einsum_dense(
    call, layer, x: str, input_shape: tuple, input_dtype: str | None = None
) -> str:
    """``layer`` (an EinsumDense) on ``x``: Einsum on its equation, the bias, the activation.

    ``layer`` need not be ``call.layer``: MultiHeadAttention writes its
    projections, EinsumDense sublayers, with this inside its own call. A
    float ``x`` of another ``input_dtype`` is first cast to the layer's
    dtype, as a sublayer's call autocasts it.
    """
    dtype = str(layer.compute_dtype)
    if input_dtype is not None and input_dtype != dtype and K.is_float_dtype(input_dtype):
        x = call.cast(x, dtype)
    outputs = call.add("Einsum", [x, call.weight(layer.kernel)], equation=layer.equation)
    shape = tuple(layer.compute_output_shape(tuple(input_shape)))
    return _bias_and_activation(call, outputs, layer, shape)


def einsum_dense(call):
    """ONNX Einsum on the layer's own equation, then the bias (shaped to broadcast)."""
    return write_einsum_dense(call, call.layer, call.inputs[0], call.input_shapes[0])


register_onnx_converter(layers.Dense, dense)
register_onnx_converter(layers.EinsumDense, einsum_dense)
