"""Conformance of the attention family's backend op (``einsum``) on every backend.

Expected values come from explicit Python loops over tiny arrays (a naive
sum over every assignment of the letters), so they do not rely on any
einsum implementation.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conformance import covers


def tensor(B, values, dtype=None):
    return B.convert_to_tensor(np.asarray(values), dtype=dtype)


def rand(*shape, seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def naive_einsum(specs: list[str], output: str, operands: list) -> np.ndarray:
    """Sum of products over every assignment of the letters (no ellipsis, no broadcasting)."""
    sizes: dict[str, int] = {}
    for spec, operand in zip(specs, operands, strict=True):
        for letter, size in zip(spec, operand.shape, strict=True):
            sizes[letter] = size
    letters = sorted(sizes)
    result = np.zeros([sizes[letter] for letter in output])
    for values in itertools.product(*(range(sizes[letter]) for letter in letters)):
        chosen = dict(zip(letters, values, strict=True))
        product = 1.0
        for spec, operand in zip(specs, operands, strict=True):
            product *= operand[tuple(chosen[letter] for letter in spec)]
        result[tuple(chosen[letter] for letter in output)] += product
    return result


def run(B, subscripts, *operands):
    return B.convert_to_numpy(B.einsum(subscripts, *(tensor(B, o) for o in operands)))


@covers("einsum")
def test_einsum_matrix_product_sums_the_shared_letter(B):
    x, y = rand(2, 3), rand(3, 4, seed=1)
    np.testing.assert_allclose(
        run(B, "ij,jk->ik", x, y), naive_einsum(["ij", "jk"], "ik", [x, y]), rtol=1e-12
    )


@covers("einsum")
def test_einsum_keeps_a_letter_shared_by_both_operands_and_the_output(B):
    x, y = rand(2, 3, 4), rand(2, 4, 5, seed=1)
    np.testing.assert_allclose(
        run(B, "bij,bjk->bik", x, y), naive_einsum(["bij", "bjk"], "bik", [x, y]), rtol=1e-12
    )


@covers("einsum")
def test_einsum_attention_scores_equation_of_multi_head_attention(B):
    key, query = rand(2, 4, 3, 5), rand(2, 6, 3, 5, seed=1)
    expected = naive_einsum(["aecd", "abcd"], "acbe", [key, query])
    result = run(B, "aecd,abcd->acbe", key, query)
    assert result.shape == (2, 3, 6, 4)
    np.testing.assert_allclose(result, expected, rtol=1e-12)


@covers("einsum")
def test_einsum_projection_to_heads_of_multi_head_attention(B):
    x, kernel = rand(2, 3, 4), rand(4, 2, 5, seed=1)
    result = run(B, "abc,cde->abde", x, kernel)
    np.testing.assert_allclose(result, naive_einsum(["abc", "cde"], "abde", [x, kernel]))


@covers("einsum")
def test_einsum_implicit_output_is_the_single_letters_in_order(B):
    x, y = rand(2, 3), rand(3, 4, seed=1)
    np.testing.assert_allclose(run(B, "ij,jk", x, y), x @ y, rtol=1e-12)
    np.testing.assert_array_equal(run(B, "ba", x), x.T)


@covers("einsum")
def test_einsum_ellipsis_stands_for_broadcast_leading_axes(B):
    x, y = rand(2, 1, 3, 4), rand(5, 4, 2, seed=1)
    result = run(B, "...ij,...jk->...ik", x, y)
    assert result.shape == (2, 5, 3, 2)
    expected = np.stack([np.stack([x[a, 0] @ y[b] for b in range(5)]) for a in range(2)])
    np.testing.assert_allclose(result, expected, rtol=1e-12)


@covers("einsum")
def test_einsum_repeated_letter_reads_the_diagonal(B):
    x = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(run(B, "ii->i", x), [0.0, 4.0, 8.0])
    np.testing.assert_array_equal(run(B, "ii", x), 12.0)


@covers("einsum")
def test_einsum_letter_missing_from_the_output_is_summed(B):
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(run(B, "ij->i", x), [3.0, 12.0])
    np.testing.assert_array_equal(run(B, "ij->", x), 15.0)


@covers("einsum")
def test_einsum_outer_product_of_two_vectors(B):
    np.testing.assert_array_equal(
        run(B, "i,j->ij", np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0])),
        [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]],
    )


@covers("einsum")
def test_einsum_broadcasts_a_length_one_axis_of_a_named_letter(B):
    x, y = rand(1, 3), rand(4, 3, seed=1)
    np.testing.assert_allclose(run(B, "ij,ij->ij", x, y), x * y, rtol=1e-12)


@covers("einsum")
def test_einsum_keeps_float32_and_promotes_mixed_precision(B):
    x32 = tensor(B, rand(2, 3), dtype="float32")
    y32 = tensor(B, rand(3, 2, seed=1), dtype="float32")
    y64 = tensor(B, rand(3, 2, seed=1), dtype="float64")
    assert B.dtype(B.einsum("ij,jk->ik", x32, y32)) == "float32"
    assert B.dtype(B.einsum("ij,jk->ik", x32, y64)) == "float64"


@covers("einsum")
def test_einsum_reads_variables(B):
    kernel = B.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), dtype="float64")
    result = B.convert_to_numpy(B.einsum("ij,jk->ik", tensor(B, [[1.0, 1.0]]), kernel))
    np.testing.assert_array_equal(result, [[4.0, 6.0]])


@covers("einsum")
def test_einsum_refuses_more_than_two_operands(B):
    ones = tensor(B, np.ones(2))
    with pytest.raises(ValueError, match="one or two operands"):
        B.einsum("i,i,i->i", ones, ones, ones)


@covers("einsum")
def test_einsum_rejects_mismatched_letter_sizes(B):
    with pytest.raises(ValueError):
        B.einsum("ij,jk->ik", tensor(B, np.ones((2, 3))), tensor(B, np.ones((4, 2))))
