"""Conformance of the element-wise math ops (``sin``, ``log1p``, ``floor``, ``mod``, ...).

Expected values come from Python's ``math`` module applied entry by entry, or
are written out, never from the backend itself. Dtypes follow Keras 3: the
real-valued functions give ``floatx()`` for integer inputs and keep a float
input's dtype.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conformance import covers
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras.backend as K

POINTS = [-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 3.0]
UNIT = [-1.0, -0.6, 0.0, 0.25, 0.9, 1.0]

# name: (the math-module function, points inside its domain)
REAL_FUNCTIONS = {
    "log1p": (math.log1p, [-0.9, -1e-10, 0.0, 1e-12, 0.5, 3.0]),
    "expm1": (math.expm1, [-3.0, -1e-10, 0.0, 1e-12, 0.5, 2.0]),
    "sin": (math.sin, POINTS),
    "cos": (math.cos, POINTS),
    "tan": (math.tan, POINTS),
    "arcsin": (math.asin, UNIT),
    "arccos": (math.acos, UNIT),
    "arctan": (math.atan, POINTS),
    "sinh": (math.sinh, POINTS),
    "cosh": (math.cosh, POINTS),
    "reciprocal": (lambda v: 1.0 / v, [-4.0, -0.5, 0.25, 2.0, 8.0]),
    "floor": (math.floor, [-2.5, -1.0, -0.3, 0.0, 0.7, 2.0]),
    "ceil": (math.ceil, [-2.5, -1.0, -0.3, 0.0, 0.7, 2.0]),
}


def tensor(B, values, dtype="float64"):
    return B.convert_to_tensor(np.asarray(values, dtype=dtype))


def to_np(B, x):
    return B.convert_to_numpy(x)


@covers(*REAL_FUNCTIONS)
@pytest.mark.parametrize("name", sorted(REAL_FUNCTIONS))
def test_real_function_matches_the_math_module(B, name):
    reference, points = REAL_FUNCTIONS[name]
    result = getattr(B, name)(tensor(B, points))
    expected = [float(reference(v)) for v in points]
    np.testing.assert_allclose(to_np(B, result), expected, rtol=1e-14)


@covers(*REAL_FUNCTIONS)
@pytest.mark.parametrize("name", sorted(REAL_FUNCTIONS))
def test_real_function_of_integers_is_computed_in_floatx(B, name):
    result = getattr(B, name)(tensor(B, [1], "int32"))
    assert B.dtype(result) == K.floatx()
    np.testing.assert_allclose(to_np(B, result), [REAL_FUNCTIONS[name][0](1.0)], rtol=1e-6)


@covers(*REAL_FUNCTIONS)
@pytest.mark.parametrize("name", sorted(REAL_FUNCTIONS))
def test_real_function_keeps_float32(B, name):
    assert B.dtype(getattr(B, name)(tensor(B, [0.5], "float32"))) == "float32"


@covers("log1p", "expm1")
def test_log1p_and_expm1_keep_the_digits_near_zero(B):
    tiny = tensor(B, [1e-18, -3e-17])
    np.testing.assert_array_equal(to_np(B, B.log1p(tiny)), [1e-18, -3e-17])
    np.testing.assert_array_equal(to_np(B, B.expm1(tiny)), [1e-18, -3e-17])


@covers("arcsin", "arccos")
def test_arcsin_and_arccos_outside_the_unit_interval_give_nan(B):
    with np.errstate(invalid="ignore"):
        assert np.isnan(to_np(B, B.arcsin(tensor(B, [1.5])))).all()
        assert np.isnan(to_np(B, B.arccos(tensor(B, [-1.5])))).all()


@covers("arctan2")
def test_arctan2_picks_the_quadrant(B):
    y = [1.0, 1.0, -1.0, -1.0, 0.0, 2.0]
    x = [1.0, -1.0, -1.0, 1.0, -1.0, 0.0]
    expected = [math.atan2(a, b) for a, b in zip(y, x, strict=True)]
    np.testing.assert_allclose(to_np(B, B.arctan2(tensor(B, y), tensor(B, x))), expected, 1e-15)


@covers("arctan2")
def test_arctan2_broadcasts_and_promotes(B):
    column = tensor(B, [[1.0], [-2.0]], "float32")
    result = B.arctan2(column, 3.0)
    assert B.dtype(result) == "float32"
    assert B.int_shape(B.arctan2(column, tensor(B, [1.0, 2.0, 3.0], "float32"))) == (2, 3)
    np.testing.assert_allclose(to_np(B, result), [[math.atan2(1, 3)], [math.atan2(-2, 3)]], 1e-6)
    assert B.dtype(B.arctan2(tensor(B, [1], "int32"), tensor(B, [2], "int32"))) == K.floatx()


@covers("round")
def test_round_sends_halves_to_the_even_neighbour(B):
    x = tensor(B, [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6])
    np.testing.assert_array_equal(to_np(B, B.round(x)), [-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, 3.0])


@covers("round")
def test_round_to_decimals_and_to_tens(B):
    np.testing.assert_allclose(to_np(B, B.round(tensor(B, [1.2345, -0.678]), 2)), [1.23, -0.68])
    integers = tensor(B, [14, 15, 26, -36], "int32")
    result = B.round(integers, -1)
    assert B.dtype(result) == "int32"
    np.testing.assert_array_equal(to_np(B, result), [10, 20, 30, -40])


@covers("round")
def test_round_refuses_non_integer_decimals(B):
    with pytest.raises(TypeError, match=r"round\(\) expects an int decimals, received 1.5"):
        B.round(tensor(B, [1.0]), 1.5)


@covers("floor_divide", "mod")
def test_floor_divide_and_mod_follow_python(B):
    x1 = [7, -7, 7, -7, 0]
    x2 = [2, 2, -2, -2, 3]
    quotient = B.floor_divide(tensor(B, x1, "int32"), tensor(B, x2, "int32"))
    remainder = B.mod(tensor(B, x1, "int32"), tensor(B, x2, "int32"))
    assert (B.dtype(quotient), B.dtype(remainder)) == ("int32", "int32")
    np.testing.assert_array_equal(to_np(B, quotient), [a // b for a, b in zip(x1, x2, strict=True)])
    np.testing.assert_array_equal(to_np(B, remainder), [a % b for a, b in zip(x1, x2, strict=True)])


@covers("floor_divide", "mod")
def test_floor_divide_and_mod_of_floats_broadcast(B):
    x = tensor(B, [[5.5], [-5.5]])
    np.testing.assert_array_equal(to_np(B, B.floor_divide(x, 2.0)), [[2.0], [-3.0]])
    remainders = B.mod(x, tensor(B, [2.0, -2.0]))
    np.testing.assert_array_equal(to_np(B, remainders), [[1.5, -0.5], [0.5, -1.5]])


@covers("floor_divide", "mod")
@settings(max_examples=25, deadline=None)
@given(
    x1=st.lists(st.integers(-1000, 1000), min_size=1, max_size=8),
    divisor=st.integers(-50, 50).filter(lambda d: d != 0),
)
def test_floor_divide_times_divisor_plus_mod_gives_back_the_dividend(B, x1, divisor):
    quotient = to_np(B, B.floor_divide(tensor(B, x1, "int64"), divisor))
    remainder = to_np(B, B.mod(tensor(B, x1, "int64"), divisor))
    np.testing.assert_array_equal(quotient * divisor + remainder, x1)
    assert np.all(np.abs(remainder) < abs(divisor))
    assert np.all((remainder == 0) | (np.sign(remainder) == np.sign(divisor)))


FLOAT_TESTS = {
    "isnan": [False, False, False, True, False],
    "isinf": [False, True, True, False, False],
    "isfinite": [True, False, False, False, True],
}


@covers(*FLOAT_TESTS)
@pytest.mark.parametrize("name", sorted(FLOAT_TESTS))
def test_float_test_gives_a_bool_array(B, name):
    x = tensor(B, [1.0, math.inf, -math.inf, math.nan, -0.0])
    result = getattr(B, name)(x)
    assert B.dtype(result) == "bool"
    np.testing.assert_array_equal(to_np(B, result), FLOAT_TESTS[name])


@covers(*FLOAT_TESTS)
def test_float_tests_of_integers_find_every_entry_finite(B):
    integers = tensor(B, [0, -3], "int32")
    np.testing.assert_array_equal(to_np(B, B.isnan(integers)), [False, False])
    np.testing.assert_array_equal(to_np(B, B.isinf(integers)), [False, False])
    np.testing.assert_array_equal(to_np(B, B.isfinite(integers)), [True, True])


@covers("logical_xor")
def test_logical_xor_truth_table_and_broadcasting(B):
    x1 = tensor(B, [True, True, False, False], "bool")
    x2 = tensor(B, [True, False, True, False], "bool")
    result = B.logical_xor(x1, x2)
    assert B.dtype(result) == "bool"
    np.testing.assert_array_equal(to_np(B, result), [False, True, True, False])
    column = tensor(B, [[True], [False]], "bool")
    np.testing.assert_array_equal(to_np(B, B.logical_xor(column, x2)), [[0, 1, 0, 1], [1, 0, 1, 0]])


@covers("logical_xor")
def test_logical_xor_reads_numbers_by_their_truth(B):
    result = B.logical_xor(tensor(B, [0.0, 2.0, -1.0]), tensor(B, [0.0, 0.0, 3.0]))
    np.testing.assert_array_equal(to_np(B, result), [False, True, False])


@covers("sin", "cos", "sinh", "cosh")
@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-20.0, 20.0), min_size=1, max_size=8))
def test_sines_and_cosines_agree_with_their_identities_and_math(B, values):
    x = tensor(B, values)
    sin, cos = to_np(B, B.sin(x)), to_np(B, B.cos(x))
    np.testing.assert_allclose(sin**2 + cos**2, 1.0, rtol=1e-14)
    # atol: XLA flushes subnormal results to zero (sinh of a subnormal x is x).
    np.testing.assert_allclose(
        to_np(B, B.sinh(x)), [math.sinh(v) for v in values], rtol=1e-14, atol=1e-300
    )
    np.testing.assert_allclose(to_np(B, B.cosh(x)), [math.cosh(v) for v in values], rtol=1e-14)
