"""Noise layers: regularisers that perturb their inputs while training only."""

from graphkeras.layers.noise.alpha_dropout import AlphaDropout
from graphkeras.layers.noise.gaussian_dropout import GaussianDropout
from graphkeras.layers.noise.gaussian_noise import GaussianNoise
from graphkeras.layers.noise.spatial_dropout import (
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
