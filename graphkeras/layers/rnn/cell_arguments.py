"""Argument checks and activation names shared by the recurrent cells.

Each check returns the canonical value or raises ``ValueError`` naming the
cell, the argument, what it expects and what it received, so a bad argument
fails when the cell is made, not at its first step.
"""

from __future__ import annotations

from graphkeras import activations
from graphkeras.layers import value_checks

# The activations the backend's fused sequence ops compute themselves, by the
# name those ops take; a cell with any other activation runs step by step.
_FUSED_NAMES = {
    activations.tanh: "tanh",
    activations.sigmoid: "sigmoid",
    activations.relu: "relu",
    activations.linear: "linear",
    activations.hard_sigmoid: "hard_sigmoid",
}


def units(value, layer, argument: str = "units") -> int:
    """``value`` when it is a positive int, else ``ValueError`` naming ``argument``."""
    if not value_checks.is_int(value) or value <= 0:
        raise ValueError(
            f"{value_checks.describe(layer)}: {argument} must be a positive int, "
            f"received {argument}={value!r}."
        )
    return int(value)


def rate(value, argument: str, layer) -> float:
    """A dropout rate: a number in [0, 1]."""
    return value_checks.number(value, argument, layer, 0.0, 1.0)


def fused_name(activation) -> str | None:
    """The fused sequence ops' name for ``activation``, or None when they lack it."""
    try:
        return _FUSED_NAMES.get(activation)
    except TypeError:  # an unhashable callable
        return None
