"""Element-wise math of ``gk.ops.numpy``: exponentials, logarithms, trigonometry, rounding.

Functions with real-valued results (``exp``, ``log2``, ``arcsinh``, ...)
compute integers and bools in ``floatx()``, as Keras 3 does; rounding
keeps integers as they are. The backend's primitives are composed where it
has no function of its own (``log2`` is ``log(x) / log(2)``, ``arcsinh``
an odd extension of a stable formula), always so that the composition is
accurate and its gradient, through the tape, is the function's derivative.
graphkeras has real dtypes only: ``real``, ``imag`` and ``conjugate`` are
the identities of real numbers and refuse complex ones.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.elementwise import unary
from graphkeras.ops.operation import operation

exp = unary("exp", "``e ** x``; integers give ``floatx()``.")
expm1 = unary("expm1", "``e ** x - 1``, accurate near 0.")
log = unary("log", "Natural logarithm.")
log1p = unary("log1p", "``log(1 + x)``, accurate near 0.")
sin = unary("sin", "Sine.")
cos = unary("cos", "Cosine.")
tan = unary("tan", "Tangent.")
arcsin = unary("arcsin", "Inverse sine.")
arccos = unary("arccos", "Inverse cosine.")
arctan = unary("arctan", "Inverse tangent.")
sinh = unary("sinh", "Hyperbolic sine.")
cosh = unary("cosh", "Hyperbolic cosine.")
tanh = unary("tanh", "Hyperbolic tangent.")


@operation
def arctan2(x1, x2):
    """The angle of the point ``(x2, x1)``, in ``[-pi, pi]``."""
    return K.arctan2(as_float(x1), as_float(x2))


floor = unary("floor", "Largest integer not above each entry (as floats).")


ceil = unary("ceil", "Smallest integer not below each entry (as floats).")


@operation(name="round")
def round(x, decimals=0):  # noqa: A001 (Keras 3's name)
    """Round half to even, to ``decimals`` places."""
    return K.round(x, decimals=decimals)


_LOG_2 = math.log(2.0)
_LOG_10 = math.log(10.0)


@operation
def log2(x):
    """Base-2 logarithm."""
    return K.divide(K.log(as_float(x)), _LOG_2)


@operation
def log10(x):
    """Base-10 logarithm."""
    return K.divide(K.log(as_float(x)), _LOG_10)


@operation
def exp2(x):
    """``2 ** x``."""
    return K.exp(K.multiply(as_float(x), _LOG_2))


def _log_add_exp(x1: Any, x2: Any) -> Any:
    """``log(exp(x1) + exp(x2))``: the larger plus ``softplus`` of the (negative) gap.

    Each branch of the ``where`` is finite where it is chosen, and at a tie
    the gradient splits evenly, as the derivative does.
    """
    first_larger = K.greater_equal(x1, x2)
    value = K.where(
        first_larger,
        K.add(x1, K.softplus(K.subtract(x2, x1))),
        K.add(x2, K.softplus(K.subtract(x1, x2))),
    )
    # Equal infinities: inf - inf is NaN in the formula, the answer is the infinity.
    same_infinity = K.logical_and(K.isinf(x1), K.equal(x1, x2))
    return K.where(same_infinity, x1, value)


@operation
def logaddexp(x1, x2):
    """``log(exp(x1) + exp(x2))`` without overflow."""
    return _log_add_exp(as_float(x1), as_float(x2))


@operation
def logaddexp2(x1, x2):
    """``log2(2 ** x1 + 2 ** x2)`` without overflow."""
    x1, x2 = as_float(x1), as_float(x2)
    return K.divide(_log_add_exp(K.multiply(x1, _LOG_2), K.multiply(x2, _LOG_2)), _LOG_2)


def _odd(x: Any, positive_part) -> Any:
    """``positive_part`` (given ``|x|``) extended to negative ``x`` as an odd function.

    ``|x|`` is taken with ``where``, not ``abs``, so that at 0 the gradient
    is ``positive_part``'s derivative rather than ``abs``'s subgradient 0.
    """
    non_negative = K.greater_equal(x, 0)
    value = positive_part(K.where(non_negative, x, K.negative(x)))
    return K.where(non_negative, value, K.negative(value))


@operation
def cbrt(x):
    """Cube root (negative for negative ``x``)."""
    return _odd(as_float(x), lambda y: K.power(y, 1.0 / 3.0))


@operation
def arcsinh(x):
    """Inverse hyperbolic sine, ``log(x + sqrt(x ** 2 + 1))``, accurate near 0."""

    def positive(y):
        # y + sqrt(y² + 1) - 1, written without cancellation.
        return K.log1p(K.add(y, K.divide(K.square(y), K.add(1.0, K.sqrt(K.add(K.square(y), 1.0))))))

    return _odd(as_float(x), positive)


@operation
def arccosh(x):
    """Inverse hyperbolic cosine, for ``x >= 1`` (NaN below), accurate near 1."""
    excess = K.subtract(as_float(x), 1.0)
    return K.log1p(K.add(excess, K.sqrt(K.multiply(excess, K.add(excess, 2.0)))))


@operation
def arctanh(x):
    """Inverse hyperbolic tangent, for ``|x| <= 1``, accurate near 0."""

    def positive(y):
        return K.multiply(0.5, K.log1p(K.divide(K.multiply(2.0, y), K.subtract(1.0, y))))

    return _odd(as_float(x), positive)


@operation
def sinc(x):
    """``sin(pi x) / (pi x)``, and 1 at 0."""
    x = as_float(x)
    is_zero = K.equal(x, 0)
    scaled = K.multiply(K.where(is_zero, K.ones_like(x), x), math.pi)
    return K.where(is_zero, K.ones_like(x), K.divide(K.sin(scaled), scaled))


@operation
def deg2rad(x):
    """Degrees to radians."""
    return K.multiply(as_float(x), math.pi / 180.0)


@operation
def rad2deg(x):
    """Radians to degrees."""
    return K.multiply(as_float(x), 180.0 / math.pi)


@operation
def trunc(x):
    """``x`` rounded toward zero (integers as they are)."""
    x = as_tensor(x)
    if not K.is_float_dtype(K.dtype(x)):
        return x
    return K.where(K.less(x, 0), K.ceil(x), K.floor(x))


@operation
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """``x`` with NaN, +inf and -inf replaced (by default: 0 and the largest finite numbers)."""
    x = as_tensor(x)
    dtype = K.dtype(x)
    if not K.is_float_dtype(dtype):
        return x
    limits = np.finfo(dtype)
    posinf = limits.max if posinf is None else posinf
    neginf = limits.min if neginf is None else neginf
    x = K.where(K.isnan(x), K.convert_to_tensor(nan, dtype=dtype), x)
    x = K.where(K.equal(x, math.inf), K.convert_to_tensor(posinf, dtype=dtype), x)
    return K.where(K.equal(x, -math.inf), K.convert_to_tensor(neginf, dtype=dtype), x)


# ---------------------------------------------------- complex parts of reals


def _real_tensor(x: Any, name: str) -> Any:
    x = as_tensor(x)
    if "complex" in K.dtype(x):
        raise TypeError(f"ops.{name}: graphkeras has real dtypes only, received {K.dtype(x)}.")
    return x


@operation
def real(x):
    """The real part: ``x`` itself (graphkeras has real dtypes only)."""
    return _real_tensor(x, "real")


@operation
def imag(x):
    """The imaginary part: zeros of ``x``'s dtype (graphkeras has real dtypes only)."""
    return K.zeros_like(_real_tensor(x, "imag"))


@operation
def conjugate(x):
    """The complex conjugate: ``x`` itself (graphkeras has real dtypes only)."""
    return _real_tensor(x, "conjugate")


conj = conjugate


@operation
def angle(x):
    """The argument of each entry as a complex number: 0 for ``x >= 0``, pi for negatives."""
    x = as_float(_real_tensor(x, "angle"))
    return K.arctan2(K.zeros_like(x), x)
