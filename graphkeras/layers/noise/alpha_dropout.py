"""AlphaDropout: dropout that keeps a self-normalising network's mean and variance.

Plain dropout sets units to 0 and scales the rest, which shifts the mean
and variance that SELU networks rely on. Alpha dropout sets dropped units
to SELU's negative saturation value ``-scale * alpha`` instead, then applies
the affine map ``a * x + b`` that restores zero mean and unit variance
(Klambauer et al., 2017). At inference the layer is the identity.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.noise.seed_argument import check_seed

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@register_layer
class AlphaDropout(Layer):
    """Drop a fraction ``rate`` of the units to SELU's saturation value when ``training``.

    ``noise_shape`` (one entry per input axis, None for the input's size)
    shares one draw along its axes of length 1. The draws come from the
    layer's own generator, seeded by ``seed``.
    """

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rate = value_checks.number(rate, "rate", self, 0.0, 1.0, include_maximum=False)
        if noise_shape is not None:
            if not isinstance(noise_shape, (list, tuple)) or not all(
                dim is None or (value_checks.is_int(dim) and dim > 0) for dim in noise_shape
            ):
                raise ValueError(
                    f"{value_checks.describe(self)}: noise_shape must be a list of positive ints "
                    f"or None, received noise_shape={noise_shape!r}."
                )
            noise_shape = tuple(noise_shape)
        self.noise_shape = noise_shape
        self.seed = check_seed(seed, value_checks.describe(self))
        self._seed_generator = K.seed_generator(self.seed)
        self.supports_masking = True

    def _concrete_noise_shape(self, inputs) -> tuple:
        shape = K.int_shape(inputs)
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape):
            raise ValueError(
                f"{value_checks.describe(self)}: noise_shape={list(self.noise_shape)} needs "
                f"one entry per input axis; received inputs of shape {shape}."
            )
        return tuple(
            size if dim is None else dim for dim, size in zip(self.noise_shape, shape, strict=True)
        )

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        dtype = K.dtype(inputs)
        saturation = -_SELU_ALPHA * _SELU_SCALE
        draws = K.random_uniform(
            self._concrete_noise_shape(inputs), dtype=dtype, seed=self._seed_generator
        )
        kept = K.cast(K.greater_equal(draws, self.rate), dtype)
        # The affine map that gives the result zero mean and unit variance again.
        a = ((1.0 - self.rate) * (1.0 + self.rate * saturation**2)) ** -0.5
        b = -a * saturation * self.rate
        dropped_value = K.multiply(K.subtract(1.0, kept), saturation)
        mixed = K.add(K.multiply(inputs, kept), dropped_value)
        return K.add(K.multiply(mixed, a), b)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        noise_shape = None if self.noise_shape is None else list(self.noise_shape)
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": noise_shape,
            "seed": self.seed,
        }
