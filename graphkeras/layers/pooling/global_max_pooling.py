"""GlobalMaxPooling1D, GlobalMaxPooling2D and GlobalMaxPooling3D: each channel's maximum.

The largest value of each channel over all spatial positions (see
``base_global_pooling.py`` for shapes). Masks are dropped, as in Keras 3.
"""

from __future__ import annotations

from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.pooling.base_global_pooling import BaseGlobalPooling


@register_layer
class GlobalMaxPooling1D(BaseGlobalPooling):
    """``(batch, steps, features)`` to ``(batch, features)``: the maximum over the steps."""

    pool_dimensions = 1
    pool_mode = "max"


@register_layer
class GlobalMaxPooling2D(BaseGlobalPooling):
    """``(batch, rows, cols, channels)`` to ``(batch, channels)``: the maximum over the image."""

    pool_dimensions = 2
    pool_mode = "max"


@register_layer
class GlobalMaxPooling3D(BaseGlobalPooling):
    """``(batch, d1, d2, d3, channels)`` to ``(batch, channels)``: the maximum over the volume."""

    pool_dimensions = 3
    pool_mode = "max"
