"""Finite-difference gradient cases of the sorting ops (``sort``, ``top_k``).

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
The inputs have distinct entries, so a step of 1e-6 never reorders them and
the sort is differentiable there. ``argsort`` returns positions only; its
path in ``NOT_DIFFERENTIABLE_PATHS`` feeds them into float math, as does the
``top_k`` indices check in ``tests/test_backend_sorting.py``.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

# A permutation of 0..23, scaled: every entry distinct, at least 1/7 apart.
_DISTINCT = np.random.default_rng(41).permutation(24).reshape(2, 3, 4) / 7.0 - 1.5

CASES = [
    Case("sort", "last_axis", lambda B, x: B.sort(x), [_DISTINCT]),
    Case("sort", "middle_axis", lambda B, x: B.sort(x, axis=1), [_DISTINCT]),
    Case("sort", "flattened", lambda B, x: B.sort(x, axis=None), [_DISTINCT]),
    Case("top_k", "k_2", lambda B, x: B.top_k(x, 2)[0], [_DISTINCT]),
    Case("top_k", "k_all", lambda B, x: B.top_k(x, 4)[0], [_DISTINCT[0]]),
    Case("top_k", "vector", lambda B, x: B.top_k(x, 3)[0], [_DISTINCT.reshape(-1)]),
]

NOT_DIFFERENTIABLE_PATHS = {
    "argsort": lambda B, x: B.multiply(B.argsort(x), x),
}
