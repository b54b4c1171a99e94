"""Accuracy of the NumPy backend's float32 ``erf`` and exact ``gelu`` and of gelu's gradient.

References are Python's ``math.erf`` / ``math.erfc`` in float64 on each
float32 input, over dense grids reaching far into the tails, tiny
magnitudes, random draws, and the special values (signed zeros, infinities,
nan). The bounds are what the implementations state: erf within 2e-7
absolute everywhere; float32 gelu within 1e-6 relative (a few float32
roundings: at x = -3 a half-ulp change of x itself moves gelu by ten ulps)
and within 3e-7 relative above x = -1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from graphkeras.backend.numpy_backend import gradients, nn

GRID = np.concatenate(
    [
        np.linspace(-16.0, 16.0, 128_001),
        np.geomspace(1e-38, 16.0, 4000),
        -np.geomspace(1e-38, 16.0, 4000),
        np.random.default_rng(0).standard_normal(20_000) * 3,
    ]
).astype("float32")


def exact_gelu(values: np.ndarray) -> np.ndarray:
    return np.array([0.5 * v * math.erfc(-v / math.sqrt(2.0)) for v in values.astype("float64")])


def exact_gelu_derivative(values: np.ndarray) -> np.ndarray:
    return np.array(
        [
            0.5 * math.erfc(-v / math.sqrt(2.0)) + v * math.exp(-v * v / 2) / math.sqrt(2 * math.pi)
            for v in values.astype("float64")
        ]
    )


def test_float32_erf_is_within_2e_minus_7_of_math_erf_on_the_whole_line():
    result = nn.erf(GRID)
    assert result.dtype == np.float32
    expected = np.array([math.erf(v) for v in GRID.astype("float64")])
    np.testing.assert_allclose(result.astype("float64"), expected, rtol=0, atol=2e-7)


def test_erf_special_values():
    values = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e30, -1e30], "float32")
    result = nn.erf(values)
    np.testing.assert_array_equal(result, [0.0, -0.0, 1.0, -1.0, np.nan, 1.0, -1.0])
    assert np.signbit(result[1]) and not np.signbit(result[0])


def test_float32_gelu_has_relative_accuracy_everywhere():
    result = nn.gelu(GRID)
    assert result.dtype == np.float32
    expected = exact_gelu(GRID)
    normal = np.abs(expected) >= np.finfo("float32").tiny
    relative = np.abs(result.astype("float64") - expected)[normal] / np.abs(expected[normal])
    assert relative.max() < 1e-6
    assert relative[GRID[normal] >= -1].max() < 3e-7
    # Below float32's smallest normal number only the absolute error means anything.
    np.testing.assert_allclose(result[~normal], expected[~normal], rtol=0, atol=1e-44)


def test_float32_gelu_matches_the_float64_path():
    single = nn.gelu(GRID).astype("float64")
    double = nn.gelu(GRID.astype("float64"))
    np.testing.assert_allclose(single, double, rtol=1e-6, atol=1e-44)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_gelu_special_values(dtype):
    values = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 6e4, -6e4, 1e-7, -1e-7], dtype)
    result = nn.gelu(values)
    assert result.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(result[:3], [0.0, 0.0, np.inf])
    assert np.isnan(result[3]) and np.isnan(result[4])  # -inf * P(X <= -inf) is -inf * 0
    np.testing.assert_array_equal(result[5:7], np.array([6e4, 0.0], dtype))
    tiny = values[7:].astype("float64")
    np.testing.assert_allclose(result[7:], tiny / 2 + tiny**2 / math.sqrt(2 * math.pi), rtol=1e-3)


def test_float32_gelu_of_huge_inputs_is_x_above_and_zero_below():
    values = np.array([1e6, 3e38, -1e6, -3e38, 5.9, -5.9], "float32")
    result = nn.gelu(values)
    np.testing.assert_array_equal(result[:4], [values[0], values[1], 0.0, 0.0])
    np.testing.assert_allclose(result[4:], exact_gelu(values[4:]), rtol=1e-6)


def test_float32_gelu_over_several_chunks_with_tails_in_some(monkeypatch):
    monkeypatch.setattr(nn, "_CHUNK", 1000)
    values = np.random.default_rng(1).standard_normal((7, 1103)).astype("float32") * 2.5
    result = nn.gelu(values)
    assert result.shape == values.shape
    np.testing.assert_allclose(result, exact_gelu(values.reshape(-1)).reshape(7, 1103), rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gelu_derivative_from_the_forward_output_matches_the_formula(dtype):
    values = GRID.astype(dtype)
    derivative = gradients._exact_gelu_derivative(values, nn.gelu(values))
    assert derivative.dtype == np.dtype(dtype)
    expected = exact_gelu_derivative(values)
    np.testing.assert_allclose(derivative, expected, rtol=0, atol=3e-7)


def test_gelu_derivative_at_zero_and_tiny_inputs_is_one_half():
    values = np.array([0.0, -0.0, 1e-40, -1e-40, 1e-20], "float32")
    derivative = gradients._exact_gelu_derivative(values, nn.gelu(values))
    np.testing.assert_allclose(derivative, 0.5, rtol=0, atol=1e-7)


def test_gelu_gradient_through_the_tape_matches_the_formula():
    import graphkeras.backend as K

    values = np.linspace(-6, 6, 1001).astype("float32")
    x = K.convert_to_tensor(values)
    with K.GradientTape() as tape:
        tape.watch(x)
        target = K.sum(K.gelu(x))
    (gradient,) = tape.gradient(target, [x])
    expected = exact_gelu_derivative(values)
    np.testing.assert_allclose(K.convert_to_numpy(gradient), expected, rtol=0, atol=3e-7)
