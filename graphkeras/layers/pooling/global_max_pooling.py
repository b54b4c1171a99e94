"""GlobalMaxPooling1D, GlobalMaxPooling2D and GlobalMaxPooling3D: each channel's maximum.

The largest value of each channel over all spatial positions (see
``base_global_pooling.py`` for shapes). Masks are dropped, as in Keras 3.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.pooling.base_global_pooling import BaseGlobalPooling


class _GlobalMaxPooling(BaseGlobalPooling):
    def call(self, inputs):
        return K.max(inputs, axis=self._axes, keepdims=self.keepdims)


@register_layer
class GlobalMaxPooling1D(_GlobalMaxPooling):
    """``(batch, steps, features)`` to ``(batch, features)``: the maximum over the steps."""

    pool_dimensions = 1


@register_layer
class GlobalMaxPooling2D(_GlobalMaxPooling):
    """``(batch, rows, cols, channels)`` to ``(batch, channels)``: the maximum over the image."""

    pool_dimensions = 2


@register_layer
class GlobalMaxPooling3D(_GlobalMaxPooling):
    """``(batch, d1, d2, d3, channels)`` to ``(batch, channels)``: the maximum over the volume."""

    pool_dimensions = 3
