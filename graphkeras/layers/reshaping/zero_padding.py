"""ZeroPadding1D, ZeroPadding2D and ZeroPadding3D: zeros added around the spatial axes.

``padding`` gives, per spatial axis, how many zeros go before and after:
an int (the same everywhere), one int per axis (symmetric), or one
``(before, after)`` pair per axis. Defaults are Keras 3's. The math is
``K.pad``; masks are dropped, as in Keras 3.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.reshaping.spatial_reshaping import SpatialReshaping
from graphkeras.layers.spatial_arguments import pair_per_axis


class _ZeroPadding(SpatialReshaping):
    """Zero padding over ``dimensions`` spatial axes."""

    def __init__(self, padding, data_format: str | None = None, **kwargs) -> None:
        super().__init__(data_format, **kwargs)
        self.padding = pair_per_axis(padding, self.dimensions, "padding", self)

    def _widths(self, rank: int) -> tuple:
        """One ``(before, after)`` pair per axis of the input."""
        padded = self._per_spatial_axis(rank, self.padding)
        return tuple(padded.get(axis, (0, 0)) for axis in range(rank))

    def call(self, inputs):
        return K.pad(inputs, self._widths(K.ndim(inputs)))

    def compute_output_shape(self, input_shape):
        return tuple(
            None if dim is None else dim + before + after
            for dim, (before, after) in zip(
                input_shape, self._widths(len(input_shape)), strict=True
            )
        )

    def get_config(self) -> dict:
        padding = [list(pair) for pair in self.padding]
        return {
            **super().get_config(),
            "padding": padding[0] if self.dimensions == 1 else padding,
            "data_format": self.data_format,
        }


@register_layer
class ZeroPadding1D(_ZeroPadding):
    """Zeros before and after the steps of ``(batch, steps, features)`` inputs.

    ``padding`` is an int or a ``(before, after)`` pair.
    """

    dimensions = 1

    def __init__(self, padding=1, data_format: str | None = None, **kwargs) -> None:
        super().__init__(padding, data_format, **kwargs)


@register_layer
class ZeroPadding2D(_ZeroPadding):
    """Rows of zeros above and below, columns left and right, of image inputs."""

    dimensions = 2

    def __init__(self, padding=(1, 1), data_format: str | None = None, **kwargs) -> None:
        super().__init__(padding, data_format, **kwargs)


@register_layer
class ZeroPadding3D(_ZeroPadding):
    """Zeros around each of the three spatial axes of volume inputs."""

    dimensions = 3

    def __init__(
        self, padding=((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs
    ) -> None:
        super().__init__(padding, data_format, **kwargs)
