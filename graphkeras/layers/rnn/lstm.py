"""LSTM: long short-term memory, a recurrence with a gated cell state.

Each step computes four gates from ``z = x @ kernel + h @ recurrent_kernel +
bias``, in Keras's order i (input), f (forget), c (candidate), o (output):
``c = f * c + i * activation(z_c)`` and ``h = o * activation(c)``, the gates
i, f and o going through ``recurrent_activation``. :class:`LSTMCell` is one
step; :class:`LSTM` scans it, as the fused backend op ``K.lstm_sequence``
when it can.
"""

from __future__ import annotations

from graphkeras import activations, initializers
from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.rnn import fused_scan
from graphkeras.layers.rnn.dense_recurrent_cell import WEIGHT_ARGUMENTS, DenseRecurrentCell


class ForgetGateBias(initializers.Initializer):
    """The LSTM bias with ``unit_forget_bias``: the forget gate's quarter starts at one.

    Starting the forget gate open lets gradients flow through the cell state
    early in training (Jozefowicz et al., 2015); the other quarters use the
    layer's own bias initializer.
    """

    def __init__(self, bias_initializer: initializers.Initializer, units: int) -> None:
        self.bias_initializer = bias_initializer
        self.units = units

    def __call__(self, shape, dtype=None):
        units = self.units
        return K.concatenate(
            [
                K.convert_to_tensor(self.bias_initializer((units,), dtype=dtype), dtype=dtype),
                K.ones((units,), dtype=dtype),
                K.convert_to_tensor(self.bias_initializer((2 * units,), dtype=dtype), dtype=dtype),
            ],
            axis=0,
        )


@register_layer
class LSTMCell(DenseRecurrentCell):
    """One LSTM step: states ``[h, c]``, output ``h``.

    Weights: ``kernel`` ``(features, 4 * units)``, ``recurrent_kernel``
    ``(units, 4 * units)``, then ``bias`` ``(4 * units,)``, gates i, f, c,
    o. ``unit_forget_bias`` starts the forget gate's bias at one. With
    ``recurrent_dropout`` each gate gets its own dropout masks (Keras's
    ``implementation=1``).
    """

    gates = 4
    config_arguments = (
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "unit_forget_bias",
        *WEIGHT_ARGUMENTS,
        "dropout",
        "recurrent_dropout",
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
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def _bias_initializer(self):
        if self.unit_forget_bias:
            return ForgetGateBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def call(self, inputs, states, training=False):
        h_previous, c_previous = states[0], states[1]
        input_masks = self.get_dropout_mask(inputs) if training else None
        state_masks = self.get_recurrent_dropout_mask(h_previous) if training else None
        if input_masks is None and state_masks is None:
            z = K.add(K.matmul(inputs, self.kernel), K.matmul(h_previous, self.recurrent_kernel))
            if self.bias is not None:
                z = K.add(z, self.bias)
            z = [self._gate_columns(z, gate) for gate in range(4)]
        else:
            # Each gate from its own dropped-out inputs and state.
            x = self._gate_projections(inputs, input_masks, self.kernel, self.bias, 4)
            h = self._gate_projections(h_previous, state_masks, self.recurrent_kernel, None, 4)
            z = [K.add(x_gate, h_gate) for x_gate, h_gate in zip(x, h, strict=True)]
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = K.add(K.multiply(f, c_previous), K.multiply(i, self.activation(z[2])))
        o = self.recurrent_activation(z[3])
        h = K.multiply(o, self.activation(c))
        return h, [h, c]


@register_layer
class LSTM(fused_scan.FusedRNN):
    """Long short-term memory over a sequence (Hochreiter and Schmidhuber, 1997).

    Arguments are :class:`LSTMCell`'s plus :class:`RNN`'s; ``use_cudnn`` is
    accepted for Keras compatibility and changes nothing here. Without
    recurrent dropout in training and with activations among tanh, sigmoid,
    relu, linear and hard_sigmoid, the scan runs as the fused op
    ``K.lstm_sequence`` (one record on the gradient tape, analytic
    backpropagation through time); otherwise the cell is stepped.
    """

    fused_op = "lstm_sequence"
    fused_activations = ("activation", "recurrent_activation")

    def __init__(
        self,
        units: int,
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
        unroll: bool = False,
        use_cudnn="auto",
        **kwargs,
    ) -> None:
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias,
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
            implementation=kwargs.pop("implementation", 2),
            **fused_scan.cell_layer_arguments("lstm_cell", kwargs),
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
