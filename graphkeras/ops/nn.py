"""``gk.ops.nn``: Keras 3's neural-network operations (activations, softmax, one-hot, losses)."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
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


@operation
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer labels as one-hot vectors on a new ``axis``; out-of-range labels give zeros."""
    if sparse:
        raise ValueError("ops.one_hot: graphkeras has no sparse tensors (sparse=True).")
    return K.one_hot(as_tensor(x), num_classes, axis=axis, dtype=dtype)


@operation
def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (at least ``epsilon``)."""
    x = as_float(x)
    epsilon = K.epsilon() if epsilon is None else epsilon
    norm = K.norm(x, ord=order, axis=axis, keepdims=True)
    return K.divide(x, K.maximum(norm, epsilon))


@operation
def moments(x, axes, keepdims=False, synchronized=False):
    """``(mean, variance)`` of ``x`` over ``axes``."""
    x = as_float(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    return (
        K.mean(x, axis=axes, keepdims=keepdims),
        K.var(x, axis=axes, keepdims=keepdims),
    )


def _clipped(output):
    epsilon = K.epsilon()
    return K.clip(output, epsilon, 1.0 - epsilon)


@operation
def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary cross-entropy of probabilities (or logits) ``output``."""
    target, output = as_float(target), as_float(output)
    if from_logits:
        # max(z, 0) - z * t + log(1 + exp(-|z|)): stable for large |z|.
        return K.add(
            K.subtract(K.relu(output), K.multiply(output, target)),
            K.softplus(K.negative(K.abs(output))),
        )
    output = _clipped(output)
    return K.negative(
        K.add(
            K.multiply(target, K.log(output)),
            K.multiply(K.subtract(1.0, target), K.log(K.subtract(1.0, output))),
        )
    )


@operation
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy of one-hot ``target`` and probabilities (or logits) along ``axis``."""
    target, output = as_float(target), as_float(output)
    if from_logits:
        log_probabilities = K.log_softmax(output, axis=axis)
    else:
        output = K.divide(output, K.sum(output, axis=axis, keepdims=True))
        log_probabilities = K.log(_clipped(output))
    return K.negative(K.sum(K.multiply(target, log_probabilities), axis=axis))


@operation
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy of integer ``target`` labels and probabilities (or logits)."""
    output = as_float(output)
    classes = K.int_shape(output)[axis]
    target = K.cast(as_tensor(target), "int32")
    if K.ndim(target) == K.ndim(output):
        target = K.squeeze(target, axis)
    return categorical_crossentropy.operation.compute(
        K.one_hot(target, classes, axis=axis, dtype=K.dtype(output)), output, from_logits, axis
    )
