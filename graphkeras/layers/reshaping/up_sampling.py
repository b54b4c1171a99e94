"""UpSampling1D, UpSampling2D and UpSampling3D: each spatial axis stretched by an int factor.

Nearest-neighbour up-sampling repeats every entry ``size`` times along its
axis (``K.repeat``). ``UpSampling2D(interpolation="bilinear")`` interpolates
instead, sampling at half-pixel centers as Keras 3 does (``K.resize``).
Defaults are Keras 3's; ``UpSampling1D`` has no ``data_format``, as in
Keras 3. Masks are dropped.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.reshaping.spatial_reshaping import SpatialReshaping
from graphkeras.layers.spatial_arguments import describe, int_tuple, spatial_axes

_INTERPOLATIONS = ("nearest", "bilinear")


class _UpSampling(SpatialReshaping):
    """Up-sampling by ``size`` over ``dimensions`` spatial axes."""

    def __init__(self, size, data_format: str | None = None, **kwargs) -> None:
        super().__init__(data_format, **kwargs)
        self.size = int_tuple(size, self.dimensions, "size", self)

    def _factors(self, rank: int) -> dict:
        """``{axis: factor}`` for the spatial axes of an input of ``rank``."""
        return self._per_spatial_axis(rank, self.size)

    def call(self, inputs):
        for axis, factor in self._factors(K.ndim(inputs)).items():
            inputs = K.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        factors = self._factors(len(input_shape))
        return tuple(
            dim * factors[axis] if axis in factors and dim is not None else dim
            for axis, dim in enumerate(input_shape)
        )

    def get_config(self) -> dict:
        return {**super().get_config(), "size": list(self.size), "data_format": self.data_format}


@register_layer
class UpSampling1D(_UpSampling):
    """Repeats each step of ``(batch, steps, features)`` inputs ``size`` times."""

    dimensions = 1

    def __init__(self, size: int = 2, **kwargs) -> None:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(
                f"UpSampling1D: size must be an int, received size={size!r} "
                f"of type {type(size).__name__}."
            )
        super().__init__(size, "channels_last", **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]
        config["size"] = self.size[0]
        return config


@register_layer
class UpSampling2D(_UpSampling):
    """Stretches images by ``size = (rows, cols)``, by repetition or bilinear interpolation."""

    dimensions = 2

    def __init__(
        self,
        size=(2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs,
    ) -> None:
        super().__init__(size, data_format, **kwargs)
        if not isinstance(interpolation, str) or interpolation.lower() not in _INTERPOLATIONS:
            raise ValueError(
                f"{describe(self)}: interpolation must be one of {_INTERPOLATIONS}, "
                f"received interpolation={interpolation!r}."
            )
        self.interpolation = interpolation.lower()

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        shape = K.int_shape(inputs)
        rows, cols = spatial_axes(len(shape), self.data_format)
        target = (shape[rows] * self.size[0], shape[cols] * self.size[1])
        return K.resize(inputs, target, interpolation="bilinear", data_format=self.data_format)

    def get_config(self) -> dict:
        return {**super().get_config(), "interpolation": self.interpolation}


@register_layer
class UpSampling3D(_UpSampling):
    """Repeats each entry of volume inputs ``size = (d1, d2, d3)`` times along each axis."""

    dimensions = 3

    def __init__(self, size=(2, 2, 2), data_format: str | None = None, **kwargs) -> None:
        super().__init__(size, data_format, **kwargs)
