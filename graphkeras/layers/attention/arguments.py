"""Checks of the attention layers' constructor arguments.

Each returns the canonical value or raises ``ValueError`` naming the layer,
the argument, what it expects and what it received, so a bad argument fails
at construction instead of deep inside the math.
"""

from __future__ import annotations

import numbers

from graphkeras.layers.value_checks import is_int


def positive_int(value, argument: str, layer: str) -> int:
    """``value`` as an int when it is one and positive."""
    if not is_int(value) or value <= 0:
        raise ValueError(
            f"{layer}: {argument} must be a positive int, received {argument}={value!r}."
        )
    return int(value)


def rate(value, argument: str, layer: str) -> float:
    """``value`` as a float when it is a number in ``[0, 1]`` (a dropout rate)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(
            f"{layer}: {argument} must be a number in [0, 1], received {argument}={value!r}."
        )
    return float(value)


def seed(value, layer: str) -> int | None:
    """``value`` when it is None or a non-negative int (a random seed)."""
    if value is not None and (not is_int(value) or value < 0):
        raise ValueError(
            f"{layer}: seed must be None or a non-negative int, received seed={value!r}."
        )
    return None if value is None else int(value)
