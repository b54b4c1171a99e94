"""RNN: a recurrent cell scanned over the timesteps of a sequence.

A *cell* is the computation of one timestep: ``cell(inputs_t, states) ->
(output_t, new_states)``, with a ``state_size`` (an int, or one int per
state) and optionally an ``output_size`` and ``get_initial_state``. The RNN
layer owns the loop around it: it reads the sequence ``(batch, timesteps,
features)`` forwards or backwards, threads the states from step to step,
holds them still where the mask says a step is absent, and returns the last
output or every output, plus the final states on request.

Any cell works, including one a user writes as a :class:`Layer`: each step
runs the cell's ``call``, whose backend ops the gradient tape records.
:class:`SimpleRNN`, :class:`LSTM` and :class:`GRU` (through their base
:class:`FusedRNN`) override :meth:`RNN.inner_loop` to run the whole scan as
one fused backend op instead, which is much faster; the generic step loop
stays their fallback (recurrent dropout, activations the fused ops lack).
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import regularizers
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.call_signature import call_signature
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import deserialize_layer, register_layer, serialize_layer
from graphkeras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from graphkeras.utils import nest
from graphkeras.utils.tracing import is_tracing

# Inputs of rank at least 3: (batch, timesteps, features...).
_SEQUENCE_SPEC = InputSpec(min_ndim=3)


def _flag(value, argument: str, layer_name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(
            f"RNN '{layer_name}': {argument} must be True or False, received {argument}={value!r}."
        )
    return value


@register_layer
class RNN(Layer):
    """Scans ``cell`` over the timesteps of its input.

    >>> layer = RNN(LSTMCell(8), return_sequences=True)
    >>> layer(Input((5, 3))).shape
    (None, 5, 8)

    ``return_sequences`` returns every step's output instead of the last;
    ``return_state`` returns ``[output, *final_states]``; ``go_backwards``
    reads the sequence from its end (the outputs come back in the order
    processed, so reversed); ``stateful`` starts each batch from the final
    states of the previous one (kept in ``states`` until
    :meth:`reset_states`); ``zero_output_for_mask`` outputs zeros rather
    than the previous output at masked steps. ``unroll`` is accepted for
    Keras compatibility: the loop here is always a Python loop.

    Call with ``initial_state=[...]`` (one tensor per state) to start from
    given states, and with ``mask`` (``(batch, timesteps)``, True where a
    step is present): a masked step leaves every state as it was.
    """

    def __init__(
        self,
        cell,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        activity_regularizer=None,
        **kwargs,
    ) -> None:
        if isinstance(cell, (list, tuple)):
            from graphkeras.layers.rnn.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        super().__init__(**kwargs)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(
                f"RNN '{self.name}': cell must have a call(inputs, states) method, "
                f"received cell={cell!r}."
            )
        state_size = getattr(cell, "state_size", None)
        if not _is_state_size(state_size):
            raise ValueError(
                f"RNN '{self.name}': the cell must have a state_size attribute: an int or a "
                f"list of ints (one per state), received state_size={state_size!r}."
            )
        self.cell = cell
        self.return_sequences = _flag(return_sequences, "return_sequences", self.name)
        self.return_state = _flag(return_state, "return_state", self.name)
        self.go_backwards = _flag(go_backwards, "go_backwards", self.name)
        self.stateful = _flag(stateful, "stateful", self.name)
        self.unroll = _flag(unroll, "unroll", self.name)
        self.zero_output_for_mask = _flag(zero_output_for_mask, "zero_output_for_mask", self.name)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)
        self.states = None  # the state Variables of a stateful layer, made in build
        self.input_spec = _SEQUENCE_SPEC

    # ----------------------------------------------------------------- shapes
    @property
    def output_size(self) -> int:
        """Features of each step's output: the cell's ``output_size``, else its first state."""
        size = getattr(self.cell, "output_size", None)
        if size is None:
            size = self.state_size[0]
        if not isinstance(size, int):
            raise ValueError(
                f"RNN '{self.name}': the cell's output_size must be an int, received {size!r}."
            )
        return size

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, timesteps = sequences_shape[0], sequences_shape[1]
        if self.return_sequences:
            output_shape = (batch, timesteps, self.output_size)
        else:
            output_shape = (batch, self.output_size)
        if not self.return_state:
            return output_shape
        return [output_shape, *[(batch, size) for size in nest.flatten(self.state_size)]]

    def compute_mask(self, inputs, mask=None):
        """The input mask with ``return_sequences`` (None otherwise); None for each state."""
        mask = nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(nest.flatten(self.state_size))
        return output_mask

    # A mask comes out only when one came in.
    _mask_from_masks_only = True

    # ------------------------------------------------------------------ build
    def build(self, sequences_shape, initial_state_shape=None) -> None:
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects inputs of rank 3 "
                f"(batch, timesteps, features), received input shape {sequences_shape}."
            )
        if self.unroll and sequences_shape[1] is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' cannot unroll a sequence of unknown "
                f"length: give the Input a fixed number of timesteps, received input shape "
                f"{sequences_shape}."
            )
        batch = sequences_shape[0]
        if self.stateful and batch is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' is stateful, so it needs a fixed batch "
                f"size (pass batch_size= to Input), received input shape {sequences_shape}."
            )
        if isinstance(self.cell, Layer) and not self.cell.built:
            step_shape = (batch, *sequences_shape[2:])
            self.cell.build(step_shape)
            self.cell.built = True
            self.cell._build_input_shape = step_shape
        if sequences_shape[-1] is not None:
            # Later calls must bring as many features as the cell's weights were made for.
            spec = self.input_spec
            self.input_spec = InputSpec(
                ndim=getattr(spec, "ndim", None),
                min_ndim=None if getattr(spec, "ndim", None) else 3,
                axes={-1: sequences_shape[-1]},
            )
        if self.stateful:
            if self.states is None:
                # Not weights: they are the layer's memory, kept out of get_weights (as Keras).
                self.states = [
                    K.Variable(K.convert_to_numpy(state), name="rnn_state", trainable=False)
                    for state in nest.flatten(self.get_initial_state(batch))
                ]
            else:
                self.reset_states()
        self.built = True

    def get_initial_state(self, batch_size: int) -> list:
        """Zero states for ``batch_size`` samples (the cell's own, when it defines them)."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        return [K.zeros(_state_shape(batch_size, size), dtype=dtype) for size in self.state_size]

    def reset_states(self, states=None) -> None:
        """Set a stateful layer's states to zeros (or to ``states``, one array per state)."""
        if self.states is None:
            if states is not None:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}' is not stateful (or not built yet), "
                    "so it has no states to set."
                )
            return
        if states is None:
            for variable in self.states:
                variable.assign(K.zeros_like(variable.value))
            return
        values = list(states) if isinstance(states, (list, tuple)) else [states]
        if len(values) != len(self.states):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' has {len(self.states)} states, but "
                f"reset_states received {len(values)} arrays."
            )
        for variable, value in zip(self.states, values, strict=True):
            shape = tuple(K.int_shape(K.convert_to_tensor(value)))
            if shape != tuple(variable.shape):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': a state of shape "
                    f"{tuple(variable.shape)} cannot be set to an array of shape {shape}."
                )
            variable.assign(value)

    def reset_state(self, states=None) -> None:
        """Keras 3's name for :meth:`reset_states`."""
        self.reset_states(states)

    # ------------------------------------------------------------------- call
    def call(self, sequences, initial_state=None, mask=None, training=None):
        training = bool(training)
        if mask is not None:
            mask = nest.flatten(mask)[0]
        batch = K.int_shape(sequences)[0]
        if initial_state is None:
            initial_state = self.states if self.stateful else self.get_initial_state(batch)
            initial_state = nest.flatten(initial_state)
        else:
            initial_state = self._checked_initial_state(initial_state)
        if self.stateful and K.int_shape(self.states[0])[0] != batch:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' is stateful with a batch size of "
                f"{K.int_shape(self.states[0])[0]}, but received a batch of {batch} sequences."
            )
        initial_state = [
            state if K.dtype(state) == self.compute_dtype else K.cast(state, self.compute_dtype)
            for state in initial_state
        ]
        output, states = self.inner_loop(sequences, initial_state, mask, training)
        if self.stateful:
            # The next batch starts here. A copy outside the graph (a numpy Variable adds in
            # place); inside a traced step the traced value, threaded out of the compiled step.
            keep = K.stop_gradient if is_tracing() else K.convert_to_numpy
            for variable, state in zip(self.states, nest.flatten(states), strict=True):
                variable.assign(keep(state))
        outputs = [output, *nest.flatten(states)] if self.return_state else output
        if self.activity_regularizer is not None:
            for value in nest.flatten(outputs):
                self.add_loss(self.activity_regularizer(value))
        return outputs

    def _checked_initial_state(self, initial_state) -> list:
        states = nest.flatten(initial_state)
        expected = len(nest.flatten(self.state_size))
        if len(states) != expected:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects {expected} initial state(s) "
                f"(state_size={self.state_size}), received {len(states)}."
            )
        return states

    def inner_loop(self, sequences, initial_state: list, mask, training: bool) -> tuple:
        """``(output, final_states)``: the cell run step by step through recorded ops.

        ``output`` is every step's output ``(batch, timesteps, output_size)``
        with ``return_sequences``, else the last one.
        """
        cell = self.cell
        cell_kwargs = {}
        if isinstance(cell, Layer) and call_signature(type(cell).call)[0]:
            cell_kwargs["training"] = training
        timesteps = K.int_shape(sequences)[1]
        order = range(timesteps - 1, -1, -1) if self.go_backwards else range(timesteps)
        states = self._nest_states(initial_state)
        outputs, output = [], None
        try:
            for step in order:
                step_input = K.getitem(sequences, (slice(None), step))
                output, new_states = cell(step_input, states, **cell_kwargs)
                if not isinstance(new_states, (list, tuple)):
                    new_states = [new_states]
                new_states = list(new_states)
                if mask is not None:
                    output, new_states = self._hold_masked(mask, step, output, states, new_states)
                states = new_states
                if self.return_sequences:
                    outputs.append(output)
        finally:
            _forget_dropout_masks(cell)
        if self.return_sequences:
            output = K.stack(outputs, axis=1)
        return output, states

    def _nest_states(self, flat_states: list) -> list:
        """The states in the structure the cell takes (nested for stacked cells)."""
        if all(isinstance(size, int) for size in self.state_size):
            return list(flat_states)
        return nest.pack_sequence_as(self.state_size, list(flat_states))

    def _hold_masked(self, mask, step: int, output, states: list, new_states: list) -> tuple:
        """Keep each state (and the output) of the samples whose step ``step`` is masked."""
        present = K.cast(K.getitem(mask, (slice(None), step)), "bool")
        if self.zero_output_for_mask:
            output = K.where(_per_sample(present, output), output, K.zeros_like(output))
        else:
            previous = nest.flatten(states[-1])[0] if _is_nested(states[0]) else states[0]
            output = K.where(_per_sample(present, output), output, previous)
        flat_new = [
            K.where(_per_sample(present, new), new, old)
            for new, old in zip(nest.flatten(new_states), nest.flatten(states), strict=True)
        ]
        return output, nest.pack_sequence_as(new_states, flat_new)

    # ---------------------------------------------------------- serialization
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "cell": serialize_layer(self.cell),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        cell = deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)


def _is_state_size(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > 0
    return (
        isinstance(value, (list, tuple))
        and bool(value)
        and all(_is_state_size(item) for item in value)
    )


def _per_sample(present, like):
    """The ``(batch,)`` step mask ``present`` shaped to broadcast over ``like``'s sample axes."""
    return K.reshape(present, (-1,) + (1,) * (len(K.int_shape(like)) - 1))


def _is_nested(value) -> bool:
    return isinstance(value, (list, tuple))


def _state_shape(batch, size):
    """``(batch, size)``, or a list of them for a nested size (stacked cells)."""
    if isinstance(size, int):
        return (batch, size)
    return [_state_shape(batch, item) for item in size]


def _forget_dropout_masks(cell) -> None:
    """Drop the cached dropout masks of ``cell`` (and of cells it stacks)."""
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    for inner in getattr(cell, "cells", ()):
        _forget_dropout_masks(inner)
