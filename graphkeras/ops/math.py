"""``gk.ops.math``: Keras 3's math operations (top-k, log-sum-exp, error functions, segments).

The segment reductions (``segment_sum``, ...) gather each segment's rows
with ``where``, so infinities and NaN in one segment stay out of the others
and gradients reach the rows of each segment only.
"""

from __future__ import annotations

import math
from typing import Any

from graphkeras import backend as K
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.linalg import _square_matrices
from graphkeras.ops.operation import operation


@operation
def top_k(x, k, sorted=True, is_stable=True):  # noqa: A002 (Keras 3's argument name)
    """``(values, indices)`` of the ``k`` largest entries along the last axis."""
    values, indices = K.top_k(as_tensor(x), k, sorted=sorted)
    return values, K.cast(indices, "int32")


@operation
def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, stable."""
    return K.logsumexp(as_float(x), axis=axis, keepdims=keepdims)


@operation
def erf(x):
    """The error function."""
    return K.erf(as_float(x))


@operation
def erfc(x):
    """``1 - erf(x)``, accurate in the tails."""
    return K.erfc(as_float(x))


@operation
def rsqrt(x):
    """``1 / sqrt(x)``."""
    return K.divide(1.0, K.sqrt(as_float(x)))


@operation
def in_top_k(targets, predictions, k):
    """Whether each target's prediction is among the ``k`` largest of its row."""
    predictions = as_float(predictions)
    targets = K.cast(as_tensor(targets), "int32")
    target_scores = K.take_along_axis(predictions, K.expand_dims(targets, -1), axis=-1)
    larger = K.sum(K.cast(K.greater(predictions, target_scores), "int32"), axis=-1)
    return K.less(larger, k)


@operation
def cdist(x, y):
    """Euclidean distances between the rows of ``x`` ``(..., m, d)`` and ``y`` ``(..., n, d)``."""
    x, y = as_float(x), as_float(y)
    if K.ndim(x) < 2 or K.ndim(y) < 2 or K.int_shape(x)[-1] != K.int_shape(y)[-1]:
        raise ValueError(
            "ops.cdist: x and y must have rank 2 or more and one vector length, received "
            f"shapes {K.int_shape(x)} and {K.int_shape(y)}."
        )
    differences = K.subtract(K.expand_dims(x, -2), K.expand_dims(y, -3))
    return K.sqrt(K.sum(K.square(differences), axis=-1))


@operation
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` along the last axis, ``sequence_stride`` apart.

    The result has shape ``(..., frames, sequence_length)``, with
    ``frames = 1 + (length - sequence_length) // sequence_stride``.
    """
    x = as_tensor(x)
    length = K.int_shape(x)[-1]
    if sequence_length > length or sequence_length < 1 or sequence_stride < 1:
        raise ValueError(
            f"ops.extract_sequences: sequence_length ({sequence_length}) must be in "
            f"[1, {length}] (the last axis) and sequence_stride ({sequence_stride}) at least 1."
        )
    starts = range(0, length - sequence_length + 1, sequence_stride)
    frames = [K.getitem(x, (Ellipsis, slice(s, s + sequence_length))) for s in starts]
    return K.stack(frames, axis=-2)


# ---------------------------------------------------------------- segments


def _segment_spec(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """The output: ``num_segments`` rows (unknown without it) of ``data``'s other axes."""
    return KerasTensor((num_segments, *K.int_shape(data)[1:]), dtype=K.dtype(data))


def _segment_reduce(
    data: Any, segment_ids: Any, num_segments: Any, reduce, identity: float, name: str
) -> Any:
    """Reduce the rows of ``data`` by segment: row ``i`` goes to segment ``segment_ids[i]``.

    Rows with a negative id, or an id of ``num_segments`` or more, go nowhere;
    an empty segment gets ``identity``.
    """
    data, segment_ids = as_tensor(data), K.cast(as_tensor(segment_ids), "int32")
    if K.ndim(segment_ids) != 1 or K.int_shape(segment_ids)[0] != K.int_shape(data)[0]:
        raise ValueError(
            f"ops.{name}: segment_ids must be 1-D, one id per row of data; received shapes "
            f"{K.int_shape(segment_ids)} and {K.int_shape(data)}."
        )
    if num_segments is None:
        ids = K.convert_to_numpy(segment_ids)
        num_segments = int(ids.max()) + 1 if ids.size else 0
    segments = K.arange(0, num_segments, 1, dtype="int32")
    # members[i, s]: row i belongs to segment s, with data's other axes as length 1.
    members = K.equal(K.expand_dims(segment_ids, 1), K.expand_dims(segments, 0))
    members = K.reshape(members, (*K.int_shape(members), *(1,) * (K.ndim(data) - 1)))
    filler = K.full((), identity, dtype=K.dtype(data))
    return reduce(K.where(members, K.expand_dims(data, 1), filler), axis=0)


@operation(infer=_segment_spec)
def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """The sum of the rows of ``data`` in each segment (0 for an empty one).

    ``num_segments`` fixes the number of segments; without it, it is one
    more than the largest id, and a symbolic output's length is unknown.
    """
    return _segment_reduce(data, segment_ids, num_segments, K.sum, 0, "segment_sum")


@operation(infer=_segment_spec)
def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """The largest row entries of each segment (-inf for an empty one)."""
    return _segment_reduce(data, segment_ids, num_segments, K.max, -math.inf, "segment_max")


@operation(infer=_segment_spec)
def segment_min(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """The smallest row entries of each segment (inf for an empty one)."""
    return _segment_reduce(data, segment_ids, num_segments, K.min, math.inf, "segment_min")


@operation(infer=_segment_spec)
def segment_prod(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    """The product of the rows of each segment (1 for an empty one)."""
    return _segment_reduce(data, segment_ids, num_segments, K.prod, 1, "segment_prod")


@operation
def logdet(x):
    """``log |det x|`` of each square matrix, without the overflow of ``det``."""
    return K.logdet(_square_matrices(x, "logdet"))
