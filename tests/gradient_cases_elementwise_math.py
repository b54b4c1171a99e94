"""Finite-difference gradient cases of the element-wise math ops (``sin``, ``log1p``, ...).

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
Inputs stay inside each function's domain (``arcsin`` within (-1, 1), ``log1p``
above -1, ``tan`` away from its poles) and, for the rounding ops, away from the
jumps, where the zero gradient is the derivative (``floor_divide`` too; ``mod``
is ``x1 - floor_divide(x1, x2) * x2``). ``NOT_DIFFERENTIABLE_PATHS``
gives, for each op recorded without a gradient, a target whose gradient must
pass through it.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

_GENERATOR = np.random.default_rng(31)
_WIDE = _GENERATOR.uniform(-2.0, 2.0, size=(3, 4))
_INSIDE_UNIT = _GENERATOR.uniform(-0.9, 0.9, size=(3, 4))
_ABOVE_MINUS_ONE = _GENERATOR.uniform(-0.8, 2.0, size=(3, 4))
_NONZERO = np.where(_WIDE >= 0, _WIDE + 0.3, _WIDE - 0.3)
# Entries 0.2 or more from any multiple of 0.5, so a step of 1e-6 never crosses a jump.
_BETWEEN_JUMPS = np.floor(_WIDE * 2) / 2 + 0.25

_UNARY = {
    "log1p": _ABOVE_MINUS_ONE,
    "expm1": _WIDE,
    "reciprocal": _NONZERO,
    "sin": _WIDE,
    "cos": _WIDE,
    "tan": _INSIDE_UNIT,
    "arcsin": _INSIDE_UNIT,
    "arccos": _INSIDE_UNIT,
    "arctan": _WIDE,
    "sinh": _WIDE,
    "cosh": _WIDE,
    "floor": _BETWEEN_JUMPS,
    "ceil": _BETWEEN_JUMPS,
    "round": _BETWEEN_JUMPS,
}

CASES = [
    Case(op, "elementwise", lambda B, x, op=op: getattr(B, op)(x), [inputs])
    for op, inputs in _UNARY.items()
] + [
    Case("round", "decimals_1", lambda B, x: B.round(x, 1), [_BETWEEN_JUMPS / 10]),
    Case("arctan2", "same_shape", lambda B, y, x: B.arctan2(y, x), [_WIDE, _NONZERO]),
    Case(
        "arctan2",
        "column_and_row",
        lambda B, y, x: B.arctan2(y, x),
        [_WIDE[:, :1], _NONZERO[:1, :]],
    ),
    Case("arctan2", "python_x2", lambda B, y: B.arctan2(y, -1.5), [_WIDE]),
    Case("arctan2", "x2_only", lambda B, y, x: B.arctan2(y, x), [_WIDE, _NONZERO], watched=(1,)),
    # x1 / 0.5 stays 0.2 or more from a whole number, so no step crosses a jump.
    Case("floor_divide", "python_x2", lambda B, x: B.floor_divide(x, 0.5), [_BETWEEN_JUMPS]),
    Case(
        "floor_divide",
        "both",
        lambda B, x1, x2: B.floor_divide(x1, x2),
        [_BETWEEN_JUMPS, np.full((3, 4), 0.5)],
    ),
    Case("mod", "python_x2", lambda B, x: B.mod(x, 0.5), [_BETWEEN_JUMPS]),
    Case("mod", "both", lambda B, x1, x2: B.mod(x1, x2), [_BETWEEN_JUMPS, np.full((1, 4), 0.5)]),
]


def _through_flags(flags):
    """A path through a bool-valued op: its flags scale the float input."""
    return lambda B, x: B.multiply(flags(B, x), x)


NOT_DIFFERENTIABLE_PATHS = {
    "isnan": _through_flags(lambda B, x: B.isnan(x)),
    "isinf": _through_flags(lambda B, x: B.isinf(x)),
    "isfinite": _through_flags(lambda B, x: B.isfinite(x)),
    "logical_xor": _through_flags(lambda B, x: B.logical_xor(B.greater(x, 0.0), B.less(x, 0.5))),
}
