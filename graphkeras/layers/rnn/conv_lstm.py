"""ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: convolutional LSTMs over sequences of grids.

Each scans a :class:`ConvLSTMCell` over the timesteps of a ``(batch, time,
*spatial, channels)`` input (``channels_first``: ``(batch, time, channels,
*spatial)``) with the generic RNN step loop, so ``return_sequences``,
``return_state``, ``go_backwards``, ``stateful``, masks and initial states
behave as for any RNN. As Keras 3, the layer's config lists the cell's
arguments flat rather than nesting the cell, and the cell's weights are
stored under the layer's ``cell``.
"""

from __future__ import annotations

from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.rnn import fused_scan
from graphkeras.layers.rnn.conv_lstm_cell import (
    CELL_ARGUMENTS,
    ConvLSTMCell,
    serialize_cell_argument,
)
from graphkeras.layers.rnn.rnn import RNN


def _cell_argument(name: str) -> property:
    return property(
        lambda layer: getattr(layer.cell, name),
        doc=f"The cell's ``{name}``.",
    )


class ConvLSTM(RNN):
    """A ConvLSTM of ``rank`` spatial axes (the subclasses fix it): the cell's arguments
    plus :class:`RNN`'s.

    The cell's arguments are readable on the layer (``layer.filters``,
    ``layer.kernel_size``...), as on Keras's.
    """

    rank: int = 2

    def __init__(
        self,
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
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        **kwargs,
    ) -> None:
        cell = ConvLSTMCell(
            self.rank,
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **fused_scan.cell_layer_arguments("conv_lstm_cell", kwargs),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=self.rank + 3)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        step_shape = (batch, *sequences_shape[2:])
        state_shape = tuple(self.cell.compute_output_shape(step_shape)[0])
        if self.return_sequences:
            output_shape = (batch, steps, *state_shape[1:])
        else:
            output_shape = state_shape
        if self.return_state:
            return [output_shape, state_shape, state_shape]
        return output_shape

    def get_config(self) -> dict:
        config = super().get_config()
        del config["cell"]
        activity_regularizer = config.pop("activity_regularizer")
        for argument in CELL_ARGUMENTS:
            config[argument] = serialize_cell_argument(argument, getattr(self.cell, argument))
            if argument == "bias_regularizer":
                config["activity_regularizer"] = activity_regularizer
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        return cls(**config)


for _name in CELL_ARGUMENTS:
    setattr(ConvLSTM, _name, _cell_argument(_name))
del _name


@register_layer
class ConvLSTM1D(ConvLSTM):
    """ConvLSTM over sequences of 1-D grids, ``(batch, time, steps, channels)``."""

    rank = 1


@register_layer
class ConvLSTM2D(ConvLSTM):
    """ConvLSTM over sequences of images, ``(batch, time, rows, cols, channels)``.

    >>> layer = ConvLSTM2D(4, 3, padding="same", return_sequences=True)
    >>> layer(Input((5, 8, 8, 1))).shape
    (None, 5, 8, 8, 4)
    """

    rank = 2


@register_layer
class ConvLSTM3D(ConvLSTM):
    """ConvLSTM over sequences of volumes, ``(batch, time, depth, rows, cols, channels)``."""

    rank = 3
