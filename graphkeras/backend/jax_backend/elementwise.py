"""Element-wise ops on JAX arrays: arithmetic, comparisons, logic, and element-wise math.

Every function takes arrays, Variables, or Python and numpy values, and
returns a new array; they broadcast as numpy does and promote dtypes by
JAX's table (what ``result_type`` reports). Python numbers are weakly typed:
``multiply(x, 0.5)`` keeps a float32 ``x`` float32.

The element-wise math beyond arithmetic follows Keras 3: a function whose
result is a real number (``sin``, ``log1p``, ``floor``, ...) computes an
integer or bool input in ``floatx()``, and keeps a float input's dtype;
``round``, ``floor_divide`` and ``mod`` keep integers integers; the float
tests (``isnan``, ...) and the logical ops give bool arrays.

Gradients come from JAX's own rules for these ``jnp`` calls: ``floor``,
``ceil`` and ``round`` have a zero gradient, as JAX gives.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend import config
from graphkeras.backend.jax_backend.core import convert_to_tensor, operand, result_type

# -------------------------------------------------------------- arithmetic


def add(x, y) -> jax.Array:
    """``x + y`` with broadcasting."""
    return jnp.add(operand(x), operand(y))


def subtract(x, y) -> jax.Array:
    """``x - y`` with broadcasting."""
    return jnp.subtract(operand(x), operand(y))


def multiply(x, y) -> jax.Array:
    """``x * y`` with broadcasting."""
    return jnp.multiply(operand(x), operand(y))


def divide(x, y) -> jax.Array:
    """True division ``x / y`` with broadcasting (integers give floats)."""
    return jnp.true_divide(operand(x), operand(y))


def power(x, y) -> jax.Array:
    """``x ** y`` with broadcasting."""
    return jnp.power(operand(x), operand(y))


def negative(x) -> jax.Array:
    """``-x``."""
    return jnp.negative(operand(x))


def abs(x) -> jax.Array:  # noqa: A001 - the backend mirrors the numpy name
    """``|x|``."""
    return jnp.abs(operand(x))


def sign(x) -> jax.Array:
    """-1, 0 or 1 by the sign of each entry."""
    return jnp.sign(operand(x))


def sqrt(x) -> jax.Array:
    """Square root."""
    return jnp.sqrt(operand(x))


def square(x) -> jax.Array:
    """``x * x``."""
    return jnp.square(operand(x))


def exp(x) -> jax.Array:
    """Natural exponential."""
    return jnp.exp(operand(x))


def log(x) -> jax.Array:
    """Natural logarithm."""
    return jnp.log(operand(x))


def maximum(x, y) -> jax.Array:
    """Element-wise larger of ``x`` and ``y``."""
    return jnp.maximum(operand(x), operand(y))


def minimum(x, y) -> jax.Array:
    """Element-wise smaller of ``x`` and ``y``."""
    return jnp.minimum(operand(x), operand(y))


def clip(x, min_value, max_value) -> jax.Array:
    """``x`` limited to ``[min_value, max_value]`` (either may be None)."""
    return jnp.clip(operand(x), operand(min_value), operand(max_value))


def where(condition, x, y) -> jax.Array:
    """``x`` where ``condition`` holds, else ``y``."""
    return jnp.where(operand(condition), operand(x), operand(y))


# ------------------------------------------------------------- comparisons


def equal(x, y) -> jax.Array:
    """Element-wise ``x == y`` (bool)."""
    return jnp.equal(operand(x), operand(y))


def not_equal(x, y) -> jax.Array:
    """Element-wise ``x != y`` (bool)."""
    return jnp.not_equal(operand(x), operand(y))


def greater(x, y) -> jax.Array:
    """Element-wise ``x > y`` (bool)."""
    return jnp.greater(operand(x), operand(y))


def greater_equal(x, y) -> jax.Array:
    """Element-wise ``x >= y`` (bool)."""
    return jnp.greater_equal(operand(x), operand(y))


def less(x, y) -> jax.Array:
    """Element-wise ``x < y`` (bool)."""
    return jnp.less(operand(x), operand(y))


def less_equal(x, y) -> jax.Array:
    """Element-wise ``x <= y`` (bool)."""
    return jnp.less_equal(operand(x), operand(y))


def logical_and(x, y) -> jax.Array:
    """Element-wise and of the truth of ``x`` and ``y`` (bool)."""
    return jnp.logical_and(operand(x), operand(y))


def logical_or(x, y) -> jax.Array:
    """Element-wise or of the truth of ``x`` and ``y`` (bool)."""
    return jnp.logical_or(operand(x), operand(y))


def logical_not(x) -> jax.Array:
    """Element-wise not of the truth of ``x`` (bool)."""
    return jnp.logical_not(operand(x))


def logical_xor(x1, x2) -> jax.Array:
    """Element-wise exclusive or of the truth of ``x1`` and ``x2`` (bool), broadcasting."""
    return jnp.logical_xor(operand(x1), operand(x2))


# ---------------------------------------------------- element-wise math


def _real(x) -> jax.Array:
    """``x`` as a float array: integer and bool arrays in ``floatx()``, Python floats too."""
    x = convert_to_tensor(x)
    return x if jnp.issubdtype(x.dtype, jnp.inexact) else x.astype(config.floatx())


def _operand_dtype(x):
    """What ``result_type`` needs of an operand: a Python number's type, else a dtype."""
    x = operand(x)
    if isinstance(x, (bool, int, float)):
        return type(x)
    return x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype


def log1p(x) -> jax.Array:
    """``log(1 + x)``, accurate for ``|x|`` near 0 where ``log(1 + x)`` loses digits."""
    return jnp.log1p(_real(x))


def expm1(x) -> jax.Array:
    """``exp(x) - 1``, accurate for ``|x|`` near 0."""
    return jnp.expm1(_real(x))


def reciprocal(x) -> jax.Array:
    """``1 / x`` (integers computed in ``floatx()``: the reciprocal of 2 is 0.5, not 0)."""
    return jnp.reciprocal(_real(x))


def sin(x) -> jax.Array:
    """Sine (radians)."""
    return jnp.sin(_real(x))


def cos(x) -> jax.Array:
    """Cosine (radians)."""
    return jnp.cos(_real(x))


def tan(x) -> jax.Array:
    """Tangent (radians)."""
    return jnp.tan(_real(x))


def arcsin(x) -> jax.Array:
    """Inverse sine, in ``[-pi/2, pi/2]``; NaN outside ``[-1, 1]``."""
    return jnp.arcsin(_real(x))


def arccos(x) -> jax.Array:
    """Inverse cosine, in ``[0, pi]``; NaN outside ``[-1, 1]``."""
    return jnp.arccos(_real(x))


def arctan(x) -> jax.Array:
    """Inverse tangent, in ``(-pi/2, pi/2)``."""
    return jnp.arctan(_real(x))


def arctan2(x1, x2) -> jax.Array:
    """The angle of the point ``(x2, x1)``: ``arctan(x1 / x2)`` in the right quadrant.

    The result lies in ``[-pi, pi]``; ``x1`` is the y coordinate. Broadcasts,
    with ``result_type`` (Python numbers do not widen an array); two integer
    inputs give ``floatx()``.
    """
    name = result_type(_operand_dtype(x1), _operand_dtype(x2))
    if not config.is_float_dtype(name):
        name = config.floatx()
    return jnp.arctan2(jnp.asarray(operand(x1), name), jnp.asarray(operand(x2), name))


def sinh(x) -> jax.Array:
    """Hyperbolic sine."""
    return jnp.sinh(_real(x))


def cosh(x) -> jax.Array:
    """Hyperbolic cosine."""
    return jnp.cosh(_real(x))


def floor(x) -> jax.Array:
    """The largest whole number not above each entry (integers give ``floatx()``)."""
    return jnp.floor(_real(x))


def ceil(x) -> jax.Array:
    """The smallest whole number not below each entry (integers give ``floatx()``)."""
    return jnp.ceil(_real(x))


def round(x, decimals: int = 0) -> jax.Array:  # noqa: A001 - the Keras name
    """``x`` rounded to ``decimals`` places, halves to the even neighbour (``round(2.5) == 2``).

    A negative ``decimals`` rounds to tens, hundreds, ...; the dtype is kept.
    """
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        raise TypeError(f"round() expects an int decimals, received {decimals!r}.")
    x = convert_to_tensor(x)
    decimals = int(decimals)
    if decimals < 0 and jnp.issubdtype(x.dtype, jnp.integer):
        return _round_integers(x, 10 ** (-decimals))
    return jnp.round(x, decimals=decimals)


def _round_integers(x: jax.Array, unit: int) -> jax.Array:
    """Integers rounded to a multiple of ``unit``, halves to the even multiple (as numpy)."""
    if unit > np.iinfo(x.dtype).max:
        return jnp.zeros_like(x)
    quotient, remainder = jnp.divmod(x, jnp.asarray(unit, x.dtype))
    twice = 2 * remainder.astype(np.int64)
    up = (twice > unit) | ((twice == unit) & (quotient % 2 != 0))
    return ((quotient + up.astype(x.dtype)) * unit).astype(x.dtype)


def floor_divide(x1, x2) -> jax.Array:
    """``floor(x1 / x2)``, broadcasting; integers stay integers (Python's ``//``)."""
    return jnp.floor_divide(operand(x1), operand(x2))


def mod(x1, x2) -> jax.Array:
    """The remainder of ``floor_divide``, with the sign of ``x2`` (Python's ``%``)."""
    return jnp.mod(operand(x1), operand(x2))


def isnan(x) -> jax.Array:
    """Whether each entry is NaN (bool; always False for integers)."""
    return jnp.isnan(operand(x))


def isinf(x) -> jax.Array:
    """Whether each entry is +inf or -inf (bool)."""
    return jnp.isinf(operand(x))


def isfinite(x) -> jax.Array:
    """Whether each entry is neither infinite nor NaN (bool)."""
    return jnp.isfinite(operand(x))


__all__ = [
    "abs",
    "add",
    "arccos",
    "arcsin",
    "arctan",
    "arctan2",
    "ceil",
    "clip",
    "cos",
    "cosh",
    "divide",
    "equal",
    "exp",
    "expm1",
    "floor",
    "floor_divide",
    "greater",
    "greater_equal",
    "isfinite",
    "isinf",
    "isnan",
    "less",
    "less_equal",
    "log",
    "log1p",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "not_equal",
    "power",
    "reciprocal",
    "round",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "subtract",
    "tan",
    "where",
]
