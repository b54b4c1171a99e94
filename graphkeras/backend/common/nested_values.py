"""The values inside an argument: a tape looks through lists, tuples and dicts for followed ones."""

from __future__ import annotations


def leaves(value, depth: int = 3) -> list:
    """The items of ``value``: itself, or those of the lists, tuples and dicts in it.

    ``depth`` bounds how many levels of nesting are opened.
    """
    if depth and isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in leaves(item, depth - 1)]
    if depth and isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item, depth - 1)]
    return [value]
