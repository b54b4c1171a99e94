"""Checks for the spatial arguments of pooling and reshaping layers.

Layers that work on the spatial axes of ``(batch, *spatial, channels)``
inputs take the same kinds of arguments: one int per spatial axis
(``pool_size``, ``strides``, ``size``), a ``(before, after)`` pair per axis
(``padding``, ``cropping``), a ``data_format`` and a ``padding`` mode. Each
helper turns what the user wrote into the canonical tuple, or raises
``ValueError`` naming the layer, the argument, what it expects and what it
received, so a bad argument fails at construction rather than at the first
call.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.layers.value_checks import describe, is_int

__all__ = [
    "describe",
    "int_tuple",
    "pair_per_axis",
    "data_format_argument",
    "padding_argument",
    "spatial_axes",
]

_PADDING_MODES = ("valid", "same")


def int_tuple(value, count: int, argument: str, layer, allow_zero: bool = False) -> tuple:
    """``value`` (an int, or ``count`` ints) as a tuple of ``count`` ints, each > 0 (>= 0)."""
    values = (value,) * count if is_int(value) else value
    try:
        values = tuple(values)
    except TypeError:
        values = None
    lowest = 0 if allow_zero else 1
    if (
        values is None
        or len(values) != count
        or any(not is_int(item) or item < lowest for item in values)
    ):
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(
            f"{describe(layer)}: {argument} must be a {bound} int or a tuple of {count} "
            f"{bound} ints, received {argument}={value!r}."
        )
    return tuple(int(item) for item in values)


def pair_per_axis(value, count: int, argument: str, layer) -> tuple:
    """``value`` as ``count`` ``(before, after)`` pairs of non-negative ints.

    Accepted: an int (the same on both sides of every axis), ``count`` ints
    (symmetric per axis) or ``count`` pairs, as Keras's ``ZeroPadding2D``
    and ``Cropping2D``; ``count == 1`` takes one int or one pair.
    """
    if count == 1:
        return (int_tuple(value, 2, argument, layer, allow_zero=True),)
    if is_int(value):
        return (int_tuple(value, 2, argument, layer, allow_zero=True),) * count
    try:
        entries = tuple(value)
    except TypeError:
        entries = ()
    if len(entries) != count:
        raise ValueError(
            f"{describe(layer)}: {argument} must be an int, a tuple of {count} ints or a tuple "
            f"of {count} (before, after) pairs, received {argument}={value!r}."
        )
    return tuple(
        int_tuple(entry, 2, f"entry {index} of {argument}", layer, allow_zero=True)
        for index, entry in enumerate(entries)
    )


def data_format_argument(value, layer) -> str:
    """``value``, or ``image_data_format()`` when None; anything else but the two raises."""
    try:
        return K.standardize_data_format(value)
    except ValueError:
        raise ValueError(
            f"{describe(layer)}: data_format must be 'channels_last' or 'channels_first', "
            f"received data_format={value!r}."
        ) from None


def padding_argument(value, layer) -> str:
    """``"valid"`` or ``"same"`` (any case)."""
    if not isinstance(value, str) or value.lower() not in _PADDING_MODES:
        raise ValueError(
            f"{describe(layer)}: padding must be one of {_PADDING_MODES}, "
            f"received padding={value!r}."
        )
    return value.lower()


def spatial_axes(rank: int, data_format: str) -> tuple:
    """The spatial axes of an input of ``rank`` in ``data_format``."""
    if data_format == "channels_last":
        return tuple(range(1, rank - 1))
    return tuple(range(2, rank))
