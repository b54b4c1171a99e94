"""BatchNormalization: normalise each feature with statistics of the batch, or of the past.

The layer behaves in two ways, chosen per call by ``training``:

* training (``training=True`` and the layer trainable): each feature is
  centred and scaled with the mean and variance of the current batch, and
  the gradient flows through those statistics. The batch statistics are
  also folded into running averages, ``moving = moving * momentum + batch *
  (1 - momentum)``, which is the layer's only side effect;
* inference (anything else, the default): the running averages are used,
  so one sample's output does not depend on the rest of its batch.

Setting ``trainable = False`` freezes the layer into inference mode, as in
Keras 3: fine-tuning a model with frozen normalisation then neither moves
the averages nor normalises with the small fine-tuning batches.

``output = gamma * (x - mean) / sqrt(variance + epsilon) + beta`` along
``axis`` (the features). With a mask (padding in a sequence), only the
unmasked positions enter the batch statistics.
"""

from __future__ import annotations

import math

from graphkeras import backend as K
from graphkeras import initializers
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.mask_shapes import check_mask_shape
from graphkeras.layers.normalization.scale_and_offset import add_gamma_and_beta, normalize
from graphkeras.layers.weight_arguments import set_weight_arguments, weight_arguments_config

_RENORM_CLIPPING_KEYS = ("rmax", "rmin", "dmax")


@register_layer
class BatchNormalization(Layer):
    """Normalise ``axis`` with batch statistics while training, running averages otherwise.

    Weights, in order: ``gamma`` (when ``scale``), ``beta`` (when
    ``center``), then the non-trainable ``moving_mean`` and
    ``moving_variance``, each of shape ``(features,)``. With ``renorm=True``
    (batch renormalisation) three more non-trainable weights follow:
    ``moving_stddev``, ``renorm_mean`` and ``renorm_stddev``.

    >>> layer = BatchNormalization()
    >>> y = layer(x, training=True)  # batch statistics; moving averages updated
    >>> y = layer(x)  # moving averages
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm: bool = False,
        renorm_clipping: dict | None = None,
        renorm_momentum: float = 0.99,
        synchronized: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if synchronized:
            raise ValueError(
                f"{value_checks.describe(self)}: synchronized=True (statistics shared across "
                "devices) needs TensorFlow's distribution strategies; graphkeras runs on one "
                "device. Received synchronized=True."
            )
        self.axis = value_checks.axis_argument(axis, self, allow_list=False)
        self.momentum = value_checks.number(momentum, "momentum", self, 0.0, 1.0)
        self.epsilon = value_checks.number(epsilon, "epsilon", self, 0.0, include_minimum=False)
        self.center = bool(center)
        self.scale = bool(scale)
        set_weight_arguments(self, "beta", beta_initializer, beta_regularizer, beta_constraint)
        set_weight_arguments(self, "gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.renorm = bool(renorm)
        self.renorm_clipping = (
            self._check_renorm_clipping(renorm_clipping) if renorm else renorm_clipping
        )
        self.renorm_momentum = value_checks.number(
            renorm_momentum, "renorm_momentum", self, 0.0, 1.0
        )
        self.synchronized = False
        self.supports_masking = True
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def _check_renorm_clipping(self, clipping: dict | None) -> dict:
        clipping = dict(clipping or {})
        unknown = sorted(set(clipping) - set(_RENORM_CLIPPING_KEYS))
        if unknown:
            raise ValueError(
                f"{value_checks.describe(self)}: renorm_clipping takes the keys "
                f"{list(_RENORM_CLIPPING_KEYS)}, received renorm_clipping={clipping!r}."
            )
        for key, value in clipping.items():
            if value is not None:
                value_checks.number(value, f"renorm_clipping[{key!r}]", self, 0.0)
        rmax, rmin = clipping.get("rmax"), clipping.get("rmin")
        if rmax is not None and rmin is not None and rmax < rmin:
            raise ValueError(
                f"{value_checks.describe(self)}: renorm_clipping needs rmax >= rmin, received "
                f"rmax={rmax}, rmin={rmin}."
            )
        return clipping

    # ------------------------------------------------------------------ build
    def build(self, input_shape) -> None:
        (axis,) = value_checks.canonical_axes(self.axis, input_shape, self)
        (features,) = value_checks.known_dims((axis,), input_shape, self, "create its weights")
        shape = (features,)
        add_gamma_and_beta(self, shape, scale=self.scale, center=self.center)
        self.moving_mean = self.add_weight(
            "moving_mean", shape=shape, initializer=self.moving_mean_initializer, trainable=False
        )
        self.moving_variance = self.add_weight(
            "moving_variance",
            shape=shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
        )
        if self.renorm:
            # Renormalisation tracks standard deviations, started at the square
            # root of the variance initializer's values.
            def stddev_initializer(shape, dtype=None):
                return K.sqrt(self.moving_variance_initializer(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(
                "moving_stddev", shape=shape, initializer=stddev_initializer, trainable=False
            )
            self.renorm_mean = self.add_weight(
                "renorm_mean",
                shape=shape,
                initializer=self.moving_mean_initializer,
                trainable=False,
            )
            self.renorm_stddev = self.add_weight(
                "renorm_stddev", shape=shape, initializer=stddev_initializer, trainable=False
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: features})
        rank = len(input_shape)
        self._feature_axis = axis
        self._reduction_axes = tuple(item for item in range(rank) if item != axis)
        self._broadcast_shape = tuple(features if item == axis else 1 for item in range(rank))
        self.built = True

    def compute_output_shape(self, input_shape):
        value_checks.canonical_axes(self.axis, input_shape, self)
        return tuple(input_shape)

    def compute_output_spec(self, inputs, training=None, mask=None):
        """Checks a mask (given or carried by ``inputs``) before describing the output."""
        mask = mask if mask is not None else getattr(inputs, "_keras_mask", None)
        if mask is not None:
            self._check_mask(inputs, mask)
        return super().compute_output_spec(inputs)

    def _check_mask(self, inputs, mask) -> None:
        shape = K.int_shape(inputs)
        check_mask_shape(
            self,
            mask,
            inputs,
            shape[:-1],
            exact_rank=True,
            expectation=f"a mask of rank {len(shape) - 1} matching the input's shape without "
            f"its last axis, {tuple(shape[:-1])}",
        )

    # ------------------------------------------------------------------- call
    def call(self, inputs, training=None, mask=None):
        if mask is not None:
            self._check_mask(inputs, mask)
        gamma, beta = self.gamma, self.beta
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            if self.renorm:
                gamma, beta = self._renormalised_transform(mean, variance)
                self._update_renorm_statistics(mean, variance)
            else:
                self._update_moving_statistics(mean, variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        return self._normalize(inputs, mean, variance, gamma, beta)

    def _as_broadcast(self, vector):
        return K.reshape(vector, self._broadcast_shape)

    def _normalize(self, inputs, mean, variance, gamma, beta):
        """``x * inv + (beta - mean * inv)``, ``inv = gamma / sqrt(variance + epsilon)``."""
        mean, variance = self._as_broadcast(mean), self._as_broadcast(variance)
        return normalize(inputs, mean, variance, self.epsilon, gamma, beta, self._broadcast_shape)

    def _moments(self, inputs, mask) -> tuple:
        """Per-feature mean and variance of the batch (of its unmasked positions)."""
        if mask is None:
            return (
                K.mean(inputs, axis=self._reduction_axes),
                K.var(inputs, axis=self._reduction_axes),
            )
        # The mask covers every axis but the last; it weighs each position 0 or 1.
        weights = K.multiply(K.ones_like(inputs), K.expand_dims(K.cast(mask, K.dtype(inputs)), -1))
        count = K.add(K.sum(weights, axis=self._reduction_axes, keepdims=True), K.epsilon())
        mean = K.divide(K.sum(K.multiply(inputs, weights), self._reduction_axes, True), count)
        deviations = K.multiply(K.subtract(inputs, mean), weights)
        variance = K.divide(K.sum(K.square(deviations), self._reduction_axes, True), count)
        size = (K.int_shape(inputs)[self._feature_axis],)
        return K.reshape(mean, size), K.reshape(variance, size)

    def _moving_average(self, variable, batch_value, momentum: float):
        """``variable * momentum + batch_value * (1 - momentum)``, cut from the tape."""
        batch_value = K.cast(K.stop_gradient(batch_value), variable.dtype)
        return K.add(K.multiply(variable, momentum), K.multiply(batch_value, 1.0 - momentum))

    def _update_moving_statistics(self, mean, variance) -> None:
        self.moving_mean.assign(self._moving_average(self.moving_mean, mean, self.momentum))
        self.moving_variance.assign(
            self._moving_average(self.moving_variance, variance, self.momentum)
        )

    # ---------------------------------------------------------------- renorm
    def _renormalised_transform(self, mean, variance) -> tuple:
        """``gamma`` and ``beta`` composed with the renorm correction ``(r, d)``.

        ``r = stddev / renorm_stddev`` and ``d = (mean - renorm_mean) /
        renorm_stddev`` (clipped as ``renorm_clipping`` says) pull the batch
        statistics towards the running ones; they are constants for the
        gradient. ``(x_hat * r + d) * gamma + beta`` is then ``x_hat * (r *
        gamma) + (d * gamma + beta)``.
        """
        stddev = K.sqrt(K.add(variance, self.epsilon))
        renorm_stddev = K.maximum(self.renorm_stddev, math.sqrt(self.epsilon))
        r = K.divide(stddev, renorm_stddev)
        d = K.divide(K.subtract(mean, self.renorm_mean), renorm_stddev)
        clipping = self.renorm_clipping or {}
        if clipping.get("rmin") is not None:
            r = K.maximum(r, clipping["rmin"])
        if clipping.get("rmax") is not None:
            r = K.minimum(r, clipping["rmax"])
        if clipping.get("dmax") is not None:
            d = K.clip(d, -clipping["dmax"], clipping["dmax"])
        r, d = K.stop_gradient(r), K.stop_gradient(d)
        if self.gamma is not None:
            gamma, beta = K.multiply(r, self.gamma), K.multiply(d, self.gamma)
        else:
            gamma, beta = r, d
        if self.beta is not None:
            beta = K.add(beta, self.beta)
        return gamma, beta

    def _update_renorm_statistics(self, mean, variance) -> None:
        stddev = K.sqrt(K.add(K.stop_gradient(variance), self.epsilon))
        self.renorm_mean.assign(self._moving_average(self.renorm_mean, mean, self.renorm_momentum))
        self.renorm_stddev.assign(
            self._moving_average(self.renorm_stddev, stddev, self.renorm_momentum)
        )
        self.moving_mean.assign(self._moving_average(self.moving_mean, mean, self.momentum))
        moving_stddev = self._moving_average(self.moving_stddev, stddev, self.momentum)
        self.moving_stddev.assign(moving_stddev)
        # The variance follows from the stddev; rounding must not make it negative.
        self.moving_variance.assign(K.relu(K.subtract(K.square(moving_stddev), self.epsilon)))

    # ----------------------------------------------------------------- config
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **weight_arguments_config(
                self,
                ("beta", "gamma"),
                initializer_only=("moving_mean", "moving_variance"),
                activity_regularizer=False,
            ),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }
