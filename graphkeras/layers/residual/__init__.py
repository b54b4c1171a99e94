"""Layers that scale or drop a residual branch, as Keras 3's applications define them.

ConvNeXt's :class:`LayerScale` and :class:`StochasticDepth` and
Inception-ResNet-v2's :class:`CustomScaleLayer` are not public Keras layers:
Keras defines them inside its application modules and writes them into
model files under those modules. They are built here under the same names,
configs, weights and module, so those files load and graphkeras's own
application models write files Keras reads.
"""

from graphkeras.layers.residual.custom_scale_layer import CustomScaleLayer
from graphkeras.layers.residual.layer_scale import LayerScale
from graphkeras.layers.residual.stochastic_depth import StochasticDepth

__all__ = ["CustomScaleLayer", "LayerScale", "StochasticDepth"]
