"""Attention, AdditiveAttention and MultiHeadAttention as ONNX MatMul / Einsum / Softmax chains.

Each is written step by step as graphkeras computes it, so the numbers
agree: the scores, the masks applied to them, a softmax, the weighted sum of
the values. Dropout is the identity at inference.

Masks are carried exactly (these converters are registered with
``masks_carried``): the masks the inputs carry (from an
``Embedding(mask_zero=True)``, say, written by onnx_masks.py), masks passed
explicitly, ``attention_mask``, the causal mask and MultiHeadAttention's
sliding window. ``Attention`` takes ``1e9`` off a masked score (``65504`` in
float16) and zeroes the output of a masked query step; ``MultiHeadAttention``
replaces a masked score by ``-1e9`` (``-3e4`` in float16), and zeroes the
masked weights afterwards when graphkeras does (scores returned, dropout
set, or several attention axes). The causal and sliding-window masks are
constants when the sequence lengths are known, else computed from the
inputs' shapes.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from graphkeras import layers
from graphkeras.engine.node import is_keras_tensor
from graphkeras.export.onnx_converters.dense import write_einsum_dense
from graphkeras.export.onnx_masks import register_onnx_mask_writer
from graphkeras.export.onnx_registry import register_onnx_converter


def _call_arguments(node) -> dict:
    """Every argument of the node's call by parameter name, defaults filled in."""
    layer = node.outbound_layer
    bound = inspect.signature(type(layer).call).bind(layer, *node.call_args, **node.call_kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


def _as_bool(call, tensor) -> str | None:
    """An explicitly passed mask tensor as an ONNX bool tensor (None stays None)."""
    if tensor is None:
        return None
    name = call.input_name(tensor)
    return name if str(tensor.dtype) == "bool" else call.cast(name, "bool")


def _dtype_of(call, tensor) -> str:
    """The dtype of ``tensor``'s ONNX name in this call (after the engine's autocast)."""
    for index, candidate in enumerate(call.node.input_tensors):
        if candidate is tensor:
            return call.input_dtypes[index]
    return str(tensor.dtype)


# ---------------------------------------------------------------- position masks
def _length(call, x: str, axis: int) -> str:
    """The size of ``x`` along ``axis`` as an int64 scalar."""
    shape = call.add("Shape", [x])
    return call.add("Gather", [shape, call.constant(np.int64(axis), "int64", "axis")], axis=0)


def _position_mask(call, kind: str, query, key, lengths: tuple, width: int | None = None) -> str:
    """The ``(1, query_length, key_length)`` causal or sliding-window mask (see layers/attention).

    ``query`` and ``key`` are ``(name, axis)`` pairs whose axis holds the
    lengths, read when ``lengths`` are not both known.
    """
    query_length, key_length = lengths
    if query_length is not None and key_length is not None:
        rows = np.arange(query_length)[:, np.newaxis]
        columns = np.arange(key_length)[np.newaxis, :]
        mask = rows >= columns if kind == "causal" else np.abs(rows - columns) < width
        return call.constant(mask[np.newaxis], "bool", role=kind)
    zero = call.constant(np.int64(0), "int64", "zero")
    one = call.constant(np.int64(1), "int64", "one")
    rows = call.unsqueeze(call.add("Range", [zero, _length(call, *query), one]), [1])
    columns = call.add("Range", [zero, _length(call, *key), one])
    if kind == "causal":
        mask = call.add("GreaterOrEqual", [rows, columns])
    else:
        distance = call.add("Abs", [call.add("Sub", [rows, columns])])
        mask = call.add("Less", [distance, call.constant(np.int64(width), "int64", "width")])
    return call.unsqueeze(mask, [0])


class _CombinedMask:
    """A growing ``logical_and`` of masks, with its rank (which decides later broadcasting)."""

    def __init__(self, call) -> None:
        self.call = call
        self.name: str | None = None
        self.rank = 0

    def both(self, mask: str | None, rank: int) -> None:
        if mask is None:
            return
        if self.name is None:
            self.name, self.rank = mask, rank
        else:
            self.name = self.call.add("And", [self.name, mask])
            self.rank = max(self.rank, rank)


def _softmax(call, scores: str, axes: list[int]) -> str:
    """Softmax over ``axes``: ONNX Softmax for one, ``exp(x - max) / sum`` for several."""
    if len(axes) == 1:
        return call.add("Softmax", [scores], axis=axes[0])
    shifted = call.add("Sub", [scores, call.reduce("ReduceMax", scores, axes, keepdims=True)])
    exponentials = call.add("Exp", [shifted])
    return call.add("Div", [exponentials, call.reduce("ReduceSum", exponentials, axes, True)])


def _masked_score_offset(call) -> float:
    return 65504.0 if call.dtype == "float16" else 1.0e9


# ---------------------------------------------------------------- Attention
def _dot_scores(call, query: str, key: str, rank: int) -> str:
    layer = call.layer
    if layer.score_mode == "dot":
        swapped = call.transpose(key, (*range(rank - 2), rank - 1, rank - 2))
        scores = call.add("MatMul", [query, swapped])
        if layer.scale is not None:
            scores = call.add("Mul", [scores, call.weight(layer.scale)])
        return scores
    pairs = call.add("Add", [call.unsqueeze(query, [-2]), call.unsqueeze(key, [-3])])
    if layer.scale is not None:
        pairs = call.add("Mul", [call.weight(layer.scale), pairs])
    summed = call.reduce("ReduceSum", call.add("Tanh", [pairs]), [rank], keepdims=False)
    return call.add("Mul", [call.weight(layer.concat_score_weight), summed])


def _additive_scores(call, query: str, key: str, rank: int) -> str:
    layer = call.layer
    pairs = call.add("Add", [call.unsqueeze(query, [-2]), call.unsqueeze(key, [-3])])
    pairs = call.add("Tanh", [pairs])
    if layer.scale is not None:
        pairs = call.add("Mul", [call.weight(layer.scale), pairs])
    return call.reduce("ReduceSum", pairs, [rank], keepdims=False)


def _attention_masks(call, arguments: dict) -> tuple:
    """``(query_mask, value_mask)`` as bool tensors: the ``mask`` argument, else the inputs'."""
    explicit = arguments.get("mask")
    if explicit is not None:
        masks = [_as_bool(call, mask) for mask in explicit]
    else:
        masks = [call.mask_of(tensor) for tensor in arguments["inputs"]]
    return masks[0], masks[1]


def _attention(scorer):
    def convert(call):
        """The scores, the value and causal masks, softmax, weighted values, query mask."""
        arguments = _call_arguments(call.node)
        inputs = arguments["inputs"]
        query, value = call.input_name(inputs[0]), call.input_name(inputs[1])
        key = call.input_name(inputs[2]) if len(inputs) == 3 else value
        query_shape, key_shape = tuple(inputs[0].shape), tuple(inputs[-1].shape)
        rank = len(query_shape)
        scores = scorer(call, query, key, rank)
        query_mask, value_mask = _attention_masks(call, arguments)
        combined = _CombinedMask(call)
        if value_mask is not None:
            combined.both(call.unsqueeze(value_mask, [-2]), rank)
        if arguments.get("use_causal_mask"):
            lengths = (query_shape[-2], key_shape[-2])
            causal = _position_mask(call, "causal", (query, rank - 2), (key, rank - 2), lengths)
            combined.both(causal, 3)
        if combined.name is not None:
            offset = call.constant(_masked_score_offset(call), role="masked_offset")
            lowered = call.add("Sub", [scores, offset])
            scores = call.add("Where", [combined.name, scores, lowered])
        weights = call.add("Softmax", [scores], axis=-1)
        outputs = call.add("MatMul", [weights, value])
        if query_mask is not None:
            kept = call.unsqueeze(query_mask, [-1])
            outputs = call.add("Where", [kept, outputs, call.constant(0.0, role="zero")])
        if arguments.get("return_attention_scores"):
            return [outputs, weights]
        return outputs

    return convert


def attention_output_mask(call) -> str | None:
    """The query's mask (``Attention.compute_mask``)."""
    query_mask, _ = _attention_masks(call, _call_arguments(call.node))
    return query_mask


# ---------------------------------------------------------------- MultiHeadAttention
def _multi_head_masks(call, arguments: dict, query, value, lengths: tuple) -> _CombinedMask:
    """The masks MultiHeadAttention combines, in its order (see its ``_attention_mask``)."""
    layer = call.layer
    combined = _CombinedMask(call)
    for name, expand_at in (("query", -1), ("value", -2), ("key", -2)):
        given = arguments.get(f"{name}_mask")
        if given is not None:
            mask, mask_rank = _as_bool(call, given), len(given.shape)
        elif is_keras_tensor(arguments.get(name)):
            mask = call.mask_of(arguments[name])
            mask_rank = None if mask is None else len(arguments[name]._keras_mask.shape)
        else:
            mask = None
        if mask is not None:
            combined.both(call.unsqueeze(mask, [expand_at]), mask_rank + 1)
    if arguments.get("use_causal_mask"):
        combined.both(_position_mask(call, "causal", (query, 1), (value, 1), lengths), 3)
    if layer.sliding_window is not None:
        band = _position_mask(
            call, "sliding_window", (query, 1), (value, 1), lengths, layer.sliding_window
        )
        combined.both(band, 3)
    attention_mask = arguments.get("attention_mask")
    if attention_mask is not None:
        combined.both(_as_bool(call, attention_mask), len(attention_mask.shape))
    return combined


def multi_head_attention(call):
    """Projections (Einsum), scaled scores, masked softmax, combination, output projection."""
    layer = call.layer
    arguments = _call_arguments(call.node)
    query_tensor, value_tensor = arguments["query"], arguments["value"]
    key_tensor = arguments["key"] if arguments["key"] is not None else value_tensor
    query, value = call.input_name(query_tensor), call.input_name(value_tensor)
    key = call.input_name(key_tensor)
    query_shape = tuple(query_tensor.shape)
    lengths = (query_shape[1], tuple(value_tensor.shape)[1])
    combined = _multi_head_masks(call, arguments, query, value, lengths)

    def project(dense, name: str, tensor) -> str:
        return write_einsum_dense(call, dense, name, tuple(tensor.shape), _dtype_of(call, tensor))

    gate = None
    if layer._gate_dense is not None:
        gate = project(layer._gate_dense, query, query_tensor)
    projected_query = project(layer.query_dense, query, query_tensor)
    projected_key = project(layer.key_dense, key, key_tensor)
    projected_value = project(layer.value_dense, value, value_tensor)
    scaling = call.constant(1.0 / math.sqrt(float(layer.key_dim)), role="scale")
    projected_query = call.add("Mul", [projected_query, scaling])
    equations = layer._equations
    scores = call.add("Einsum", [projected_key, projected_query], equation=equations.dot_product)

    count = len(equations.attention_axes)
    axes = list(range(equations.scores_rank - count, equations.scores_rank))
    return_scores = bool(arguments.get("return_attention_scores"))
    zero_masked = layer.dropout > 0 or return_scores or len(query_shape) + 1 != 4
    if combined.name is None:
        weights = _softmax(call, scores, axes)
    else:
        mask = combined.name
        for _ in range(equations.scores_rank - combined.rank):
            mask = call.unsqueeze(mask, [-2 * count - 1])
        filler = -3.0e4 if call.dtype == "float16" else -1.0e9
        filled = call.add("Where", [mask, scores, call.constant(filler, role="masked_score")])
        weights = _softmax(call, filled, axes)
        if zero_masked:
            weights = call.add("Where", [mask, weights, call.constant(0.0, role="zero")])
    outputs = call.add("Einsum", [weights, projected_value], equation=equations.combine)
    if gate is not None:
        outputs = call.add("Mul", [outputs, gate])
    heads_shape = (*query_shape[:-1], layer.num_heads, layer.value_dim)
    outputs = write_einsum_dense(call, layer.output_dense, outputs, heads_shape)
    if return_scores:
        return [outputs, weights]
    return outputs


register_onnx_converter(layers.Attention, _attention(_dot_scores), masks_carried=True)
register_onnx_converter(layers.AdditiveAttention, _attention(_additive_scores), masks_carried=True)
register_onnx_converter(layers.MultiHeadAttention, multi_head_attention, masks_carried=True)
register_onnx_mask_writer(layers.Attention, attention_output_mask)
