"""Conformance of dynamic slicing (``slice``, ``slice_update``) on every backend.

Expected values are Python slices of nested lists or written out.
"""

from __future__ import annotations

import numpy as np
import pytest
from conformance import covers
from hypothesis import given, settings
from hypothesis import strategies as st

GRID = np.arange(20.0).reshape(4, 5)


def tensor(B, values, dtype="float64"):
    return B.convert_to_tensor(np.asarray(values, dtype=dtype))


def to_np(B, x):
    return B.convert_to_numpy(x)


@covers("slice")
def test_slice_reads_the_box_at_the_start_indices(B):
    result = B.slice(tensor(B, GRID), [1, 2], (2, 3))
    np.testing.assert_array_equal(to_np(B, result), [[7.0, 8.0, 9.0], [12.0, 13.0, 14.0]])


@covers("slice")
def test_slice_takes_computed_start_indices_and_minus_one_sizes(B):
    starts = B.convert_to_tensor(np.array([2, 1], dtype="int32"))
    result = B.slice(tensor(B, GRID), starts, [-1, 2])
    np.testing.assert_array_equal(to_np(B, result), [[11.0, 12.0], [16.0, 17.0]])


@covers("slice")
def test_slice_returns_a_copy(B):
    x = tensor(B, GRID)
    result = to_np(B, B.slice(x, [0, 0], (1, 1)))
    result[0, 0] = -1.0
    np.testing.assert_array_equal(to_np(B, x), GRID)


@covers("slice")
@pytest.mark.parametrize(
    ("starts", "shape", "message"),
    [
        ([3, 0], (2, 5), r"box does not fit on axis 0 .* starts at 3 with size 2"),
        ([-1, 0], (1, 1), r"box does not fit on axis 0 .* starts at -1"),
        ([0, 0, 0], (1, 1, 1), r"needs one start index and one size per axis of inputs \(rank 2"),
        ([0.0, 1.0], (1, 1), r"needs start_indices as a list of ints"),
    ],
)
def test_slice_refuses_a_box_that_does_not_fit(B, starts, shape, message):
    with pytest.raises(ValueError, match=rf"slice\(\) {message}"):
        B.slice(tensor(B, GRID), starts, shape)


@covers("slice")
def test_slice_refuses_a_shape_that_is_not_a_sequence(B):
    with pytest.raises(TypeError, match=r"slice\(\) needs shape as a list or tuple of ints"):
        B.slice(tensor(B, GRID), [0, 0], 2)


@covers("slice_update")
def test_slice_update_replaces_the_box_in_a_copy(B):
    x = tensor(B, np.zeros((3, 4)))
    result = B.slice_update(x, [1, 1], tensor(B, [[1.0, 2.0], [3.0, 4.0]]))
    expected = [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0]]
    np.testing.assert_array_equal(to_np(B, result), expected)
    np.testing.assert_array_equal(to_np(B, x), np.zeros((3, 4)))


@covers("slice_update")
def test_slice_update_keeps_the_dtype_of_inputs(B):
    x = tensor(B, np.zeros((2, 2)), "int32")
    result = B.slice_update(x, [0, 1], tensor(B, [[7.9], [2.0]], "float32"))
    assert B.dtype(result) == "int32"
    np.testing.assert_array_equal(to_np(B, result), [[0, 7], [0, 2]])


@covers("slice_update")
def test_slice_update_refuses_updates_that_do_not_fit(B):
    x = tensor(B, np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"slice_update\(\) box does not fit on axis 1"):
        B.slice_update(x, [0, 3], tensor(B, np.ones((1, 2))))
    with pytest.raises(ValueError, match=r"slice_update\(\) needs updates of the same rank"):
        B.slice_update(x, [0, 0], tensor(B, np.ones(2)))


@covers("slice_update")
def test_slice_update_gradient_splits_between_inputs_and_updates(B):
    x = tensor(B, np.zeros((2, 3)))
    updates = tensor(B, [[1.0, 1.0]])
    weights = tensor(B, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with B.GradientTape() as tape:
        tape.watch([x, updates])
        loss = B.sum(B.multiply(B.slice_update(x, [1, 0], updates), weights))
    gradient_x, gradient_updates = tape.gradient(loss, [x, updates])
    np.testing.assert_array_equal(to_np(B, gradient_x), [[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]])
    np.testing.assert_array_equal(to_np(B, gradient_updates), [[4.0, 5.0]])


@covers("slice", "slice_update")
@settings(max_examples=25, deadline=None)
@given(st.data())
def test_slice_reads_back_what_slice_update_wrote(B, data):
    starts = [data.draw(st.integers(0, length - 1)) for length in GRID.shape]
    shape = [
        data.draw(st.integers(0, length - start))
        for start, length in zip(starts, GRID.shape, strict=True)
    ]
    updates = -np.arange(float(np.prod(shape))).reshape(shape) - 1
    written = B.slice_update(tensor(B, GRID), starts, tensor(B, updates))
    np.testing.assert_array_equal(to_np(B, B.slice(written, starts, shape)), updates)
    box = tuple(slice(s, s + n) for s, n in zip(starts, shape, strict=True))
    untouched = np.ones(GRID.shape, bool)
    untouched[box] = False
    np.testing.assert_array_equal(to_np(B, written)[untouched], GRID[untouched])
