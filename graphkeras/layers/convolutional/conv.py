"""Conv1D, Conv2D and Conv3D: a bank of learned filters slid over 1, 2 or 3 spatial axes.

Each output channel is the cross-correlation of the input with one filter,
plus a bias, through an activation. Weights, as in Keras 3: ``kernel`` of
shape ``(*kernel_size, in_channels // groups, filters)`` then ``bias`` of
shape ``(filters,)``. With ``groups > 1`` the channels split into that many
groups, each seen only by its own ``filters // groups`` filters.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.convolutional.convolution_base import ConvolutionBase
from graphkeras.layers.spatial_arguments import describe
from graphkeras.layers.weight_arguments import add_weight_from_arguments, set_weight_arguments


class BaseConv(ConvolutionBase):
    """An N-D convolution layer (``rank`` set by the subclass)."""

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups: int = 1,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
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
        self.groups = self._positive_int(groups, "groups")
        if self.filters % self.groups:
            raise ValueError(
                f"{describe(self)}: filters must be a multiple of groups, received "
                f"filters={self.filters} and groups={self.groups}."
            )
        self._forbid_strides_with_dilation()
        set_weight_arguments(
            self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint
        )

    def build(self, input_shape) -> None:
        channels = self._input_channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"{describe(self)}: the input's channels must be a multiple of groups="
                f"{self.groups}, received an input of shape {tuple(input_shape)} "
                f"({channels} channels)."
            )
        self.compute_output_shape(input_shape)
        self.kernel = add_weight_from_arguments(
            self, "kernel", (*self.kernel_size, channels // self.groups, self.filters)
        )
        self._build_bias(self.filters)
        self._fix_channels(channels)
        self.built = True

    def call(self, inputs):
        outputs = K.conv(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        return self._conv_output_shape(input_shape, self.filters)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._window_config(),
            "groups": self.groups,
            **self._output_config(),
        }


@register_layer(aliases=("Convolution1D",))
class Conv1D(BaseConv):
    """1-D convolution over ``(batch, steps, channels)``; also ``padding="causal"``.

    Causal padding pads only before the first step, so output ``t`` sees
    inputs ``t`` and earlier (for dilated temporal models such as WaveNet).
    """

    rank = 1
    _paddings = ("valid", "same", "causal")


@register_layer(aliases=("Convolution2D",))
class Conv2D(BaseConv):
    """2-D convolution over ``(batch, height, width, channels)`` images."""

    rank = 2


@register_layer(aliases=("Convolution3D",))
class Conv3D(BaseConv):
    """3-D convolution over ``(batch, depth, height, width, channels)`` volumes."""

    rank = 3


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
