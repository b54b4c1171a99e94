"""Conv1DTranspose, Conv2DTranspose and Conv3DTranspose: convolutions run backwards.

A transposed convolution maps something shaped like a convolution's output
back to something shaped like its input, with the same connectivity: each
input pixel spreads its values over a kernel-sized patch of the output, the
patches ``strides`` apart (so ``strides=2`` doubles the size, as decoders and
generators use it). Weights, as in Keras 3: ``kernel`` of shape
``(*kernel_size, filters, in_channels)`` then ``bias`` of shape
``(filters,)``. Output sizes follow Keras 3 (see ``conv_transpose_output_length``).
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.convolutional.convolution_base import (
    ConvolutionBase,
    conv_transpose_output_length,
)
from graphkeras.layers.spatial_arguments import describe, int_tuple
from graphkeras.layers.weight_arguments import add_weight_from_arguments, set_weight_arguments


class BaseConvTranspose(ConvolutionBase):
    """An N-D transposed convolution layer (``rank`` set by the subclass)."""

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
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
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = int_tuple(
                output_padding, self.rank, "output_padding", self, allow_zero=True
            )
            if any(p >= s for p, s in zip(self.output_padding, self.strides, strict=True)):
                raise ValueError(
                    f"{describe(self)}: output_padding must be smaller than strides on every "
                    f"axis, received output_padding={self.output_padding} and "
                    f"strides={self.strides}."
                )
        self._forbid_strides_with_dilation()
        set_weight_arguments(
            self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint
        )

    def build(self, input_shape) -> None:
        channels = self._input_channels(input_shape)
        self.kernel = add_weight_from_arguments(
            self, "kernel", (*self.kernel_size, self.filters, channels)
        )
        self._build_bias(self.filters)
        self._fix_channels(channels)
        self.built = True

    def call(self, inputs):
        outputs = K.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        output_padding = self.output_padding or (None,) * self.rank
        lengths = tuple(
            conv_transpose_output_length(size, k, s, d, self.padding, p)
            for size, k, s, d, p in zip(
                self._spatial_dims(input_shape),
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                output_padding,
                strict=True,
            )
        )
        return self._output_shape(input_shape, self.filters, lengths)

    def get_config(self) -> dict:
        window = self._window_config()
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": window["kernel_size"],
            "strides": window["strides"],
            "padding": window["padding"],
            "output_padding": None if self.output_padding is None else list(self.output_padding),
            "data_format": window["data_format"],
            "dilation_rate": window["dilation_rate"],
            **self._output_config(),
        }


@register_layer(aliases=("Convolution1DTranspose",))
class Conv1DTranspose(BaseConvTranspose):
    """1-D transposed convolution over ``(batch, steps, channels)``."""

    rank = 1


@register_layer(aliases=("Convolution2DTranspose",))
class Conv2DTranspose(BaseConvTranspose):
    """2-D transposed convolution over ``(batch, height, width, channels)`` images."""

    rank = 2


@register_layer(aliases=("Convolution3DTranspose",))
class Conv3DTranspose(BaseConvTranspose):
    """3-D transposed convolution over ``(batch, depth, height, width, channels)`` volumes.

    As in Keras 3, ``data_format`` comes before ``output_padding`` among
    this class's positional arguments.
    """

    rank = 3

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        output_padding=None,
        dilation_rate=1,
        *args,
        **kwargs,
    ) -> None:
        super().__init__(
            filters,
            kernel_size,
            strides,
            padding,
            output_padding,
            data_format,
            dilation_rate,
            *args,
            **kwargs,
        )


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
