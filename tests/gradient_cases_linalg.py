"""Finite-difference gradient cases of the square-matrix linear algebra.

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
The matrices are well conditioned; ``cholesky`` is given a symmetrized
input, ``(A + Aᵀ) / 2`` plus a multiple of the identity, so that moving any
one entry moves a symmetric positive-definite matrix (the function reads
only one triangle, the gradient is for the symmetric matrix).
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

_GENERATOR = np.random.default_rng(83)


def _matrix(*batch: int, size: int = 3) -> np.ndarray:
    return _GENERATOR.uniform(-1.0, 1.0, size=(*batch, size, size)) + 3.0 * np.eye(size)


def _symmetric_positive(B, x):
    return B.add(B.multiply(B.add(x, B.transpose(x, (0, 2, 1))), 0.5), B.eye(3, dtype="float64"))


CASES = [
    Case("inv", "batch", lambda B, x: B.inv(x), [_matrix(2)]),
    Case(
        "solve",
        "matrix",
        lambda B, a, b: B.solve(a, b),
        [_matrix(), _GENERATOR.normal(size=(3, 2))],
    ),
    Case(
        "solve",
        "vectors",
        lambda B, a, b: B.solve(a, b),
        [_matrix(2), _GENERATOR.normal(size=(2, 3))],
    ),
    Case("det", "batch", lambda B, x: B.det(x), [_matrix(2)]),
    Case("logdet", "batch", lambda B, x: B.logdet(x), [_matrix(2)]),
    Case(
        "cholesky",
        "lower",
        lambda B, x: B.cholesky(_symmetric_positive(B, x)),
        [_matrix(2)],
    ),
    Case(
        "cholesky",
        "upper",
        lambda B, x: B.cholesky(_symmetric_positive(B, x), upper=True),
        [_matrix(1)],
    ),
]
