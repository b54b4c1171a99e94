"""Attention: dot-product (Luong-style) attention of a query over a value sequence.

Called on ``[query, value]`` or ``[query, value, key]`` (the key defaults to
the value), of shapes ``(batch, Tq, dim)``, ``(batch, Tv, dim_v)`` and
``(batch, Tv, dim)``. Each query step scores every key step, the scores go
through a softmax over the key steps, and the output is the matching
weighted sum of the value steps: ``(batch, Tq, dim_v)``.

Masks follow Keras 3: ``mask=[query_mask, value_mask]`` (filled from the
inputs' own masks when not given). A masked value step has ``1e9`` taken off
its score, so it gets (almost exactly) no weight; a masked query step gives
a zero output, and the query mask is the output's mask. ``use_causal_mask``
also stops step ``i`` from seeing steps after ``i``.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.attention import arguments
from graphkeras.layers.attention.masks import causal_mask

_SCORE_MODES = ("dot", "concat")


def _swap_last_axes(x):
    rank = K.ndim(x)
    return K.transpose(x, (*range(rank - 2), rank - 1, rank - 2))


def _shapes_of(inputs):
    """The shape of each input of a list, or of the one input given instead."""
    if isinstance(inputs, (list, tuple)):
        return [K.int_shape(tensor) for tensor in inputs]
    return K.int_shape(inputs)


def _masked_score_offset(dtype: str) -> float:
    """What a masked score loses: far below any real score, yet finite in ``dtype``."""
    return 65504.0 if dtype == "float16" else 1.0e9


@register_layer
class Attention(Layer):
    """Dot-product attention over ``[query, value]`` or ``[query, value, key]``.

    ``score_mode="dot"`` scores ``query . key``; ``"concat"`` scores
    ``sum(tanh(query + key))`` over the features, times a learned
    ``concat_score_weight``. ``use_scale`` learns a scalar ``scale`` that
    multiplies the dot scores (or the sum inside the tanh). ``dropout``
    drops attention weights while training.

    Weights: ``scale`` (shape ``()``, when ``use_scale``), then
    ``concat_score_weight`` (``()``, with ``score_mode="concat"``), both
    starting at 1.
    """

    _mask_from_masks_only = True

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        described = f"{type(self).__name__} '{self.name}'"
        if score_mode not in _SCORE_MODES:
            raise ValueError(
                f"{described}: score_mode must be one of {_SCORE_MODES}, "
                f"received score_mode={score_mode!r}."
            )
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = arguments.rate(dropout, "dropout", described)
        self.seed = arguments.seed(seed, described)
        self._seed_generator = K.seed_generator(self.seed) if self.dropout > 0 else None

    # ---------------------------------------------------------------- shapes
    def _check_shapes(self, input_shape) -> list:
        """The ``[query, value, key]`` shapes, after checking they fit together."""
        name = f"{type(self).__name__} layer '{self.name}'"
        if not isinstance(input_shape, (list, tuple)) or not all(
            isinstance(shape, (list, tuple)) for shape in input_shape
        ):
            raise ValueError(
                f"{name} must be called on a list [query, value] or [query, value, key]; "
                f"received a single input of shape {input_shape}."
            )
        if not 2 <= len(input_shape) <= 3:
            raise ValueError(
                f"{name} takes a list of 2 or 3 inputs ([query, value] or [query, value, key]); "
                f"received {len(input_shape)}."
            )
        shapes = [tuple(shape) for shape in input_shape]
        query, value = shapes[0], shapes[1]
        key = shapes[2] if len(shapes) == 3 else value
        if len(query) < 3 or len({len(query), len(value), len(key)}) != 1:
            raise ValueError(
                f"{name} expects query, value and key of one rank, at least 3 "
                f"((batch, steps, features)); received shapes {shapes}."
            )
        if None not in (query[-1], key[-1]) and query[-1] != key[-1]:
            raise ValueError(
                f"{name} expects query and key with the same number of features; received "
                f"query shape {query} and key shape {key}."
            )
        if None not in (value[-2], key[-2]) and value[-2] != key[-2]:
            raise ValueError(
                f"{name} expects value and key with the same number of steps; received "
                f"value shape {value} and key shape {key}."
            )
        return [query, value, key]

    def _check_mask(self, mask) -> None:
        if mask is None:
            return
        if not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' takes its mask as a list "
                f"[query_mask, value_mask]; received mask={mask!r}."
            )

    def build(self, input_shape) -> None:
        self._check_shapes(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight("scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                "concat_score_weight", shape=(), initializer="ones"
            )
        self.built = True

    def compute_output_shape(self, input_shape):
        query, value, _ = self._check_shapes(input_shape)
        return (*query[:-1], value[-1])

    def compute_output_spec(
        self,
        inputs,
        mask=None,
        training=None,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ):
        self._check_mask(mask)
        query, value, key = self._check_shapes(_shapes_of(inputs))
        output = KerasTensor((*query[:-1], value[-1]), dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        return output, KerasTensor((*query[:-1], key[-2]), dtype=self.compute_dtype)

    # ------------------------------------------------------------------ math
    def _calculate_scores(self, query, key):
        """Scores of shape ``(batch, Tq, Tv)``: how well each query step matches each key step."""
        if self.score_mode == "dot":
            scores = K.matmul(query, _swap_last_axes(key))
            if self.scale is not None:
                scores = K.multiply(scores, self.scale)
            return scores
        pairs = K.add(K.expand_dims(query, -2), K.expand_dims(key, -3))
        if self.scale is not None:
            pairs = K.multiply(self.scale, pairs)
        return K.multiply(self.concat_score_weight, K.sum(K.tanh(pairs), axis=-1))

    def _scores_mask(self, scores, value_mask, use_causal_mask: bool):
        """Which scores count, broadcastable to ``(batch, Tq, Tv)``; None when all do."""
        if value_mask is not None:
            value_mask = K.expand_dims(K.cast(value_mask, "bool"), -2)
        if not use_causal_mask:
            return value_mask
        shape = K.int_shape(scores)
        causal = causal_mask(shape[-2], shape[-1])
        return causal if value_mask is None else K.logical_and(value_mask, causal)

    def call(
        self,
        inputs,
        mask=None,
        training=False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ):
        self._check_mask(mask)
        self._check_shapes(_shapes_of(inputs))
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        scores_mask = self._scores_mask(scores, value_mask, use_causal_mask)
        if scores_mask is not None:
            offset = _masked_score_offset(K.dtype(scores))
            scores = K.where(scores_mask, scores, K.subtract(scores, offset))
        weights = K.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = K.dropout(weights, self.dropout, seed=self._seed_generator)
        outputs = K.matmul(weights, value)
        if query_mask is not None:
            outputs = K.where(K.expand_dims(K.cast(query_mask, "bool"), -1), outputs, 0.0)
        if return_attention_scores:
            return outputs, weights
        return outputs

    def compute_mask(self, inputs, mask=None):
        """The query's mask (the output has one step per query step)."""
        self._check_mask(mask)
        if mask is None or mask[0] is None:
            return None
        return K.cast(mask[0], "bool")

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
