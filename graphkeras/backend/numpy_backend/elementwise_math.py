"""Element-wise math beyond arithmetic: logarithms near 1, trigonometry, rounding, float tests.

These are the element-wise functions of Keras 3's ``keras.ops`` that the
arithmetic in ``numeric.py`` does not cover. A function whose result is a
real number (``sin``, ``log1p``, ``floor``, ...) computes an integer or bool
input in ``floatx()``, as Keras 3 does, so ``sin`` of a label array is a float
array; float inputs keep their dtype. ``round``, ``floor_divide`` and ``mod``
keep integers integers, and the float tests (``isnan``, ...) and
``logical_xor`` give bool arrays.

Gradients: the smooth functions have their derivative; ``floor``, ``ceil``
and ``round`` are piecewise constant and get a zero gradient (as JAX gives);
``floor_divide``, ``mod``, the float tests and ``logical_xor`` are recorded
without a gradient, so a gradient reaching them raises.
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.numpy_backend.core import convert_to_tensor, result_type, unwrap
from graphkeras.backend.numpy_backend.gradients import _binary, _unary, zero_gradient


def _real(x) -> np.ndarray:
    """``x`` as a float array: integer and bool arrays in ``floatx()``, Python floats too."""
    x = convert_to_tensor(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(config.floatx())


def _operand_dtype(x):
    """What ``result_type`` needs of an operand: a Python number's type, else a dtype."""
    x = unwrap(x)
    if isinstance(x, (bool, int, float)):
        return type(x)
    return np.asarray(x).dtype


# ------------------------------------------------------- logarithms, powers


def log1p(x) -> np.ndarray:
    """``log(1 + x)``, accurate for ``|x|`` near 0 where ``log(1 + x)`` loses digits."""
    return np.log1p(_real(x))


def expm1(x) -> np.ndarray:
    """``exp(x) - 1``, accurate for ``|x|`` near 0."""
    return np.expm1(_real(x))


def reciprocal(x) -> np.ndarray:
    """``1 / x`` (integers computed in ``floatx()``: the reciprocal of 2 is 0.5, not 0)."""
    return np.reciprocal(_real(x))


# ------------------------------------------------------------- trigonometry


def sin(x) -> np.ndarray:
    """Sine (radians)."""
    return np.sin(_real(x))


def cos(x) -> np.ndarray:
    """Cosine (radians)."""
    return np.cos(_real(x))


def tan(x) -> np.ndarray:
    """Tangent (radians)."""
    return np.tan(_real(x))


def arcsin(x) -> np.ndarray:
    """Inverse sine, in ``[-pi/2, pi/2]``; NaN outside ``[-1, 1]``."""
    return np.arcsin(_real(x))


def arccos(x) -> np.ndarray:
    """Inverse cosine, in ``[0, pi]``; NaN outside ``[-1, 1]``."""
    return np.arccos(_real(x))


def arctan(x) -> np.ndarray:
    """Inverse tangent, in ``(-pi/2, pi/2)``."""
    return np.arctan(_real(x))


def arctan2(x1, x2) -> np.ndarray:
    """The angle of the point ``(x2, x1)``: ``arctan(x1 / x2)`` in the right quadrant.

    The result lies in ``[-pi, pi]``; ``x1`` is the y coordinate. Broadcasts, with
    the backend's ``result_type`` (Python numbers do not widen an array); two
    integer inputs give ``floatx()``.
    """
    dtype = result_type(_operand_dtype(x1), _operand_dtype(x2))
    if not config.is_float_dtype(dtype):
        dtype = config.floatx()
    return np.arctan2(np.asarray(unwrap(x1), dtype), np.asarray(unwrap(x2), dtype))


def sinh(x) -> np.ndarray:
    """Hyperbolic sine."""
    return np.sinh(_real(x))


def cosh(x) -> np.ndarray:
    """Hyperbolic cosine."""
    return np.cosh(_real(x))


# ----------------------------------------------------------------- rounding


def floor(x) -> np.ndarray:
    """The largest whole number not above each entry (integers give ``floatx()``)."""
    return np.floor(_real(x))


def ceil(x) -> np.ndarray:
    """The smallest whole number not below each entry (integers give ``floatx()``)."""
    return np.ceil(_real(x))


def round(x, decimals: int = 0) -> np.ndarray:  # noqa: A001 - the Keras name
    """``x`` rounded to ``decimals`` places, halves to the even neighbour (``round(2.5) == 2``).

    A negative ``decimals`` rounds to tens, hundreds, ...; the dtype is kept.
    """
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        raise TypeError(f"round() expects an int decimals, received {decimals!r}.")
    return np.round(unwrap(x), decimals=int(decimals))


def floor_divide(x1, x2) -> np.ndarray:
    """``floor(x1 / x2)``, broadcasting; integers stay integers (Python's ``//``)."""
    return np.floor_divide(unwrap(x1), unwrap(x2))


def mod(x1, x2) -> np.ndarray:
    """The remainder of ``floor_divide``, with the sign of ``x2`` (Python's ``%``)."""
    return np.mod(unwrap(x1), unwrap(x2))


# ------------------------------------------------------------ float classes


def isnan(x) -> np.ndarray:
    """Whether each entry is NaN (bool; always False for integers)."""
    return np.isnan(unwrap(x))


def isinf(x) -> np.ndarray:
    """Whether each entry is +inf or -inf (bool)."""
    return np.isinf(unwrap(x))


def isfinite(x) -> np.ndarray:
    """Whether each entry is neither infinite nor NaN (bool)."""
    return np.isfinite(unwrap(x))


def logical_xor(x1, x2) -> np.ndarray:
    """Element-wise exclusive or of the truth of ``x1`` and ``x2`` (bool), broadcasting."""
    return np.logical_xor(unwrap(x1), unwrap(x2))


# ---------------------------------------------------------------- gradients


@_unary
def log1p_gradient(g, x, out, a):
    return g / (1 + x)


@_unary
def expm1_gradient(g, x, out, a):
    return g * (out + 1)


@_unary
def reciprocal_gradient(g, x, out, a):
    return -g * out * out


@_unary
def sin_gradient(g, x, out, a):
    return g * np.cos(x)


@_unary
def cos_gradient(g, x, out, a):
    return -g * np.sin(x)


@_unary
def tan_gradient(g, x, out, a):
    return g * (1 + out * out)


@_unary
def arcsin_gradient(g, x, out, a):
    return g / np.sqrt(1 - x * x)


@_unary
def arccos_gradient(g, x, out, a):
    return -g / np.sqrt(1 - x * x)


@_unary
def arctan_gradient(g, x, out, a):
    return g / (1 + x * x)


@_unary
def sinh_gradient(g, x, out, a):
    return g * np.cosh(x)


@_unary
def cosh_gradient(g, x, out, a):
    return g * np.sinh(x)


def arctan2_gradient(upstream, output, arguments, needs):
    # d/dy atan2(y, x) = x / (x² + y²); d/dx = -y / (x² + y²).
    return _binary(
        upstream,
        arguments,
        needs,
        lambda g, y, x: g * x / (x * x + y * y),
        lambda g, y, x: -g * y / (x * x + y * y),
        names=("x1", "x2"),
    )


def floor_divide_gradient(upstream, output, arguments, needs):
    """Zero: ``floor(x1 / x2)`` is constant between its jumps (JAX gives 0 at them too)."""
    return _binary(
        upstream,
        arguments,
        needs,
        lambda g, x1, x2: np.zeros_like(g),
        lambda g, x1, x2: np.zeros_like(g),
        names=("x1", "x2"),
    )


def mod_gradient(upstream, output, arguments, needs):
    # x1 % x2 = x1 - floor(x1 / x2) * x2, with the floor constant between jumps.
    return _binary(
        upstream,
        arguments,
        needs,
        lambda g, x1, x2: g,
        lambda g, x1, x2: -g * np.floor_divide(x1, x2),
        names=("x1", "x2"),
    )


GRADIENTS: dict = {
    "log1p": (log1p_gradient, ("x",)),
    "expm1": (expm1_gradient, ("x",)),
    "reciprocal": (reciprocal_gradient, ("x",)),
    "sin": (sin_gradient, ("x",)),
    "cos": (cos_gradient, ("x",)),
    "tan": (tan_gradient, ("x",)),
    "arcsin": (arcsin_gradient, ("x",)),
    "arccos": (arccos_gradient, ("x",)),
    "arctan": (arctan_gradient, ("x",)),
    "arctan2": (arctan2_gradient, ("x1", "x2")),
    "sinh": (sinh_gradient, ("x",)),
    "cosh": (cosh_gradient, ("x",)),
    "floor": (zero_gradient, ("x",)),
    "ceil": (zero_gradient, ("x",)),
    "round": (zero_gradient, ("x",)),
    "floor_divide": (floor_divide_gradient, ("x1", "x2")),
    "mod": (mod_gradient, ("x1", "x2")),
}

# Recorded, so that a gradient reaching them raises instead of vanishing.
NOT_DIFFERENTIABLE: dict = {
    "isnan": ("x",),
    "isinf": ("x",),
    "isfinite": ("x",),
    "logical_xor": ("x1", "x2"),
}
