"""A layer's weight arguments (initializer, regularizer, constraint), stored and used alike.

Keras layers take, for each weight ``w``, the arguments ``w_initializer``,
``w_regularizer`` and ``w_constraint``, keep them as attributes of those
names, pass them to ``add_weight`` and write them back into their config in
a fixed order. Dense, EinsumDense, the convolutions, attention and the
normalisation layers all do this the same way, through these functions.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import constraints, initializers, regularizers
from graphkeras.engine.base_layer import Layer


def set_weight_arguments(
    layer: Layer, weight: str, initializer, regularizer=None, constraint=None
) -> None:
    """Store a weight's constructor arguments on ``layer`` under Keras's attribute names.

    ``set_weight_arguments(layer, "kernel", "glorot_uniform")`` sets
    ``layer.kernel_initializer`` (resolved by ``initializers.get``),
    ``layer.kernel_regularizer`` and ``layer.kernel_constraint`` (None here).
    """
    setattr(layer, f"{weight}_initializer", initializers.get(initializer))
    setattr(layer, f"{weight}_regularizer", regularizers.get(regularizer))
    setattr(layer, f"{weight}_constraint", constraints.get(constraint))


def add_weight_from_arguments(
    layer: Layer, name: str, shape, arguments: str | None = None, initializer=None
):
    """``layer.add_weight(name, shape)`` with the arguments stored by :func:`set_weight_arguments`.

    ``arguments`` is the prefix they were stored under when it is not the
    weight's name (a depthwise convolution's ``kernel`` takes the
    ``depthwise_*`` arguments); ``initializer`` replaces the stored one.
    """
    prefix = name if arguments is None else arguments
    if initializer is None:
        initializer = getattr(layer, f"{prefix}_initializer")
    return layer.add_weight(
        name,
        shape=shape,
        initializer=initializer,
        regularizer=getattr(layer, f"{prefix}_regularizer"),
        constraint=getattr(layer, f"{prefix}_constraint"),
    )


def weight_arguments_config(
    layer: Layer,
    weights: tuple[str, ...],
    initializer_only: tuple[str, ...] = (),
    activity_regularizer: bool = True,
) -> dict:
    """The config entries of the weights' arguments, serialised, in Keras 3's order.

    The initializers of ``weights`` then of ``initializer_only``, the
    regularizers of ``weights`` then (``activity_regularizer``) the
    activity regularizer, then the constraints of ``weights``:

    >>> list(weight_arguments_config(gk.layers.Dense(2), ("kernel", "bias")))[:3]
    ['kernel_initializer', 'bias_initializer', 'kernel_regularizer']
    """
    config = {
        f"{weight}_initializer": initializers.serialize(getattr(layer, f"{weight}_initializer"))
        for weight in (*weights, *initializer_only)
    }
    for weight in weights:
        regularizer = getattr(layer, f"{weight}_regularizer")
        config[f"{weight}_regularizer"] = regularizers.serialize(regularizer)
    if activity_regularizer:
        config["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    for weight in weights:
        constraint = getattr(layer, f"{weight}_constraint")
        config[f"{weight}_constraint"] = constraints.serialize(constraint)
    return config


def add_bias_and_activate(layer: Layer, outputs):
    """``layer``'s bias (if any) added, its activation applied and its activity loss recorded.

    The last steps of Dense and EinsumDense, whose bias broadcasts over the
    leading axes; the activity regularizer's loss is not divided by the batch size.
    """
    if layer.bias is not None:
        outputs = K.add(outputs, layer.bias)
    if not layer._linear:
        outputs = layer.activation(outputs)
    if layer.activity_regularizer is not None:
        layer.add_loss(layer.activity_regularizer(outputs))
    return outputs
