"""Category indices encoded as one-hot rows, multi-hot rows or counts.

``CategoryEncoding``, ``Hashing`` and ``Discretization`` all end the same
way: integer category indices in ``[0, depth)`` become float rows of length
``depth``. Keras 3 (on JAX) encodes as follows, and so does this module:

- a scalar is first made a one-sample batch ``(1,)``;
- ``"one_hot"``: a row per index; a trailing axis of 1 (rank > 1) is
  replaced by the rows, any other shape gains a trailing axis. An index
  outside ``[0, depth)``, or a non-integer float, gives a row of zeros;
- ``"multi_hot"``: 1 for each index present in a sample, indices truncated
  to integers first; ``"count"``: how often each index occurs, or the sum
  of ``count_weights`` at its positions. A rank-1 input is one sample;
  otherwise axis 1 is the one reduced (so ``(batch, n)`` gives
  ``(batch, depth)`` and ``(a, b, c)`` gives ``(a, c, depth)``).
"""

from __future__ import annotations

from graphkeras import backend as K

ENCODED_OUTPUT_MODES = ("one_hot", "multi_hot", "count")


def encode_categories(indices, output_mode: str, depth: int, dtype: str, count_weights=None):
    """``indices`` encoded as ``output_mode`` rows of length ``depth`` (see the module doc).

    With ``count_weights`` (``"count"`` only) the output takes their dtype.
    """
    if K.ndim(indices) == 0:
        indices = K.expand_dims(indices, -1)
    if output_mode == "one_hot":
        shape = K.int_shape(indices)
        if len(shape) > 1 and shape[-1] == 1:
            indices = K.squeeze(indices, -1)
        return K.one_hot(indices, depth, dtype=dtype)
    axis = 1 if K.ndim(indices) > 1 else 0
    if output_mode == "multi_hot":
        return K.max(K.one_hot(K.cast(indices, "int32"), depth, dtype=dtype), axis=axis)
    if count_weights is None:
        return K.cast(K.sum(K.one_hot(indices, depth, dtype=dtype), axis=axis), dtype)
    weights_dtype = K.dtype(count_weights)
    encoded = K.one_hot(indices, depth, dtype=weights_dtype)
    counts = K.sum(K.multiply(encoded, K.expand_dims(count_weights, -1)), axis=axis)
    return K.cast(counts, weights_dtype)


def encoded_shape(input_shape: tuple, output_mode: str, depth: int) -> tuple:
    """The shape :func:`encode_categories` gives for indices of ``input_shape``."""
    input_shape = tuple(input_shape)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return (*input_shape[:-1], depth)
        if len(input_shape) == 0:
            return (1, depth)
        return (*input_shape, depth)
    if len(input_shape) >= 2:
        return (input_shape[0], *input_shape[2:], depth)
    return (depth,)
