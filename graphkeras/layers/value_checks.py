"""Checks for the numeric and axis arguments of normalisation, activation and noise layers.

Rates, slopes, momenta and epsilons are plain numbers with a valid range;
``axis`` arguments are an int or a list of ints that only mean something
once the input's rank is known. Each helper returns the canonical value or
raises ``ValueError`` naming the layer, the argument, what it expects and
what it received, so a bad argument fails at construction (or, for an axis,
at the first call) rather than deep inside the math.
"""

from __future__ import annotations

import math
import numbers


def describe(layer) -> str:
    """How messages name a layer: ``BatchNormalization 'batch_normalization'``."""
    return f"{type(layer).__name__} '{layer.name}'"


def is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def number(
    value,
    argument: str,
    layer,
    minimum: float | None = None,
    maximum: float | None = None,
    include_minimum: bool = True,
    include_maximum: bool = True,
) -> float:
    """``value`` as a float when it is a finite number within the bounds, else ValueError.

    >>> number(0.5, "rate", layer, 0.0, 1.0)
    0.5
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if ok and minimum is not None:
        ok = value >= minimum if include_minimum else value > minimum
    if ok and maximum is not None:
        ok = value <= maximum if include_maximum else value < maximum
    if not ok:
        low = "" if minimum is None else f"{'[' if include_minimum else '('}{minimum}"
        high = "" if maximum is None else f"{maximum}{']' if include_maximum else ')'}"
        if minimum is not None and maximum is not None:
            bounds = f"a number in {low}, {high}"
        elif minimum is not None:
            bounds = f"a number {'>=' if include_minimum else '>'} {minimum}"
        elif maximum is not None:
            bounds = f"a number {'<=' if include_maximum else '<'} {maximum}"
        else:
            bounds = "a finite number"
        raise ValueError(
            f"{describe(layer)}: {argument} must be {bounds}, received {argument}={value!r}."
        )
    return float(value)


def axis_argument(axis, layer, argument: str = "axis", allow_list: bool = True):
    """``axis`` as an int, or (``allow_list``) a list of ints; a tuple becomes a list.

    Anything else is a wrong type (``TypeError``, as Keras raises); an empty
    list is a wrong value (``ValueError``).
    """
    if is_int(axis):
        return int(axis)
    if allow_list and isinstance(axis, (list, tuple)) and all(is_int(item) for item in axis):
        if not axis:
            raise ValueError(
                f"{describe(layer)}: {argument} must name at least one axis, "
                f"received {argument}={axis!r}."
            )
        return [int(item) for item in axis]
    expected = "an int or a list of ints" if allow_list else "an int"
    raise TypeError(
        f"{describe(layer)}: {argument} must be {expected}, received {argument}={axis!r}."
    )


def canonical_axes(axis, input_shape, layer, argument: str = "axis") -> tuple:
    """The axes ``axis`` names in inputs of ``input_shape``, as sorted non-negative ints.

    An axis outside ``[-rank, rank)`` or named twice raises ValueError
    naming the layer and the input shape.
    """
    rank = len(input_shape)
    axes = [axis] if is_int(axis) else list(axis)
    if any(not -rank <= item < rank for item in axes):
        raise ValueError(
            f"{describe(layer)}: {argument}={axis!r} is out of range for inputs of rank "
            f"{rank} (expected axes in [{-rank}, {rank})); received input shape "
            f"{tuple(input_shape)}."
        )
    resolved = sorted(item % rank for item in axes)
    if len(set(resolved)) != len(resolved):
        raise ValueError(
            f"{describe(layer)}: {argument}={axis!r} names the same axis twice for inputs of "
            f"rank {rank}."
        )
    return tuple(resolved)


def known_dims(axes: tuple, input_shape, layer, purpose: str) -> tuple:
    """The sizes of ``axes`` in ``input_shape``; an unknown one raises ValueError."""
    sizes = tuple(input_shape[item] for item in axes)
    if any(size is None for size in sizes):
        raise ValueError(
            f"{describe(layer)} needs known sizes on axes {list(axes)} to {purpose}; "
            f"received input shape {tuple(input_shape)}."
        )
    return sizes
