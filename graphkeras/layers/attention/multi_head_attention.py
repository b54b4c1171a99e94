"""MultiHeadAttention: scaled dot-product attention in several learned subspaces at once.

``mha(query, value, key=None)`` projects the query and key to ``num_heads``
heads of ``key_dim`` features and the value to heads of ``value_dim``
features (one ``EinsumDense`` each), lets every head attend with
``softmax(query . key / sqrt(key_dim))``, and projects the heads back to
the query's feature size (or to ``output_shape``) with a fourth
``EinsumDense``. With the same tensor as query and value it is
self-attention.

Masks, as Keras 3 combines them: the query's, value's and key's masks
(filled from the inputs by the engine, as ``query_mask``, ``value_mask``
and ``key_mask``), an explicit ``attention_mask`` of shape ``(batch, T,
S)``, the causal mask (``use_causal_mask``) and the ``sliding_window`` band
all say which (query, key) pairs may attend; a pair any of them forbids
gets no weight. A query row left with no key at all gets the zero weights
of Keras's masked softmax when the scores are returned or dropout is on,
and uniform weights otherwise, as Keras 3's two code paths give. The
output carries the query's mask.
"""

from __future__ import annotations

import math

from graphkeras import backend as K
from graphkeras import initializers, regularizers
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.attention import arguments, equations
from graphkeras.layers.attention.masks import band_mask, causal_mask
from graphkeras.layers.einsum_dense import EinsumDense
from graphkeras.layers.weight_arguments import set_weight_arguments, weight_arguments_config

# What a forbidden score is replaced by before the softmax (Keras's Softmax layer).
_MASKED_SCORE = -1.0e9
_MASKED_SCORE_FLOAT16 = -3.0e4


def _partial_shape(rank: int, known_last: list) -> list:
    """An EinsumDense ``output_shape``: unknown sizes, then ``known_last``."""
    return [None] * (rank - len(known_last)) + list(known_last)


def _clone(initializer):
    """A fresh copy of an initializer object (a plain function is shared as it is)."""
    if isinstance(initializer, initializers.Initializer):
        return initializer.clone()
    return initializer


@register_layer
class MultiHeadAttention(Layer):
    """Multi-head attention, as in "Attention is all you need" (Vaswani et al., 2017).

    >>> mha = MultiHeadAttention(num_heads=2, key_dim=16)
    >>> mha(gk.Input((8, 32)), gk.Input((5, 32))).shape
    (None, 8, 32)

    Weights, in order (each from an ``EinsumDense``): ``query`` kernel
    ``(dim, num_heads, key_dim)`` and bias ``(num_heads, key_dim)``; ``key``
    likewise from the key's features; ``gate`` (with ``use_gate``) and
    ``value`` kernels ``(dim, num_heads, value_dim)`` with biases
    ``(num_heads, value_dim)``; ``attention_output`` kernel ``(num_heads,
    value_dim, dim)`` and bias ``(dim,)``. No biases without ``use_bias``.

    ``attention_axes`` (default: every axis between the batch and the
    features) are the axes attended over; ``use_gate`` multiplies the heads'
    output by ``sigmoid`` of a projection of the query before the output
    projection. ``flash_attention`` is accepted for Keras compatibility: the
    numpy backend has no fused kernel, so it changes nothing.
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape=None,
        attention_axes=None,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        described = f"MultiHeadAttention '{self.name}'"
        self.num_heads = arguments.positive_int(num_heads, "num_heads", described)
        self.key_dim = arguments.positive_int(key_dim, "key_dim", described)
        self.value_dim = (
            self.key_dim
            if value_dim is None
            else arguments.positive_int(value_dim, "value_dim", described)
        )
        self.dropout = arguments.rate(dropout, "dropout", described)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        self._output_shape = _checked_output_shape(output_shape, described)
        self.attention_axes = _checked_attention_axes(attention_axes, described)
        self.sliding_window = (
            None
            if sliding_window is None
            else arguments.positive_int(sliding_window, "sliding_window", described)
        )
        self.flash_attention = flash_attention
        self.seed = arguments.seed(seed, described)
        set_weight_arguments(
            self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint
        )
        set_weight_arguments(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.supports_masking = True
        self._seed_generator = K.seed_generator(self.seed) if self.dropout > 0 else None
        # Set here so that the weights come in Keras's order: the sublayers'
        # weights follow the order in which these attributes were first set.
        # The public names (private for the gate) are the ones Keras 3 saves the
        # projections' weights under in a ``.keras`` file.
        self.query_dense: EinsumDense | None = None
        self.key_dense: EinsumDense | None = None
        self._gate_dense: EinsumDense | None = None
        self.value_dense: EinsumDense | None = None
        self.output_dense: EinsumDense | None = None
        self._equations: equations.AttentionEquations | None = None

    # ------------------------------------------------------------- sublayers
    def _dense(self, free_dims, bound_dims, known_last, name, activation=None) -> EinsumDense:
        projection = equations.projection(free_dims, bound_dims, len(known_last))
        return EinsumDense(
            projection.equation,
            output_shape=_partial_shape(projection.output_rank - 1, known_last),
            bias_axes=projection.bias_axes if self.use_bias else None,
            activation=activation,
            name=name,
            dtype=self.dtype,
            kernel_initializer=_clone(self.kernel_initializer),
            bias_initializer=_clone(self.bias_initializer),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            activity_regularizer=self.activity_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
        )

    # ---------------------------------------------------------------- shapes
    def _check_shapes(self, query_shape, value_shape, key_shape=None) -> tuple:
        """``(query, value, key)`` shapes as tuples, after checking that they fit together."""
        query_shape = tuple(query_shape)
        value_shape = tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        described = f"MultiHeadAttention '{self.name}'"
        if len(query_shape) < 3:
            raise ValueError(
                f"{described} expects a query of rank at least 3 ((batch, steps, features)), "
                f"received query shape {query_shape}."
            )
        if len(value_shape) != len(query_shape) or len(key_shape) != len(query_shape):
            raise ValueError(
                f"{described} expects query, value and key of one rank, received query shape "
                f"{query_shape}, value shape {value_shape} and key shape {key_shape}."
            )
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"{described}: all dimensions of value and key, except the last one, must be "
                f"equal; received value shape {value_shape} and key shape {key_shape}."
            )
        for name, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if shape[-1] is None:
                raise ValueError(
                    f"{described} needs a known number of {name} features, "
                    f"received {name} shape {shape}."
                )
        if self.query_dense is not None:
            self._check_built_for(query_shape, value_shape, key_shape)
        return query_shape, value_shape, key_shape

    def _check_built_for(self, query_shape, value_shape, key_shape) -> None:
        """``ValueError`` when a built layer meets a rank or feature count it was not built for."""
        for name, shape, dense in (
            ("query", query_shape, self.query_dense),
            ("value", value_shape, self.value_dense),
            ("key", key_shape, self.key_dense),
        ):
            expected = (dense.input_spec.ndim, dense.kernel.shape[0])
            if (len(shape), shape[-1]) != expected:
                raise ValueError(
                    f"MultiHeadAttention '{self.name}' was built for a {name} of rank "
                    f"{expected[0]} with {expected[1]} features, received {name} shape {shape}."
                )

    def _resolved_attention_axes(self, query_rank: int) -> tuple:
        """The attention axes as non-negative axes of the projected tensors."""
        projected_rank = query_rank + 1
        if self.attention_axes is None:
            return tuple(range(1, projected_rank - 2))
        resolved = tuple(
            axis if axis >= 0 else projected_rank - 1 + axis for axis in self.attention_axes
        )
        if any(not 1 <= axis <= query_rank - 2 for axis in resolved) or len(set(resolved)) != len(
            resolved
        ):
            raise ValueError(
                f"MultiHeadAttention '{self.name}': attention_axes must be distinct axes between "
                f"the batch and the features of the query (1 to {query_rank - 2}), received "
                f"attention_axes={self.attention_axes} for a query of rank {query_rank}."
            )
        return resolved

    def build(self, query_shape, value_shape=None, key_shape=None) -> None:
        if value_shape is None:
            raise ValueError(
                f"MultiHeadAttention '{self.name}' is built from the shapes of its query and "
                f"value (build(query_shape, value_shape)); received only {query_shape}."
            )
        query_shape, value_shape, key_shape = self._check_shapes(
            query_shape, value_shape, key_shape
        )
        rank = len(query_shape)
        attention_axes = self._resolved_attention_axes(rank)
        heads = [self.num_heads, self.key_dim]
        value_heads = [self.num_heads, self.value_dim]
        self.query_dense = self._dense(rank - 1, 1, heads, "query")
        self.query_dense.build(query_shape)
        self.key_dense = self._dense(rank - 1, 1, heads, "key")
        self.key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._dense(rank - 1, 1, value_heads, "gate", "sigmoid")
            self._gate_dense.build(query_shape)
        self.value_dense = self._dense(rank - 1, 1, value_heads, "value")
        self.value_dense.build(value_shape)
        self._equations = equations.attention(rank + 1, attention_axes)
        output_shape = self._output_shape or (query_shape[-1],)
        self.output_dense = self._dense(rank - 1, 2, list(output_shape), "attention_output")
        self.output_dense.build((*query_shape[:-1], self.num_heads, self.value_dim))
        self.built = True

    def _forget_build(self) -> None:
        """Back to unbuilt (after a first call that failed): no sublayers, no weights."""
        self.query_dense = self.key_dense = self._gate_dense = None
        self.value_dense = self.output_dense = None
        self._equations = None
        self.built = False

    def __call__(self, query, value=None, key=None, **kwargs):
        """``mha(query, value, key=None, ...)``: builds from all three shapes on the first call."""
        if value is None:
            raise ValueError(
                f"MultiHeadAttention '{self.name}' must be called with a query and a value: "
                "mha(query, value, key=None, ...)."
            )
        extra = {} if key is None else {"key": key}
        if self.built:
            return super().__call__(query, value, **extra, **kwargs)
        try:
            self.build(
                K.int_shape(query), K.int_shape(value), None if key is None else K.int_shape(key)
            )
            self._build_input_shape = K.int_shape(query)
            return super().__call__(query, value, **extra, **kwargs)
        except BaseException:
            self._forget_build()
            raise

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, _, _ = self._check_shapes(query_shape, value_shape, key_shape)
        if self._output_shape:
            return (*query_shape[:-1], *self._output_shape)
        return query_shape

    def compute_output_spec(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores: bool = False,
        training=None,
        use_causal_mask: bool = False,
    ):
        key_shape = None if key is None else key.shape
        output_shape = self.compute_output_shape(query.shape, value.shape, key_shape)
        output = KerasTensor(output_shape, dtype=self.compute_dtype)
        if not return_attention_scores:
            return output
        key_shape = value.shape if key is None else key.shape
        layout = self._equations
        projected_query = (*query.shape[:-1], self.num_heads, self.key_dim)
        projected_key = (*key_shape[:-1], self.num_heads, self.key_dim)
        scores_shape = (
            *(projected_query[axis] for axis in layout.batch_axes),
            *(projected_query[axis] for axis in layout.attention_axes),
            *(projected_key[axis] for axis in layout.attention_axes),
        )
        return output, KerasTensor(scores_shape, dtype=self.compute_dtype)

    # ------------------------------------------------------------------ math
    def _attention_mask(
        self, query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
    ):
        """Which (query, key) pairs may attend, as Keras 3 combines the masks; None if all."""
        combined = None

        def both(mask):
            return mask if combined is None else K.logical_and(combined, mask)

        if query_mask is not None:
            combined = both(K.expand_dims(K.cast(query_mask, "bool"), -1))
        if value_mask is not None:
            combined = both(K.expand_dims(K.cast(value_mask, "bool"), -2))
        if key_mask is not None:
            combined = both(K.expand_dims(K.cast(key_mask, "bool"), -2))
        query_length, key_length = K.int_shape(query)[1], K.int_shape(value)[1]
        if use_causal_mask:
            combined = both(causal_mask(query_length, key_length))
        if self.sliding_window is not None:
            combined = both(band_mask(query_length, key_length, self.sliding_window))
        if attention_mask is not None:
            combined = both(K.cast(attention_mask, "bool"))
        return combined

    def _masked_softmax(self, scores, mask, zero_masked: bool):
        """Softmax over the attention axes; forbidden pairs get no weight.

        ``zero_masked`` also zeroes the forbidden weights afterwards, so a
        row with no allowed key is all zeros instead of uniform.
        """
        layout = self._equations
        count = len(layout.attention_axes)
        axes = tuple(range(layout.scores_rank - count, layout.scores_rank))
        axis = axes[0] if count == 1 else axes
        if mask is None:
            return K.softmax(scores, axis=axis)
        # The mask lacks the heads axis (and any batch-like axis): add them before the query axes.
        for _ in range(K.ndim(scores) - K.ndim(mask)):
            mask = K.expand_dims(mask, -2 * count - 1)
        filler = _MASKED_SCORE_FLOAT16 if K.dtype(scores) == "float16" else _MASKED_SCORE
        weights = K.softmax(K.where(mask, scores, filler), axis=axis)
        if zero_masked:
            weights = K.where(mask, weights, 0.0)
        return weights

    def call(
        self,
        query,
        value,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores: bool = False,
        training=None,
        use_causal_mask: bool = False,
    ):
        self._check_shapes(
            K.int_shape(query), K.int_shape(value), None if key is None else K.int_shape(key)
        )
        if key is None:
            key = value
        mask = self._attention_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
        )
        gate = self._gate_dense(query) if self._gate_dense is not None else None
        projected_query = self.query_dense(query)
        projected_key = self.key_dense(key)
        projected_value = self.value_dense(value)
        projected_query = K.multiply(projected_query, 1.0 / math.sqrt(float(self.key_dim)))
        scores = K.einsum(self._equations.dot_product, projected_key, projected_query)
        # Keras 3 takes its masked-softmax path (forbidden weights zeroed) when it must
        # return the scores, apply dropout, or attend over several axes; else its fused
        # kernel, whose fully masked rows come out uniform.
        explicit = self.dropout > 0 or return_attention_scores or K.ndim(projected_query) != 4
        weights = self._masked_softmax(scores, mask, zero_masked=explicit)
        attended = weights
        if training and self.dropout > 0:
            attended = K.dropout(weights, self.dropout, seed=self._seed_generator)
        outputs = K.einsum(self._equations.combine, attended, projected_value)
        if gate is not None:
            outputs = K.multiply(outputs, gate)
        outputs = self.output_dense(outputs)
        if return_attention_scores:
            return outputs, weights
        return outputs

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "output_shape": None if self._output_shape is None else list(self._output_shape),
            "attention_axes": None if self.attention_axes is None else list(self.attention_axes),
            "sliding_window": self.sliding_window,
            **weight_arguments_config(self, ("kernel", "bias")),
            "seed": self.seed,
        }


def _checked_output_shape(output_shape, described: str) -> tuple | None:
    """``output_shape`` as a tuple of positive ints (an int is one axis); None or empty: None."""
    if output_shape is None or (isinstance(output_shape, (tuple, list)) and not output_shape):
        return None
    sizes = (output_shape,) if isinstance(output_shape, int) else output_shape
    if not isinstance(sizes, (tuple, list)) or any(
        isinstance(size, bool) or not isinstance(size, int) or size <= 0 for size in sizes
    ):
        raise ValueError(
            f"{described}: output_shape must be a positive int or a tuple of positive ints, "
            f"received output_shape={output_shape!r}."
        )
    return tuple(sizes)


def _checked_attention_axes(attention_axes, described: str) -> tuple | None:
    """``attention_axes`` as a tuple of ints (an int is one axis), or None."""
    if attention_axes is None:
        return None
    axes = (attention_axes,) if isinstance(attention_axes, int) else attention_axes
    if (
        not isinstance(axes, (tuple, list))
        or not axes
        or any(isinstance(axis, bool) or not isinstance(axis, int) for axis in axes)
    ):
        raise ValueError(
            f"{described}: attention_axes must be an int or a non-empty tuple of ints, "
            f"received attention_axes={attention_axes!r}."
        )
    return tuple(axes)
