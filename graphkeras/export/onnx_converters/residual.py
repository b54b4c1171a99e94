"""LayerScale, CustomScaleLayer and StochasticDepth (the identity at inference) as ONNX nodes."""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_converter


def layer_scale(call):
    return call.add("Mul", [call.inputs[0], call.weight(call.layer.gamma)])


def custom_scale(call):
    """``shortcut + branch * scale``."""
    shortcut, branch = call.inputs
    scaled = call.add("Mul", [branch, call.constant(float(call.layer.scale), role="scale")])
    return call.add("Add", [shortcut, scaled])


def stochastic_depth(call):
    return call.add("Identity", [call.inputs[0]])


register_onnx_converter(layers.LayerScale, layer_scale)
register_onnx_converter(layers.CustomScaleLayer, custom_scale)
register_onnx_converter(layers.StochasticDepth, stochastic_depth)
