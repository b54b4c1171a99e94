"""Activation functions of ``gk.ops.nn``: element-wise nonlinearities and softmaxes.

The backend's activations are used where it has them; the others
(``log_sigmoid``, the shrinkages, ``squareplus``, ``sparsemax``, ...) are
composed from backend ops with ``where`` choosing each piece, so the
gradient of each entry is the derivative of the piece it lies on.
Integer inputs are computed in ``floatx()``.
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float
from graphkeras.ops.elementwise import unary
from graphkeras.ops.operation import operation

relu = unary("relu", "``max(x, 0)``.")
relu6 = unary("relu6", "``min(max(x, 0), 6)``.")
sigmoid = unary("sigmoid", "``1 / (1 + exp(-x))``, stable.")
softplus = unary("softplus", "``log(1 + exp(x))``, stable.")
softsign = unary("softsign", "``x / (1 + |x|)``.")
silu = unary("silu", "``x * sigmoid(x)``.")
hard_sigmoid = unary("hard_sigmoid", "``clip(x / 6 + 0.5, 0, 1)``.")
hard_silu = unary("hard_silu", "``x * hard_sigmoid(x)``.")
selu = unary("selu", "Scaled exponential linear unit.")


@operation
def swish(x):
    """``x * sigmoid(x)`` (``silu``)."""
    return K.silu(as_float(x))


@operation
def leaky_relu(x, negative_slope=0.2):
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    return K.leaky_relu(as_float(x), negative_slope=negative_slope)


@operation
def elu(x, alpha=1.0):
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    return K.elu(as_float(x), alpha=alpha)


@operation
def celu(x, alpha=1.0):
    """Continuously differentiable exponential linear unit."""
    return K.celu(as_float(x), alpha=alpha)


@operation
def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation by default, as Keras 3's op."""
    return K.gelu(as_float(x), approximate=approximate)


@operation
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int or a tuple of ints), stable."""
    x = as_float(x)
    if isinstance(axis, (list, tuple)):
        shifted = K.subtract(x, K.max(x, axis=tuple(axis), keepdims=True))
        exponentials = K.exp(shifted)
        return K.divide(exponentials, K.sum(exponentials, axis=tuple(axis), keepdims=True))
    return K.softmax(x, axis=axis)


@operation
def log_softmax(x, axis=-1):
    """``log(softmax(x))`` along ``axis``, stable."""
    return K.log_softmax(as_float(x), axis=axis)


hard_swish = hard_silu


@operation
def log_sigmoid(x):
    """``log(sigmoid(x))``, stable: ``-softplus(-x)``."""
    return K.negative(K.softplus(K.negative(as_float(x))))


@operation
def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``."""
    return K.clip(as_float(x), -1.0, 1.0)


@operation
def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = as_float(x)
    return K.subtract(x, K.tanh(x))


def _zeros(x: Any) -> Any:
    return K.zeros_like(x)


@operation
def soft_shrink(x, threshold=0.5):
    """``x`` moved ``threshold`` toward 0, and 0 within ``threshold`` of it."""
    x = as_float(x)
    return K.where(
        K.greater(x, threshold),
        K.subtract(x, threshold),
        K.where(K.less(x, -threshold), K.add(x, threshold), _zeros(x)),
    )


@operation
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    x = as_float(x)
    return K.where(K.greater(K.abs(x), threshold), x, _zeros(x))


@operation
def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = as_float(x)
    return K.where(K.greater(x, threshold), x, K.full((), default_value, dtype=K.dtype(x)))


@operation
def squareplus(x, b=4):
    """``(x + sqrt(x ** 2 + b)) / 2``, a smooth ReLU."""
    x = as_float(x)
    return K.multiply(K.add(x, K.sqrt(K.add(K.square(x), b))), 0.5)


@operation
def sparse_plus(x):
    """0 below -1, ``x`` above 1, ``(x + 1) ** 2 / 4`` between: a smooth ReLU of finite support."""
    x = as_float(x)
    return K.where(
        K.less_equal(x, -1.0),
        _zeros(x),
        K.where(K.less(x, 1.0), K.multiply(K.square(K.add(x, 1.0)), 0.25), x),
    )


@operation
def sparse_sigmoid(x):
    """0 below -1, 1 above 1, ``(x + 1) / 2`` between."""
    x = as_float(x)
    return K.where(
        K.less_equal(x, -1.0),
        _zeros(x),
        K.where(K.greater_equal(x, 1.0), K.ones_like(x), K.multiply(K.add(x, 1.0), 0.5)),
    )


@operation
def glu(x, axis=-1):
    """The gated linear unit: the first half of ``axis`` times the sigmoid of the second."""
    x = as_float(x)
    size = K.int_shape(x)[axis]
    if size % 2:
        raise ValueError(
            f"ops.glu: axis {axis} must have an even length, received shape {K.int_shape(x)}."
        )
    rank = K.ndim(x)
    head = (slice(None),) * (axis % rank)
    values = K.getitem(x, (*head, slice(None, size // 2)))
    gates = K.getitem(x, (*head, slice(size // 2, None)))
    return K.multiply(values, K.sigmoid(gates))


@operation
def sparsemax(x, axis=-1):
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Like softmax its outputs are non-negative and sum to 1, but small
    entries become exactly 0: ``max(x - tau, 0)`` with the threshold ``tau``
    set by the largest entries (Martins and Astudillo, 2016). (Keras 3's
    backends sum the running totals of the support when computing ``tau``,
    which gives outputs that do not sum to 1 once two or more entries are
    kept; graphkeras follows the definition.)
    """
    x = as_float(x)
    rank = K.ndim(x)
    axis = axis % rank
    size = K.int_shape(x)[axis]
    descending = K.negative(K.sort(K.negative(x), axis=axis))
    running = K.cumsum(descending, axis=axis)
    shape = [1] * rank
    shape[axis] = size
    ranks = K.reshape(K.arange(1, size + 1, dtype=K.dtype(x)), tuple(shape))
    # Entry k (largest first) is kept while 1 + k * z_k > z_1 + ... + z_k.
    kept = K.greater(K.add(1.0, K.multiply(ranks, descending)), running)
    count = K.stop_gradient(K.sum(K.cast(kept, "int32"), axis=axis, keepdims=True))
    total = K.take_along_axis(running, K.subtract(count, 1), axis=axis)
    tau = K.divide(K.subtract(total, 1.0), K.cast(count, K.dtype(x)))
    return K.maximum(K.subtract(x, tau), 0.0)
