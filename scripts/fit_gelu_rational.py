"""Fit the rational function the float32 exact ``gelu`` kernel uses (``nn.py``).

The kernel writes the normal cdf as a logistic, ``Φ(x) = 1 / (1 + exp(-z))``
with ``z = logit(Φ(x)) = x * N(x²) / D(x²)``, so that ``gelu(x) = x / (1 +
exp(-z))`` needs one ``exp`` and keeps relative accuracy on both sides of 0.
This script fits ``N`` and ``D`` (degree 3 each, ``D(0) = 1``) on ``0 <= x <=
3``, minimising the absolute error of ``z`` (which is the relative error it
causes in ``Φ(-x)``); the kernel recomputes ``x < -3`` in float64. It also
reports the absolute error of ``Φ`` on ``0 <= x <= 8``, which is what matters
above ``x = 3``. The kernel evaluates the same function as ``z = x * (c +
x² * M(x²) / D(x²))`` with ``c = N(0)`` and ``M(s) = (N(s) - c D(s)) / s``
(degree 2): the large first term is then rounded once, and the several
roundings of the fraction only touch the smaller second one; the script
prints ``c`` and ``M`` too. The method is a linearised least-squares fit re-weighted
toward the worst points (Lawson's iteration), in float64, with ``math.erfc``
as the reference. It prints the coefficients, lowest degree first, and the
errors reached.

Run: ``python scripts/fit_gelu_rational.py``.
"""

from __future__ import annotations

import math

import numpy as np

NUMERATOR_DEGREE, DENOMINATOR_DEGREE = 3, 3
LIMIT = 3.0
POINTS, ROUNDS = 4000, 200


def logit_cdf(x: float) -> float:
    """``log(Φ(x) / (1 - Φ(x)))``, both probabilities from ``erfc`` (no cancellation)."""
    return math.log(math.erfc(-x / math.sqrt(2)) / math.erfc(x / math.sqrt(2)))


def fit() -> tuple[np.ndarray, np.ndarray, float]:
    """``(numerator, denominator, worst |error of z|)`` over ``0 < x <= LIMIT``."""
    x = ((1 - np.cos(np.linspace(0, np.pi, POINTS))) / 2 * LIMIT)[1:]
    square = x * x
    target = np.array([logit_cdf(v) for v in x]) / x
    powers_n = np.vander(square, NUMERATOR_DEGREE + 1, increasing=True)
    powers_d = np.vander(square, DENOMINATOR_DEGREE + 1, increasing=True)[:, 1:]
    system = np.hstack([powers_n, -target[:, None] * powers_d])
    weights, denominator_values = np.ones_like(x), np.ones_like(x)
    for _ in range(ROUNDS):
        scale = weights * x / denominator_values
        solution, *_ = np.linalg.lstsq(system * scale[:, None], target * scale, rcond=None)
        numerator = solution[: NUMERATOR_DEGREE + 1]
        denominator = np.concatenate([[1.0], solution[NUMERATOR_DEGREE + 1 :]])
        denominator_values = powers_d @ denominator[1:] + 1
        error = (powers_n @ numerator / denominator_values - target) * x
        weights = weights * np.abs(error) ** 0.3 + 1e-300
        weights /= weights.max()
    return numerator, denominator, float(np.max(np.abs(error)))


def cdf_error(numerator: np.ndarray, denominator: np.ndarray, upper: float = 8.0) -> float:
    """The worst absolute error of the logistic ``Φ`` over ``0 <= x <= upper``."""
    x = np.linspace(0.0, upper, 20000)
    z = x * np.polyval(numerator[::-1], x * x) / np.polyval(denominator[::-1], x * x)
    exact = np.array([math.erfc(-v / math.sqrt(2)) / 2 for v in x])
    return float(np.max(np.abs(1 / (1 + np.exp(-z)) - exact)))


def main() -> None:
    numerator, denominator, error = fit()
    print("numerator:", ", ".join(repr(float(c)) for c in numerator))
    print("denominator:", ", ".join(repr(float(c)) for c in denominator))
    slope = float(numerator[0])
    correction = [float(numerator[k] - slope * denominator[k]) for k in range(1, len(numerator))]
    print("c:", repr(slope))
    print("M:", ", ".join(repr(c) for c in correction))
    print(f"worst |error of z| for 0 <= x <= {LIMIT}: {error:.3e}")
    print(f"worst |error of cdf| for 0 <= x <= 8: {cdf_error(numerator, denominator):.3e}")
    grid = np.linspace(0.0, 1e6, 100001)
    smallest = np.min(np.polyval(denominator[::-1], grid * grid))
    print(f"smallest D(x²) for 0 <= x <= 1e6: {smallest:.3f}")


if __name__ == "__main__":
    main()
