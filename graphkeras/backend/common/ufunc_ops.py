"""Which numpy ufuncs are backend ops: a followed array runs them as recorded ops.

A tape's array type answers ``np.exp(x)`` or ``x * y`` computed by numpy
(``__array_ufunc__``) by calling the backend op that computes the same
thing, so the call is recorded with that op's gradient. Both backends read
this table; a backend may add the ufuncs only it maps.
"""

from __future__ import annotations

import numpy as np

# ufunc -> backend op name (the same computation, numpy's semantics).
UFUNC_OPS = {
    np.add: "add",
    np.subtract: "subtract",
    np.multiply: "multiply",
    np.true_divide: "divide",
    np.power: "power",
    np.negative: "negative",
    np.absolute: "abs",
    np.sign: "sign",
    np.sqrt: "sqrt",
    np.square: "square",
    np.exp: "exp",
    np.log: "log",
    np.expm1: "expm1",
    np.log1p: "log1p",
    np.sin: "sin",
    np.cos: "cos",
    np.tan: "tan",
    np.arcsin: "arcsin",
    np.arccos: "arccos",
    np.arctan: "arctan",
    np.arctan2: "arctan2",
    np.sinh: "sinh",
    np.cosh: "cosh",
    np.tanh: "tanh",
    np.floor: "floor",
    np.ceil: "ceil",
    np.floor_divide: "floor_divide",
    np.remainder: "mod",
    np.maximum: "maximum",
    np.minimum: "minimum",
    np.matmul: "matmul",
    np.equal: "equal",
    np.not_equal: "not_equal",
    np.greater: "greater",
    np.greater_equal: "greater_equal",
    np.less: "less",
    np.less_equal: "less_equal",
    np.logical_and: "logical_and",
    np.logical_or: "logical_or",
    np.logical_xor: "logical_xor",
    np.logical_not: "logical_not",
    np.isnan: "isnan",
    np.isinf: "isinf",
    np.isfinite: "isfinite",
}
