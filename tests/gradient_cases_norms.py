"""Finite-difference gradient cases of ``norm``, one per vector and matrix order.

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
The inputs sit where each norm is differentiable: no zero entries (the kinks
of ``|x|``), distinct magnitudes and distinct row and column sums (no tied
extremes), and matrices with distinct non-zero singular values.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

_GENERATOR = np.random.default_rng(71)
# Magnitudes 0.225, 0.35, ... (all different, none near 0) with random signs.
_X = ((_GENERATOR.permutation(24) + 1.8) / 8.0 * _GENERATOR.choice([-1.0, 1.0], size=24)).reshape(
    2, 3, 4
)
_MATRIX = _X[0]

_VECTOR_ORDS = {
    "default": None,
    "two": 2,
    "one": 1,
    "inf": np.inf,
    "minus_inf": -np.inf,
    "zero": 0,
    "three": 3,
    "half": 0.5,
    "minus_one": -1,
}
_MATRIX_ORDS = {
    "default": None,
    "fro": "fro",
    "nuc": "nuc",
    "one": 1,
    "minus_one": -1,
    "inf": np.inf,
    "minus_inf": -np.inf,
    "two": 2,
    "minus_two": -2,
}

CASES = (
    [
        Case("norm", f"vector_{key}", lambda B, x, o=ord: B.norm(x, ord=o, axis=-1), [_X])
        for key, ord in _VECTOR_ORDS.items()
    ]
    + [
        Case("norm", f"matrix_{key}", lambda B, x, o=ord: B.norm(x, ord=o, axis=(1, 2)), [_X])
        for key, ord in _MATRIX_ORDS.items()
    ]
    + [
        Case("norm", "flattened", lambda B, x: B.norm(x), [_X]),
        Case("norm", "flattened_keepdims", lambda B, x: B.norm(x, keepdims=True), [_X]),
        Case("norm", "vector_middle_axis", lambda B, x: B.norm(x, ord=3, axis=1), [_X]),
        Case(
            "norm",
            "vector_keepdims",
            lambda B, x: B.norm(x, ord=np.inf, axis=0, keepdims=True),
            [_X],
        ),
        Case(
            "norm",
            "matrix_swapped_axes_keepdims",
            lambda B, x: B.norm(x, ord=1, axis=(-1, 0), keepdims=True),
            [_X],
        ),
        Case("norm", "matrix_without_axis_two", lambda B, x: B.norm(x, ord=2), [_MATRIX]),
        Case("norm", "vector_without_axis_one", lambda B, x: B.norm(x, ord=1), [_MATRIX[0]]),
    ]
)
