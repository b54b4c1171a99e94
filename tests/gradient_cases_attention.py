"""Finite-difference gradient cases of the attention family's op (``einsum``).

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
Besides plain contractions, the cases cover the three places where an
operand's gradient is more than one einsum: a letter summed inside one
operand only (broadcast back), a repeated letter (a diagonal), and a
length-1 axis broadcast against a longer one (summed back).
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case


def _rand(*shape, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def _einsum(subscripts: str):
    return lambda B, *operands: B.einsum(subscripts, *operands)


CASES = [
    Case(
        "einsum", "matrix_product", _einsum("ij,jk->ik"), [_rand(2, 3, seed=1), _rand(3, 4, seed=2)]
    ),
    Case(
        "einsum",
        "projection_to_heads",
        _einsum("abc,cde->abde"),
        [_rand(2, 3, 4, seed=3), _rand(4, 2, 3, seed=4)],
    ),
    Case(
        "einsum",
        "attention_scores",
        _einsum("aecd,abcd->acbe"),
        [_rand(2, 3, 2, 2, seed=5), _rand(2, 4, 2, 2, seed=6)],
    ),
    Case(
        "einsum",
        "output_projection",
        _einsum("abcd,cde->abe"),
        [_rand(2, 3, 2, 2, seed=7), _rand(2, 2, 3, seed=8)],
    ),
    Case(
        "einsum", "implicit_output", _einsum("ij,jk"), [_rand(2, 3, seed=9), _rand(3, 2, seed=10)]
    ),
    Case("einsum", "transpose", _einsum("ij->ji"), [_rand(2, 3, seed=11)]),
    Case(
        "einsum",
        "summed_in_one_operand",
        _einsum("ij,k->jk"),
        [_rand(3, 2, seed=12), _rand(4, seed=13)],
    ),
    Case("einsum", "sum_to_scalar", _einsum("ij->"), [_rand(2, 3, seed=14)]),
    Case("einsum", "diagonal", _einsum("ii->i"), [_rand(3, 3, seed=15)]),
    Case("einsum", "trace", _einsum("ii"), [_rand(3, 3, seed=16)]),
    Case(
        "einsum",
        "diagonal_times_vector",
        _einsum("iij,j->i"),
        [_rand(2, 2, 3, seed=17), _rand(3, seed=18)],
    ),
    Case(
        "einsum",
        "ellipsis_broadcast",
        _einsum("...ij,...jk->...ik"),
        [_rand(2, 1, 2, 3, seed=19), _rand(3, 3, 2, seed=20)],
    ),
    Case(
        "einsum",
        "length_one_axis_broadcast",
        _einsum("ij,ij->ij"),
        [_rand(1, 3, seed=21), _rand(4, 3, seed=22)],
    ),
    Case(
        "einsum",
        "length_one_axis_summed_away",
        _einsum("ij,ij->i"),
        [_rand(2, 3, seed=23), _rand(2, 1, seed=24)],
    ),
    Case(
        "einsum",
        "only_second_operand_watched",
        _einsum("bij,bjk->bik"),
        [_rand(2, 2, 3, seed=25), _rand(2, 3, 2, seed=26)],
        watched=(1,),
    ),
]
