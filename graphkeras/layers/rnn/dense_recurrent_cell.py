"""DenseRecurrentCell: what SimpleRNNCell, LSTMCell and GRUCell have in common.

Each of these cells computes a step from two dense products, the step's
input by ``kernel`` and the previous state by ``recurrent_kernel``, plus a
``bias``. The gates of an LSTM or a GRU lie side by side in those weights,
``units`` columns each (``gates`` blocks: 1 for SimpleRNN, 4 for LSTM, 3 for
GRU); the cells differ only in how a step combines the blocks. So the
arguments they share, their checks, the weights, the initial states and the
config live here once, and each cell keeps its own explicit Keras signature
and its ``call``.
"""

from __future__ import annotations

from graphkeras import activations, constraints, initializers, regularizers
from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.layers.rnn import cell_arguments
from graphkeras.layers.rnn.dropout_rnn_cell import DropoutRNNCell

# The arguments that set up the three weights, in Keras's config order.
WEIGHT_ARGUMENTS = (
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
)

# How an argument kept on a cell as an object goes into its config; the
# other arguments go in as they are.
_SERIALIZERS = {
    "activation": activations.serialize,
    "recurrent_activation": activations.serialize,
    "kernel_initializer": initializers.serialize,
    "recurrent_initializer": initializers.serialize,
    "bias_initializer": initializers.serialize,
    "kernel_regularizer": regularizers.serialize,
    "recurrent_regularizer": regularizers.serialize,
    "bias_regularizer": regularizers.serialize,
    "kernel_constraint": constraints.serialize,
    "recurrent_constraint": constraints.serialize,
    "bias_constraint": constraints.serialize,
}


class DenseRecurrentCell(Layer, DropoutRNNCell):
    """Base of the built-in cells: weights ``kernel``, ``recurrent_kernel``, then ``bias``.

    ``kernel`` is ``(features, gates * units)`` and ``recurrent_kernel``
    ``(units, gates * units)``. A subclass sets ``gates`` and
    ``config_arguments`` (the attributes its config lists, in order), hands
    the shared arguments to this ``__init__`` and writes ``call``.
    """

    gates: int = 1
    config_arguments: tuple[str, ...] = ()

    def __init__(
        self,
        units: int,
        activation,
        use_bias: bool,
        kernel_initializer,
        recurrent_initializer,
        bias_initializer,
        kernel_regularizer,
        recurrent_regularizer,
        bias_regularizer,
        kernel_constraint,
        recurrent_constraint,
        bias_constraint,
        dropout: float,
        recurrent_dropout: float,
        seed: int | None,
        implementation: int | None = None,
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
        if implementation is not None:
            # Keras's implementation=1, one dropout mask per gate, whenever
            # recurrent dropout is on.
            self.implementation = 1 if self.recurrent_dropout else implementation
            if self.implementation == 1:
                self.dropout_mask_count = self.gates
        self.seed = seed
        self.seed_generator = K.seed_generator(seed)
        self.state_size = self.units
        self.output_size = self.units

    # ---------------------------------------------------------------- weights
    def build(self, input_shape) -> None:
        width = self.gates * self.units
        self.kernel = self.add_weight(
            "kernel",
            shape=(input_shape[-1], width),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel",
            shape=(self.units, width),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=self._bias_shape(),
                initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True

    def _bias_shape(self) -> tuple:
        """One bias per column of the kernels; GRU's ``reset_after`` keeps two rows."""
        return (self.gates * self.units,)

    def _bias_initializer(self):
        """The bias's initializer; LSTM's ``unit_forget_bias`` wraps it."""
        return self.bias_initializer

    # ------------------------------------------------------------------ gates
    def _gate_columns(self, x, gate: int):
        """Gate ``gate``'s block of ``units`` columns of ``x`` (a recorded slice)."""
        units = self.units
        return K.getitem(x, (Ellipsis, slice(gate * units, (gate + 1) * units)))

    @staticmethod
    def _masked(x, masks, gate: int):
        """``x`` times the dropout mask of ``gate`` (one mask per gate, or one shared); x alone."""
        if masks is None:
            return x
        return K.multiply(x, masks[gate] if isinstance(masks, list) else masks)

    def _gate_projections(self, x, masks, kernel, bias, count: int) -> list:
        """``x @ kernel + bias`` of each of the first ``count`` gates, gate by gate.

        ``x`` goes through that gate's dropout mask first: ``masks`` is one
        mask per gate, one mask shared by all, or None for none.
        """
        projections = []
        for gate in range(count):
            projection = K.matmul(self._masked(x, masks, gate), self._gate_columns(kernel, gate))
            if bias is not None:
                projection = K.add(projection, self._gate_columns(bias, gate))
            projections.append(projection)
        return projections

    # ------------------------------------------------------------ states, config
    def get_initial_state(self, batch_size=None) -> list:
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [K.zeros((batch_size, size), dtype=self.compute_dtype) for size in sizes]

    def get_config(self) -> dict:
        config = super().get_config()
        for argument in self.config_arguments:
            value = getattr(self, argument)
            serialize = _SERIALIZERS.get(argument)
            config[argument] = value if serialize is None else serialize(value)
        return config
