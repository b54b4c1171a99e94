"""Conformance of the indexing ops (``take``, ``take_along_axis``) on every backend.

Expected values come from explicit Python loops over tiny arrays, so they do
not rely on the backend's own indexing.
"""

from __future__ import annotations

import numpy as np
import pytest
from conformance import covers
from gradient_checks import weighted_sum_gradient


def tensor(B, values, dtype=None):
    return B.convert_to_tensor(np.asarray(values), dtype=dtype)


def naive_take(x: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    """``take`` written with loops: output[..., i, ...] = x[..., indices[i], ...]."""
    axis = axis % x.ndim
    out_shape = x.shape[:axis] + indices.shape + x.shape[axis + 1 :]
    out = np.zeros(out_shape, dtype=x.dtype)
    for before in np.ndindex(*x.shape[:axis]):
        for position in np.ndindex(*indices.shape):
            for after in np.ndindex(*x.shape[axis + 1 :]):
                row = int(indices[position]) % x.shape[axis]
                out[before + position + after] = x[before + (row,) + after]
    return out


@covers("take")
def test_take_along_axis_0_gathers_rows_in_index_order(B):
    table = np.arange(12.0).reshape(4, 3)
    indices = np.array([[3, 0], [1, 3]])
    result = B.convert_to_numpy(B.take(tensor(B, table), tensor(B, indices), axis=0))
    np.testing.assert_array_equal(result, naive_take(table, indices, 0))
    assert result.shape == (2, 2, 3)


@covers("take")
def test_take_along_a_middle_axis_puts_the_index_shape_there(B):
    x = np.arange(24.0).reshape(2, 3, 4)
    indices = np.array([2, 2, 0])
    result = B.convert_to_numpy(B.take(tensor(B, x), tensor(B, indices), axis=1))
    np.testing.assert_array_equal(result, naive_take(x, indices, 1))
    assert result.shape == (2, 3, 4)


@covers("take")
def test_take_with_negative_axis_and_negative_indices_counts_from_the_end(B):
    x = np.arange(6.0).reshape(2, 3)
    result = B.convert_to_numpy(B.take(tensor(B, x), tensor(B, np.array([-1, 0])), axis=-1))
    np.testing.assert_array_equal(result, [[2.0, 0.0], [5.0, 3.0]])


@covers("take")
def test_take_without_axis_reads_the_flattened_array(B):
    x = np.arange(6.0).reshape(2, 3)
    result = B.convert_to_numpy(B.take(tensor(B, x), tensor(B, np.array([[5, 1]]))))
    np.testing.assert_array_equal(result, [[5.0, 1.0]])


@covers("take")
def test_take_keeps_the_dtype_of_the_gathered_array(B):
    x = tensor(B, np.ones((3, 2)), dtype="float32")
    assert B.dtype(B.take(x, tensor(B, np.array([0, 2], dtype="int64")), axis=0)) == "float32"


@covers("take")
def test_take_reads_a_variable(B):
    table = B.Variable(np.arange(6.0).reshape(3, 2), dtype="float64")
    result = B.convert_to_numpy(B.take(table, tensor(B, np.array([2])), axis=0))
    np.testing.assert_array_equal(result, [[4.0, 5.0]])


@covers("take")
def test_take_refuses_an_index_out_of_range(B):
    with pytest.raises(ValueError, match=r"size 3.*\[-3, 3\).*received indices from 0 to 3"):
        B.take(tensor(B, np.zeros((3, 2))), tensor(B, np.array([0, 3])), axis=0)


@covers("take")
def test_take_refuses_float_indices(B):
    with pytest.raises(ValueError, match="integer indices.*float"):
        B.take(tensor(B, np.zeros((3, 2))), tensor(B, np.array([0.0, 1.0])), axis=0)


@covers("take")
def test_take_gradient_adds_up_rows_read_several_times(B):
    table = B.Variable(np.zeros((4, 2)), dtype="float64")
    indices = tensor(B, np.array([[1, 3], [1, 1]]))
    with B.GradientTape() as tape:
        gathered = B.take(table, indices, axis=0)
        loss = B.sum(B.multiply(gathered, tensor(B, np.array([1.0, 10.0]))))
    gradient = B.convert_to_numpy(tape.gradient(loss, table))
    np.testing.assert_array_equal(gradient, [[0, 0], [3, 30], [0, 0], [1, 10]])


@covers("take")
def test_take_has_no_gradient_for_its_indices(B):
    indices = tensor(B, np.array([0, 1]))
    x = tensor(B, np.ones((2, 2)))
    with B.GradientTape() as tape:
        tape.watch([x, indices])
        loss = B.sum(B.take(x, indices, axis=0))
    gradient_x, gradient_indices = tape.gradient(loss, [x, indices])
    np.testing.assert_array_equal(B.convert_to_numpy(gradient_x), np.ones((2, 2)))
    assert gradient_indices is None


def naive_take_along_axis(x: np.ndarray, indices: np.ndarray, axis: int) -> np.ndarray:
    """``take_along_axis`` written with loops over every output position (same-shape case)."""
    out = np.zeros(indices.shape, dtype=x.dtype)
    for position in np.ndindex(*indices.shape):
        source = list(position)
        source[axis] = int(indices[position]) % x.shape[axis]
        out[position] = x[tuple(source)]
    return out


@covers("take_along_axis")
def test_take_along_axis_reads_one_entry_per_index(B):
    x = np.array([[10.0, 30.0, 20.0], [5.0, 4.0, 6.0]])
    indices = np.array([[1, 2, 0, 1], [2, 2, -3, 0]])
    result = B.convert_to_numpy(B.take_along_axis(tensor(B, x), tensor(B, indices), axis=1))
    np.testing.assert_array_equal(result, naive_take_along_axis(x, indices, 1))
    np.testing.assert_array_equal(result, [[30.0, 20.0, 10.0, 30.0], [6.0, 6.0, 5.0, 5.0]])


@covers("take_along_axis")
def test_take_along_axis_reads_the_order_argsort_gives(B):
    x = tensor(B, np.array([[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]]))
    result = B.take_along_axis(x, B.argsort(x, axis=-1), axis=-1)
    np.testing.assert_array_equal(B.convert_to_numpy(result), [[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]])


@covers("take_along_axis")
def test_take_along_axis_0_of_a_cube(B):
    x = np.arange(24.0).reshape(2, 3, 4)
    indices = np.array([[[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 1]]])
    result = B.convert_to_numpy(B.take_along_axis(tensor(B, x), tensor(B, indices), axis=0))
    np.testing.assert_array_equal(result, naive_take_along_axis(x, indices, 0))


@covers("take_along_axis")
def test_take_along_axis_broadcasts_the_other_axes(B):
    row = tensor(B, np.array([[1.0, 2.0, 3.0]]))
    result = B.take_along_axis(row, tensor(B, np.array([[2], [0]])), axis=1)
    np.testing.assert_array_equal(B.convert_to_numpy(result), [[3.0], [1.0]])


@covers("take_along_axis")
def test_take_along_axis_without_axis_reads_the_flattened_array(B):
    x = tensor(B, np.arange(6.0).reshape(2, 3))
    result = B.take_along_axis(x, tensor(B, np.array([5, 0, -1])))
    np.testing.assert_array_equal(B.convert_to_numpy(result), [5.0, 0.0, 5.0])


@covers("take_along_axis")
@pytest.mark.parametrize(
    ("indices", "axis", "message"),
    [
        (np.array([[0, 3]]), 1, r"size 3, so indices must lie in \[-3, 3\); received .* to 3"),
        (np.array([[-4]]), 1, r"received indices from -4 to -4"),
        (np.array([[0.0]]), 1, r"needs integer indices, received indices of dtype float64"),
        (np.array([0, 1]), 1, r"needs indices of the same rank as x \(2\)"),
        (np.array([[0], [1], [2]]), 1, r"broadcast on every axis but 1"),
        (np.array([[0]]), 2, r"axis 2 is out of range for x of rank 2"),
    ],
)
def test_take_along_axis_refuses_bad_indices(B, indices, axis, message):
    x = tensor(B, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=rf"take_along_axis\(\) .*{message}"):
        B.take_along_axis(x, tensor(B, indices), axis=axis)


@covers("take_along_axis")
def test_take_along_axis_gradient_adds_up_entries_read_several_times(B):
    def pick(x):
        return B.take_along_axis(x, tensor(B, np.array([[2, 2, 0], [2, 1, 1]])), axis=1)

    gradient = weighted_sum_gradient(B, pick, np.zeros((1, 3)), [1.0, 10.0, 100.0])
    np.testing.assert_array_equal(gradient, [[100.0, 110.0, 12.0]])
