"""Helpers of the layers whose whole scan runs as one fused backend op.

SimpleRNN, LSTM and GRU hand their sequence to ``K.simple_rnn_sequence``,
``K.lstm_sequence`` or ``K.gru_sequence`` instead of stepping their cell.
Input dropout then has to happen before the op, with one mask for every
timestep (what the cell would have drawn at the first step and reused), and
the layer's config repeats the cell's arguments rather than nesting the cell.
"""

from __future__ import annotations

from graphkeras import backend as K


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
