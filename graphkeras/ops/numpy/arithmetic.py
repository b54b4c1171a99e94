"""Arithmetic ops of ``gk.ops.numpy``: the four operations, powers, extremes, remainders.

Each broadcasts its operands as NumPy does. Division, ``hypot`` and
``heaviside`` give floats (``floatx()`` for integers), as in Keras 3;
``mod``, ``fmod`` and ``floor_divide`` keep integers integers.
"""

from __future__ import annotations

import builtins
from typing import Any

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.elementwise import binary, unary
from graphkeras.ops.operation import operation

add = binary("add", "``x1 + x2``, broadcasting.")


subtract = binary("subtract", "``x1 - x2``.")


multiply = binary("multiply", "``x1 * x2``.")


@operation
def divide(x1, x2):
    """True division; integers give ``floatx()``."""
    return K.divide(as_float(x1), as_float(x2))


@operation
def true_divide(x1, x2):
    """True division (``divide``)."""
    return K.divide(as_float(x1), as_float(x2))


floor_divide = binary("floor_divide", "``x1 // x2``.")


mod = binary("mod", "``x1 % x2``, with the sign of ``x2`` as in NumPy.")


power = binary("power", "``x1 ** x2``.")


negative = unary("negative", "``-x``.", float_result=False)


@operation
def absolute(x):
    """``|x|``."""
    return K.abs(x)


@operation(name="abs")
def abs(x):  # noqa: A001 (Keras 3's name)
    """``|x|``."""
    return K.abs(x)


sign = unary("sign", "-1, 0 or 1 by the sign of each entry.", float_result=False)


square = unary("square", "``x * x``.", float_result=False)


sqrt = unary("sqrt", "Square root; integers give ``floatx()``.")


reciprocal = unary("reciprocal", "``1 / x``.")


maximum = binary("maximum", "Element-wise maximum.")


minimum = binary("minimum", "Element-wise minimum.")


@operation
def clip(x, x_min, x_max):
    """``x`` limited to ``[x_min, x_max]``."""
    return K.clip(x, x_min, x_max)


@operation
def fabs(x):
    """``|x|`` as floats (integers give ``floatx()``)."""
    return K.abs(as_float(x))


@operation
def divide_no_nan(x1, x2):
    """``x1 / x2``, with 0 wherever ``x2`` is 0 (never NaN or inf there, nor in the gradient)."""
    x1, x2 = as_float(x1), as_float(x2)
    is_zero = K.equal(x2, 0)
    quotient = K.divide(x1, K.where(is_zero, K.ones_like(x2), x2))
    return K.where(is_zero, K.zeros_like(quotient), quotient)


@operation
def fmod(x1, x2):
    """The remainder of ``x1 / x2`` rounded toward zero: it has the sign of ``x1`` (C's fmod).

    ``mod`` gives the remainder with the sign of ``x2``; where the signs
    differ the two differ by exactly ``x2``, which is taken off. The value
    is exact; its gradient is fmod's own (1 for ``x1``, minus the quotient
    for ``x2``), taken from ``x1 - x2 * quotient`` with the quotient held.
    """
    x1, x2 = as_tensor(x1), as_tensor(x2)
    if K.dtype(x1) == "bool" and K.dtype(x2) == "bool":
        x1, x2 = K.cast(x1, "int32"), K.cast(x2, "int32")
    remainder = K.mod(x1, x2)
    wrong_sign = K.logical_and(
        K.not_equal(remainder, 0), K.not_equal(K.less(remainder, 0), K.less(x1, 0))
    )
    value = K.where(wrong_sign, K.subtract(remainder, x2), remainder)
    if not K.is_float_dtype(K.dtype(value)):
        return value
    value = K.stop_gradient(value)
    quotient = K.stop_gradient(K.divide(K.subtract(x1, value), x2))
    no_change_1 = K.subtract(x1, K.stop_gradient(x1))  # 0, with x1's gradient
    no_change_2 = K.multiply(K.subtract(x2, K.stop_gradient(x2)), quotient)
    return K.add(value, K.subtract(no_change_1, no_change_2))


def _ignoring_nan(x1: Any, x2: Any, extreme) -> Any:
    """``extreme(x1, x2)`` where neither is NaN, else whichever is not (NaN if both are)."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    result = extreme(x1, x2)
    if not K.is_float_dtype(K.dtype(result)):
        return result
    return K.where(K.isnan(x1), x2, K.where(K.isnan(x2), x1, result))


@operation
def fmax(x1, x2):
    """Element-wise maximum that ignores NaN (NaN only where both are NaN)."""
    return _ignoring_nan(x1, x2, K.maximum)


@operation
def fmin(x1, x2):
    """Element-wise minimum that ignores NaN."""
    return _ignoring_nan(x1, x2, K.minimum)


@operation
def hypot(x1, x2):
    """``sqrt(x1 ** 2 + x2 ** 2)``, the hypotenuse; integers give ``floatx()``."""
    x1, x2 = as_float(x1), as_float(x2)
    return K.sqrt(K.add(K.square(x1), K.square(x2)))


@operation
def ldexp(x1, x2):
    """``x1 * 2 ** x2`` for integer exponents ``x2``; integers ``x1`` give ``floatx()``."""
    x2 = as_tensor(x2)
    if not K.dtype(x2).startswith(("int", "uint")):
        raise TypeError(
            f"ops.ldexp: x2 (the exponent) must have an integer dtype, received {K.dtype(x2)}."
        )
    x1 = as_float(x1)
    scale = K.power(K.convert_to_tensor(2.0, dtype=K.dtype(x1)), K.cast(x2, K.dtype(x1)))
    return K.multiply(x1, scale)


@operation
def heaviside(x1, x2):
    """The step function: 0 where ``x1 < 0``, 1 where ``x1 > 0``, ``x2`` where ``x1 == 0``."""
    x1, x2 = as_float(x1), as_float(x2)
    step = K.where(K.less(x1, 0), K.zeros_like(x1), K.where(K.greater(x1, 0), K.ones_like(x1), x2))
    return K.where(K.isnan(x1), x1, step)


@operation
def diff(a, n=1, axis=-1):
    """The ``n``-th differences along ``axis``: ``a[i + 1] - a[i]``, ``n`` times over.

    Bools differ where they are unequal (as NumPy's ``diff``).
    """
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"ops.diff: n must be an integer >= 0, received {n!r}.")
    a = as_tensor(a)
    axis = axis % K.ndim(a)
    head = (builtins.slice(None),) * axis
    for _ in range(n):
        later = K.getitem(a, (*head, builtins.slice(1, None)))
        earlier = K.getitem(a, (*head, builtins.slice(None, -1)))
        a = K.not_equal(later, earlier) if K.dtype(a) == "bool" else K.subtract(later, earlier)
    return a
