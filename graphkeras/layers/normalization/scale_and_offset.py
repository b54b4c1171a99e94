"""The learned scale ``gamma`` and offset ``beta`` that batch, layer and group normalisation share.

Each of the three takes a mean and a variance of its own (the batch's, a
sample's, a group's) and computes ``gamma * (x - mean) / sqrt(variance +
epsilon) + beta``, ``gamma`` only when ``scale`` and ``beta`` only when
``center``. The weights and the arithmetic are written once, here.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.layers.weight_arguments import add_weight_from_arguments


def add_gamma_and_beta(layer: Layer, shape: tuple, scale: bool, center: bool) -> None:
    """``layer.gamma`` (when ``scale``) then ``layer.beta`` (when ``center``), both of ``shape``.

    Each is made from the layer's ``gamma_*`` or ``beta_*`` initializer,
    regularizer and constraint; the one not made stays as it was (None).
    """
    if scale:
        layer.gamma = add_weight_from_arguments(layer, "gamma", shape)
    if center:
        layer.beta = add_weight_from_arguments(layer, "beta", shape)


def normalize(
    inputs,
    mean,
    variance,
    epsilon: float,
    gamma=None,
    beta=None,
    weight_shape: tuple | None = None,
):
    """``gamma * (inputs - mean) / sqrt(variance + epsilon) + beta``, broadcast over ``inputs``.

    ``mean`` and ``variance`` must broadcast against ``inputs``; ``gamma``
    and ``beta`` are first reshaped to ``weight_shape`` when it is given. A
    None ``gamma`` or ``beta`` is left out. Computed as ``inputs * inverse +
    offset`` with ``inverse = gamma / sqrt(variance + epsilon)`` and ``offset
    = beta - mean * inverse``: one multiply and one add over the full-size
    input, the rest on the small statistics.
    """
    inverse = K.power(K.add(variance, epsilon), -0.5)
    if gamma is not None:
        gamma = gamma if weight_shape is None else K.reshape(gamma, weight_shape)
        inverse = K.multiply(inverse, gamma)
    offset = K.multiply(K.negative(mean), inverse)
    if beta is not None:
        beta = beta if weight_shape is None else K.reshape(beta, weight_shape)
        offset = K.add(offset, beta)
    return K.add(K.multiply(inputs, inverse), offset)
