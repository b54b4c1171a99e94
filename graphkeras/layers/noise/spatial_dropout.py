"""SpatialDropout1D/2D/3D: drop whole feature maps instead of single entries.

In convolutional features neighbouring positions are strongly correlated,
so dropping single entries barely regularises: the neighbours carry the
same information. Spatial dropout draws one keep/drop decision per sample
and channel and applies it at every position (timestep, pixel, voxel), so
whole channels vanish. Like Dropout, it scales the kept channels by
``1 / (1 - rate)`` while training and is the identity otherwise.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.core import Dropout
from graphkeras.layers.noise.seed_argument import check_seed


class BaseSpatialDropout(Dropout):
    """Dropout with one draw per sample and channel, shared over the spatial axes."""

    spatial_rank = 0

    def __init__(
        self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs
    ) -> None:
        seed = check_seed(seed, type(self).__name__)
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = K.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=self.spatial_rank + 2)

    def _spatial_noise_shape(self, inputs) -> tuple:
        shape = K.int_shape(inputs)
        ones = (1,) * self.spatial_rank
        if self.data_format == "channels_first":
            return (shape[0], shape[1], *ones)
        return (shape[0], *ones, shape[-1])

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        if self.rate == 1.0:
            return K.zeros_like(inputs)
        return K.dropout(
            inputs,
            self.rate,
            noise_shape=self._spatial_noise_shape(inputs),
            seed=self._seed_generator,
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("noise_shape", None)
        return config


@register_layer
class SpatialDropout1D(BaseSpatialDropout):
    """Drops whole channels of ``(batch, timesteps, channels)`` inputs."""

    spatial_rank = 1

    def __init__(self, rate: float, seed: int | None = None, **kwargs) -> None:
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)


@register_layer
class SpatialDropout2D(BaseSpatialDropout):
    """Drops whole channels of images, ``(batch, rows, cols, channels)`` or channels first."""

    spatial_rank = 2

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


@register_layer
class SpatialDropout3D(BaseSpatialDropout):
    """Drops whole channels of volumes, ``(batch, d1, d2, d3, channels)`` or channels first."""

    spatial_rank = 3

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}
