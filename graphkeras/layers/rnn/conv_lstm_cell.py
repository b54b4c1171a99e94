"""ConvLSTMCell: one LSTM step whose products are convolutions (Shi et al., 2015).

An LSTM that reads images (or 1-D or 3-D grids) keeps images as its states:
the four gates come from ``z = conv(x, kernel) + conv(h, recurrent_kernel) +
bias``, gates i, f, c, o side by side on the channel axis, and combine as in
an LSTM: ``c = f * c + i * activation(z_c)``, ``h = o * activation(c)``, the
gates i, f and o through ``recurrent_activation``. The input convolution uses
the layer's ``strides``, ``padding`` and ``dilation_rate``; the recurrent one
always runs with stride 1, no dilation and ``"same"`` padding, so the state
keeps the shape of the input convolution's output, as in Keras 3.

Every product is a backend ``conv`` the gradient tape records, so the cell
trains through the generic RNN step loop.
"""

from __future__ import annotations

from graphkeras import activations, constraints, initializers, regularizers
from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.convolutional.convolution_base import conv_output_length
from graphkeras.layers.rnn import cell_arguments
from graphkeras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from graphkeras.layers.rnn.lstm import ForgetGateBias
from graphkeras.layers.spatial_arguments import (
    data_format_argument,
    describe,
    int_tuple,
    padding_argument,
)
from graphkeras.layers.weight_arguments import set_weight_arguments

_GATES = 4

# The cell's constructor arguments after ``rank``, in Keras's config order.
CELL_ARGUMENTS = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
)


def serialize_cell_argument(name: str, value):
    """``value`` of the cell argument ``name`` as it goes into a config."""
    if name in ("kernel_size", "strides", "dilation_rate"):
        return list(value)
    if name.endswith("activation"):
        return activations.serialize(value)
    if name.endswith("_initializer"):
        return initializers.serialize(value)
    if name.endswith("_regularizer"):
        return regularizers.serialize(value)
    if name.endswith("_constraint"):
        return constraints.serialize(value)
    return value


@register_layer
class ConvLSTMCell(Layer, DropoutRNNCell):
    """One ConvLSTM step over ``(batch, *spatial, channels)`` inputs: states ``[h, c]``.

    Weights, as Keras 3: ``kernel`` ``(*kernel_size, channels, 4 * filters)``,
    ``recurrent_kernel`` ``(*kernel_size, filters, 4 * filters)``, then
    ``bias`` ``(4 * filters,)``, gates i, f, c, o. ``unit_forget_bias``
    starts the forget gate's bias at one. ``dropout`` and
    ``recurrent_dropout`` (training only) give each gate its own mask on the
    input and on the previous ``h``, kept for a whole sequence. The spatial
    dims of the input must be known when it is built.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if rank not in (1, 2, 3):
            raise ValueError(
                f"{describe(self)}: rank must be 1, 2 or 3 (the convolution's spatial axes), "
                f"received rank={rank!r}."
            )
        self.rank = rank
        self.filters = cell_arguments.units(filters, self, "filters")
        self.kernel_size = int_tuple(kernel_size, rank, "kernel_size", self)
        self.strides = int_tuple(strides, rank, "strides", self)
        self.padding = padding_argument(padding, self)
        self.data_format = data_format_argument(data_format, self)
        self.dilation_rate = int_tuple(dilation_rate, rank, "dilation_rate", self)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{describe(self)}: strides > 1 cannot be combined with dilation_rate > 1, "
                f"received strides={self.strides} and dilation_rate={self.dilation_rate}."
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.unit_forget_bias = bool(unit_forget_bias)
        set_weight_arguments(
            self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint
        )
        set_weight_arguments(
            self, "recurrent", recurrent_initializer, recurrent_regularizer, recurrent_constraint
        )
        set_weight_arguments(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.dropout = cell_arguments.rate(dropout, "dropout", self)
        self.recurrent_dropout = cell_arguments.rate(recurrent_dropout, "recurrent_dropout", self)
        self.dropout_mask_count = _GATES
        self.seed = seed
        self.seed_generator = K.seed_generator(seed)
        # Two states, h and c, each with ``filters`` channels; their spatial
        # shape comes from the input (see get_initial_state).
        self.state_size = [self.filters, self.filters]
        self.input_spec = InputSpec(ndim=rank + 2)
        self.spatial_dims: tuple | None = None
        self.input_dim: int | None = None

    # ----------------------------------------------------------------- shapes
    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _spatial(self, input_shape) -> tuple:
        return tuple(input_shape[1:-1] if self._channel_axis == -1 else input_shape[2:])

    def compute_output_shape(self, input_shape, states_shape=None):
        """``(output_shape, [h_shape, c_shape])``: all the input convolution's output shape."""
        lengths = tuple(
            conv_output_length(size, k, s, d, self.padding)
            for size, k, s, d in zip(
                self._spatial(input_shape),
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                strict=True,
            )
        )
        if any(length is not None and length <= 0 for length in lengths):
            raise ValueError(
                f"{describe(self)}: the output would be empty for steps of shape "
                f"{tuple(input_shape)} (kernel_size={self.kernel_size}, strides={self.strides}, "
                f"dilation_rate={self.dilation_rate}, padding={self.padding!r})."
            )
        batch = input_shape[0]
        if self._channel_axis == -1:
            shape = (batch, *lengths, self.filters)
        else:
            shape = (batch, self.filters, *lengths)
        return shape, [shape, shape]

    # ---------------------------------------------------------------- weights
    def build(self, input_shape, states_shape=None) -> None:
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{describe(self)} expects steps of rank {self.rank + 2}, received a step of "
                f"shape {input_shape}."
            )
        spatial = self._spatial(input_shape)
        channels = input_shape[self._channel_axis]
        if None in spatial or channels is None:
            raise ValueError(
                f"{describe(self)} needs known spatial dims and channels, received steps of "
                f"shape {input_shape}."
            )
        self.compute_output_shape(input_shape)
        self.spatial_dims = spatial
        self.input_dim = int(channels)
        width = _GATES * self.filters
        self.kernel = self.add_weight(
            "kernel",
            shape=(*self.kernel_size, self.input_dim, width),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            shape=(*self.kernel_size, self.filters, width),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            initializer = self.bias_initializer
            if self.unit_forget_bias:
                initializer = ForgetGateBias(self.bias_initializer, self.filters)
            self.bias = self.add_weight(
                "bias",
                shape=(width,),
                initializer=initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: self.input_dim})
        self.built = True

    def get_initial_state(self, batch_size=None) -> list:
        """Zero ``h`` and ``c``, shaped as the input convolution's output."""
        if self.spatial_dims is None:
            raise ValueError(f"{describe(self)} must be built before it makes initial states.")
        if self._channel_axis == -1:
            step_shape = (batch_size, *self.spatial_dims, self.input_dim)
        else:
            step_shape = (batch_size, self.input_dim, *self.spatial_dims)
        shape = self.compute_output_shape(step_shape)[0]
        return [K.zeros(shape, dtype=self.compute_dtype) for _ in range(2)]

    # ------------------------------------------------------------------- step
    def _gate_slice(self, x, gate: int, axis: int):
        """Gate ``gate``'s block of ``filters`` entries of ``x`` along ``axis`` (-1 or 1)."""
        block = slice(gate * self.filters, (gate + 1) * self.filters)
        if axis == -1:
            return K.getitem(x, (Ellipsis, block))
        return K.getitem(x, (slice(None),) * axis + (block,))

    def _input_conv(self, x, kernel, bias):
        z = K.conv(
            x,
            kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        if bias is not None:
            z = K.bias_add(z, bias, data_format=self.data_format)
        return z

    def _recurrent_conv(self, h, kernel):
        return K.conv(h, kernel, strides=1, padding="same", data_format=self.data_format)

    def _gate_inputs(self, inputs, h_previous, training: bool) -> list:
        """The four gates' pre-activations, i, f, c, o."""
        input_masks = self.get_dropout_mask(inputs) if training else None
        state_masks = self.get_recurrent_dropout_mask(h_previous) if training else None
        if input_masks is None and state_masks is None:
            # One convolution for all four gates, then split on the channel axis.
            z = K.add(
                self._input_conv(inputs, self.kernel, self.bias),
                self._recurrent_conv(h_previous, self.recurrent_kernel),
            )
            return [self._gate_slice(z, gate, self._channel_axis) for gate in range(_GATES)]
        gates = []
        for gate in range(_GATES):
            x = inputs if input_masks is None else K.multiply(inputs, input_masks[gate])
            h = h_previous if state_masks is None else K.multiply(h_previous, state_masks[gate])
            bias = None if self.bias is None else self._gate_slice(self.bias, gate, -1)
            gates.append(
                K.add(
                    self._input_conv(x, self._gate_slice(self.kernel, gate, -1), bias),
                    self._recurrent_conv(h, self._gate_slice(self.recurrent_kernel, gate, -1)),
                )
            )
        return gates

    def call(self, inputs, states, training=False):
        h_previous, c_previous = states[0], states[1]
        z_i, z_f, z_c, z_o = self._gate_inputs(inputs, h_previous, bool(training))
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = K.add(K.multiply(f, c_previous), K.multiply(i, self.activation(z_c)))
        o = self.recurrent_activation(z_o)
        h = K.multiply(o, self.activation(c))
        return h, [h, c]

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict:
        config = super().get_config()
        for argument in CELL_ARGUMENTS:
            config[argument] = serialize_cell_argument(argument, getattr(self, argument))
        return config
