"""Conformance of the running scans (``cumsum``, ``cumprod``) on every backend.

Expected values come from ``itertools.accumulate`` on rows, or are written out.
"""

from __future__ import annotations

import itertools
import operator

import numpy as np
import pytest
from conformance import covers
from gradient_checks import weighted_sum_gradient
from hypothesis import given, settings
from hypothesis import strategies as st

SCANS = {"cumsum": operator.add, "cumprod": operator.mul}
MATRIX = [[1.0, 2.0, 3.0], [4.0, -5.0, 0.5]]


def tensor(B, values, dtype="float64"):
    return B.convert_to_tensor(np.asarray(values, dtype=dtype))


def to_np(B, x):
    return B.convert_to_numpy(x)


def accumulate(rows, step) -> list:
    return [list(itertools.accumulate(row, step)) for row in rows]


@covers(*SCANS)
@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_runs_along_the_last_axis(B, name):
    result = getattr(B, name)(tensor(B, MATRIX), axis=-1)
    np.testing.assert_array_equal(to_np(B, result), accumulate(MATRIX, SCANS[name]))


@covers(*SCANS)
@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_runs_down_axis_0(B, name):
    result = getattr(B, name)(tensor(B, MATRIX), axis=0)
    columns = accumulate(np.transpose(MATRIX).tolist(), SCANS[name])
    np.testing.assert_array_equal(to_np(B, result), np.transpose(columns))


@covers(*SCANS)
@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_without_axis_runs_over_the_flattened_array(B, name):
    result = getattr(B, name)(tensor(B, MATRIX))
    assert B.int_shape(result) == (6,)
    np.testing.assert_array_equal(to_np(B, result), accumulate([sum(MATRIX, [])], SCANS[name])[0])


@covers(*SCANS)
@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_keeps_the_dtype_unless_told(B, name):
    scan = getattr(B, name)
    assert B.dtype(scan(tensor(B, [1, 2], "int32"))) == "int32"
    assert B.dtype(scan(tensor(B, [1.0, 2.0], "float32"))) == "float32"
    assert B.dtype(scan(tensor(B, [True, True], "bool"))) == "int32"
    told = scan(tensor(B, [1, 2, 3], "int32"), dtype="float64")
    assert B.dtype(told) == "float64"
    np.testing.assert_array_equal(to_np(B, told), accumulate([[1, 2, 3]], SCANS[name])[0])


@covers("cumsum")
def test_cumsum_of_booleans_counts_the_trues(B):
    flags = tensor(B, [True, False, True, True], "bool")
    np.testing.assert_array_equal(to_np(B, B.cumsum(flags)), [1, 1, 2, 3])


@covers("cumsum")
def test_cumsum_gradient_is_the_reversed_running_sum(B):
    gradient = weighted_sum_gradient(B, B.cumsum, [1.0, 2.0, 3.0], [1.0, 10.0, 100.0])
    np.testing.assert_array_equal(gradient, [111.0, 110.0, 100.0])


@covers("cumprod")
def test_cumprod_gradient_at_a_zero_is_exact(B):
    # out = [2, 0, 0]: d out[1] / d x[1] = 2, d out[2] / d x[1] = 2 * 3; nothing reaches x[2].
    gradient = weighted_sum_gradient(B, B.cumprod, [2.0, 0.0, 3.0])
    np.testing.assert_array_equal(gradient, [1.0, 8.0, 0.0])


@covers(*SCANS)
@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=1, max_size=10))
def test_scan_agrees_with_accumulate(B, values):
    for name, step in SCANS.items():
        result = to_np(B, getattr(B, name)(tensor(B, values, "int64")))
        np.testing.assert_array_equal(result, list(itertools.accumulate(values, step)))
