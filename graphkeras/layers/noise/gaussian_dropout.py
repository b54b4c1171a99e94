"""GaussianDropout: multiply by normal noise of mean 1 while training.

A continuous relative of dropout: instead of zeroing a fraction ``rate`` of
the units and scaling the rest by ``1 / (1 - rate)``, every unit is scaled
by a draw from ``N(1, rate / (1 - rate))``, which has the same mean and
variance. At inference the layer is the identity.
"""

from __future__ import annotations

import math

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.noise.seed_argument import check_seed


@register_layer
class GaussianDropout(Layer):
    """``x * noise`` with ``noise ~ N(1, rate / (1 - rate))`` when ``training``.

    ``rate`` lies in [0, 1): at 1 the noise would have infinite variance.
    The noise comes from the layer's own generator, seeded by ``seed``.
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rate = value_checks.number(rate, "rate", self, 0.0, 1.0, include_maximum=False)
        self.seed = check_seed(seed, value_checks.describe(self))
        self._seed_generator = K.seed_generator(self.seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        noise = K.random_normal(
            K.int_shape(inputs),
            mean=1.0,
            stddev=math.sqrt(self.rate / (1.0 - self.rate)),
            dtype=K.dtype(inputs),
            seed=self._seed_generator,
        )
        return K.multiply(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
