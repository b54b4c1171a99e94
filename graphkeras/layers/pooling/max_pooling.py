"""MaxPooling1D, MaxPooling2D and MaxPooling3D: the largest value of each window.

Arguments, defaults and output shapes are Keras 3's (see ``base_pooling.py``);
the math is ``K.max_pool``, whose gradient goes to each window's maximum.
Each class writes out its constructor only for its own ``pool_size``
default, as Keras 3's do.
"""

from __future__ import annotations

from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.pooling.base_pooling import BasePooling


@register_layer
class MaxPooling1D(BasePooling):
    """Max pooling over the steps of ``(batch, steps, features)`` inputs."""

    pool_dimensions = 1
    pool_mode = "max"

    def __init__(
        self,
        pool_size=2,
        strides=None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


@register_layer
class MaxPooling2D(BasePooling):
    """Max pooling over the rows and columns of ``(batch, rows, cols, channels)`` inputs."""

    pool_dimensions = 2
    pool_mode = "max"

    def __init__(
        self,
        pool_size=(2, 2),
        strides=None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


@register_layer
class MaxPooling3D(BasePooling):
    """Max pooling over the three spatial axes of ``(batch, d1, d2, d3, channels)`` inputs."""

    pool_dimensions = 3
    pool_mode = "max"

    def __init__(
        self,
        pool_size=(2, 2, 2),
        strides=None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
