"""What a layer's ``call`` accepts, read once per layer class from its signature.

The engine adapts each call to the ``call`` it reaches: ``training`` and
``mask`` are passed only to a ``call`` that takes them, a tensor passed as
argument ``a`` brings its mask to an ``a_mask`` parameter, and a call whose
arguments cannot bind is refused when it is recorded, not when the model
runs. The signatures are inspected once per ``call`` function and cached.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from graphkeras.utils import nest


@functools.cache
def call_signature(call_function: Callable) -> tuple[bool, bool]:
    """``(accepts_training, accepts_mask)`` for a layer class's ``call``."""
    parameters = inspect.signature(call_function).parameters
    has_var_keywords = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    return (
        "training" in parameters or has_var_keywords,
        "mask" in parameters or has_var_keywords,
    )


@functools.cache
def _call_parameters(call_function: Callable) -> inspect.Signature:
    return inspect.signature(call_function)


def check_call_arguments(layer: Any, inputs: Any, args: tuple, kwargs: dict) -> None:
    """``TypeError`` naming the layer when ``call`` cannot take these arguments.

    Checked when a call is recorded, as Keras 3 does, so a graph never holds
    a node that would fail only when the model runs.
    """
    try:
        _call_parameters(type(layer).call).bind(layer, inputs, *args, **kwargs)
    except TypeError as error:
        raise TypeError(
            f"Layer '{layer.name}' ({type(layer).__name__}) cannot be called with these "
            f"arguments: {error}."
        ) from None


@functools.cache
def argument_mask_parameters(call_function: Callable) -> tuple[tuple[int, str, str], ...]:
    """``(position, argument, mask parameter)`` for each ``call`` argument ``a`` with an ``a_mask``.

    As Keras 3 does, a tensor passed as ``a`` brings its mask to ``a_mask``
    when the caller did not give one (``MultiHeadAttention`` takes
    ``query_mask`` and ``value_mask`` this way). ``position`` counts the
    arguments after ``self``, the layer's inputs being 0.
    """
    names = list(inspect.signature(call_function).parameters)[1:]
    return tuple(
        (position, name, f"{name}_mask")
        for position, name in enumerate(names)
        if f"{name}_mask" in names
    )


def fill_argument_masks(
    call_function: Callable, args: tuple, kwargs: dict, target: dict, mask_of: Callable
) -> dict:
    """``target`` plus, for each ``a``/``a_mask`` pair, the mask of what was passed as ``a``.

    ``args`` and ``kwargs`` are the call's recorded arguments (the inputs
    first) in which to find each ``a``; ``mask_of(value)`` gives a value's
    mask or None. Masks the caller gave are kept.
    """
    pairs = argument_mask_parameters(call_function)
    if not pairs:
        return target
    filled = dict(target)
    for position, name, mask_name in pairs:
        if filled.get(mask_name) is not None or kwargs.get(mask_name) is not None:
            continue
        value = args[position] if position < len(args) else kwargs.get(name)
        if value is None:
            continue
        masks = nest.map_structure(mask_of, value)
        if any(mask is not None for mask in nest.flatten(masks)):
            filled[mask_name] = masks
    return filled
