"""AdditiveAttention: Bahdanau-style attention, scoring with ``sum(scale * tanh(query + key))``.

Everything but the scores is :class:`Attention`'s: the inputs
``[query, value]`` or ``[query, value, key]``, the masks, the causal mask,
dropout and the returned attention weights.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.attention.attention import Attention


@register_layer
class AdditiveAttention(Attention):
    """Additive attention over ``[query, value]`` or ``[query, value, key]``.

    Each query step and key step are added feature by feature; the score is
    ``sum(scale * tanh(query + key))`` over the features, with ``scale`` a
    learned vector (or 1 without ``use_scale``).

    Weights: ``scale`` of shape ``(dim,)`` (glorot uniform), when ``use_scale``.
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs) -> None:
        if "score_mode" in kwargs:
            raise TypeError(
                "AdditiveAttention() got an unexpected keyword argument 'score_mode': "
                "its scores are always additive."
            )
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def _check_shapes(self, input_shape) -> list:
        """As :class:`Attention`, and once built, the query features the scale was made for."""
        shapes = super()._check_shapes(input_shape)
        scale = getattr(self, "scale", None)
        if scale is not None and shapes[0][-1] not in (None, scale.shape[0]):
            raise ValueError(
                f"AdditiveAttention layer '{self.name}' was built for queries of "
                f"{scale.shape[0]} features, received query shape {shapes[0]}."
            )
        return shapes

    def build(self, input_shape) -> None:
        query_shape = self._check_shapes(input_shape)[0]
        self.scale = None
        if self.use_scale:
            if query_shape[-1] is None:
                raise ValueError(
                    f"AdditiveAttention layer '{self.name}' needs a known number of query "
                    f"features to create its scale; received query shape {query_shape}."
                )
            self.scale = self.add_weight(
                "scale", shape=(query_shape[-1],), initializer="glorot_uniform"
            )
        self.built = True

    def _calculate_scores(self, query, key):
        """``(batch, Tq, Tv)`` scores: ``sum(scale * tanh(query_i + key_j))`` over features."""
        pairs = K.tanh(K.add(K.expand_dims(query, -2), K.expand_dims(key, -3)))
        if self.scale is not None:
            pairs = K.multiply(self.scale, pairs)
        return K.sum(pairs, axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
