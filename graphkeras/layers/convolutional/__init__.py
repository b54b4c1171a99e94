"""Convolution layers: plain, transposed, depthwise and separable, in 1, 2 and 3 dimensions."""

from graphkeras.layers.convolutional.conv import (
    BaseConv,
    Conv1D,
    Conv2D,
    Conv3D,
    Convolution1D,
    Convolution2D,
    Convolution3D,
)
from graphkeras.layers.convolutional.conv_transpose import (
    BaseConvTranspose,
    Conv1DTranspose,
    Conv2DTranspose,
    Conv3DTranspose,
    Convolution1DTranspose,
    Convolution2DTranspose,
    Convolution3DTranspose,
)
from graphkeras.layers.convolutional.convolution_base import ConvolutionBase
from graphkeras.layers.convolutional.depthwise_conv import (
    BaseDepthwiseConv,
    DepthwiseConv1D,
    DepthwiseConv2D,
)
from graphkeras.layers.convolutional.separable_conv import (
    BaseSeparableConv,
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)

__all__ = [
    "BaseConv",
    "BaseConvTranspose",
    "BaseDepthwiseConv",
    "BaseSeparableConv",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "ConvolutionBase",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
]
