"""SimpleRNN: the fully-connected recurrence ``h = activation(x @ W + h @ U + b)``.

:class:`SimpleRNNCell` is one timestep; :class:`SimpleRNN` scans it over a
sequence, as one fused backend op (``K.simple_rnn_sequence``) when it can.
"""

from __future__ import annotations

from graphkeras import activations, constraints, initializers, regularizers
from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.rnn import cell_arguments, fused_scan
from graphkeras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from graphkeras.layers.rnn.rnn import RNN

_SEQUENCES = InputSpec(ndim=3)


@register_layer
class SimpleRNNCell(Layer, DropoutRNNCell):
    """One step of a simple RNN: ``output = new_state = activation(x @ kernel + h @ U + bias)``.

    Weights: ``kernel`` ``(features, units)``, ``recurrent_kernel``
    ``(units, units)``, then ``bias`` ``(units,)``. ``dropout`` drops input
    features and ``recurrent_dropout`` units of the previous state, with
    masks kept for a whole sequence.
    """

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
        super().__init__(**kwargs)
        self.units = cell_arguments.units(units, self)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = cell_arguments.rate(dropout, "dropout", self)
        self.recurrent_dropout = cell_arguments.rate(recurrent_dropout, "recurrent_dropout", self)
        self.seed = seed
        self.seed_generator = K.seed_generator(seed)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape) -> None:
        self.kernel = self.add_weight(
            "kernel",
            shape=(input_shape[-1], self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            shape=(self.units, self.units),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True

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

    def get_initial_state(self, batch_size=None) -> list:
        return [K.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


@register_layer
class SimpleRNN(RNN):
    """A fully-connected RNN whose output is fed back as the next step's state.

    Arguments are :class:`SimpleRNNCell`'s plus :class:`RNN`'s. Without
    recurrent dropout in training and with an activation among tanh,
    sigmoid, relu, linear and hard_sigmoid, the scan runs as the fused op
    ``K.simple_rnn_sequence`` (one record on the gradient tape).
    """

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
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
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
        self.input_spec = _SEQUENCES

    def inner_loop(self, sequences, initial_state: list, mask, training: bool) -> tuple:
        cell = self.cell
        activation = cell_arguments.fused_name(cell.activation)
        if activation is None or (training and 0.0 < cell.recurrent_dropout < 1.0):
            return super().inner_loop(sequences, initial_state, mask, training)
        sequences = fused_scan.dropped_out(cell, sequences, training)
        output, final_h = K.simple_rnn_sequence(
            sequences,
            initial_state[0],
            cell.kernel,
            cell.recurrent_kernel,
            cell.bias,
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            zero_output_for_mask=self.zero_output_for_mask,
            activation=activation,
        )
        return output, [final_h]

    def get_config(self) -> dict:
        config = super().get_config()
        del config["cell"]
        return {**config, **fused_scan.cell_config(self.cell)}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)
