"""StochasticDepth: drop a whole residual branch per sample while training (Huang et al., 2016).

Also called drop-path. In training, each sample's branch is kept with
probability ``1 - drop_path_rate`` and then divided by that probability, so
its expected value is unchanged, or replaced by zeros; the residual add
around it then passes the shortcut alone. At inference the layer is the
identity. ConvNeXt raises the rate linearly with depth.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.noise.seed_argument import check_seed


@register_layer
class StochasticDepth(Layer):
    """Drop-path in training: ``x / keep * floor(keep + u)``, one ``u ~ U[0, 1)`` per sample.

    As Keras's ``keras.src.applications.convnext.StochasticDepth``, with
    ``keep = 1 - drop_path_rate``; ``drop_path_rate`` lies in [0, 1).
    ``seed`` (graphkeras's addition; Keras's layer draws from the global
    stream) seeds the layer's own generator, and is written to the config
    only when given, so configs without it stay Keras's.
    """

    keras_module = "keras.src.applications.convnext"

    def __init__(self, drop_path_rate: float, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.drop_path_rate = value_checks.number(
            drop_path_rate, "drop_path_rate", self, 0.0, 1.0, include_maximum=False
        )
        self.seed = check_seed(seed, value_checks.describe(self))
        self._seed_generator = K.seed_generator(self.seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.drop_path_rate == 0.0:
            return inputs
        keep = 1.0 - self.drop_path_rate
        shape = K.int_shape(inputs)
        per_sample = (shape[0],) + (1,) * (len(shape) - 1)
        draw = K.random_uniform(per_sample, dtype=K.dtype(inputs), seed=self._seed_generator)
        kept = K.floor(K.add(draw, keep))
        return K.multiply(K.divide(inputs, keep), kept)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = {**super().get_config(), "drop_path_rate": self.drop_path_rate}
        if self.seed is not None:
            config["seed"] = self.seed
        return config
