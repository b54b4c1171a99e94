"""Conformance of ``norm`` (Keras 3's ``ops.norm``) on every backend.

Vector norms are checked against their formulas written with Python's
``math`` on small lists, matrix norms against hand-computed sums and the
singular values of matrices built to have known ones.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conformance import covers
from gradient_checks import weighted_sum_gradient
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras.backend as K

VECTOR = [3.0, -4.0, 0.0, 1.0]
# Column sums of |x|: 5, 7, 9; row sums: 6, 15.
MATRIX = [[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]]


def tensor(B, values, dtype="float64"):
    return B.convert_to_tensor(np.asarray(values, dtype=dtype))


def to_np(B, x):
    return B.convert_to_numpy(x)


VECTOR_NORMS = {
    None: math.sqrt(26.0),
    2: math.sqrt(26.0),
    1: 8.0,
    math.inf: 4.0,
    -math.inf: 0.0,
    0: 3.0,
    3: (27.0 + 64.0 + 1.0) ** (1 / 3),
    0.5: (math.sqrt(3.0) + 2.0 + 1.0) ** 2,
}


@covers("norm")
@pytest.mark.parametrize("ord", list(VECTOR_NORMS), ids=str)
def test_vector_norm_matches_its_formula(B, ord):
    result = B.norm(tensor(B, VECTOR), ord=ord)
    np.testing.assert_allclose(to_np(B, result), VECTOR_NORMS[ord], rtol=1e-15)


MATRIX_NORMS = {
    None: math.sqrt(91.0),
    "fro": math.sqrt(91.0),
    1: 9.0,
    -1: 5.0,
    math.inf: 15.0,
    -math.inf: 6.0,
}


@covers("norm")
@pytest.mark.parametrize("ord", list(MATRIX_NORMS), ids=str)
def test_matrix_norm_matches_its_sums(B, ord):
    result = B.norm(tensor(B, MATRIX), ord=ord, axis=(0, 1))
    np.testing.assert_allclose(to_np(B, result), MATRIX_NORMS[ord], rtol=1e-15)


@covers("norm")
def test_singular_value_norms_of_a_rotated_diagonal_matrix(B):
    # rotation @ diag(3, 0.5): singular values 3 and 0.5.
    angle = 0.3
    rotation = [[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]]
    x = tensor(B, np.asarray(rotation) * [3.0, 0.5])
    for ord, expected in {2: 3.0, -2: 0.5, "nuc": 3.5}.items():
        np.testing.assert_allclose(to_np(B, B.norm(x, ord=ord)), expected, rtol=1e-14)


@covers("norm")
def test_norm_without_axis_of_a_higher_rank_array_is_the_flattened_2_norm(B):
    x = tensor(B, np.full((2, 2, 2), 0.5))
    np.testing.assert_allclose(to_np(B, B.norm(x)), math.sqrt(2.0), rtol=1e-15)
    assert B.int_shape(B.norm(x, keepdims=True)) == (1, 1, 1)


@covers("norm")
def test_norm_over_an_axis_reduces_only_that_axis(B):
    x = tensor(B, [[3.0, 4.0], [6.0, 8.0]])
    np.testing.assert_allclose(to_np(B, B.norm(x, axis=1)), [5.0, 10.0], rtol=1e-15)
    np.testing.assert_allclose(to_np(B, B.norm(x, ord=1, axis=0)), [9.0, 12.0], rtol=1e-15)
    assert B.int_shape(B.norm(x, axis=-1, keepdims=True)) == (2, 1)


@covers("norm")
def test_matrix_norms_over_the_last_two_axes_of_a_batch(B):
    batch = tensor(B, [MATRIX, np.multiply(MATRIX, 2.0).tolist()])
    result = B.norm(batch, ord=1, axis=(-2, -1))
    np.testing.assert_allclose(to_np(B, result), [9.0, 18.0], rtol=1e-15)
    kept = B.norm(batch, ord=math.inf, axis=(1, 2), keepdims=True)
    assert B.int_shape(kept) == (2, 1, 1)
    np.testing.assert_allclose(to_np(B, kept).ravel(), [15.0, 30.0], rtol=1e-15)


@covers("norm")
def test_norm_dtypes(B):
    assert B.dtype(B.norm(tensor(B, [3, 4], "int32"))) == K.floatx()
    assert B.dtype(B.norm(tensor(B, [3.0, 4.0], "float32"), ord=3)) == "float32"
    assert B.dtype(B.norm(tensor(B, MATRIX, "float32"), ord="nuc")) == "float32"


@covers("norm")
@pytest.mark.parametrize(
    ("ord", "axis", "shape", "message"),
    [
        ("fro", -1, (3,), r"vectors \(one axis\) needs a number ord, received 'fro'"),
        (0, (0, 1), (2, 2), r"matrices \(two axes\) takes ord None, 'fro', 'nuc'"),
        (3, (0, 1), (2, 2), r"received ord=3"),
        (1, None, (2, 2, 2), r"ord=1 needs an axis for an array of rank 3"),
        (None, (0, 1, 2), (2, 2, 2), r"one axis \(vectors\) or two \(matrices\)"),
        (None, 2, (2, 2), r"received axis=2"),
        (None, (1, -1), (2, 2), r"two different axes"),
        (True, -1, (3,), r"ord as a number, 'fro' or 'nuc', received True"),
    ],
)
def test_norm_refuses_an_ord_or_axis_it_has_no_norm_for(B, ord, axis, shape, message):
    with pytest.raises(ValueError, match=rf"norm\(\) .*{message}"):
        B.norm(tensor(B, np.ones(shape)), ord=ord, axis=axis)


@covers("norm")
def test_norm_gradient_at_zero_is_zero(B):
    np.testing.assert_array_equal(weighted_sum_gradient(B, B.norm, [0.0, 0.0]), [0.0, 0.0])


@covers("norm")
def test_norm_inf_gradient_splits_between_tied_largest_entries(B):
    def largest_magnitude(x):
        return B.norm(x, ord=math.inf)

    gradient = weighted_sum_gradient(B, largest_magnitude, [2.0, -2.0, 1.0])
    np.testing.assert_array_equal(gradient, [0.5, -0.5, 0.0])


@covers("norm")
@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(-100.0, 100.0), min_size=1, max_size=6),
    st.sampled_from([1, 2, 3, 4.5]),
)
def test_vector_p_norm_matches_its_sum(B, values, p):
    expected = sum(abs(v) ** p for v in values) ** (1.0 / p)
    result = B.norm(tensor(B, values), ord=p)
    np.testing.assert_allclose(to_np(B, result), expected, rtol=1e-13)
