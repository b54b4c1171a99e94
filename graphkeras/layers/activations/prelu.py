"""PReLU: a leaky rectifier whose negative slope is learned, per unit."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import constraints, initializers, regularizers
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks


@register_layer
class PReLU(Layer):
    """``x`` for ``x >= 0``, ``alpha * x`` below, with ``alpha`` a weight.

    Weights: ``alpha``, shaped like one sample (the input without its batch
    dim), with length 1 on each of ``shared_axes`` so one slope serves the
    whole axis: ``shared_axes=[1, 2]`` on images ``(batch, height, width,
    channels)`` learns one slope per channel. ``alpha`` starts at 0 (plain
    ReLU) by default.
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        else:
            axes = shared_axes if isinstance(shared_axes, (list, tuple)) else [shared_axes]
            if not all(value_checks.is_int(axis) and axis >= 1 for axis in axes):
                raise ValueError(
                    f"{value_checks.describe(self)}: shared_axes must be non-batch axes (ints "
                    f">= 1), received shared_axes={shared_axes!r}."
                )
            self.shared_axes = [int(axis) for axis in axes]
        self.supports_masking = True
        self.alpha = None

    def build(self, input_shape) -> None:
        rank = len(input_shape)
        shared = set(self.shared_axes or ())
        if rank < 2 or any(axis >= rank for axis in shared):
            raise ValueError(
                f"{value_checks.describe(self)} expects inputs of rank >= 2 that have every "
                f"axis in shared_axes={self.shared_axes}; received input shape "
                f"{tuple(input_shape)}."
            )
        own_axes = tuple(axis for axis in range(1, rank) if axis not in shared)
        value_checks.known_dims(own_axes, input_shape, self, "create its alpha weight")
        shape = tuple(1 if axis in shared else input_shape[axis] for axis in range(1, rank))
        self.alpha = self.add_weight(
            "alpha",
            shape=shape,
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        self.input_spec = InputSpec(ndim=rank, axes={axis: input_shape[axis] for axis in own_axes})
        self.built = True

    def call(self, inputs):
        positive = K.relu(inputs)
        negative = K.multiply(self.alpha, K.relu(K.negative(inputs)))
        return K.subtract(positive, negative)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }
