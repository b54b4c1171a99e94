"""LayerNormalization: normalise each sample over its own features.

Unlike batch normalisation, the statistics are taken per sample, over
``axis`` (the last axis by default), so the layer behaves the same in
training and inference and does not depend on the batch. That makes it the
normalisation of sequence models and transformers.
"""

from __future__ import annotations

import warnings

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.normalization.scale_and_offset import add_gamma_and_beta, normalize
from graphkeras.layers.weight_arguments import set_weight_arguments, weight_arguments_config


@register_layer
class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(variance + epsilon) + beta``, per sample over ``axis``.

    ``axis`` is an int or a list of ints. Weights, in order: ``gamma``
    (when ``scale`` or ``rms_scaling``) and ``beta`` (when ``center`` and not
    ``rms_scaling``), each shaped like the normalised axes.

    ``rms_scaling=True`` skips the centring: ``x / sqrt(variance + epsilon)
    * gamma``. Keras 3 keeps it for old models but deprecates it (it divides
    by the standard deviation, not the root mean square), and so warns.
    """

    def __init__(
        self,
        axis=-1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        rms_scaling: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if rms_scaling:
            warnings.warn(
                "LayerNormalization(rms_scaling=True) is deprecated in Keras 3: it divides by "
                "the standard deviation, not the root mean square.",
                stacklevel=2,
            )
        self.axis = value_checks.axis_argument(axis, self)
        self.epsilon = value_checks.number(epsilon, "epsilon", self, 0.0, include_minimum=False)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        set_weight_arguments(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        set_weight_arguments(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def build(self, input_shape) -> None:
        axes = value_checks.canonical_axes(self.axis, input_shape, self)
        shape = value_checks.known_dims(axes, input_shape, self, "create its weights")
        add_gamma_and_beta(
            self,
            shape,
            scale=self.scale or self.rms_scaling,
            center=self.center and not self.rms_scaling,
        )
        # Later inputs must have the same sizes on the normalised axes (named as
        # the user named them, so ``axis=-1`` still fits inputs of another rank).
        named = [self.axis] if value_checks.is_int(self.axis) else self.axis
        rank = len(input_shape)
        self.input_spec = InputSpec(axes={item: input_shape[item % rank] for item in named})
        self.built = True

    def call(self, inputs):
        shape = K.int_shape(inputs)
        axes = value_checks.canonical_axes(self.axis, shape, self)
        broadcast_shape = tuple(shape[item] if item in axes else 1 for item in range(len(shape)))
        variance = K.var(inputs, axis=axes, keepdims=True)
        if self.rms_scaling:
            outputs = K.multiply(inputs, K.power(K.add(variance, self.epsilon), -0.5))
            return K.multiply(outputs, K.reshape(self.gamma, broadcast_shape))
        mean = K.mean(inputs, axis=axes, keepdims=True)
        return normalize(
            inputs, mean, variance, self.epsilon, self.gamma, self.beta, broadcast_shape
        )

    def compute_output_shape(self, input_shape):
        value_checks.canonical_axes(self.axis, input_shape, self)
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **weight_arguments_config(self, ("beta", "gamma"), activity_regularizer=False),
        }
