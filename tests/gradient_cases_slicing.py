"""Finite-difference gradient cases of dynamic slicing (``slice``, ``slice_update``).

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

_GENERATOR = np.random.default_rng(61)
_X = _GENERATOR.uniform(-1.0, 1.0, size=(3, 4, 5))
_UPDATES = _GENERATOR.uniform(-1.0, 1.0, size=(2, 2, 3))

CASES = [
    Case("slice", "inner_box", lambda B, x: B.slice(x, [1, 1, 2], (2, 2, 3)), [_X]),
    Case("slice", "to_the_end", lambda B, x: B.slice(x, [0, 2, 1], (-1, 2, -1)), [_X]),
    Case(
        "slice",
        "array_starts",
        lambda B, x: B.slice(x, np.array([2, 0, 0]), (1, 4, 5)),
        [_X],
    ),
    Case(
        "slice_update",
        "both",
        lambda B, x, u: B.slice_update(x, [1, 2, 1], u),
        [_X, _UPDATES],
    ),
    Case(
        "slice_update",
        "inputs_only",
        lambda B, x, u: B.slice_update(x, [0, 0, 2], u),
        [_X, _UPDATES],
        watched=(0,),
    ),
    Case(
        "slice_update",
        "updates_only",
        lambda B, x, u: B.slice_update(x, (1, 1, 0), u),
        [_X, _UPDATES],
        watched=(1,),
    ),
]
