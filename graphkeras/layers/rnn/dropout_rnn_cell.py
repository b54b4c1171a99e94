"""DropoutRNNCell: the dropout masks a recurrent cell reuses at every timestep.

Dropout in a recurrent layer must drop the same input features (and the
same recurrent units) at every step of a sequence, or the recurrence would
see fresh noise each step and learn nothing stable (Gal and Ghahramani's
variational dropout, which Keras follows). So a cell draws its masks at the
first step of a batch, keeps them for the rest of the sequence, and the RNN
layer forgets them once the sequence is done.

A cell mixes this class in and sets ``dropout``, ``recurrent_dropout`` and
``seed_generator``; ``dropout_mask_count`` (when set) asks for one mask per
gate instead of one shared mask, as Keras's LSTM and GRU cells do when
recurrent dropout is on.
"""

from __future__ import annotations

from graphkeras import backend as K


class DropoutRNNCell:
    """Mixin: cached per-sequence dropout masks for a recurrent cell."""

    dropout: float = 0.0
    recurrent_dropout: float = 0.0
    dropout_mask_count: int | None = None
    _dropout_mask = None
    _recurrent_dropout_mask = None

    def _create_dropout_mask(self, step_input, rate: float):
        """One mask shaped like ``step_input`` (or ``dropout_mask_count`` of them)."""
        shape = tuple(K.int_shape(step_input))
        dtype = K.dtype(step_input)

        def draw():
            return K.dropout(K.ones(shape, dtype=dtype), rate, seed=self.seed_generator)

        if self.dropout_mask_count is None:
            return draw()
        return [draw() for _ in range(self.dropout_mask_count)]

    def get_dropout_mask(self, step_input):
        """The input mask of this sequence (drawn on first use), or None without dropout."""
        if self._dropout_mask is None and 0.0 < self.dropout < 1.0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_input):
        """The mask of the previous state for this sequence, or None without recurrent dropout."""
        if self._recurrent_dropout_mask is None and 0.0 < self.recurrent_dropout < 1.0:
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout
            )
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self) -> None:
        """Forget the input mask: the next sequence draws a new one."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        """Forget the recurrent mask: the next sequence draws a new one."""
        self._recurrent_dropout_mask = None
