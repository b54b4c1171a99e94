"""LSTM: long short-term memory, a recurrence with a gated cell state.

Each step computes four gates from ``z = x @ kernel + h @ recurrent_kernel +
bias``, in Keras's order i (input), f (forget), c (candidate), o (output):
``c = f * c + i * activation(z_c)`` and ``h = o * activation(c)``, the gates
i, f and o going through ``recurrent_activation``. :class:`LSTMCell` is one
step; :class:`LSTM` scans it, as the fused backend op ``K.lstm_sequence``
when it can.
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


class _ForgetGateBias(initializers.Initializer):
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


def _split(x, parts: int) -> list:
    """``x`` cut into ``parts`` equal column blocks (recorded slices)."""
    width = K.int_shape(x)[-1] // parts
    return [K.getitem(x, (Ellipsis, slice(i * width, (i + 1) * width))) for i in range(parts)]


@register_layer
class LSTMCell(Layer, DropoutRNNCell):
    """One LSTM step: states ``[h, c]``, output ``h``.

    Weights: ``kernel`` ``(features, 4 * units)``, ``recurrent_kernel``
    ``(units, 4 * units)``, then ``bias`` ``(4 * units,)``, gates i, f, c,
    o. ``unit_forget_bias`` starts the forget gate's bias at one. With
    ``recurrent_dropout`` each gate gets its own dropout masks (Keras's
    ``implementation=1``).
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
        super().__init__(**kwargs)
        self.units = cell_arguments.units(units, self)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
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
            self.dropout_mask_count = 4
        self.seed = seed
        self.seed_generator = K.seed_generator(seed)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape) -> None:
        units = self.units
        self.kernel = self.add_weight(
            "kernel",
            shape=(input_shape[-1], 4 * units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            shape=(units, 4 * units),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            initializer = self.bias_initializer
            if self.unit_forget_bias:
                initializer = _ForgetGateBias(self.bias_initializer, units)
            self.bias = self.add_weight(
                "bias",
                shape=(4 * units,),
                initializer=initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True

    def call(self, inputs, states, training=False):
        h_previous, c_previous = states[0], states[1]
        input_masks = self.get_dropout_mask(inputs) if training else None
        state_masks = self.get_recurrent_dropout_mask(h_previous) if training else None
        if input_masks is None and state_masks is None:
            z = K.add(K.matmul(inputs, self.kernel), K.matmul(h_previous, self.recurrent_kernel))
            if self.bias is not None:
                z = K.add(z, self.bias)
            z = _split(z, 4)
        else:
            z = self._gates_with_dropout(inputs, h_previous, input_masks, state_masks)
        i = self.recurrent_activation(z[0])
        f = self.recurrent_activation(z[1])
        c = K.add(K.multiply(f, c_previous), K.multiply(i, self.activation(z[2])))
        o = self.recurrent_activation(z[3])
        h = K.multiply(o, self.activation(c))
        return h, [h, c]

    def _gates_with_dropout(self, inputs, h_previous, input_masks, state_masks) -> list:
        """The four gate pre-activations, each from its own dropped-out inputs and state."""
        kernels = _split(self.kernel, 4)
        recurrent_kernels = _split(self.recurrent_kernel, 4)
        biases = _split(self.bias, 4) if self.bias is not None else [None] * 4
        gates = []
        for gate in range(4):
            x, h = inputs, h_previous
            if input_masks is not None:
                mask = input_masks[gate] if isinstance(input_masks, list) else input_masks
                x = K.multiply(x, mask)
            if state_masks is not None:
                mask = state_masks[gate] if isinstance(state_masks, list) else state_masks
                h = K.multiply(h, mask)
            z = K.matmul(x, kernels[gate])
            if biases[gate] is not None:
                z = K.add(z, biases[gate])
            gates.append(K.add(z, K.matmul(h, recurrent_kernels[gate])))
        return gates

    def get_initial_state(self, batch_size=None) -> list:
        return [K.zeros((batch_size, self.units), dtype=self.compute_dtype) for _ in range(2)]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "unit_forget_bias": self.unit_forget_bias,
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
class LSTM(RNN):
    """Long short-term memory over a sequence (Hochreiter and Schmidhuber, 1997).

    Arguments are :class:`LSTMCell`'s plus :class:`RNN`'s; ``use_cudnn`` is
    accepted for Keras compatibility and changes nothing here. Without
    recurrent dropout in training and with activations among tanh, sigmoid,
    relu, linear and hard_sigmoid, the scan runs as the fused op
    ``K.lstm_sequence`` (one record on the gradient tape, analytic
    backpropagation through time); otherwise the cell is stepped.
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
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
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
                f"LSTM '{self.name}': use_cudnn must be 'auto', True or False, "
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
        output, final_h, final_c = K.lstm_sequence(
            sequences,
            initial_state[0],
            initial_state[1],
            cell.kernel,
            cell.recurrent_kernel,
            cell.bias,
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            zero_output_for_mask=self.zero_output_for_mask,
            activation=activation,
            recurrent_activation=recurrent_activation,
        )
        return output, [final_h, final_c]

    def get_config(self) -> dict:
        config = super().get_config()
        del config["cell"]
        return {**config, **fused_scan.cell_config(self.cell)}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)
