"""GaussianNoise: add zero-mean normal noise while training, as a regulariser.

Noise on the inputs (or on a hidden layer) is a form of data augmentation
for real-valued inputs: the model cannot rely on exact values. At inference
the layer is the identity.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.noise.seed_argument import check_seed


@register_layer
class GaussianNoise(Layer):
    """``x + noise`` with ``noise ~ N(0, stddev**2)`` when ``training``; ``x`` otherwise.

    ``stddev`` lies in [0, 1], as Keras 3 requires. The noise comes from the
    layer's own generator, seeded by ``seed``: each call draws anew, and a
    seeded layer draws the same sequence in every run.
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stddev = value_checks.number(stddev, "stddev", self, 0.0, 1.0)
        self.seed = check_seed(seed, value_checks.describe(self))
        self._seed_generator = K.seed_generator(self.seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.stddev == 0.0:
            return inputs
        noise = K.random_normal(
            K.int_shape(inputs),
            mean=0.0,
            stddev=self.stddev,
            dtype=K.dtype(inputs),
            seed=self._seed_generator,
        )
        return K.add(inputs, noise)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
