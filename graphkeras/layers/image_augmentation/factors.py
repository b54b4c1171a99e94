"""Reading the ``factor`` arguments of the augmentation layers into a ``(lower, upper)`` range.

A factor is a number ``f`` (the range ``(-|f|, |f|)``) or a pair of numbers
(their range, in either order). Keras 3 checks them in two ways, kept here
so that every factor Keras accepts loads, and nothing else does:

- :func:`bounded_range` (rotation, brightness, contrast): a number must lie
  within the layer's bounds, and the range is clipped below at the lower
  bound; a pair must overlap the bounds.
- :func:`checked_range` (zoom, translation): every number must lie within
  the bounds.
"""

from __future__ import annotations

import numbers

from graphkeras.layers import value_checks


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_pair(value) -> bool:
    return (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(_is_number(entry) for entry in value)
    )


def _refuse(layer, argument: str, expected: str, value) -> ValueError:
    return ValueError(
        f"{value_checks.describe(layer)}: {argument} must be {expected}, "
        f"received {argument}={value!r}."
    )


def bounded_range(factor, layer, bounds: tuple[float, float], argument: str = "factor"):
    """``(lower, upper)`` from a factor read as Keras 3's base preprocessing layer does."""
    low, high = bounds
    expected = f"a number (or a list of two numbers) in the range [{low}, {high}]"
    if _is_pair(factor):
        if factor[0] > high or factor[1] < low:
            raise _refuse(layer, argument, expected, factor)
        lower, upper = sorted(factor)
        return float(lower), float(upper)
    if _is_number(factor):
        if not low <= factor <= high:
            raise _refuse(layer, argument, expected, factor)
        return float(max(-abs(factor), low)), float(abs(factor))
    raise _refuse(layer, argument, expected, factor)


def checked_range(factor, layer, argument: str, include_low: bool = True):
    """``(lower, upper)`` from a factor whose every number lies in ``[-1, 1]`` (``(-1, 1]``)."""
    expected = (
        f"a number (or a list of two numbers) in the range {'[' if include_low else '('}-1.0, 1.0]"
    )
    numbers_given = list(factor) if _is_pair(factor) else [factor] if _is_number(factor) else None
    if numbers_given is None or not all(
        (value >= -1.0 if include_low else value > -1.0) and value <= 1.0 for value in numbers_given
    ):
        raise _refuse(layer, argument, expected, factor)
    if len(numbers_given) == 2:
        lower, upper = sorted(numbers_given)
        return float(lower), float(upper)
    return -abs(float(factor)), abs(float(factor))
