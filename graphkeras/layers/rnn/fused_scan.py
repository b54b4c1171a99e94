"""FusedRNN: the base of the layers whose whole scan runs as one fused backend op.

SimpleRNN, LSTM and GRU hand their sequence to ``K.simple_rnn_sequence``,
``K.lstm_sequence`` or ``K.gru_sequence`` instead of stepping their cell,
whenever the op can compute the cell: its activations are among the ones
the op knows, and no recurrent dropout is on in training (its masks change
the recurrence of each gate, so the cell is stepped then). Input dropout
then has to happen before the op, with one mask for every timestep (what
the cell would have drawn at the first step and reused). The layer's config
repeats the cell's arguments rather than nesting the cell, as Keras's does.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.input_spec import InputSpec
from graphkeras.layers.rnn import cell_arguments
from graphkeras.layers.rnn.rnn import RNN

_SEQUENCES = InputSpec(ndim=3)


class FusedRNN(RNN):
    """An RNN over one of the built-in cells, scanned by one fused backend op when it can.

    A subclass makes its cell and declares the op: ``fused_op``, the
    backend function's name; ``fused_activations``, the cell's activation
    attributes, which the op takes as names (``"tanh"``); and
    ``fused_cell_options``, other cell attributes the op takes as they are.
    Every such op takes the sequence, the initial states, ``kernel``,
    ``recurrent_kernel`` and ``bias``, and returns the output, then the
    final states.
    """

    fused_op: str
    fused_activations: tuple[str, ...] = ("activation",)
    fused_cell_options: tuple[str, ...] = ()

    def __init__(self, cell, **kwargs) -> None:
        super().__init__(cell, **kwargs)
        self.input_spec = _SEQUENCES

    def _checked_use_cudnn(self, use_cudnn):
        """Keras's ``use_cudnn``: accepted for compatibility, checked, and changes nothing here."""
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': use_cudnn must be 'auto', True or False, "
                f"received use_cudnn={use_cudnn!r}."
            )
        return use_cudnn

    def inner_loop(self, sequences, initial_state: list, mask, training: bool) -> tuple:
        cell = self.cell
        activations = {
            argument: cell_arguments.fused_name(getattr(cell, argument))
            for argument in self.fused_activations
        }
        if None in activations.values() or (training and 0.0 < cell.recurrent_dropout < 1.0):
            return super().inner_loop(sequences, initial_state, mask, training)
        sequences = dropped_out(cell, sequences, training)
        output, *final_states = getattr(K, self.fused_op)(
            sequences,
            *initial_state,
            cell.kernel,
            cell.recurrent_kernel,
            cell.bias,
            mask=mask,
            go_backwards=self.go_backwards,
            return_sequences=self.return_sequences,
            zero_output_for_mask=self.zero_output_for_mask,
            **{option: getattr(cell, option) for option in self.fused_cell_options},
            **activations,
        )
        return output, final_states

    def get_config(self) -> dict:
        config = super().get_config()
        del config["cell"]
        return {**config, **cell_config(self.cell)}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def cell_layer_arguments(name: str, layer_arguments: dict) -> dict:
    """The Layer arguments of a layer's own cell: its ``name``, the layer's dtype and trainable."""
    return {
        "dtype": layer_arguments.get("dtype"),
        "trainable": layer_arguments.get("trainable", True),
        "name": name,
    }


def dropped_out(cell, sequences, training: bool):
    """``sequences`` times the cell's input dropout mask (the same at every step) in training."""
    if not training:
        return sequences
    step = K.getitem(K.stop_gradient(sequences), (slice(None), 0))
    mask = cell.get_dropout_mask(step)
    cell.reset_dropout_mask()
    if mask is None:
        return sequences
    if isinstance(mask, list):
        mask = mask[0]
    return K.multiply(sequences, K.expand_dims(mask, 1))


def cell_config(cell) -> dict:
    """The cell's arguments a layer repeats in its own config (not its name, dtype, trainable)."""
    config = cell.get_config()
    for key in ("name", "dtype", "trainable", "batch_input_shape"):
        config.pop(key, None)
    return config
