"""AveragePooling1D, AveragePooling2D and AveragePooling3D: the mean of each window.

Arguments, defaults and output shapes are Keras 3's (see ``base_pooling.py``;
``pool_size`` has no default here, as in Keras 3). With ``padding="same"`` a
window over the border is averaged over its real entries only.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.pooling.base_pooling import BasePooling


class _AveragePooling(BasePooling):
    def _pool(self, inputs):
        return K.average_pool(
            inputs,
            self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )


@register_layer
class AveragePooling1D(_AveragePooling):
    """Average pooling over the steps of ``(batch, steps, features)`` inputs."""

    pool_dimensions = 1

    def __init__(
        self,
        pool_size,
        strides=None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


@register_layer
class AveragePooling2D(_AveragePooling):
    """Average pooling over the rows and columns of ``(batch, rows, cols, channels)`` inputs."""

    pool_dimensions = 2

    def __init__(
        self,
        pool_size,
        strides=None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


@register_layer
class AveragePooling3D(_AveragePooling):
    """Average pooling over the three spatial axes of ``(batch, d1, d2, d3, channels)`` inputs."""

    pool_dimensions = 3

    def __init__(
        self,
        pool_size,
        strides=None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
