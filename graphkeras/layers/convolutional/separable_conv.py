"""SeparableConv1D and SeparableConv2D: a depthwise convolution, then a 1x1 convolution.

Splitting a convolution into a per-channel spatial filter (depthwise) and a
channel mixer (pointwise, kernel size 1) needs far fewer weights than one
full kernel, for similar accuracy (Xception, MobileNet). Weights, as in
Keras 3: ``depthwise_kernel`` of shape ``(*kernel_size, in_channels,
depth_multiplier)``, ``pointwise_kernel`` of shape ``(*ones,
in_channels * depth_multiplier, filters)``, then ``bias`` of shape
``(filters,)``.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.convolutional.convolution_base import ConvolutionBase
from graphkeras.layers.weight_arguments import add_weight_from_arguments, set_weight_arguments


class BaseSeparableConv(ConvolutionBase):
    """An N-D separable convolution layer (``rank`` set by the subclass)."""

    _kernels = ("depthwise", "pointwise")

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier: int = 1,
        activation=None,
        use_bias: bool = True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ) -> None:
        super().__init__(
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint,
            **kwargs,
        )
        self.filters = self._positive_int(filters, "filters")
        self.depth_multiplier = self._positive_int(depth_multiplier, "depth_multiplier")
        set_weight_arguments(
            self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        set_weight_arguments(
            self, "pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint
        )

    def build(self, input_shape) -> None:
        channels = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = add_weight_from_arguments(
            self,
            "depthwise_kernel",
            (*self.kernel_size, channels, self.depth_multiplier),
            "depthwise",
        )
        self.pointwise_kernel = add_weight_from_arguments(
            self,
            "pointwise_kernel",
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            "pointwise",
        )
        self._build_bias(self.filters)
        self._fix_channels(channels)
        self.built = True

    def call(self, inputs):
        depthwise = K.depthwise_conv(
            inputs,
            self.depthwise_kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        outputs = K.conv(depthwise, self.pointwise_kernel, data_format=self.data_format)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        return self._conv_output_shape(input_shape, self.filters)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            **self._window_config(),
            **self._output_config(),
        }


@register_layer(aliases=("SeparableConvolution1D",))
class SeparableConv1D(BaseSeparableConv):
    """1-D separable convolution over ``(batch, steps, channels)``."""

    rank = 1


@register_layer(aliases=("SeparableConvolution2D",))
class SeparableConv2D(BaseSeparableConv):
    """2-D separable convolution over ``(batch, height, width, channels)`` images."""

    rank = 2


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
