"""Label encodings of ``gk.ops.nn``: integer labels as one-hot and multi-hot vectors."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_tensor, dtype_or_floatx
from graphkeras.ops.operation import operation


@operation
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer labels as one-hot vectors on a new ``axis``; out-of-range labels give zeros."""
    if sparse:
        raise ValueError("ops.one_hot: graphkeras has no sparse tensors (sparse=True).")
    return K.one_hot(as_tensor(x), num_classes, axis=axis, dtype=dtype)


@operation
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False):
    """Each row of integer labels as one vector with 1 at every label present.

    The labels are the last axis of ``inputs`` (its only axis when 1-D); the
    new axis of ``num_classes`` goes at ``axis``.
    """
    if num_classes is None:
        raise ValueError("ops.multi_hot: num_classes must be given, received None.")
    if sparse:
        raise ValueError("ops.multi_hot: graphkeras has no sparse tensors (sparse=True).")
    inputs = K.cast(as_tensor(inputs), "int32")
    encoded = K.one_hot(inputs, num_classes, axis=axis, dtype=dtype_or_floatx(dtype))
    return K.max(encoded, axis=1 if K.ndim(inputs) > 1 else 0)
