"""Bidirectional: run a recurrent layer over a sequence both ways and merge the results.

The wrapper holds two fresh layers made from the one it is given: a
``forward_<name>`` copy and a ``backward_<name>`` copy with
``go_backwards=True`` (or the ``backward_layer`` the caller supplies). Each
reads the whole sequence; the backward one reads it from the end, so when
sequences are returned its output is flipped back into time order before the
two are merged. Nothing is shared with the layer passed in: its weights and
state are not reused, only its config.

>>> x = Input(shape=(5, 10))
>>> Bidirectional(LSTM(8, return_sequences=True))(x).shape     # "concat"
(None, 5, 16)

Merge modes (as Keras 3): ``"concat"`` (last axis), ``"sum"``, ``"mul"``,
``"ave"``, or ``None`` for the two outputs as a list. With ``return_state``
the final states follow the output(s): the forward layer's, then the
backward layer's. An ``initial_state`` list is split in halves, the first
for the forward layer and the second for the backward one. The weights are
the forward layer's followed by the backward layer's, as in Keras 3.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.call_signature import call_signature
from graphkeras.engine.layer_registry import deserialize_layer, register_layer, serialize_layer
from graphkeras.layers.value_checks import describe
from graphkeras.layers.wrapper import build_sublayer, check_is_layer

MERGE_MODES = ("sum", "mul", "ave", "concat", None)

# What Bidirectional reads from the layers it wraps; the forward and backward
# layers must agree on all but ``go_backwards``.
_SEQUENCE_ATTRIBUTES = ("go_backwards", "return_sequences", "return_state", "stateful")
_SHARED_ATTRIBUTES = ("stateful", "return_sequences", "return_state")


def _copy_layer(layer: Layer, name: str, **overrides) -> Layer:
    """A new, unbuilt layer of ``layer``'s class and config, renamed, with ``overrides``."""
    config = {**layer.get_config(), **overrides, "name": name}
    return type(layer).from_config(config)


def _check_sequence_layer(layer: Layer, argument: str) -> None:
    missing = [attribute for attribute in _SEQUENCE_ATTRIBUTES if not hasattr(layer, attribute)]
    if missing:
        raise ValueError(
            f"Bidirectional: {argument} must be a recurrent layer (such as LSTM, GRU or "
            f"SimpleRNN) with the attributes {list(_SEQUENCE_ATTRIBUTES)}; received "
            f"{describe(layer)}, which lacks {missing}."
        )


@register_layer
class Bidirectional(Layer):
    """Bidirectional wrapper for recurrent layers (``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN``).

    ``weights``, when given, are assigned once the layer is built: the first
    half to the forward layer, the second half to the backward layer.
    """

    # compute_mask gives no mask when the input has none.
    _mask_from_masks_only = True

    def __init__(
        self,
        layer: Layer,
        merge_mode: str | None = "concat",
        weights: list | None = None,
        backward_layer: Layer | None = None,
        **kwargs,
    ) -> None:
        check_is_layer(layer, "layer", "Bidirectional")
        if backward_layer is not None:
            check_is_layer(backward_layer, "backward_layer", "Bidirectional")
        if merge_mode not in MERGE_MODES:
            raise ValueError(
                f"Bidirectional: merge_mode must be one of {list(MERGE_MODES)}, "
                f"received merge_mode={merge_mode!r}."
            )
        _check_sequence_layer(layer, "layer")
        if backward_layer is not None:
            _check_sequence_layer(backward_layer, "backward_layer")
        super().__init__(**kwargs)

        self.forward_layer = _copy_layer(layer, f"forward_{layer.name.removeprefix('forward_')}")
        if backward_layer is None:
            backward_layer = _copy_layer(
                layer, f"backward_{layer.name.removeprefix('backward_')}", go_backwards=True
            )
        self.backward_layer = backward_layer
        self._check_directions()
        for direction in (self.forward_layer, self.backward_layer):
            # Masked steps of returned sequences must read as zeros once flipped
            # and merged, whatever the wrapped layer was told.
            if getattr(direction, "zero_output_for_mask", None) is not None:
                direction.zero_output_for_mask = direction.return_sequences

        self.merge_mode = merge_mode
        self._initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.input_spec = layer.input_spec

    def _check_directions(self) -> None:
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                f"{describe(self)}: the forward and backward layers must have different "
                f"go_backwards values, received forward_layer.go_backwards="
                f"{forward.go_backwards} and backward_layer.go_backwards={backward.go_backwards}."
            )
        for attribute in _SHARED_ATTRIBUTES:
            forward_value = getattr(forward, attribute)
            backward_value = getattr(backward, attribute)
            if forward_value != backward_value:
                raise ValueError(
                    f"{describe(self)}: the forward and backward layers must have the same "
                    f"{attribute}, received {forward_value} for the forward layer and "
                    f"{backward_value} for the backward layer."
                )

    # ---------------------------------------------------------------- building
    def build(self, sequences_shape, initial_state_shape=None) -> None:
        forward_snapshot = None if self.forward_layer.built else self.forward_layer._snapshot()
        build_sublayer(self.forward_layer, sequences_shape)
        try:
            build_sublayer(self.backward_layer, sequences_shape)
        except BaseException:
            # Leave the wrapper as it was: neither direction built.
            if forward_snapshot is not None:
                self.forward_layer._restore(forward_snapshot)
            raise
        if self._initial_weights is not None:
            self._assign_initial_weights()
        self.built = True

    def _assign_initial_weights(self) -> None:
        weights, self._initial_weights = self._initial_weights, None
        half = len(weights) // 2
        self.forward_layer.set_weights(weights[:half])
        self.backward_layer.set_weights(weights[half:])

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shapes = self.forward_layer.compute_output_shape(sequences_shape)
        if self.return_state:
            output_shape, state_shapes = tuple(shapes[0]), [tuple(s) for s in shapes[1:]]
        else:
            output_shape, state_shapes = tuple(shapes), []
        if self.merge_mode == "concat":
            last = output_shape[-1]
            output_shape = (*output_shape[:-1], None if last is None else 2 * last)
        outputs = [output_shape, output_shape] if self.merge_mode is None else [output_shape]
        if not self.return_state and len(outputs) == 1:
            return output_shape
        return [*outputs, *state_shapes, *state_shapes]

    # ---------------------------------------------------------------- calling
    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None and call_signature(type(self.forward_layer).call)[1]:
            kwargs["mask"] = mask
        forward_kwargs, backward_kwargs = dict(kwargs), dict(kwargs)
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else []
            if not states or len(states) % 2:
                raise ValueError(
                    f"{describe(self)} expects initial_state to be a list of an even number "
                    "of states (the forward layer's, then the backward layer's), received "
                    f"{_count(initial_state)}."
                )
            half = len(states) // 2
            forward_kwargs["initial_state"] = states[:half]
            backward_kwargs["initial_state"] = states[half:]

        forward = self.forward_layer(sequences, **forward_kwargs)
        backward = self.backward_layer(sequences, **backward_kwargs)
        states = []
        if self.return_state:
            states = [*forward[1:], *backward[1:]]
            forward, backward = forward[0], backward[0]
        forward = self._to_compute_dtype(forward)
        backward = self._to_compute_dtype(backward)
        if self.return_sequences:
            # The backward layer returns its steps in the order it read them.
            backward = K.getitem(backward, (slice(None), slice(None, None, -1)))

        if self.merge_mode is None:
            outputs = [forward, backward]
        else:
            outputs = [self._merge(forward, backward)]
        if not self.return_state and len(outputs) == 1:
            return outputs[0]
        return [*outputs, *states]

    def _to_compute_dtype(self, value):
        return value if K.dtype(value) == self.compute_dtype else K.cast(value, self.compute_dtype)

    def _merge(self, forward, backward):
        if self.merge_mode == "concat":
            return K.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return K.add(forward, backward)
        if self.merge_mode == "mul":
            return K.multiply(forward, backward)
        return K.divide(K.add(forward, backward), K.cast(2, self.compute_dtype))

    def compute_mask(self, inputs, mask=None):
        """The sequence mask on returned sequences, nothing on final outputs and states."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        masks = [output_mask] * (2 if self.merge_mode is None else 1)
        if self.return_state:
            shapes = self.forward_layer.compute_output_shape(K.int_shape(inputs))
            masks += [None] * (2 * (len(shapes) - 1))
        return masks[0] if len(masks) == 1 else masks

    # ---------------------------------------------------------------- state
    @property
    def states(self):
        """The state Variables of a stateful wrapper: forward's then backward's (else None)."""
        forward = getattr(self.forward_layer, "states", None)
        backward = getattr(self.backward_layer, "states", None)
        if forward and backward:
            return [*forward, *backward]
        return None

    def reset_states(self) -> None:
        """Zero the states of both directions (nothing for a layer that is not stateful)."""
        if not self.stateful:
            return
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def reset_state(self) -> None:
        """Keras 3's name for :meth:`reset_states`."""
        self.reset_states()

    # ---------------------------------------------------------------- config
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_layer(self.forward_layer),
            "backward_layer": serialize_layer(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: Mapping | None = None):
        """Rebuild the wrapper with its forward and backward layers from their configs."""
        config = dict(config)
        if "layer" not in config:
            raise ValueError(
                "Bidirectional config needs a 'layer' entry (the forward layer's config); "
                f"received keys {sorted(config)}."
            )
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_layer(config["backward_layer"], custom_objects)
        return cls(**config)


def _count(value) -> str:
    if isinstance(value, (list, tuple)):
        return f"{len(value)} state(s)"
    return f"a {type(value).__name__}"
