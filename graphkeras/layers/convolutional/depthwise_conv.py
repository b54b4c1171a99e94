"""DepthwiseConv1D and DepthwiseConv2D: each channel filtered on its own.

Where a plain convolution mixes every input channel into every output
channel, a depthwise convolution gives each input channel its own
``depth_multiplier`` filters and never mixes channels: output channel
``c * depth_multiplier + m`` is channel ``c`` filtered by ``kernel[..., c, m]``.
It is the cheap spatial half of a separable convolution (MobileNet).
Weights, as in Keras 3 (3.15): ``kernel`` of shape ``(*kernel_size,
in_channels, depth_multiplier)``, also reachable as ``depthwise_kernel``,
then ``bias`` of shape ``(in_channels * depth_multiplier,)``.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.convolutional.convolution_base import ConvolutionBase
from graphkeras.layers.weight_arguments import add_weight_from_arguments, set_weight_arguments


class BaseDepthwiseConv(ConvolutionBase):
    """An N-D depthwise convolution layer (``rank`` set by the subclass)."""

    _kernels = ("depthwise",)

    def __init__(
        self,
        kernel_size,
        strides=1,
        padding="valid",
        depth_multiplier: int = 1,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias: bool = True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
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
        self.depth_multiplier = self._positive_int(depth_multiplier, "depth_multiplier")
        set_weight_arguments(
            self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )

    @property
    def depthwise_kernel(self):
        """The ``kernel`` weight, under the name Keras 2 gave it."""
        return self.kernel

    def build(self, input_shape) -> None:
        channels = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = add_weight_from_arguments(
            self, "kernel", (*self.kernel_size, channels, self.depth_multiplier), "depthwise"
        )
        self._build_bias(channels * self.depth_multiplier)
        self._fix_channels(channels)
        self.built = True

    def call(self, inputs):
        outputs = K.depthwise_conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        channels = self._check_rank(input_shape)[self._channel_axis]
        filters = None if channels is None else channels * self.depth_multiplier
        return self._conv_output_shape(input_shape, filters)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            **self._window_config(),
            **self._output_config(),
        }


@register_layer
class DepthwiseConv1D(BaseDepthwiseConv):
    """1-D depthwise convolution over ``(batch, steps, channels)``."""

    rank = 1


@register_layer
class DepthwiseConv2D(BaseDepthwiseConv):
    """2-D depthwise convolution over ``(batch, height, width, channels)`` images."""

    rank = 2
