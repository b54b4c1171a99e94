"""Gradients through ``gk.ops`` that are composed from several backend ops.

An op the backend has no function for (``arcsinh``, ``logaddexp``,
``quantile``, ``sparsemax``, ...) is built from backend primitives, and its
gradient is whatever the tape makes of that composition. Each case here
checks it against central differences in float64 (``gradient_checks``),
including the points where a careless composition goes wrong: 0 for the
odd extensions, ties for ``logaddexp``, zeros of the divisor for
``divide_no_nan``.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import Case, run_gradient_check

from graphkeras import backend as B
from graphkeras import ops

pytestmark = pytest.mark.usefixtures("backend")

rng = np.random.default_rng(99)


def uniform(*shape: int, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return rng.uniform(low, high, size=shape)


WITH_ZERO = np.array([[0.0, 0.7, -1.3], [2.1, -0.4, 1e-3]])

CASES = [
    Case("log2", "positive", lambda B, x: ops.log2(x), [uniform(2, 3, low=0.2)]),
    Case("log10", "positive", lambda B, x: ops.log10(x), [uniform(2, 3, low=0.2)]),
    Case("exp2", "any", lambda B, x: ops.exp2(x), [uniform(2, 3)]),
    Case("logaddexp", "apart", lambda B, x, y: ops.logaddexp(x, y), [uniform(2, 3), uniform(2, 3)]),
    Case("logaddexp", "ties", lambda B, x: ops.logaddexp(x, ops.copy(x)), [uniform(2, 3)]),
    Case("logaddexp2", "apart", lambda B, x, y: ops.logaddexp2(x, y), [uniform(3), uniform(3)]),
    Case("hypot", "any", lambda B, x, y: ops.hypot(x, y), [uniform(2, 3), uniform(2, 3)]),
    Case("cbrt", "away from 0", lambda B, x: ops.cbrt(x), [np.array([-2.0, -0.3, 0.5, 1.7])]),
    Case("arcsinh", "with 0", lambda B, x: ops.arcsinh(x), [WITH_ZERO]),
    Case("arccosh", "above 1", lambda B, x: ops.arccosh(x), [uniform(2, 3, low=1.1, high=4.0)]),
    Case("arctanh", "with 0", lambda B, x: ops.arctanh(x), [WITH_ZERO * 0.4]),
    Case("sinc", "with 0", lambda B, x: ops.sinc(x), [WITH_ZERO]),
    Case("deg2rad", "any", lambda B, x: ops.deg2rad(x), [uniform(3)]),
    Case(
        "heaviside",
        "the value at 0",
        lambda B, x, y: ops.heaviside(x, y),
        [np.array([-1.0, 0.0, 2.0, 0.0]), uniform(4)],
        watched=(1,),
    ),
    Case(
        "divide_no_nan",
        "zeros in x2",
        lambda B, x, y: ops.divide_no_nan(x, y),
        [uniform(2, 3), np.array([[0.5, 0.0, -1.2], [0.0, 2.0, 0.9]])],
        watched=(0,),
    ),
    Case(
        "divide_no_nan",
        "nonzero x2",
        lambda B, x, y: ops.divide_no_nan(x, y),
        [uniform(2, 3), uniform(2, 3, low=0.5)],
    ),
    Case(
        "fmod",
        "signs mixed",
        lambda B, x, y: ops.fmod(x, y),
        [np.array([5.3, -5.3, 5.3, -0.7]), np.array([2.0, 2.0, -2.0, 0.3])],
    ),
    Case(
        "fmax",
        "with NaN",
        lambda B, x, y: ops.fmax(x, y),
        [np.array([1.0, np.nan, -2.0]), np.array([0.5, 3.0, -1.0])],
        watched=(1,),
    ),
    Case(
        "nan_to_num",
        "finite entries",
        lambda B, x: ops.nan_to_num(ops.where(x > 1.5, np.inf, x), posinf=5.0),
        [uniform(2, 3)],
    ),
    Case("kron", "matrices", lambda B, x, y: ops.kron(x, y), [uniform(2, 2), uniform(2, 3)]),
    Case(
        "tensordot",
        "pairs",
        lambda B, x, y: ops.tensordot(x, y, axes=([0, 2], [1, 0])),
        [uniform(2, 3, 4), uniform(4, 2)],
    ),
    Case("inner", "matrices", lambda B, x, y: ops.inner(x, y), [uniform(2, 3), uniform(4, 3)]),
    Case("cross", "3-vectors", lambda B, x, y: ops.cross(x, y), [uniform(2, 3), uniform(2, 3)]),
    Case("diag", "above", lambda B, x: ops.diag(x, k=1), [uniform(3)]),
    Case("vander", "floats", lambda B, x: ops.vander(x, 4), [uniform(3)]),
    Case("rot90", "once", lambda B, x: ops.rot90(x), [uniform(2, 3)]),
    Case("diff", "twice", lambda B, x: ops.diff(x, 2), [uniform(2, 5)]),
    Case(
        "quantile",
        "linear",
        lambda B, x: ops.quantile(x, np.array([0.3, 0.8]), axis=1),
        [uniform(2, 5)],
    ),
    Case("median", "even count", lambda B, x: ops.median(x, axis=0), [uniform(4, 3)]),
    Case(
        "nanvar",
        "with NaN",
        lambda B, x: ops.nanvar(ops.where(x > 1.5, np.nan, x), axis=1),
        [uniform(3, 4)],
    ),
    Case(
        "nanquantile",
        "with NaN",
        lambda B, x: ops.nanquantile(ops.where(x > 1.2, np.nan, x), 0.4, axis=1),
        [uniform(3, 5)],
    ),
    Case("trapezoid", "points", lambda B, y, x: ops.trapezoid(y, x), [uniform(2, 4), uniform(4)]),
    Case("corrcoef", "rows", lambda B, x: ops.corrcoef(x), [uniform(3, 5)]),
    Case(
        "select",
        "two conditions",
        lambda B, x, y: ops.select([x > 0.5, x < -0.5], [x, y]),
        [uniform(2, 3), uniform(2, 3)],
    ),
    # ------------------------------------------------------------------ nn
    Case("log_sigmoid", "any", lambda B, x: ops.log_sigmoid(x), [uniform(2, 3) * 5]),
    Case("squareplus", "any", lambda B, x: ops.squareplus(x), [uniform(2, 3)]),
    Case("sparse_plus", "each piece", lambda B, x: ops.sparse_plus(x), [uniform(2, 4) * 1.5]),
    Case("soft_shrink", "each piece", lambda B, x: ops.soft_shrink(x), [uniform(2, 4)]),
    Case("glu", "halves", lambda B, x: ops.glu(x), [uniform(2, 4)]),
    Case(
        "sparsemax", "two kept", lambda B, x: ops.sparsemax(x), [np.array([[1.0, 0.8, 0.1, -1.0]])]
    ),
    Case("sparsemax", "rows", lambda B, x: ops.sparsemax(ops.multiply(x, 0.5)), [uniform(3, 5)]),
    Case(
        "dot_product_attention",
        "grouped, masked, causal",
        lambda B, q, k, v: ops.dot_product_attention(
            q, k, v, mask=np.array([[[[True, True, False]]]]), is_causal=True
        ),
        [uniform(1, 3, 2, 2), uniform(1, 3, 1, 2), uniform(1, 3, 1, 2)],
    ),
    Case(
        "dot_product_attention",
        "bias and scale",
        lambda B, q, k, v, b: ops.dot_product_attention(q, k, v, bias=b, scale=0.7),
        [uniform(1, 2, 2, 3), uniform(1, 4, 2, 3), uniform(1, 4, 2, 3), uniform(1, 2, 2, 4)],
    ),
    Case(
        "layer_normalization",
        "gamma and beta",
        lambda B, x, g, b: ops.layer_normalization(x, g, b),
        [uniform(2, 4), uniform(4), uniform(4)],
    ),
    Case(
        "rms_normalization",
        "scale",
        lambda B, x, s: ops.rms_normalization(x, s, axis=0),
        [uniform(3, 2), uniform(2)],
    ),
    Case(
        "batch_normalization",
        "every input",
        lambda B, x, m, v, o, s: ops.batch_normalization(x, m, v, 1, o, s),
        [uniform(2, 3), uniform(3), uniform(3, low=0.5), uniform(3), uniform(3)],
    ),
    Case(
        "adaptive_average_pool",
        "overlap",
        lambda B, x: ops.adaptive_average_pool(x, 3),
        [uniform(1, 7, 2)],
    ),
    Case(
        "adaptive_max_pool", "overlap", lambda B, x: ops.adaptive_max_pool(x, 2), [uniform(1, 5, 2)]
    ),
    Case("depth_to_space", "blocks", lambda B, x: ops.depth_to_space(x, 2), [uniform(1, 2, 1, 4)]),
    Case("psnr", "two images", lambda B, x, y: ops.psnr(x, y, 1.0), [uniform(2, 3), uniform(2, 3)]),
    # -------------------------------------------------- math, image, core
    Case("cdist", "rows", lambda B, x, y: ops.cdist(x, y), [uniform(2, 3), uniform(4, 3)]),
    Case(
        "segment_max",
        "rows by segment",
        lambda B, x: ops.segment_max(x, np.array([1, 0, 1, 1]), 2),
        [uniform(4, 2)],
    ),
    Case(
        "segment_prod",
        "rows by segment",
        lambda B, x: ops.segment_prod(x, np.array([1, 0, 1, 1]), 3),
        [uniform(4, 2)],
    ),
    Case(
        "extract_patches",
        "2 x 2",
        lambda B, x: ops.image.extract_patches(x, 2),
        [uniform(1, 4, 4, 2)],
    ),
    Case(
        "scatter_update",
        "last wins",
        lambda B, x, u: ops.scatter_update(x, np.array([[2], [0], [2]]), u),
        [uniform(4, 2), uniform(3, 2)],
    ),
    Case(
        "scatter",
        "repeats add",
        lambda B, v: ops.scatter(np.array([[1, 0], [1, 0], [0, 2]]), v, (2, 3)),
        [uniform(3)],
    ),
    Case(
        "associative_scan",
        "products",
        lambda B, x: ops.associative_scan(ops.multiply, x, axis=1),
        [uniform(2, 4)],
    ),
    Case(
        "solve_triangular",
        "upper",
        lambda B, a, b: ops.solve_triangular(a, b),
        [uniform(3, 3) + 3 * np.eye(3), uniform(3, 2)],
    ),
    Case(
        "cholesky_inverse",
        "lower",
        lambda B, x: ops.cholesky_inverse(x),
        [np.tril(uniform(3, 3, low=0.2)) + np.eye(3)],
    ),
    Case(
        "matrix_power",
        "negative",
        lambda B, x: ops.matrix_power(x, -3),
        [uniform(2, 2) + 3 * np.eye(2)],
    ),
    Case(
        "slogdet",
        "log magnitude",
        lambda B, x: ops.slogdet(x)[1],
        [uniform(2, 3, 3) + 3 * np.eye(3)],
    ),
    Case("matrix_power", "positive", lambda B, x: ops.matrix_power(x, 5), [uniform(3, 3) * 0.5]),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.op}[{case.id}]")
def test_the_gradient_of_a_composed_op_is_its_derivative(case):
    run_gradient_check(B, case)
