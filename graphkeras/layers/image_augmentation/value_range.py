"""The ``value_range`` argument of the colour augmentations: the span pixel values live in."""

from __future__ import annotations

import numbers

from graphkeras.layers import value_checks


def value_range_argument(value_range, layer, sort: bool = False) -> tuple[float, float]:
    """``(low, high)`` from a pair of numbers; anything else raises.

    With ``sort`` the pair may come in either order (RandomBrightness sorts
    it, as Keras 3 does); without, it must be ascending.
    """
    ok = (
        isinstance(value_range, (tuple, list))
        and len(value_range) == 2
        and all(
            isinstance(entry, numbers.Real) and not isinstance(entry, bool) for entry in value_range
        )
    )
    if ok and sort:
        return min(value_range), max(value_range)
    if not ok or value_range[0] > value_range[1]:
        raise ValueError(
            f"{value_checks.describe(layer)}: value_range must be two numbers (low, high)"
            f"{'' if sort else ' with low <= high'}, received value_range={value_range!r}."
        )
    return value_range[0], value_range[1]
