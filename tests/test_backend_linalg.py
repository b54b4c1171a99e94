"""Conformance of the square-matrix linear algebra (``inv``, ``solve``, ``det``, ``logdet``,
``cholesky``) on every backend.

Expected values are the defining identities (``A @ inv(A) == I``,
``A @ solve(A, B) == B``, ``L @ Lᵀ == A``) and matrices with known
determinants (triangular ones: the product of the diagonal).
"""

from __future__ import annotations

import numpy as np
import pytest
from conformance import covers

# Symmetric positive definite, with distinct eigenvalues.
SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, -0.2], [0.5, -0.2, 2.0]])
# Triangular: det = 2 * -3 * 0.5 = -3.
TRIANGULAR = np.array([[2.0, 0.0, 0.0], [1.0, -3.0, 0.0], [4.0, 5.0, 0.5]])


def tensor(B, values):
    return B.convert_to_tensor(np.asarray(values, dtype="float64"))


def to_np(B, x):
    return np.asarray(B.convert_to_numpy(x))


@covers("inv")
def test_inv_times_the_matrix_is_the_identity_for_each_of_a_batch(B):
    batch = np.stack([SPD, TRIANGULAR])
    inverse = to_np(B, B.inv(tensor(B, batch)))
    np.testing.assert_allclose(batch @ inverse, np.broadcast_to(np.eye(3), (2, 3, 3)), atol=1e-12)


@covers("inv")
def test_inv_of_a_singular_or_non_square_matrix_raises(B):
    with pytest.raises(ValueError, match="singular"):
        B.inv(tensor(B, [[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(ValueError, match=r"square matrices.*\(2, 3\)"):
        B.inv(tensor(B, np.ones((2, 3))))


@covers("inv", "det", "cholesky")
def test_integer_matrices_are_computed_in_floatx(B):
    integers = B.convert_to_tensor(np.array([[2, 1], [1, 2]], dtype="int32"))
    for function in (B.inv, B.det, B.cholesky):
        assert B.dtype(function(integers)) == "float32"


@covers("solve")
def test_solve_gives_the_solution_of_each_system(B):
    rhs = np.array([[1.0, 0.0], [2.0, -1.0], [0.5, 3.0]])
    solution = to_np(B, B.solve(tensor(B, SPD), tensor(B, rhs)))
    np.testing.assert_allclose(SPD @ solution, rhs, atol=1e-12)


@covers("solve")
def test_solve_takes_one_vector_per_matrix(B):
    vectors = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
    solution = to_np(B, B.solve(tensor(B, np.stack([SPD, TRIANGULAR])), tensor(B, vectors)))
    assert solution.shape == (2, 3)
    np.testing.assert_allclose(SPD @ solution[0], vectors[0], atol=1e-12)
    np.testing.assert_allclose(TRIANGULAR @ solution[1], vectors[1], atol=1e-12)


@covers("solve")
def test_solve_with_a_right_hand_side_of_the_wrong_length_raises(B):
    with pytest.raises(ValueError, match=r"solve\(\) needs b of shape"):
        B.solve(tensor(B, SPD), tensor(B, np.ones((2, 1))))


@covers("det", "logdet")
def test_det_of_a_triangular_matrix_is_the_product_of_its_diagonal(B):
    np.testing.assert_allclose(to_np(B, B.det(tensor(B, TRIANGULAR))), -3.0, rtol=1e-12)
    np.testing.assert_allclose(to_np(B, B.logdet(tensor(B, TRIANGULAR))), np.log(3.0), rtol=1e-12)


@covers("logdet")
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_logdet_of_a_large_scaled_identity_does_not_overflow(B):
    big = 1e3 * np.eye(200)
    assert np.isinf(to_np(B, B.det(tensor(B, big))))
    np.testing.assert_allclose(to_np(B, B.logdet(tensor(B, big))), 200 * np.log(1e3), rtol=1e-12)


@covers("cholesky")
def test_cholesky_factor_is_triangular_and_multiplies_back(B):
    lower = to_np(B, B.cholesky(tensor(B, SPD)))
    np.testing.assert_array_equal(lower, np.tril(lower))
    assert (np.diag(lower) > 0).all()
    np.testing.assert_allclose(lower @ lower.T, SPD, atol=1e-12)
    upper = to_np(B, B.cholesky(tensor(B, SPD), upper=True))
    np.testing.assert_allclose(upper, lower.T, atol=1e-15)


@covers("cholesky")
def test_cholesky_of_a_matrix_that_is_not_positive_definite_raises(B):
    with pytest.raises(ValueError, match="not positive definite"):
        B.cholesky(tensor(B, [[1.0, 2.0], [2.0, 1.0]]))
