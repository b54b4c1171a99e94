"""AveragePooling1D, AveragePooling2D and AveragePooling3D: the mean of each window.

Arguments, defaults and output shapes are Keras 3's; the constructor is
``BasePooling``'s (``pool_size`` has no default here, as in Keras 3). With
``padding="same"`` a window over the border is averaged over its real
entries only.
"""

from __future__ import annotations

from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.pooling.base_pooling import BasePooling


@register_layer
class AveragePooling1D(BasePooling):
    """Average pooling over the steps of ``(batch, steps, features)`` inputs."""

    pool_dimensions = 1
    pool_mode = "average"


@register_layer
class AveragePooling2D(BasePooling):
    """Average pooling over the rows and columns of ``(batch, rows, cols, channels)`` inputs."""

    pool_dimensions = 2
    pool_mode = "average"


@register_layer
class AveragePooling3D(BasePooling):
    """Average pooling over the three spatial axes of ``(batch, d1, d2, d3, channels)`` inputs."""

    pool_dimensions = 3
    pool_mode = "average"
