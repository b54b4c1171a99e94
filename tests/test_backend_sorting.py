"""Conformance of the sorting ops (``sort``, ``argsort``, ``top_k``) on every backend.

Expected values are written out or come from Python's ``sorted`` on rows,
never from the backend's own sorting. Ties are where sorts differ, so each
op's tie order is checked: stable, lowest position first.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conformance import covers
from gradient_checks import weighted_sum_gradient
from hypothesis import given, settings
from hypothesis import strategies as st


def tensor(B, values, dtype="float64"):
    return B.convert_to_tensor(np.asarray(values, dtype=dtype))


def to_np(B, x):
    return B.convert_to_numpy(x)


ROWS = [[3.0, -1.0, 2.0, -1.0], [0.5, 0.5, 9.0, -4.0]]


@covers("sort")
def test_sort_orders_each_row_ascending(B):
    result = B.sort(tensor(B, ROWS))
    np.testing.assert_array_equal(to_np(B, result), [sorted(row) for row in ROWS])


@covers("sort")
def test_sort_along_axis_0_and_flattened(B):
    x = tensor(B, ROWS)
    np.testing.assert_array_equal(
        to_np(B, B.sort(x, axis=0)), [[0.5, -1.0, 2.0, -4.0], [3.0, 0.5, 9.0, -1.0]]
    )
    np.testing.assert_array_equal(to_np(B, B.sort(x, axis=None)), sorted(sum(ROWS, [])))


@covers("sort")
def test_sort_keeps_the_dtype_and_puts_nan_last(B):
    integers = B.sort(tensor(B, [3, 1, 2], "int32"))
    assert B.dtype(integers) == "int32"
    np.testing.assert_array_equal(to_np(B, integers), [1, 2, 3])
    with_nan = to_np(B, B.sort(tensor(B, [2.0, math.nan, -1.0])))
    np.testing.assert_array_equal(with_nan[:2], [-1.0, 2.0])
    assert math.isnan(with_nan[2])


@covers("sort")
def test_sort_gradient_goes_back_to_the_original_positions(B):
    # Sorted: [-1, 2, 3]; the weights 1, 10, 100 land where those entries were.
    gradient = weighted_sum_gradient(B, B.sort, [3.0, -1.0, 2.0], [1.0, 10.0, 100.0])
    np.testing.assert_array_equal(gradient, [100.0, 1.0, 10.0])


@covers("argsort")
def test_argsort_lists_tied_entries_by_position(B):
    result = B.argsort(tensor(B, ROWS))
    assert B.dtype(result) == "int32"
    np.testing.assert_array_equal(to_np(B, result), [[1, 3, 2, 0], [3, 0, 1, 2]])


@covers("argsort")
def test_argsort_along_axis_0_and_flattened(B):
    x = tensor(B, [[2.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(to_np(B, B.argsort(x, axis=0)), [[1, 0], [0, 1]])
    np.testing.assert_array_equal(to_np(B, B.argsort(x, axis=None)), [1, 2, 3, 0])


@covers("argsort", "sort")
@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=12))
def test_argsort_is_the_stable_order_and_reads_out_the_sort(B, values):
    order = to_np(B, B.argsort(tensor(B, values)))
    stable = sorted(range(len(values)), key=lambda i: values[i])
    np.testing.assert_array_equal(order, stable)
    np.testing.assert_array_equal(to_np(B, B.sort(tensor(B, values))), np.take(values, stable))


@covers("top_k")
def test_top_k_gives_the_largest_first_with_ties_by_lowest_position(B):
    values, indices = B.top_k(tensor(B, ROWS), 3)
    assert B.dtype(indices) == "int32"
    np.testing.assert_array_equal(to_np(B, values), [[3.0, 2.0, -1.0], [9.0, 0.5, 0.5]])
    np.testing.assert_array_equal(to_np(B, indices), [[0, 2, 1], [2, 0, 1]])


@covers("top_k")
def test_top_k_with_k_zero_and_k_the_whole_axis(B):
    values, indices = B.top_k(tensor(B, [[1.0, 3.0, 2.0]]), 0)
    assert B.int_shape(values) == B.int_shape(indices) == (1, 0)
    values, indices = B.top_k(tensor(B, [[1.0, 3.0, 2.0]]), 3, sorted=False)
    np.testing.assert_array_equal(to_np(B, values), [[3.0, 2.0, 1.0]])
    np.testing.assert_array_equal(to_np(B, indices), [[1, 2, 0]])


@covers("top_k")
@pytest.mark.parametrize("k", [4, -1, 1.0, True])
def test_top_k_refuses_a_k_that_is_not_an_int_within_the_axis(B, k):
    with pytest.raises(ValueError, match=rf"top_k\(\) needs an int k from 0 to .* size 3, .*k={k}"):
        B.top_k(tensor(B, [1.0, 2.0, 3.0]), k)


@covers("top_k")
def test_top_k_refuses_a_scalar(B):
    with pytest.raises(ValueError, match=r"top_k\(\) needs an array of rank 1 or more"):
        B.top_k(tensor(B, 1.0), 1)


@covers("top_k")
@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=1, max_size=10), st.data())
def test_top_k_matches_a_descending_stable_sort(B, values, data):
    k = data.draw(st.integers(0, len(values)))
    top_values, top_indices = B.top_k(tensor(B, values), k)
    expected = sorted(range(len(values)), key=lambda i: (-values[i], i))[:k]
    np.testing.assert_array_equal(to_np(B, top_indices), expected)
    np.testing.assert_array_equal(to_np(B, top_values), np.take(values, expected))


@covers("top_k")
def test_top_k_gradient_reaches_the_chosen_positions_only(B):
    def largest_two(x):
        return B.top_k(x, 2)[0]

    gradient = weighted_sum_gradient(B, largest_two, [[1.0, 5.0, 3.0, 4.0]], [10.0, 1.0])
    np.testing.assert_array_equal(gradient, [[0.0, 10.0, 0.0, 1.0]])


@covers("top_k")
def test_top_k_gradient_through_its_indices_raises(B):
    x = tensor(B, [[1.0, 5.0, 3.0]])
    with B.GradientTape() as tape:
        tape.watch(x)
        _, indices = B.top_k(x, 2)
        loss = B.sum(B.multiply(indices, B.sum(x)))
    with pytest.raises(B.NotDifferentiableError, match="backend op 'top_k'"):
        tape.gradient(loss, x)
