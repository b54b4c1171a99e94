"""BasePooling: what windowed pooling layers share.

A pooling layer slides a window of ``pool_size`` over the spatial axes of
``(batch, *spatial, channels)`` inputs (or ``(batch, channels, *spatial)``
with ``channels_first``), ``strides`` apart, and reduces each window to one
value. Subclasses choose the reduction (``pool_mode``: ``"max"`` for
``K.max_pool``, ``"average"`` for ``K.average_pool``, as Keras 3 names them)
and the number of spatial axes. Pooling layers have no weights and drop
masks, as in Keras 3.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.layers.spatial_arguments import (
    data_format_argument,
    describe,
    int_tuple,
    padding_argument,
    spatial_axes,
)


class BasePooling(Layer):
    """Windowed pooling over ``pool_dimensions`` spatial axes; see the module docstring.

    ``strides=None`` means ``pool_size`` (windows side by side). With
    ``padding="valid"`` only whole windows are kept; with ``"same"`` the
    input is padded so that each spatial axis gives ``ceil(size / stride)``
    windows.
    """

    pool_dimensions = 2
    pool_mode: str  # "max" or "average", set by each subclass

    def __init__(
        self,
        pool_size,
        strides=None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        count = self.pool_dimensions
        self.pool_size = int_tuple(pool_size, count, "pool_size", self)
        self.strides = (
            self.pool_size if strides is None else int_tuple(strides, count, "strides", self)
        )
        self.padding = padding_argument(padding, self)
        self.data_format = data_format_argument(data_format, self)
        self.input_spec = InputSpec(ndim=count + 2)

    def call(self, inputs):
        self.compute_output_shape(K.int_shape(inputs))
        pool = K.max_pool if self.pool_mode == "max" else K.average_pool
        return pool(
            inputs,
            self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        for axis, window, stride in zip(
            spatial_axes(len(shape), self.data_format), self.pool_size, self.strides, strict=True
        ):
            size = shape[axis]
            if size is None:
                continue
            if self.padding == "same":
                shape[axis] = (size - 1) // stride + 1
            elif size < window:
                raise ValueError(
                    f"{describe(self)}: with padding='valid' every spatial axis must be at "
                    f"least pool_size={self.pool_size} long; received input shape "
                    f"{tuple(input_shape)} (data_format={self.data_format!r})."
                )
            else:
                shape[axis] = (size - window) // stride + 1
        return tuple(shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "pool_size": list(self.pool_size),
            "padding": self.padding,
            "strides": list(self.strides),
            "data_format": self.data_format,
        }
