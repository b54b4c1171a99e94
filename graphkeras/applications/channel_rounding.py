"""Channel counts rounded to a multiple of a divisor, as the mobile architectures round them.

Scaling a layer's width by ``alpha`` (MobileNet) or a width coefficient
(EfficientNet) gives fractional channel counts; these networks round them
to the nearest multiple of ``divisor`` (8, which suits hardware), never
below ``min_value`` and never more than 10% below the scaled value.
"""

from __future__ import annotations


def make_divisible(value: float, divisor: int = 8, min_value: int | None = None) -> int:
    """``value`` rounded to the nearest multiple of ``divisor``, at least ``min_value``.

    A rounding that loses more than 10% of ``value`` goes one multiple up:
    ``make_divisible(36 * 0.35) == 16``, ``make_divisible(20) == 24``.
    """
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return int(rounded)
