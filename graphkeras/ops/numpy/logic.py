"""Comparison and logic ops of ``gk.ops.numpy``: booleans from numbers, choices by booleans.

The comparisons and float tests give bool arrays and are not
differentiable; ``where`` and ``select`` choose between tensors and pass
the gradient to the one chosen at each entry.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.elementwise import binary, unary
from graphkeras.ops.operation import operation

equal = binary("equal", "``x1 == x2`` (booleans).")
not_equal = binary("not_equal", "``x1 != x2``.")
greater = binary("greater", "``x1 > x2``.")
greater_equal = binary("greater_equal", "``x1 >= x2``.")
less = binary("less", "``x1 < x2``.")
less_equal = binary("less_equal", "``x1 <= x2``.")
logical_and = binary("logical_and", "Element-wise and.")
logical_or = binary("logical_or", "Element-wise or.")
logical_xor = binary("logical_xor", "Element-wise exclusive or.")


logical_not = unary("logical_not", "Element-wise not.", float_result=False)


isnan = unary("isnan", "Whether each entry is NaN.", float_result=False)


isinf = unary("isinf", "Whether each entry is infinite.", float_result=False)


isfinite = unary("isfinite", "Whether each entry is neither infinite nor NaN.", float_result=False)


@operation
def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2`` (both needed here)."""
    if x1 is None or x2 is None:
        raise ValueError(
            "ops.where: x1 and x2 must both be given; the one-argument form (the indices "
            "of nonzero entries) has a data-dependent shape and is not supported."
        )
    return K.where(condition, x1, x2)


@operation
def select(condlist, choicelist, default=0):
    """At each entry, the choice of the first condition that holds, else ``default``."""
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError(
            "ops.select: condlist and choicelist must be non-empty and of one length, "
            f"received {len(condlist)} conditions and {len(choicelist)} choices."
        )
    result = default
    for condition, choice in reversed(list(zip(condlist, choicelist, strict=True))):
        result = K.where(condition, choice, result)
    return result


@operation
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``|x1 - x2| <= atol + rtol * |x2|``, entry by entry (equal infinities are close)."""
    x1, x2 = as_float(x1), as_float(x2)
    tolerance = K.add(atol, K.multiply(rtol, K.abs(x2)))
    close = K.logical_or(K.less_equal(K.abs(K.subtract(x1, x2)), tolerance), K.equal(x1, x2))
    if equal_nan:
        close = K.logical_or(close, K.logical_and(K.isnan(x1), K.isnan(x2)))
    return close


@operation
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every entry is ``isclose``: one bool."""
    return K.all(isclose(x1, x2, rtol, atol, equal_nan))


@operation
def signbit(x):
    """Whether each entry's sign bit is set: true for negatives and for -0.0."""
    x = as_tensor(x)
    if K.dtype(x) == "bool":
        return K.zeros_like(x)
    if not K.is_float_dtype(K.dtype(x)):
        return K.less(x, 0)
    # arctan2(x, -1) is -pi at -0.0 and pi at +0.0, so its sign is x's sign bit.
    return K.less(K.arctan2(x, K.full((), -1.0, dtype=K.dtype(x))), 0)


@operation
def isneginf(x):
    """Whether each entry is -inf."""
    x = as_tensor(x)
    return K.logical_and(K.isinf(x), K.less(x, 0))


@operation
def isposinf(x):
    """Whether each entry is +inf."""
    x = as_tensor(x)
    return K.logical_and(K.isinf(x), K.greater(x, 0))


@operation
def isreal(x):
    """Whether each entry has no imaginary part: all true (graphkeras has real dtypes only)."""
    return K.ones_like(as_tensor(x), dtype="bool")


@operation
def isin(x1, x2, assume_unique=False, invert=False):
    """Whether each entry of ``x1`` is among the entries of ``x2`` (not, with ``invert``)."""
    x1 = as_tensor(x1)
    candidates = K.reshape(as_tensor(x2), (-1,))
    found = K.any(K.equal(K.expand_dims(x1, -1), candidates), axis=-1)
    return K.logical_not(found) if invert else found
