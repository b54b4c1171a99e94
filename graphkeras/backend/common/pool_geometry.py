"""The geometry of a pooling call: its arguments checked and its padding worked out per axis.

``max_pool`` and ``average_pool`` slide a window of ``pool_size`` with
``strides`` (``None``: the window) over the spatial axes of an input
``(batch, *spatial, channels)`` (channels second with ``channels_first``).
``"valid"`` pads nothing and needs every spatial axis at least as long as
the window; ``"same"`` gives ``ceil(size / stride)`` outputs and splits the
padding evenly, the extra one after, as Keras 3 does.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from graphkeras.backend import config

POOL_PADDINGS = ("valid", "same")


class PoolGeometry(NamedTuple):
    """The spatial axes, the window and strides on them, and the padding of every axis."""

    axes: tuple  # the spatial axes of the input
    pool_size: tuple  # one per spatial axis
    strides: tuple  # one per spatial axis
    pads: tuple  # (before, after) for every axis of the input, (0, 0) off the spatial ones


def _positive_ints(value, count: int, argument: str) -> tuple[int, ...]:
    """``value`` (an int or ``count`` ints) as a tuple of positive ints."""
    values = (value,) * count if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != count or any(
        isinstance(item, bool) or not isinstance(item, (int, np.integer)) or item <= 0
        for item in values
    ):
        raise ValueError(
            f"{argument} must be a positive int or a tuple of {count} positive ints "
            f"(one per spatial axis), received {argument}={value!r}."
        )
    return tuple(int(item) for item in values)


def pool_geometry(shape: tuple, pool_size, strides, padding: str, data_format) -> PoolGeometry:
    """The :class:`PoolGeometry` of pooling an input of ``shape``, every argument checked."""
    ndim = len(shape)
    if ndim < 3:
        raise ValueError(
            "Pooling expects an input of rank 3 or more (batch, spatial axes, channels), "
            f"received shape {shape}."
        )
    data_format = config.standardize_data_format(data_format)
    axes = tuple(range(1, ndim - 1)) if data_format == "channels_last" else tuple(range(2, ndim))
    pool_size = _positive_ints(pool_size, len(axes), "pool_size")
    strides = pool_size if strides is None else _positive_ints(strides, len(axes), "strides")
    if not isinstance(padding, str) or padding.lower() not in POOL_PADDINGS:
        raise ValueError(f"padding must be one of {POOL_PADDINGS}, received padding={padding!r}.")
    pads = [(0, 0)] * ndim
    for axis, window, stride in zip(axes, pool_size, strides, strict=True):
        size = shape[axis]
        if padding.lower() == "same":
            outputs = -(-size // stride)
            total = max((outputs - 1) * stride + window - size, 0)
            pads[axis] = (total // 2, total - total // 2)
        elif size < window:
            raise ValueError(
                f"Pooling with padding='valid' needs every spatial axis at least as long as "
                f"the window: pool_size={pool_size} does not fit input shape {shape}."
            )
    return PoolGeometry(axes, pool_size, strides, tuple(pads))
