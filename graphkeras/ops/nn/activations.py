"""Activation functions of ``gk.ops.nn``: element-wise nonlinearities and softmaxes.

The backend's activations are used where it has them; the others
(``log_sigmoid``, the shrinkages, ``squareplus``, ``sparsemax``, ...) are
composed from backend ops with ``where`` choosing each piece, so the
gradient of each entry is the derivative of the piece it lies on.
Integer inputs are computed in ``floatx()``.
"""

from __future__ import annotations

from graphkeras import activations
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

# Activations Keras 3 has in both keras.activations and keras.ops: one
# implementation, in graphkeras.activations, recorded as an operation here.
log_sigmoid = operation(activations.log_sigmoid)
hard_tanh = operation(activations.hard_tanh)
tanh_shrink = operation(activations.tanh_shrink)
soft_shrink = operation(activations.soft_shrink)
hard_shrink = operation(activations.hard_shrink)
threshold = operation(activations.threshold)
squareplus = operation(activations.squareplus)
sparse_plus = operation(activations.sparse_plus)
sparse_sigmoid = operation(activations.sparse_sigmoid)
glu = operation(activations.glu)
sparsemax = operation(activations.sparsemax)
