"""Finite-difference gradient cases of the running scans (``cumsum``, ``cumprod``).

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
``cumprod`` is checked where ``x`` has zeros too (one, two, at the start of
a row): its gradient there is exact, and central differences of a product
are exact as well, so the comparison stays tight.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

_X = np.random.default_rng(51).uniform(0.5, 1.5, size=(2, 3, 4)) * np.array([1, -1, 1, -1])
_WITH_ZEROS = np.array(
    [
        [0.7, 0.0, 1.3, -0.9, 1.1],  # one zero inside
        [0.0, 1.2, 0.8, 0.0, -1.4],  # a zero first and another later
        [1.5, -0.6, 0.9, 1.2, 0.0],  # a zero last
        [0.8, 1.1, -1.3, 0.9, 1.2],  # no zero
    ]
)

CASES = [
    Case(op, key, lambda B, x, op=op, kw=kwargs: getattr(B, op)(x, **kw), [_X])
    for op in ("cumsum", "cumprod")
    for key, kwargs in {
        "flattened": {},
        "axis_0": {"axis": 0},
        "axis_1": {"axis": 1},
        "axis_-1": {"axis": -1},
        "float64_dtype": {"axis": 2, "dtype": "float64"},
    }.items()
] + [
    Case("cumprod", "zeros_last_axis", lambda B, x: B.cumprod(x, axis=-1), [_WITH_ZEROS]),
    Case("cumprod", "zeros_first_axis", lambda B, x: B.cumprod(x, axis=0), [_WITH_ZEROS.T]),
    Case("cumprod", "zeros_flattened", lambda B, x: B.cumprod(x), [_WITH_ZEROS]),
]
