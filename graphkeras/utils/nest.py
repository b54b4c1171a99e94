"""Flatten nested lists, tuples and dicts into leaves, and pack leaves back.

Dicts flatten in sorted key order, as Keras 3 does, so a model built from
``{"b": ..., "a": ...}`` lists its inputs as ``a`` then ``b``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def is_nested(structure: Any) -> bool:
    """Whether ``structure`` is a list, tuple or dict (not a leaf)."""
    return isinstance(structure, (list, tuple, dict))


def flatten(structure: Any) -> list:
    """The leaves of ``structure``, depth first, dict values by sorted key."""
    if not is_nested(structure):
        return [structure]
    leaves: list = []
    stack = [structure]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item[key] for key in reversed(sorted(item)))
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            leaves.append(item)
    return leaves


def pack_sequence_as(structure: Any, flat_sequence: list) -> Any:
    """Rebuild ``structure`` with its leaves taken in order from ``flat_sequence``."""
    leaves = iter(flat_sequence)
    packed = _pack(structure, leaves)
    remaining = sum(1 for _ in leaves)
    if remaining:
        raise ValueError(
            f"pack_sequence_as received {remaining} more leaves than the structure holds."
        )
    return packed


def _pack(structure: Any, leaves) -> Any:
    if isinstance(structure, dict):
        packed = {key: _pack(structure[key], leaves) for key in sorted(structure)}
        return {key: packed[key] for key in structure}
    if isinstance(structure, (list, tuple)):
        items = [_pack(item, leaves) for item in structure]
        if isinstance(structure, tuple) and hasattr(structure, "_fields"):
            return type(structure)(*items)
        return type(structure)(items)
    try:
        return next(leaves)
    except StopIteration:
        raise ValueError(
            "pack_sequence_as received fewer leaves than the structure holds."
        ) from None


def map_structure(function: Callable, structure: Any) -> Any:
    """``structure`` with ``function`` applied to every leaf."""
    if not is_nested(structure):
        return function(structure)
    return pack_sequence_as(structure, [function(leaf) for leaf in flatten(structure)])
