"""Checking that a mask given to a layer fits the layer's inputs.

A mask travels beside a tensor and marks which of its positions count
(``True``) and which are padding. Layers that read the mask in ``call``
(``BatchNormalization``, ``Softmax``) check its shape before using it, both
when a graph is built and when arrays flow, so a mask meant for another
tensor is refused with a message naming the layer and both shapes instead of
broadcasting into wrong numbers.
"""

from __future__ import annotations

from graphkeras import backend as K


def check_mask_shape(
    layer, mask, inputs, target_shape: tuple, exact_rank: bool, expectation: str
) -> None:
    """Raise ``ValueError`` unless ``mask``'s shape broadcasts onto ``target_shape``.

    Dims are matched from the right; a mask dim fits when it is 1, unknown,
    or equal to the target's. ``exact_rank`` also requires the mask to have
    ``target_shape``'s rank (otherwise it may have fewer dims).
    ``expectation`` describes the accepted masks in the message.
    """
    mask_shape = tuple(K.int_shape(mask))
    target_shape = tuple(target_shape)
    fits = (
        len(mask_shape) == len(target_shape) if exact_rank else len(mask_shape) <= len(target_shape)
    )
    if fits:
        fits = all(
            mask_dim is None or target_dim is None or mask_dim in (1, target_dim)
            for mask_dim, target_dim in zip(
                reversed(mask_shape), reversed(target_shape), strict=False
            )
        )
    if not fits:
        raise ValueError(
            f"{type(layer).__name__} layer '{layer.name}' received a mask of shape "
            f"{mask_shape} for inputs of shape {tuple(K.int_shape(inputs))}: expected "
            f"{expectation}."
        )
