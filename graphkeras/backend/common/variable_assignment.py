"""The bookkeeping of Variables that is not array math: names and assignment checks.

A Variable keeps its shape for life: every backend refuses a value of
another shape with the same words, and ``batch_set_value`` checks all the
pairs before it assigns any, so a bad pair leaves every Variable as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras.backend import config


def variable_name(name: str | None) -> str:
    """``name``, or a new unique ``variable_<n>`` when it is None."""
    return name if name is not None else f"variable_{config.get_uid('variable')}"


def check_assignment_shape(name: str, expected: tuple, received: tuple) -> None:
    """A value assigned to the Variable ``name`` of shape ``expected`` must have that shape."""
    if received != expected:
        raise ValueError(
            f"Variable '{name}' has shape {expected}; cannot assign a value of shape {received}."
        )


def check_set_value_target(x, variable_type: type) -> None:
    """``set_value`` assigns to a Variable (of this backend's ``variable_type``) only."""
    if not isinstance(x, variable_type):
        raise TypeError(f"set_value expected a Variable, received {type(x).__name__}.")


def check_batch_assignment(pairs: list, shape_of: Callable) -> None:
    """Check every ``(variable, value)`` pair's shapes, ``shape_of(value)`` reading a value's."""
    for target, value in pairs:
        check_assignment_shape(target.name, tuple(target.shape), tuple(shape_of(value)))
