"""Losses of ``gk.ops.nn``: cross-entropies, and the peak signal-to-noise ratio.

Probabilities are clipped to ``[epsilon, 1 - epsilon]`` before their log,
as in Keras 3; with ``from_logits`` the log-probabilities come from a
stable ``log_softmax`` (or ``softplus`` for the binary case) instead.
"""

from __future__ import annotations

import math

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.operation import operation


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


@operation
def psnr(x1, x2, max_val):
    """The peak signal-to-noise ratio in dB: ``20 log10(max_val) - 10 log10(mse(x1, x2))``."""
    x1, x2 = as_float(x1), as_float(x2)
    if K.int_shape(x1) != K.int_shape(x2):
        raise ValueError(
            f"ops.psnr: x1 and x2 must have one shape, received {K.int_shape(x1)} and "
            f"{K.int_shape(x2)}."
        )
    mean_squared_error = K.mean(K.square(K.subtract(x1, x2)))
    peak = K.log(K.convert_to_tensor(max_val, dtype=K.dtype(x2)))
    decibels = K.subtract(K.multiply(peak, 2.0), K.log(mean_squared_error))
    return K.multiply(decibels, 10.0 / math.log(10.0))
