"""Finite-difference gradient cases of the indexing ops (``take``, ``take_along_axis``).

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
The indices are constants of each case (integers carry no gradient); repeated
indices check that the scatter-add sums the slices read several times.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

_TABLE = np.random.default_rng(21).uniform(-1.0, 1.0, size=(4, 3))
_CUBE = np.random.default_rng(22).uniform(-1.0, 1.0, size=(2, 3, 4))
_REPEATED_ROWS = np.array([[3, 0, 3], [1, 3, -4]])

CASES = [
    Case(
        "take",
        "rows_with_repeats",
        lambda B, x: B.take(x, _REPEATED_ROWS, axis=0),
        [_TABLE],
    ),
    Case(
        "take",
        "middle_axis",
        lambda B, x: B.take(x, np.array([2, 0, 2, 1]), axis=1),
        [_CUBE],
    ),
    Case(
        "take",
        "last_axis_negative",
        lambda B, x: B.take(x, np.array([[-1], [0]]), axis=-1),
        [_CUBE],
    ),
    Case(
        "take",
        "flattened",
        lambda B, x: B.take(x, np.array([11, 0, 11, 5])),
        [_TABLE],
    ),
    Case(
        "take_along_axis",
        "repeats_on_last_axis",
        lambda B, x: B.take_along_axis(x, np.array([[[3, 3, 0]], [[1, -1, 1]]]), axis=-1),
        [_CUBE],
    ),
    Case(
        "take_along_axis",
        "middle_axis",
        lambda B, x: B.take_along_axis(x, np.array([[[2, 0, 1, 2], [0, 0, 0, 1]]]), axis=1),
        [_CUBE],
    ),
    Case(
        "take_along_axis",
        "broadcast_x",
        lambda B, x: B.take_along_axis(x, np.array([[0, 2], [1, 1], [2, 0]]), axis=1),
        [_TABLE[:1]],
    ),
    Case(
        "take_along_axis",
        "flattened",
        lambda B, x: B.take_along_axis(x, np.array([11, 0, 11, -2])),
        [_TABLE],
    ),
]
