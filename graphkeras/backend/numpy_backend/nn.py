"""Neural-network primitives on numpy arrays: bias, activations, softmax.

Each function is written to be numerically stable over the whole float range
(no overflow warnings from ``exp``) and keeps the dtype of its input.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.one_hot_arguments import check_one_hot_arguments
from graphkeras.backend.numpy_backend.core import unwrap

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


def bias_add(x, bias, data_format: str | None = None) -> np.ndarray:
    """``x`` plus ``bias`` on the channel axis: the last, or axis 1 for ``channels_first``.

    ``data_format=None`` means the global ``image_data_format()``.
    """
    x = unwrap(x)
    bias = unwrap(bias)
    data_format = config.standardize_data_format(data_format)
    if data_format == "channels_last" or x.ndim <= 2:
        return x + bias
    return x + bias.reshape((1, bias.shape[0]) + (1,) * (x.ndim - 2))


def relu(x, negative_slope: float = 0.0, max_value=None, threshold: float = 0.0) -> np.ndarray:
    """Rectified linear unit with Keras 3's options.

    The positive part is ``x`` where ``x > threshold`` (plain ``max(x, 0)`` when
    the threshold is 0), clipped to ``[0, max_value]`` when ``max_value`` is
    given; ``negative_slope * max(threshold - x, 0)`` is then subtracted.
    """
    x = unwrap(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return np.maximum(x, 0)
    zero = np.zeros((), dtype=x.dtype)
    if threshold != 0.0:
        result = np.where(x > np.asarray(threshold, dtype=x.dtype), x, zero)
    else:
        result = np.maximum(x, zero)
    if max_value is not None:
        result = np.clip(result, zero, np.asarray(max_value, dtype=x.dtype))
    if negative_slope != 0.0:
        below = np.maximum(np.asarray(threshold, dtype=x.dtype) - x, zero)
        result = result - np.asarray(negative_slope, dtype=x.dtype) * below
    return result.astype(x.dtype, copy=False)


def relu6(x) -> np.ndarray:
    """``min(max(x, 0), 6)``."""
    x = unwrap(x)
    return np.clip(x, 0, 6).astype(x.dtype, copy=False)


def leaky_relu(x, negative_slope: float = 0.2) -> np.ndarray:
    """``x`` above zero, ``negative_slope * x`` below."""
    x = unwrap(x)
    return np.where(x >= 0, x, (negative_slope * x).astype(x.dtype, copy=False))


def elu(x, alpha: float = 1.0) -> np.ndarray:
    """``x`` above zero, ``alpha * (exp(x) - 1)`` below."""
    x = unwrap(x)
    return np.where(x > 0, x, (alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False))


def selu(x) -> np.ndarray:
    """Scaled ELU with the self-normalising constants."""
    x = unwrap(x)
    scaled = _SELU_SCALE * elu(x, _SELU_ALPHA)
    return scaled.astype(x.dtype, copy=False)


def celu(x, alpha: float = 1.0) -> np.ndarray:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    x = unwrap(x)
    negative = alpha * np.expm1(np.minimum(x, 0) / alpha)
    return (np.maximum(x, 0) + negative).astype(x.dtype, copy=False)


def sigmoid(x) -> np.ndarray:
    """``1 / (1 + exp(-x))`` without overflow for large ``|x|``."""
    x = unwrap(x)
    decay = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + decay), decay / (1 + decay)).astype(x.dtype, copy=False)


def hard_sigmoid(x) -> np.ndarray:
    """Piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)`` (Keras 3)."""
    x = unwrap(x)
    return np.clip(x / 6 + 0.5, 0, 1).astype(x.dtype, copy=False)


def silu(x) -> np.ndarray:
    """``x * sigmoid(x)`` (also called swish)."""
    x = unwrap(x)
    return x * sigmoid(x)


def hard_silu(x) -> np.ndarray:
    """``x * hard_sigmoid(x)`` (also called hard swish)."""
    x = unwrap(x)
    return x * hard_sigmoid(x)


def tanh(x) -> np.ndarray:
    """Hyperbolic tangent."""
    return np.tanh(unwrap(x))


def softplus(x) -> np.ndarray:
    """``log(1 + exp(x))`` computed without overflow."""
    x = unwrap(x)
    return np.logaddexp(np.zeros((), dtype=x.dtype), x)


def softsign(x) -> np.ndarray:
    """``x / (1 + |x|)``."""
    x = unwrap(x)
    return x / (1 + np.abs(x))


def mish(x) -> np.ndarray:
    """``x * tanh(softplus(x))``."""
    x = unwrap(x)
    return x * np.tanh(softplus(x))


# erf(u) = tanh(u * P(u²)) with P the degree-6 polynomial below (coefficients
# lowest first), a weighted minimax fit of atanh(erf(u)) / u on |u| <= 4 with
# each point's error scaled by its effect on erf: relative error of erf below
# 1e-7 evaluated in float64, 3e-7 in float32. Past |u| = 4 erf is 1 to
# float32 precision and the argument is held at u² = 16 (tanh saturates).
_ERF_TANH_FORM = (
    1.128379274254257,
    0.10276905688303327,
    -0.0001918340038507934,
    -0.0006197820121470728,
    8.763664102253915e-05,
    -5.66842037625191e-06,
    1.418518244758626e-07,
)
_ERF_SQUARE_LIMIT = 16.0
# Φ(x) = 1 / (1 + exp(-z)) with z = logit(Φ(x)) = x * (c + x² M(x²) / D(x²)):
# (the fraction only corrects c by up to 40% for |x| <= 3, so its roundings
# reach z diminished)
# c and the coefficients of M and D (lowest degree first) from
# ``scripts/fit_gelu_rational.py``: z within 5.4e-9 of logit(Φ) for
# |x| <= 3, and Φ within 5.2e-9 of the normal cdf from 0 to 8 (past which
# z > 70 and exp(-z) vanishes). All coefficients are positive, so D has no
# real root and z grows like 9.3 x.
_GELU_SLOPE = 1.5957691316976592
_GELU_NUMERATOR = (0.07267123398139225, 0.005679720752754249, 0.00033000136453159405)
_GELU_DENOMINATOR = (
    1.0,
    0.07917618730243742,
    0.0060547332378195345,
    4.265657734126016e-05,
)
# Below this x the float32 result is recomputed in float64 (0.13% of standard
# normal data): there exp(-z) would carry the rounding of z (about 6e-8 * |z|
# relative, with |z| > 6.6) into the tiny cdf.
_GELU_TAIL = -3.0
# From this x up, gelu is x in float32 (and x² would overflow the rational).
_GELU_LARGE = 1e6
# Elements per chunk of the float32 kernels: their scratch stays in the core's cache.
_CHUNK = 1 << 16


def _chunked(x: np.ndarray, kernel) -> np.ndarray:
    """``kernel(chunk, out)`` over cache-sized pieces of ``x`` (flattened), into a new array.

    Each elementwise pass of a polynomial then reads and writes the cache,
    not main memory, which is what makes a dozen passes cost a few.
    """
    flat = np.ascontiguousarray(x).reshape(-1)
    result = np.empty_like(flat)
    for start in range(0, flat.size, _CHUNK):
        kernel(flat[start : start + _CHUNK], result[start : start + _CHUNK])
    return result.reshape(x.shape)


def _tanh_of_odd_polynomial(x: np.ndarray, coefficients: tuple, square_limit: float, out):
    """``out = tanh(x * P(min(x², square_limit)))``, in ``x``'s dtype, with ``P`` by Horner."""
    square = np.multiply(x, x)
    np.minimum(square, square_limit, out=square)
    np.multiply(square, coefficients[-1], out=out)
    out += coefficients[-2]
    for coefficient in reversed(coefficients[:-2]):
        out *= square
        out += coefficient
    out *= x
    np.tanh(out, out=out)


def erf(x) -> np.ndarray:
    """The error function, with relative error below 1.2e-7 (3e-7 for float32), dtype kept.

    float32 (and float16) input is computed in float32 as ``tanh(x * P(x²))``
    (see ``_ERF_TANH_FORM``), one ``tanh`` and a short polynomial. Other input
    is computed in float64 as ``1 - erfc``, with a Taylor series near zero
    (where ``1 - erfc`` loses the relative accuracy), smooth enough in float64
    for finite differences to match its derivative.
    """
    x = unwrap(x)
    if x.dtype in (np.float32, np.float16):
        with np.errstate(over="ignore"):  # x² of a huge x is held at the limit anyway
            result = _chunked(
                x.astype(np.float32, copy=False),
                lambda chunk, out: _tanh_of_odd_polynomial(
                    chunk, _ERF_TANH_FORM, _ERF_SQUARE_LIMIT, out
                ),
            )
        return result.astype(x.dtype, copy=False)
    value = np.asarray(x, dtype=np.float64)
    result = np.sign(value) * (1.0 - _erfc_nonnegative(np.abs(value)))
    small = np.abs(value) < 0.5
    if np.any(small):
        result = np.where(small, _erf_series(np.where(small, value, 0.0)), result)
    return result.astype(x.dtype, copy=False)


def _erf_series(z: np.ndarray) -> np.ndarray:
    """erf by its Maclaurin series; 12 terms reach double precision for ``|z| < 0.5``."""
    total = np.zeros_like(z)
    term = z.copy()
    squared = z * z
    for n in range(12):
        total += term / (2 * n + 1)
        term = -term * squared / (n + 1)
    return total * (2.0 / np.sqrt(np.pi))


def erfc(x) -> np.ndarray:
    """``1 - erf(x)``, accurate in its tails (relative error below 1.2e-7)."""
    x = unwrap(x)
    value = np.asarray(x, dtype=np.float64)
    tail = _erfc_nonnegative(np.abs(value))
    return np.where(value >= 0, tail, 2.0 - tail).astype(x.dtype, copy=False)


def _erfc_nonnegative(z: np.ndarray) -> np.ndarray:
    """erfc for ``z >= 0`` by a Chebyshev fit (fractional error < 1.2e-7 everywhere)."""
    t = 1.0 / (1.0 + 0.5 * z)
    coefficients = (
        0.17087277,
        -0.82215223,
        1.48851587,
        -1.13520398,
        0.27886807,
        -0.18628806,
        0.09678418,
        0.37409196,
        1.00002368,
        -1.26551223,
    )
    polynomial = np.zeros_like(z)
    for coefficient in coefficients:
        polynomial = polynomial * t + coefficient
    return t * np.exp(-z * z + polynomial)


def gelu(x, approximate: bool = False) -> np.ndarray:
    """Gaussian error linear unit: ``x * P(X <= x)``, ``X ~ N(0, 1)``.

    ``approximate=True`` uses the tanh form of Hendrycks and Gimpel. The exact
    form keeps relative accuracy everywhere, negative tail included: float32
    and float16 input is computed in float32 (see :func:`_gelu_float32`;
    relative error below 1e-6), other input in float64.
    ``gelu(-inf)`` is nan, as ``x * P(X <= x)`` evaluates there.
    """
    x = unwrap(x)
    if approximate:
        inner = np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)
        return (0.5 * x * (1 + np.tanh(inner))).astype(x.dtype, copy=False)
    if x.dtype in (np.float32, np.float16):
        return _gelu_float32(x.astype(np.float32, copy=False)).astype(x.dtype, copy=False)
    with np.errstate(invalid="ignore"):  # gelu(-inf) is nan: -inf * 0
        return _gelu_by_erfc(x).astype(x.dtype, copy=False)


def _gelu_by_erfc(x: np.ndarray) -> np.ndarray:
    """``x * erfc(-x / √2) / 2``: relative accuracy everywhere, the tails included."""
    return 0.5 * x * erfc(-x / np.sqrt(2).astype(x.dtype))


def _gelu_float32(x: np.ndarray) -> np.ndarray:
    """Exact gelu in float32 arithmetic, a cache-sized chunk at a time.

    ``gelu(x) = x / (1 + exp(-z))`` with ``z`` the logit of the normal cdf
    (see ``_GELU_SLOPE``): one ``exp`` and seventeen elementwise passes, all
    on data in the core's cache. The logistic form keeps relative accuracy
    on both sides of 0 (for negative ``x`` the cdf is ``1 / (1 + a large
    number)``, no cancellation). The rounding of ``z`` reaches the cdf
    multiplied by ``|z|`` (up to 6.6 at ``x = -3``), as a half-ulp change of
    ``x`` itself moves gelu there by about ten ulps: the relative error stays
    below 1e-6 from ``_GELU_TAIL`` up, 3e-7 above ``x = -1``. The entries
    below ``_GELU_TAIL`` are collected chunk by chunk and recomputed
    together in float64 by :func:`_gelu_by_erfc`; those from ``_GELU_LARGE``
    up are ``x``.
    """
    numerator = [np.float32(-c) for c in _GELU_NUMERATOR]  # -z, for exp
    denominator = [np.float32(c) for c in _GELU_DENOMINATOR]
    slope = np.float32(-_GELU_SLOPE)
    scratch = np.empty((3, min(_CHUNK, x.size)), np.float32)
    tails: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    tail, large = np.float32(_GELU_TAIL), np.float32(_GELU_LARGE)

    def kernel(chunk: np.ndarray, out: np.ndarray) -> None:
        square, top, bottom = (row[: chunk.size] for row in scratch)
        np.multiply(chunk, chunk, out=square)
        _horner(square, numerator, top)
        _horner(square, denominator, bottom)
        np.divide(top, bottom, out=top)
        np.multiply(top, square, out=top)
        np.add(top, slope, out=top)
        np.multiply(top, chunk, out=top)
        np.exp(top, out=top)
        np.add(top, np.float32(1), out=top)
        np.divide(chunk, top, out=out)
        if np.fmin.reduce(chunk) < tail:  # fmin skips nans, which are nan throughout
            at = np.flatnonzero(np.less(chunk, tail))
            tails.append((out, at, chunk[at]))
        if np.fmax.reduce(chunk) >= large:
            at = np.flatnonzero(np.greater_equal(chunk, large))
            out[at] = chunk[at]

    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        result = _chunked(x, kernel)
    if tails:
        with np.errstate(invalid="ignore"):  # gelu(-inf) is nan: -inf * 0
            exact = _gelu_by_erfc(np.concatenate([v for _, _, v in tails]).astype(np.float64))
        start = 0
        for out, at, _ in tails:
            out[at] = exact[start : start + at.size]
            start += at.size
    return result


def _horner(x: np.ndarray, coefficients: list, out: np.ndarray) -> None:
    """``out = sum(coefficients[i] * x**i)`` (at least two coefficients), in place."""
    np.multiply(x, coefficients[-1], out=out)
    np.add(out, coefficients[-2], out=out)
    for coefficient in reversed(coefficients[:-2]):
        np.multiply(out, x, out=out)
        np.add(out, coefficient, out=out)


def softmax(x, axis: int = -1) -> np.ndarray:
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the max for stability."""
    x = unwrap(x)
    shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return shifted / np.sum(shifted, axis=axis, keepdims=True)


def log_softmax(x, axis: int = -1) -> np.ndarray:
    """``log(softmax(x))`` computed as ``x - logsumexp(x)``."""
    x = unwrap(x)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def one_hot(x, num_classes: int, axis: int = -1, dtype=None) -> np.ndarray:
    """Each entry of ``x`` as a row of ``num_classes`` zeros with a 1 at its class.

    The new axis of length ``num_classes`` goes at ``axis`` of the result (the
    last by default); the result has ``dtype`` (``floatx()`` when None). An
    entry outside ``[0, num_classes)`` (a negative padding label, or one too
    large) gives a row of zeros, as Keras 3 on JAX does; so does a float entry
    that is not a whole number.

    >>> one_hot(np.array([2, -1]), 3).tolist()
    [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    """
    x = np.asarray(unwrap(x))
    check_one_hot_arguments(num_classes, axis, x.ndim)
    encoded = np.expand_dims(x, -1) == np.arange(num_classes)
    return np.moveaxis(encoded, -1, axis).astype(config.standardize_dtype(dtype))
