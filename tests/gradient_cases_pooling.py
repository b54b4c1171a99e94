"""Finite-difference gradient cases for ``max_pool``, ``average_pool``, ``pad`` and ``resize``.

Collected by ``tests/test_gradients.py``. Max pooling inputs have entries
far apart (no ties within a finite-difference step), so each window has one
clear winner.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case


def rand(*shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape)


def distinct(*shape, seed=0) -> np.ndarray:
    size = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(size).reshape(shape) - size / 2) / 5.0


POOLING = {
    "1d_valid": ((2, 7, 2), 3, 2, "valid", "channels_last"),
    "1d_same_overlapping": ((1, 6, 2), 3, 1, "same", "channels_last"),
    "2d_valid": ((2, 4, 5, 2), 2, None, "valid", "channels_last"),
    "2d_same_strided": ((1, 5, 5, 2), 3, 2, "same", "channels_last"),
    "2d_same_channels_first": ((1, 2, 5, 4), (2, 3), (2, 1), "same", "channels_first"),
    "3d_valid_overlapping": ((1, 3, 4, 3, 2), 2, 1, "valid", "channels_last"),
    "3d_same_channels_first": ((1, 2, 3, 4, 3), 2, 2, "same", "channels_first"),
}


def _cases() -> list[Case]:
    cases: list[Case] = []
    for op in ("max_pool", "average_pool"):
        for key, (shape, pool_size, strides, padding, data_format) in POOLING.items():
            cases.append(
                Case(
                    op,
                    key,
                    lambda B, x, op=op, p=pool_size, s=strides, pad=padding, f=data_format: getattr(
                        B, op
                    )(x, p, strides=s, padding=pad, data_format=f),
                    [distinct(*shape, seed=len(key))],
                )
            )
    widths = {
        "constant_pairs": (((1, 2), (0, 1)), "constant"),
        "constant_int": (2, "constant"),
        "edge": (((2, 1), (1, 2)), "edge"),
        "reflect": (((2, 1), (1, 2)), "reflect"),
        "symmetric": (((3, 1), (1, 2)), "symmetric"),
        "wrap": (((2, 3), (1, 1)), "wrap"),
    }
    for key, (width, mode) in widths.items():
        cases.append(
            Case(
                "pad",
                key,
                lambda B, x, w=width, m=mode: B.pad(x, w, mode=m),
                [rand(3, 4, seed=1)],
            )
        )
    cases.append(
        Case(
            "pad",
            "constant_value",
            lambda B, x: B.pad(x, ((0, 0), (1, 1), (2, 0)), constant_values=1.5),
            [rand(2, 3, 2, seed=2)],
        )
    )
    resizes = {
        "bilinear_up": ((1, 3, 4, 2), (6, 8), "bilinear", "channels_last"),
        "bilinear_down_uneven": ((2, 5, 4, 1), (3, 3), "bilinear", "channels_last"),
        "bilinear_channels_first": ((1, 2, 3, 3), (5, 7), "bilinear", "channels_first"),
        "bilinear_single_image": ((3, 4, 2), (7, 5), "bilinear", "channels_last"),
        "nearest": ((1, 3, 4, 2), (5, 8), "nearest", "channels_last"),
        "bicubic_down": ((1, 5, 6, 1), (3, 4), "bicubic", "channels_last"),
        "lanczos3_up": ((1, 3, 3, 2), (5, 4), "lanczos3", "channels_first"),
        "area_uneven": ((2, 5, 4, 1), (2, 3), "area", "channels_last"),
    }
    for key, (shape, size, interpolation, data_format) in resizes.items():
        cases.append(
            Case(
                "resize",
                key,
                lambda B, x, s=size, i=interpolation, f=data_format: B.resize(
                    x, s, interpolation=i, data_format=f
                ),
                [rand(*shape, seed=3)],
            )
        )
    cases.append(
        Case(
            "resize",
            "bilinear_antialiased",
            lambda B, x: B.resize(x, (2, 3), antialias=True, data_format="channels_last"),
            [rand(1, 5, 7, 1, seed=4)],
        )
    )
    return cases


CASES = _cases()
