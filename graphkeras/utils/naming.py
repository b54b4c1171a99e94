"""Automatic names: ``Dense`` layers become ``dense``, ``dense_1``, ``dense_2``, ..."""

from __future__ import annotations

import functools
import re

from graphkeras import backend as K

_FIRST_CAP = re.compile(r"(.)([A-Z][a-z]+)")
_ALL_CAPS = re.compile(r"([a-z])([A-Z])")


@functools.cache
def to_snake_case(name: str) -> str:
    """``"MyDenseLayer"`` to ``"my_dense_layer"``; ``"Conv2D"`` to ``"conv2d"``."""
    spaced = _FIRST_CAP.sub(r"\1_\2", name)
    return _ALL_CAPS.sub(r"\1_\2", spaced).lower()


def unique_name(prefix: str) -> str:
    """``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ... until ``clear_session``."""
    number = K.get_uid(prefix)
    return prefix if number == 0 else f"{prefix}_{number}"
