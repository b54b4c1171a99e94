"""SpatialReshaping: the base of the layers that pad, crop or stretch each spatial axis.

Zero padding, cropping and up-sampling take ``(batch, *spatial, channels)``
inputs (``channels_first``: ``(batch, channels, *spatial)``) with
``dimensions`` spatial axes, and one setting per spatial axis: a ``(before,
after)`` pair or a factor. The base checks ``data_format``, fixes the input
rank, and pairs each spatial axis of an input with its setting.
"""

from __future__ import annotations

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.layers.spatial_arguments import data_format_argument, spatial_axes


class SpatialReshaping(Layer):
    """A layer over ``dimensions`` spatial axes, each with its own setting."""

    dimensions = 2

    def __init__(self, data_format: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format_argument(data_format, self)
        self.input_spec = InputSpec(ndim=self.dimensions + 2)

    def _per_spatial_axis(self, rank: int, settings: tuple) -> dict:
        """``{axis: setting}`` for the spatial axes of an input of ``rank``, in order."""
        return dict(zip(spatial_axes(rank, self.data_format), settings, strict=True))
