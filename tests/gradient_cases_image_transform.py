"""Finite-difference gradient cases for ``affine_transform`` (with respect to the images).

Collected by ``tests/test_gradients.py``. For a fixed transform the output
is linear in the images, so each case checks that every sample's weight
reaches the pixel it read, fill modes folding the reads back in included.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

TURN = [0.8, -0.6, 1.2, 0.6, 0.8, -0.9, 0.0, 0.0]
ZOOMS = [[1.4, 0.0, -1.1, 0.0, 0.7, 0.6, 0.0, 0.0], [0.6, 0.0, 1.0, 0.0, 1.3, -0.5, 0.0, 0.0]]


def rand(*shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape)


def _cases() -> list[Case]:
    cases = []
    for fill_mode in ("constant", "nearest", "wrap", "mirror", "reflect"):
        for interpolation in ("bilinear", "nearest"):
            cases.append(
                Case(
                    "affine_transform",
                    f"{interpolation}_{fill_mode}",
                    lambda B, x, f=fill_mode, i=interpolation: B.affine_transform(
                        x, ZOOMS, interpolation=i, fill_mode=f, fill_value=0.5
                    ),
                    [rand(2, 4, 5, 2, seed=len(fill_mode))],
                )
            )
    cases.append(
        Case(
            "affine_transform",
            "single_image_channels_first",
            lambda B, x: B.affine_transform(
                x, TURN, fill_mode="reflect", data_format="channels_first"
            ),
            [rand(2, 4, 5, seed=7)],
        )
    )
    return cases


CASES = _cases()
