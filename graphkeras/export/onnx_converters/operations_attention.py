"""``ops.dot_product_attention`` as ONNX nodes, step by step as graphkeras computes it.

``query`` is ``(B, T, N, H)``, ``key`` and ``value`` ``(B, S, K, H)``: with
fewer key heads (``K`` dividing ``N``) each key and value head is repeated
for its ``N // K`` query heads; the logits are ``Einsum("btnh,bsnh->bnts")``
times ``scale`` (``1 / sqrt(H)`` by default) plus ``bias``; where ``mask``
(True: may attend) or ``is_causal`` forbids a logit it becomes the same
large negative number graphkeras uses (so a query that may attend to
nothing averages uniformly, as in graphkeras, instead of giving NaN); then
``Softmax`` over the key steps and ``Einsum("bnts,bsnh->btnh")`` with the
values. ``is_causal`` needs the step counts ``T`` and ``S`` to be static.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall
from graphkeras.export.onnx_converters.operations_shapes import repeat_entries


def _dot_product_attention(op: OperationCall) -> str:
    query, key, value = (op.tensor(name) for name in ("query", "key", "value"))
    if any(tensor.rank != 4 for tensor in (query, key, value)):
        op.refuse("query", "key and value must have rank 4 (batch, steps, heads, head size)")
    if op["flash_attention"] or op["attn_logits_soft_cap"] is not None:
        op.refuse("flash_attention", "asks for a fused kernel, which has no ONNX form")
    dtype = op.output_dtype()
    names = [
        op.operand(tensor, dtype, argument)
        for tensor, argument in ((query, "query"), (key, "key"), (value, "value"))
    ]
    heads, key_heads, head_size = query.shape[2], key.shape[2], key.shape[3]
    if heads is None or key_heads is None or head_size is None:
        op.refuse("query", "and key need static head counts and head size")
    if key_heads != heads:
        names[1] = repeat_entries(op, names[1], 2, heads // key_heads)
        names[2] = repeat_entries(op, names[2], 2, heads // key_heads)
    scale = op["scale"]
    if scale is None:
        scale = 1.0 / math.sqrt(head_size)
    elif isinstance(scale, (bool, OnnxTensor)) or not isinstance(scale, (int, float)):
        op.refuse("scale", "must be a static number for the ONNX export")
    logits = op.add("Einsum", names[:2], equation="btnh,bsnh->bnts")
    logits = op.add("Mul", [logits, op.constant(scale, dtype, "scale")])
    if op["bias"] is not None:
        logits = op.add("Add", [logits, op.operand(op["bias"], dtype, "bias")])
    allowed = None if op["mask"] is None else op.operand(op["mask"], "bool", "mask")
    if op["is_causal"]:
        steps, sources = query.shape[1], key.shape[1]
        if steps is None or sources is None:
            op.refuse("is_causal", "needs static query and key step counts for its mask")
        causal = op.constant(np.tri(steps, sources, dtype=bool), "bool", "causal")
        allowed = causal if allowed is None else op.add("And", [allowed, causal])
    if allowed is not None:
        large_negative = op.constant(-0.7 * float(np.finfo(dtype).max), dtype, "masked")
        logits = op.add("Where", [allowed, logits, large_negative])
    probabilities = op.add("Softmax", [logits], axis=-1)
    return op.add("Einsum", [probabilities, names[2]], equation="bnts,bsnh->btnh")


WRITERS: dict[str, Callable] = {"dot_product_attention": _dot_product_attention}
