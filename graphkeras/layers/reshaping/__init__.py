"""Reshaping layers over spatial axes: zero padding, cropping and up-sampling, in 1, 2 and 3 D."""

from graphkeras.layers.reshaping.cropping import Cropping1D, Cropping2D, Cropping3D
from graphkeras.layers.reshaping.up_sampling import UpSampling1D, UpSampling2D, UpSampling3D
from graphkeras.layers.reshaping.zero_padding import ZeroPadding1D, ZeroPadding2D, ZeroPadding3D
