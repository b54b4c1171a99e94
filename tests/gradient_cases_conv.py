"""Finite-difference gradient cases for ``conv``, ``depthwise_conv`` and ``conv_transpose``.

Collected by ``tests/test_gradients.py``. Convolutions are linear in each
input, so central differences are exact up to rounding; each case checks the
gradient for the input and the kernel together, over the padding, stride,
dilation, group and layout variants whose index arithmetic differs.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case


def rand(*shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape)


# name: (x shape, kernel shape, keyword arguments)
CONV = {
    "1d_valid": ((2, 6, 2), (3, 2, 3), {}),
    "1d_causal_dilated": ((1, 7, 2), (2, 2, 2), {"padding": "causal", "dilation_rate": 2}),
    "2d_same_strided": ((1, 5, 6, 2), (3, 3, 2, 2), {"strides": 2, "padding": "same"}),
    "2d_valid_dilated": ((1, 6, 5, 1), (2, 2, 1, 2), {"dilation_rate": (2, 1)}),
    "2d_grouped": ((1, 4, 4, 4), (2, 2, 2, 4), {"padding": "same"}),
    "2d_channels_first": ((1, 2, 5, 4), (3, 2, 2, 2), {"data_format": "channels_first"}),
    "3d_same": ((1, 3, 4, 3, 1), (2, 2, 2, 1, 2), {"padding": "same"}),
}

DEPTHWISE = {
    "1d_strided_channels_first": (
        (1, 2, 7),
        (3, 2, 2),
        {"strides": 2, "padding": "same", "data_format": "channels_first"},
    ),
    "2d_same_multiplier_2": ((1, 4, 5, 2), (3, 3, 2, 2), {"padding": "same"}),
    "2d_valid_dilated": ((1, 6, 6, 2), (2, 2, 2, 1), {"dilation_rate": 2}),
}

TRANSPOSE = {
    "1d_valid_dilated": ((2, 4, 2), (3, 2, 2), {"dilation_rate": 2}),
    "1d_same_output_padding": (
        (1, 4, 2),
        (3, 3, 2),
        {"strides": 2, "padding": "same", "output_padding": 1},
    ),
    "2d_valid_strided": ((1, 3, 3, 2), (3, 3, 2, 2), {"strides": 2}),
    "2d_same_strided": ((1, 3, 2, 2), (2, 3, 1, 2), {"strides": (2, 3), "padding": "same"}),
    "2d_channels_first": (
        (1, 2, 3, 3),
        (3, 2, 2, 2),
        {
            "strides": 2,
            "padding": "same",
            "output_padding": (0, 1),
            "data_format": "channels_first",
        },
    ),
    "3d_same": ((1, 2, 2, 3, 1), (2, 2, 2, 2, 1), {"strides": 2, "padding": "same"}),
}


def _cases() -> list[Case]:
    cases: list[Case] = []
    for op, table in (("conv", CONV), ("depthwise_conv", DEPTHWISE), ("conv_transpose", TRANSPOSE)):
        for index, (key, (x_shape, kernel_shape, options)) in enumerate(table.items()):
            cases.append(
                Case(
                    op,
                    key,
                    lambda B, x, kernel, op=op, options=options: getattr(B, op)(
                        x, kernel, **options
                    ),
                    [rand(*x_shape, seed=2 * index), rand(*kernel_shape, seed=2 * index + 1)],
                )
            )
    return cases


CASES = _cases()
