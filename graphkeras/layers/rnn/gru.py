"""GRU: the gated recurrent unit, an LSTM-like recurrence with a single state.

Each step computes, in Keras's gate order z (update), r (reset), h
(candidate): ``z`` and ``r`` through ``recurrent_activation`` from ``x @
kernel + h @ recurrent_kernel + bias``; the candidate ``hh =
activation(x_h + r * (h @ U_h + b_h))`` with ``reset_after`` (Keras 3's
default, the cuDNN form) or ``activation(x_h + (r * h) @ U_h)`` without;
and ``h = z * h + (1 - z) * hh``. :class:`GRUCell` is one step; :class:`GRU`
scans it, as the fused backend op ``K.gru_sequence`` when it can.
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


def _columns(x, start: int, stop: int):
    """Columns ``start:stop`` of the last axis of ``x`` (a recorded slice)."""
    return K.getitem(x, (Ellipsis, slice(start, stop)))


def _masked(x, masks, gate: int):
    """``x`` times the dropout mask of ``gate`` (one mask per gate, or one shared); x alone."""
    if masks is None:
        return x
    return K.multiply(x, masks[gate] if isinstance(masks, list) else masks)


@register_layer
class GRUCell(Layer, DropoutRNNCell):
    """One GRU step: a single state ``h``, which is also the output.

    Weights: ``kernel`` ``(features, 3 * units)``, ``recurrent_kernel``
    ``(units, 3 * units)``, then ``bias``: ``(2, 3 * units)`` (input bias,
    then recurrent bias) with ``reset_after``, else ``(3 * units,)``.
    """

    def __init__(
        self,
        units: int,
        activation="tanh",
        recurrent_activation="sigmoid",
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
        reset_after: bool = True,
        seed: int | None = None,
        **kwargs,
    ) -> None:
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.units = cell_arguments.units(units, self)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
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
        self.implementation = 1 if self.recurrent_dropout else implementation
        if self.implementation == 1:
            self.dropout_mask_count = 3
        self.reset_after = bool(reset_after)
        self.seed = seed
        self.seed_generator = K.seed_generator(seed)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape) -> None:
        units = self.units
        self.kernel = self.add_weight(
            "kernel",
            shape=(input_shape[-1], 3 * units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            shape=(units, 3 * units),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=(2, 3 * units) if self.reset_after else (3 * units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True

    def call(self, inputs, states, training=False):
        h_previous = states[0] if isinstance(states, (list, tuple)) else states
        units = self.units
        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = K.getitem(self.bias, 0), K.getitem(self.bias, 1)
            else:
                input_bias = self.bias
        input_masks = self.get_dropout_mask(inputs) if training else None
        state_masks = self.get_recurrent_dropout_mask(h_previous) if training else None
        # Pre-activations of the three gates from the inputs: x_z, x_r, x_h.
        x = []
        for gate in range(3):
            part = K.matmul(
                _masked(inputs, input_masks, gate),
                _columns(self.kernel, gate * units, (gate + 1) * units),
            )
            if input_bias is not None:
                part = K.add(part, _columns(input_bias, gate * units, (gate + 1) * units))
            x.append(part)
        # ...and from the previous state: h @ U for z, r and (reset_after) h.
        recurrent = []
        for gate in range(3 if self.reset_after else 2):
            part = K.matmul(
                _masked(h_previous, state_masks, gate),
                _columns(self.recurrent_kernel, gate * units, (gate + 1) * units),
            )
            if recurrent_bias is not None:
                part = K.add(part, _columns(recurrent_bias, gate * units, (gate + 1) * units))
            recurrent.append(part)
        z = self.recurrent_activation(K.add(x[0], recurrent[0]))
        r = self.recurrent_activation(K.add(x[1], recurrent[1]))
        if self.reset_after:
            recurrent_h = K.multiply(r, recurrent[2])
        else:
            recurrent_h = K.matmul(
                K.multiply(r, _masked(h_previous, state_masks, 2)),
                _columns(self.recurrent_kernel, 2 * units, 3 * units),
            )
        hh = self.activation(K.add(x[2], recurrent_h))
        # h = z * h_previous + (1 - z) * hh, written as hh + z * (h_previous - hh).
        h = K.add(hh, K.multiply(z, K.subtract(h_previous, hh)))
        return h, [h] if isinstance(states, (list, tuple)) else h

    def get_initial_state(self, batch_size=None) -> list:
        return [K.zeros((batch_size, self.units), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
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
            "reset_after": self.reset_after,
            "seed": self.seed,
        }


@register_layer
class GRU(RNN):
    """Gated recurrent unit over a sequence (Cho et al., 2014).

    Arguments are :class:`GRUCell`'s plus :class:`RNN`'s; ``use_cudnn`` is
    accepted for Keras compatibility and changes nothing here. Without
    recurrent dropout in training and with activations among tanh, sigmoid,
    relu, linear and hard_sigmoid, the scan runs as the fused op
    ``K.gru_sequence``; otherwise the cell is stepped.
    """

    def __init__(
        self,
        units: int,
        activation="tanh",
        recurrent_activation="sigmoid",
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
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        reset_after: bool = True,
        use_cudnn="auto",
        **kwargs,
    ) -> None:
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
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
            reset_after=reset_after,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
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
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f"GRU '{self.name}': use_cudnn must be 'auto', True or False, "
                f"received use_cudnn={use_cudnn!r}."
            )
        self.use_cudnn = use_cudnn

    def inner_loop(self, sequences, initial_state: list, mask, training: bool) -> tuple:
        cell = self.cell
        activation = cell_arguments.fused_name(cell.activation)
        recurrent_activation = cell_arguments.fused_name(cell.recurrent_activation)
        if (
            activation is None
            or recurrent_activation is None
            or (training and 0.0 < cell.recurrent_dropout < 1.0)
        ):
            return super().inner_loop(sequences, initial_state, mask, training)
        sequences = fused_scan.dropped_out(cell, sequences, training)
        output, final_h = K.gru_sequence(
            sequences,
            initial_state[0],
            cell.kernel,
            cell.recurrent_kernel,
            cell.bias,
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            zero_output_for_mask=self.zero_output_for_mask,
            reset_after=cell.reset_after,
            activation=activation,
            recurrent_activation=recurrent_activation,
        )
        return output, [final_h]

    def get_config(self) -> dict:
        config = super().get_config()
        del config["cell"]
        return {**config, **fused_scan.cell_config(self.cell)}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)
