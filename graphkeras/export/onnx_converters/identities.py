"""Layers that pass their input through at inference: dropout, noise, regularization, Identity.

Each becomes one ONNX Identity node, so the graph keeps a node per layer
call (and the node names keep mapping one to one onto the model's).
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_registry import register_onnx_converter


def identity(call):
    return call.add("Identity", [call.inputs[0]])


for _class in (
    layers.Dropout,
    layers.SpatialDropout1D,
    layers.SpatialDropout2D,
    layers.SpatialDropout3D,
    layers.GaussianDropout,
    layers.GaussianNoise,
    layers.AlphaDropout,
    layers.ActivityRegularization,
    layers.Identity,
):
    register_onnx_converter(_class, identity)
