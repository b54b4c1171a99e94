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

from graphkeras import activations
from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.rnn import fused_scan
from graphkeras.layers.rnn.dense_recurrent_cell import WEIGHT_ARGUMENTS, DenseRecurrentCell


@register_layer
class GRUCell(DenseRecurrentCell):
    """One GRU step: a single state ``h``, which is also the output.

    Weights: ``kernel`` ``(features, 3 * units)``, ``recurrent_kernel``
    ``(units, 3 * units)``, then ``bias``: ``(2, 3 * units)`` (input bias,
    then recurrent bias) with ``reset_after``, else ``(3 * units,)``.
    """

    gates = 3
    config_arguments = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        *WEIGHT_ARGUMENTS,
        "dropout",
        "recurrent_dropout",
        "reset_after",
        "seed",
    )

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
            implementation=implementation,
            **kwargs,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self) -> tuple:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=False):
        h_previous = states[0] if isinstance(states, (list, tuple)) else states
        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = K.getitem(self.bias, 0), K.getitem(self.bias, 1)
            else:
                input_bias = self.bias
        input_masks = self.get_dropout_mask(inputs) if training else None
        state_masks = self.get_recurrent_dropout_mask(h_previous) if training else None
        # Pre-activations of the three gates from the inputs: x_z, x_r, x_h...
        x = self._gate_projections(inputs, input_masks, self.kernel, input_bias, 3)
        # ...and from the previous state: h @ U for z, r and (reset_after) h.
        recurrent_gates = 3 if self.reset_after else 2
        recurrent = self._gate_projections(
            h_previous, state_masks, self.recurrent_kernel, recurrent_bias, recurrent_gates
        )
        z = self.recurrent_activation(K.add(x[0], recurrent[0]))
        r = self.recurrent_activation(K.add(x[1], recurrent[1]))
        if self.reset_after:
            recurrent_h = K.multiply(r, recurrent[2])
        else:
            recurrent_h = K.matmul(
                K.multiply(r, self._masked(h_previous, state_masks, 2)),
                self._gate_columns(self.recurrent_kernel, 2),
            )
        hh = self.activation(K.add(x[2], recurrent_h))
        # h = z * h_previous + (1 - z) * hh, written as hh + z * (h_previous - hh).
        h = K.add(hh, K.multiply(z, K.subtract(h_previous, hh)))
        return h, [h] if isinstance(states, (list, tuple)) else h


@register_layer
class GRU(fused_scan.FusedRNN):
    """Gated recurrent unit over a sequence (Cho et al., 2014).

    Arguments are :class:`GRUCell`'s plus :class:`RNN`'s; ``use_cudnn`` is
    accepted for Keras compatibility and changes nothing here. Without
    recurrent dropout in training and with activations among tanh, sigmoid,
    relu, linear and hard_sigmoid, the scan runs as the fused op
    ``K.gru_sequence``; otherwise the cell is stepped.
    """

    fused_op = "gru_sequence"
    fused_activations = ("activation", "recurrent_activation")
    fused_cell_options = ("reset_after",)

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
            seed=seed,
            implementation=kwargs.pop("implementation", 2),
            **fused_scan.cell_layer_arguments("gru_cell", kwargs),
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
        self.use_cudnn = self._checked_use_cudnn(use_cudnn)
