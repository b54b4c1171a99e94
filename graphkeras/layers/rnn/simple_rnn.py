"""SimpleRNN: the fully-connected recurrence ``h = activation(x @ W + h @ U + b)``.

:class:`SimpleRNNCell` is one timestep; :class:`SimpleRNN` scans it over a
sequence, as one fused backend op (``K.simple_rnn_sequence``) when it can.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.rnn import fused_scan
from graphkeras.layers.rnn.dense_recurrent_cell import WEIGHT_ARGUMENTS, DenseRecurrentCell


@register_layer
class SimpleRNNCell(DenseRecurrentCell):
    """One step of a simple RNN: ``output = new_state = activation(x @ kernel + h @ U + bias)``.

    Weights: ``kernel`` ``(features, units)``, ``recurrent_kernel``
    ``(units, units)``, then ``bias`` ``(units,)``. ``dropout`` drops input
    features and ``recurrent_dropout`` units of the previous state, with
    masks kept for a whole sequence.
    """

    config_arguments = (
        "units",
        "activation",
        "use_bias",
        *WEIGHT_ARGUMENTS,
        "dropout",
        "recurrent_dropout",
        "seed",
    )

    def __init__(
        self,
        units: int,
        activation="tanh",
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
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
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )

    def call(self, inputs, states, training=False):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        if training:
            input_mask = self.get_dropout_mask(inputs)
            if input_mask is not None:
                inputs = K.multiply(inputs, input_mask)
            state_mask = self.get_recurrent_dropout_mask(previous)
            if state_mask is not None:
                previous = K.multiply(previous, state_mask)
        h = K.matmul(inputs, self.kernel)
        if self.bias is not None:
            h = K.add(h, self.bias)
        output = self.activation(K.add(h, K.matmul(previous, self.recurrent_kernel)))
        return output, [output] if isinstance(states, (list, tuple)) else output


@register_layer
class SimpleRNN(fused_scan.FusedRNN):
    """A fully-connected RNN whose output is fed back as the next step's state.

    Arguments are :class:`SimpleRNNCell`'s plus :class:`RNN`'s. Without
    recurrent dropout in training and with an activation among tanh,
    sigmoid, relu, linear and hard_sigmoid, the scan runs as the fused op
    ``K.simple_rnn_sequence`` (one record on the gradient tape).
    """

    fused_op = "simple_rnn_sequence"

    def __init__(
        self,
        units: int,
        activation="tanh",
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs,
    ) -> None:
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **fused_scan.cell_layer_arguments("simple_rnn_cell", kwargs),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
