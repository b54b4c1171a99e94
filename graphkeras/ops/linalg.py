"""``gk.ops.linalg``: Keras 3's linear-algebra operations."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float
from graphkeras.ops.operation import operation


@operation
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 (Keras 3's argument name)
    """Vector or matrix norm of ``x`` over ``axis``, as ``numpy.linalg.norm``."""
    return K.norm(as_float(x), ord=ord, axis=axis, keepdims=keepdims)


@operation
def qr(x, mode="reduced"):
    """``(q, r)`` with ``q`` orthonormal and ``r`` upper triangular."""
    return K.qr(as_float(x), mode=mode)
