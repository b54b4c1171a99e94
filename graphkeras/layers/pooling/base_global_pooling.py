"""BaseGlobalPooling: reduce every spatial axis of the input at once.

``(batch, *spatial, channels)`` becomes ``(batch, channels)``, or with
``keepdims=True`` ``(batch, 1, ..., 1, channels)``; ``channels_first``
inputs ``(batch, channels, *spatial)`` likewise. Subclasses choose the
reduction (``pool_mode``: ``"max"`` for ``K.max``, ``"average"`` for
``K.mean``) and the number of spatial axes.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.layers.spatial_arguments import data_format_argument, describe, spatial_axes


class BaseGlobalPooling(Layer):
    """Global pooling over ``pool_dimensions`` spatial axes; see the module docstring."""

    pool_dimensions = 2
    pool_mode: str  # "max" or "average", set by each subclass

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format_argument(data_format, self)
        if not isinstance(keepdims, bool):
            raise ValueError(
                f"{describe(self)}: keepdims must be True or False, received keepdims={keepdims!r}."
            )
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.pool_dimensions + 2)

    @property
    def _axes(self) -> tuple:
        """The spatial axes reduced."""
        return spatial_axes(self.pool_dimensions + 2, self.data_format)

    def call(self, inputs):
        reduce = K.max if self.pool_mode == "max" else K.mean
        return reduce(inputs, axis=self._axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.keepdims:
            return tuple(1 if axis in self._axes else dim for axis, dim in enumerate(shape))
        return tuple(dim for axis, dim in enumerate(shape) if axis not in self._axes)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
