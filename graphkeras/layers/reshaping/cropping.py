"""Cropping1D, Cropping2D and Cropping3D: entries cut from both ends of the spatial axes.

``cropping`` gives, per spatial axis, how many entries are cut before and
after: an int, one int per axis (symmetric), or one ``(before, after)`` pair
per axis. Defaults are Keras 3's; ``Cropping1D`` has no ``data_format``, as
in Keras 3. Cropping an axis to nothing raises ``ValueError``. Masks are
dropped.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.reshaping.spatial_reshaping import SpatialReshaping
from graphkeras.layers.spatial_arguments import describe, pair_per_axis


class _Cropping(SpatialReshaping):
    """Cropping over ``dimensions`` spatial axes."""

    def __init__(self, cropping, data_format: str | None = None, **kwargs) -> None:
        super().__init__(data_format, **kwargs)
        self.cropping = pair_per_axis(cropping, self.dimensions, "cropping", self)

    def _cropped_axes(self, rank: int) -> dict:
        """``{axis: (before, after)}`` for the spatial axes of an input of ``rank``."""
        return self._per_spatial_axis(rank, self.cropping)

    def compute_output_shape(self, input_shape):
        cropped = self._cropped_axes(len(input_shape))
        shape = list(input_shape)
        for axis, (before, after) in cropped.items():
            if shape[axis] is None:
                continue
            if before + after >= shape[axis]:
                raise ValueError(
                    f"{describe(self)}: cropping={self.cropping} must leave every spatial axis "
                    f"at least one entry; received input shape {tuple(input_shape)} "
                    f"(data_format={self.data_format!r})."
                )
            shape[axis] -= before + after
        return tuple(shape)

    def call(self, inputs):
        shape = K.int_shape(inputs)
        self.compute_output_shape(shape)
        key = [slice(None)] * len(shape)
        for axis, (before, after) in self._cropped_axes(len(shape)).items():
            key[axis] = slice(before, shape[axis] - after)
        return K.getitem(inputs, tuple(key))

    def get_config(self) -> dict:
        cropping = [list(pair) for pair in self.cropping]
        return {**super().get_config(), "cropping": cropping, "data_format": self.data_format}


@register_layer
class Cropping1D(_Cropping):
    """Cuts ``cropping = (before, after)`` steps off ``(batch, steps, features)`` inputs."""

    dimensions = 1

    def __init__(self, cropping=(1, 1), **kwargs) -> None:
        super().__init__(cropping, "channels_last", **kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["data_format"]
        config["cropping"] = config["cropping"][0]
        return config


@register_layer
class Cropping2D(_Cropping):
    """Cuts rows from the top and bottom, columns from the left and right, of images."""

    dimensions = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format: str | None = None, **kwargs) -> None:
        super().__init__(cropping, data_format, **kwargs)


@register_layer
class Cropping3D(_Cropping):
    """Cuts entries from both ends of each of the three spatial axes of volumes."""

    dimensions = 3

    def __init__(
        self, cropping=((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs
    ) -> None:
        super().__init__(cropping, data_format, **kwargs)
