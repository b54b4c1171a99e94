"""``gk.ops.nn.dot_product_attention``: Keras 3's scaled dot-product attention.

With ``query`` of shape ``(B, T, N, H)`` (batch, query steps, heads, head
size) and ``key``, ``value`` of shape ``(B, S, K, H)``::

    logits = einsum("BTNH,BSNH->BNTS", query, key) * scale + bias
    probabilities = softmax(logits where mask and causal allow, axis=-1)
    output = einsum("BNTS,BSNH->BTNH", probabilities, value)

``K`` may divide ``N`` (grouped-query attention; ``K == 1`` is multi-query):
query head ``n`` then attends with key and value head ``n // (N // K)``, as
in Keras 3. Masked logits get a large negative number (not -inf), so a
query that may attend to nothing gets a uniform average rather than NaN,
as in Keras 3.
"""

from __future__ import annotations

import math

import numpy as np

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.operation import operation


@operation
def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """Scaled dot-product attention of ``query`` over ``key`` and ``value`` (see the module).

    ``bias`` is added to the logits and ``mask`` (True: may attend) keeps
    logits, both broadcast to ``(B, N, T, S)``; ``is_causal`` also lets
    query step ``t`` see key steps ``s <= t`` only; ``scale`` defaults to
    ``1 / sqrt(H)``. graphkeras has no fused kernels: ``flash_attention=True``
    and ``attn_logits_soft_cap`` (Keras 3: JAX on TPU only) raise ValueError.
    """
    if flash_attention:
        raise ValueError(
            "ops.dot_product_attention: flash_attention=True needs a fused attention kernel, "
            "which graphkeras does not have; pass None or False."
        )
    if attn_logits_soft_cap is not None:
        raise ValueError(
            "ops.dot_product_attention: attn_logits_soft_cap is only supported by Keras 3 for "
            f"JAX on TPU; pass None, received {attn_logits_soft_cap!r}."
        )
    query, key, value = as_float(query), as_float(key), as_float(value)
    shapes = [K.int_shape(tensor) for tensor in (query, key, value)]
    if any(len(shape) != 4 for shape in shapes):
        raise ValueError(
            "ops.dot_product_attention: query, key and value must have rank 4 (batch, steps, "
            f"heads, head size), received shapes {shapes[0]}, {shapes[1]} and {shapes[2]}."
        )
    dtype = K.result_type(*(K.dtype(tensor) for tensor in (query, key, value)))
    query, key, value = (K.cast(tensor, dtype) for tensor in (query, key, value))
    heads, key_heads, head_size = shapes[0][2], shapes[1][2], shapes[1][3]
    if heads % key_heads:
        raise ValueError(
            f"ops.dot_product_attention: the query's {heads} heads must be a multiple of the "
            f"key's {key_heads} heads."
        )
    if key_heads != heads:
        key = K.repeat(key, heads // key_heads, axis=2)
        value = K.repeat(value, heads // key_heads, axis=2)
    scale = 1.0 / math.sqrt(head_size) if scale is None else scale
    logits = K.multiply(K.einsum("btnh,bsnh->bnts", query, key), scale)
    if bias is not None:
        logits = K.add(logits, K.cast(as_tensor(bias), dtype))
    allowed = None if mask is None else K.cast(as_tensor(mask), "bool")
    if is_causal:
        steps, sources = shapes[0][1], shapes[1][1]
        causal = K.equal(K.tril(K.ones((steps, sources), dtype=dtype)), 1)
        allowed = causal if allowed is None else K.logical_and(allowed, causal)
    if allowed is not None:
        large_negative = K.convert_to_tensor(-0.7 * float(np.finfo(dtype).max), dtype=dtype)
        logits = K.where(allowed, logits, large_negative)
    probabilities = K.softmax(logits, axis=-1)
    return K.einsum("bnts,bsnh->btnh", probabilities, value)
