"""GlobalAveragePooling1D, 2D and 3D: each channel's mean over the spatial axes.

``GlobalAveragePooling1D`` honours a mask of shape ``(batch, steps)`` as
Keras 3 does: masked steps are left out of the mean (a sample whose steps
are all masked divides zero by zero). The mask is consumed: the output has
none.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.pooling.base_global_pooling import BaseGlobalPooling


@register_layer
class GlobalAveragePooling1D(BaseGlobalPooling):
    """``(batch, steps, features)`` to ``(batch, features)``: the mean over unmasked steps."""

    pool_dimensions = 1
    pool_mode = "average"
    # Without an incoming mask there is no output mask: the engine need not probe.
    _mask_from_masks_only = True

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs) -> None:
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        feature_axis = 2 if self.data_format == "channels_last" else 1
        kept = K.expand_dims(K.cast(mask, "bool"), feature_axis)
        total = K.sum(K.where(kept, inputs, 0.0), axis=self._axes, keepdims=self.keepdims)
        count = K.sum(K.cast(kept, K.dtype(inputs)), axis=self._axes, keepdims=self.keepdims)
        return K.divide(total, count)

    def compute_mask(self, inputs, mask=None):
        return None


@register_layer
class GlobalAveragePooling2D(BaseGlobalPooling):
    """``(batch, rows, cols, channels)`` to ``(batch, channels)``: the mean over the image."""

    pool_dimensions = 2
    pool_mode = "average"


@register_layer
class GlobalAveragePooling3D(BaseGlobalPooling):
    """``(batch, d1, d2, d3, channels)`` to ``(batch, channels)``: the mean over the volume."""

    pool_dimensions = 3
    pool_mode = "average"
