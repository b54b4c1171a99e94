"""What every convolution layer shares: its window arguments, bias, activation and checks.

A convolution layer slides a kernel over the ``rank`` spatial axes of a
``(batch, *spatial, channels)`` input (``channels_first``: channels second).
The kinds of convolution (plain, transposed, depthwise, separable) differ in
their weights and in the backend op they call; the arguments that shape the
windows (``kernel_size``, ``strides``, ``padding``, ``data_format``,
``dilation_rate``), the bias added on the channel axis, the activation and
the activity regularizer are the same, and live here. Arguments are checked
at construction, so a bad one fails with a ``ValueError`` naming the layer
and the argument before any input is seen.
"""

from __future__ import annotations

from graphkeras import activations, regularizers
from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.layers.activity_regularization import activity_loss
from graphkeras.layers.spatial_arguments import data_format_argument, describe, int_tuple
from graphkeras.layers.weight_arguments import (
    add_weight_from_arguments,
    set_weight_arguments,
    weight_arguments_config,
)


def conv_output_length(size, kernel: int, stride: int, dilation: int, padding: str):
    """Output size of a convolution along one axis (None for an unknown ``size``)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - (kernel - 1) * dilation - 1) // stride + 1
    return (size - 1) // stride + 1  # "same" and "causal"


def conv_transpose_output_length(
    size, kernel: int, stride: int, dilation: int, padding: str, output_padding
):
    """Output size of a transposed convolution along one axis, as Keras 3 computes it."""
    if size is None:
        return None
    extent = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(extent, stride) - extent if output_padding is None else output_padding
        return (size - 1) * stride + extent + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + extent % 2 + output_padding


class ConvolutionBase(Layer):
    """The base of the convolution layers; subclasses set ``rank`` and write the weights.

    A subclass's ``build`` creates its kernel(s) and calls :meth:`_build_bias`;
    its ``call`` runs the backend op and passes the result to :meth:`_finish`,
    which adds the bias, applies the activation and records the activity
    regularizer's loss. ``_kernels`` names the prefixes of its kernels'
    initializer, regularizer and constraint arguments (``kernel_initializer``).
    """

    rank = 2
    _paddings: tuple = ("valid", "same")
    _kernels: tuple = ("kernel",)

    def __init__(
        self,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias: bool = True,
        bias_initializer="zeros",
        bias_regularizer=None,
        activity_regularizer=None,
        bias_constraint=None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.kernel_size = int_tuple(kernel_size, self.rank, "kernel_size", self)
        self.strides = int_tuple(strides, self.rank, "strides", self)
        self.dilation_rate = int_tuple(dilation_rate, self.rank, "dilation_rate", self)
        if not isinstance(padding, str) or padding.lower() not in self._paddings:
            raise ValueError(
                f"{describe(self)}: padding must be one of {self._paddings}, "
                f"received padding={padding!r}."
            )
        self.padding = padding.lower()
        self.data_format = data_format_argument(data_format, self)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_arguments(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self._linear = self.activation is activations.linear

    # ------------------------------------------------------------- checks
    def _positive_int(self, value, argument: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(
                f"{describe(self)}: {argument} must be a positive int, "
                f"received {argument}={value!r}."
            )
        return value

    def _forbid_strides_with_dilation(self) -> None:
        """As Keras 3: a stride above 1 and a dilation above 1 do not combine."""
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{describe(self)}: strides > 1 cannot be combined with dilation_rate > 1, "
                f"received strides={self.strides} and dilation_rate={self.dilation_rate}."
            )

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _check_rank(self, input_shape) -> tuple:
        """``input_shape`` as a tuple; a rank other than ``rank + 2`` raises ValueError."""
        input_shape = tuple(input_shape)
        expected = self.rank + 2
        if len(input_shape) != expected:
            layout = "*spatial, channels"
            if self.data_format == "channels_first":
                layout = "channels, *spatial"
            raise ValueError(
                f"{describe(self)} expects inputs of rank {expected} (batch, {layout}), "
                f"received an input of shape {input_shape}."
            )
        return input_shape

    def _input_channels(self, input_shape) -> int:
        """The input's channel count; a wrong rank or an unknown count raises ValueError."""
        input_shape = self._check_rank(input_shape)
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"{describe(self)} needs a known channel dim (axis {self._channel_axis}) to "
                f"create its weights, received input shape {input_shape}."
            )
        return int(channels)

    def _fix_channels(self, channels: int) -> None:
        """From the first build on, only inputs of this many channels are accepted."""
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})

    # ------------------------------------------------------------- shapes
    def _output_shape(self, input_shape, channels: int, spatial_lengths) -> tuple:
        """``input_shape`` with the spatial dims and the channel count replaced."""
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *spatial_lengths, channels)
        return (input_shape[0], channels, *spatial_lengths)

    def _spatial_dims(self, input_shape) -> tuple:
        input_shape = self._check_rank(input_shape)
        return input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]

    def _conv_output_shape(self, input_shape, channels: int) -> tuple:
        """The output shape of a forward convolution; an empty output raises ValueError."""
        lengths = tuple(
            conv_output_length(size, k, s, d, self.padding)
            for size, k, s, d in zip(
                self._spatial_dims(input_shape),
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                strict=True,
            )
        )
        if any(length is not None and length <= 0 for length in lengths):
            raise ValueError(
                f"{describe(self)}: the output would be empty for inputs of shape "
                f"{tuple(input_shape)} (kernel_size={self.kernel_size}, "
                f"strides={self.strides}, dilation_rate={self.dilation_rate}, "
                f"padding={self.padding!r}); expected spatial dims of at least the dilated "
                "kernel size."
            )
        return self._output_shape(input_shape, channels, lengths)

    # ------------------------------------------------------------- weights
    def _build_bias(self, size: int) -> None:
        self.bias = None
        if self.use_bias:
            self.bias = add_weight_from_arguments(self, "bias", (size,))

    def _finish(self, outputs):
        """Bias, activation and activity regularizer, applied to the op's result."""
        if self.bias is not None:
            outputs = K.bias_add(outputs, self.bias, data_format=self.data_format)
        if not self._linear:
            outputs = self.activation(outputs)
        if self.activity_regularizer is not None:
            # Divided by the batch size, as Keras 3 does.
            self.add_loss(activity_loss(self.activity_regularizer, outputs))
        return outputs

    # -------------------------------------------------------------- config
    def _window_config(self) -> dict:
        return {
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate),
        }

    def _output_config(self) -> dict:
        """The activation, ``use_bias``, then every weight's arguments (kernels first)."""
        return {
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_arguments_config(self, (*self._kernels, "bias")),
        }
