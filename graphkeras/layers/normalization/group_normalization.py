"""GroupNormalization: normalise each sample over groups of its channels.

The channels along ``axis`` are split into ``groups`` consecutive groups;
each group of each sample is normalised with its own mean and variance,
taken over the group's channels and every other non-batch axis. One group
is layer normalisation over all channels, one group per channel
(``groups=-1``) is instance normalisation. Like layer normalisation it does
not depend on the batch, so it suits small batches.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.normalization.scale_and_offset import add_gamma_and_beta, normalize
from graphkeras.layers.weight_arguments import set_weight_arguments, weight_arguments_config


@register_layer
class GroupNormalization(Layer):
    """Normalise ``groups`` groups of channels (along ``axis``) per sample.

    The channel count must be a multiple of ``groups`` (``-1``: one group
    per channel). Weights, in order: ``gamma`` (when ``scale``) and ``beta``
    (when ``center``), each of shape ``(channels,)``.
    """

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if not value_checks.is_int(groups) or (groups <= 0 and groups != -1):
            raise ValueError(
                f"{value_checks.describe(self)}: groups must be a positive int, or -1 for one "
                f"group per channel, received groups={groups!r}."
            )
        self.groups = int(groups)
        self.axis = value_checks.axis_argument(axis, self, allow_list=False)
        self.epsilon = value_checks.number(epsilon, "epsilon", self, 0.0, include_minimum=False)
        self.center = bool(center)
        self.scale = bool(scale)
        set_weight_arguments(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        set_weight_arguments(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def build(self, input_shape) -> None:
        (axis,) = value_checks.canonical_axes(self.axis, input_shape, self)
        if axis == 0:
            raise ValueError(
                f"{value_checks.describe(self)}: axis={self.axis} is the batch axis; expected "
                f"a channel axis in [1, {len(input_shape)}) for input shape "
                f"{tuple(input_shape)}."
            )
        (channels,) = value_checks.known_dims((axis,), input_shape, self, "split channels")
        groups = channels if self.groups == -1 else self.groups
        if channels < groups or channels % groups:
            raise ValueError(
                f"{value_checks.describe(self)}: the {channels} channels on axis {self.axis} "
                f"cannot be split into groups={self.groups} equal groups; expected a channel "
                f"count that is a multiple of groups, received input shape {tuple(input_shape)}."
            )
        add_gamma_and_beta(self, (channels,), scale=self.scale, center=self.center)
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})
        rank = len(input_shape)
        self._axis = axis
        self._groups = groups
        # Grouped view: the channel axis becomes (groups, channels per group).
        self._weight_shape = tuple(
            dim
            for item in range(rank)
            for dim in ((groups, channels // groups) if item == axis else (1,))
        )
        self._reduction_axes = tuple(item for item in range(1, rank + 1) if item != axis)
        self.built = True

    def call(self, inputs):
        shape = K.int_shape(inputs)
        grouped_shape = (
            *shape[: self._axis],
            self._groups,
            shape[self._axis] // self._groups,
            *shape[self._axis + 1 :],
        )
        grouped = K.reshape(inputs, grouped_shape)
        mean = K.mean(grouped, axis=self._reduction_axes, keepdims=True)
        variance = K.var(grouped, axis=self._reduction_axes, keepdims=True)
        outputs = normalize(
            grouped, mean, variance, self.epsilon, self.gamma, self.beta, self._weight_shape
        )
        return K.reshape(outputs, shape)

    def compute_output_shape(self, input_shape):
        value_checks.canonical_axes(self.axis, input_shape, self)
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **weight_arguments_config(self, ("beta", "gamma"), activity_regularizer=False),
        }
