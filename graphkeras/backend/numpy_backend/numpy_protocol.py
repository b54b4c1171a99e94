"""Which recorded op each numpy ufunc and function becomes on an array the tape follows.

``tape_array.py`` hands numpy calls on TapeArrays and Variables to the
tables filled here, while a tape records:

- ``UFUNCS``: the Python operators and element-wise ufuncs (``np.add`` for
  ``+``, ``np.exp``, ``np.maximum``, ...), each a backend op with the same
  numpy semantics (the backend's ops are thin numpy calls);
- ``REDUCTIONS``: ``np.add.reduce`` and friends, as the backend's reductions;
- ``FUNCTIONS``: numpy functions (``np.sum``, ``np.concatenate``,
  ``np.where``, ...), each a handler with the numpy signature that calls
  backend ops; an argument it cannot differentiate (``np.sum(where=...)``)
  makes it record the call without a gradient instead;
- ``COMPOSED``: numpy functions written in numpy (``np.hstack``,
  ``np.diff``, ...), whose own code is run on the followed arrays, so the
  ufuncs and functions inside are recorded one by one.

Anything else is recorded without a gradient (``tape_array.record_untraceable``).
A few numpy ufuncs have no backend op; they are made recordable here, with
their gradients (``np.log2``, ``np.logaddexp``, ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

try:  # numpy 2
    from numpy._core import umath as _umath
except ImportError:  # numpy 1
    from numpy.core import umath as _umath

from graphkeras.backend.common.ufunc_ops import UFUNC_OPS
from graphkeras.backend.numpy_backend import tape_array
from graphkeras.backend.numpy_backend.autodiff import differentiable
from graphkeras.backend.numpy_backend.gradients import _binary, _unary
from graphkeras.backend.numpy_backend.tape_array import plain, unsupported

_NO_VALUE = np._NoValue
# The backend's recordable ops by name, set by install().
_ops: dict = {}

# ------------------------------------------------- ufuncs the backend lacks


@_unary
def _identity_gradient(g, x, out, a):
    return g


@_unary
def _log2_gradient(g, x, out, a):
    return g / (x * math.log(2.0))


@_unary
def _log10_gradient(g, x, out, a):
    return g / (x * math.log(10.0))


@_unary
def _exp2_gradient(g, x, out, a):
    return g * out * math.log(2.0)


@_unary
def _cbrt_gradient(g, x, out, a):
    return g / (3 * out * out)


@_unary
def _arcsinh_gradient(g, x, out, a):
    return g / np.sqrt(x * x + 1)


@_unary
def _arccosh_gradient(g, x, out, a):
    return g / np.sqrt(x * x - 1)


@_unary
def _arctanh_gradient(g, x, out, a):
    return g / (1 - x * x)


def _logaddexp_gradient(upstream, output, arguments, needs):
    return _binary(
        upstream,
        arguments,
        needs,
        lambda g, x, y: g * np.exp(x - output),
        lambda g, x, y: g * np.exp(y - output),
    )


def _hypot_gradient(upstream, output, arguments, needs):
    safe = np.where(output == 0, 1, output)
    return _binary(
        upstream, arguments, needs, lambda g, x, y: g * x / safe, lambda g, x, y: g * y / safe
    )


def _unary_op(name: str, ufunc: np.ufunc, gradient: Callable) -> Callable:
    def function(x):
        return ufunc(x)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``numpy.{ufunc.__name__}``, recorded for the tape."
    return differentiable(f"numpy.{ufunc.__name__}", function, gradient)


def _binary_op(name: str, ufunc: np.ufunc, gradient: Callable) -> Callable:
    def function(x, y):
        return ufunc(x, y)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``numpy.{ufunc.__name__}``, recorded for the tape."
    return differentiable(f"numpy.{ufunc.__name__}", function, gradient, ("x", "y"))


positive = _unary_op("positive", np.positive, _identity_gradient)
_NUMPY_ONLY_UFUNCS = {
    np.positive: positive,
    np.log2: _unary_op("log2", np.log2, _log2_gradient),
    np.log10: _unary_op("log10", np.log10, _log10_gradient),
    np.exp2: _unary_op("exp2", np.exp2, _exp2_gradient),
    np.cbrt: _unary_op("cbrt", np.cbrt, _cbrt_gradient),
    np.arcsinh: _unary_op("arcsinh", np.arcsinh, _arcsinh_gradient),
    np.arccosh: _unary_op("arccosh", np.arccosh, _arccosh_gradient),
    np.arctanh: _unary_op("arctanh", np.arctanh, _arctanh_gradient),
    np.logaddexp: _binary_op("logaddexp", np.logaddexp, _logaddexp_gradient),
    np.hypot: _binary_op("hypot", np.hypot, _hypot_gradient),
}

# ufunc -> backend op name: the shared table, and three ufuncs this backend's ops
# also compute with numpy's semantics.
_BACKEND_UFUNCS = {
    **UFUNC_OPS,
    np.fabs: "abs",
    np.rint: "round",
    np.reciprocal: "reciprocal",
}


# ------------------------------------------------------------------ helpers


def _defaults_only(*conditions: bool) -> None:
    """Give up (record without a gradient) unless every condition holds."""
    if not all(conditions):
        unsupported()


def _with_dtype(x, dtype):
    return x if dtype is None else _ops["cast"](x, dtype)


def _axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _ndim(x) -> int:
    return np.ndim(plain(x))


def _shape(x) -> tuple:
    return np.shape(plain(x))


def _is_followed(x) -> bool:
    return isinstance(x, (tape_array.TapeArray, tape_array.Variable)) and tape_array.follows(x)


def _clip(x, low, high):
    """``clip``; with a followed bound ``minimum(maximum(...))``, which has its gradient."""
    if _is_followed(low) or _is_followed(high):
        if low is not None:
            x = _ops["maximum"](x, low)
        return x if high is None else _ops["minimum"](x, high)
    return _ops["clip"](x, low, high)


# ------------------------------------------------------- ufunc reductions


def _reduce(name: str, dtype_allowed: bool = True) -> Callable:
    def route(array, axis=0, dtype=None, out=None, keepdims=False, initial=_NO_VALUE, where=True):
        _defaults_only(out is None, initial is _NO_VALUE, where is True)
        _defaults_only(dtype is None or dtype_allowed)
        return _ops[name](_with_dtype(array, dtype), axis=_axis(axis), keepdims=keepdims)

    return route


def _accumulate(name: str) -> Callable:
    def route(array, axis=0, dtype=None, out=None):
        _defaults_only(out is None)
        return _ops[name](array, axis=axis, dtype=dtype)

    return route


# ------------------------------------------------------------ numpy functions

FUNCTIONS: dict = {}


def _route(*functions: Callable) -> Callable:
    def register(handler: Callable) -> Callable:
        for function in functions:
            FUNCTIONS[function] = handler
        return handler

    return register


@_route(np.sum)
def _sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO_VALUE, where=_NO_VALUE):
    _defaults_only(out is None, initial is _NO_VALUE, where is _NO_VALUE or where is True)
    return _ops["sum"](_with_dtype(a, dtype), axis=_axis(axis), keepdims=keepdims)


@_route(np.prod)
def _prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=_NO_VALUE, where=_NO_VALUE):
    _defaults_only(out is None, initial is _NO_VALUE, where is _NO_VALUE or where is True)
    return _ops["prod"](_with_dtype(a, dtype), axis=_axis(axis), keepdims=keepdims)


@_route(np.mean)
def _mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=_NO_VALUE):
    _defaults_only(out is None, where is _NO_VALUE or where is True)
    return _ops["mean"](_with_dtype(a, dtype), axis=_axis(axis), keepdims=keepdims)


def _extreme(name: str) -> Callable:
    def handler(a, axis=None, out=None, keepdims=False, initial=_NO_VALUE, where=_NO_VALUE):
        _defaults_only(out is None, initial is _NO_VALUE, where is _NO_VALUE or where is True)
        return _ops[name](a, axis=_axis(axis), keepdims=keepdims)

    return handler


FUNCTIONS[np.max] = FUNCTIONS[np.amax] = _extreme("max")
FUNCTIONS[np.min] = FUNCTIONS[np.amin] = _extreme("min")


def _spread(name: str) -> Callable:
    """``np.var`` / ``np.std``; ``ddof`` scales the population variance by ``n / (n - ddof)``."""

    def handler(
        a,
        axis=None,
        dtype=None,
        out=None,
        ddof=0,
        keepdims=False,
        *,
        where=_NO_VALUE,
        mean=_NO_VALUE,
        correction=_NO_VALUE,
    ):
        _defaults_only(out is None, where is _NO_VALUE or where is True, mean is _NO_VALUE)
        if correction is not _NO_VALUE:
            ddof = correction
        x = _with_dtype(a, dtype)
        axis = _axis(axis)
        if not ddof:
            return _ops[name](x, axis=axis, keepdims=keepdims)
        shape = _shape(x)
        axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
        count = math.prod(shape[int(item)] for item in axes)
        variance = _ops["multiply"](
            _ops["var"](x, axis=axis, keepdims=keepdims), count / (count - ddof)
        )
        return variance if name == "var" else _ops["sqrt"](variance)

    return handler


FUNCTIONS[np.var] = _spread("var")
FUNCTIONS[np.std] = _spread("std")


@_route(np.cumsum)
def _cumsum(a, axis=None, dtype=None, out=None):
    _defaults_only(out is None)
    return _ops["cumsum"](a, axis=axis, dtype=dtype)


@_route(np.cumprod)
def _cumprod(a, axis=None, dtype=None, out=None):
    _defaults_only(out is None)
    return _ops["cumprod"](a, axis=axis, dtype=dtype)


@_route(np.dot)
def _dot(a, b, out=None):
    _defaults_only(out is None)
    if _ndim(a) == 0 or _ndim(b) == 0:
        return _ops["multiply"](a, b)
    return _ops["dot"](a, b)


@_route(np.inner)
def _inner(a, b):
    _defaults_only(_ndim(a) == 1, _ndim(b) == 1)
    return _ops["dot"](a, b)


@_route(np.outer)
def _outer(a, b, out=None):
    _defaults_only(out is None)
    column = _ops["reshape"](a, (-1, 1))
    return _ops["multiply"](column, _ops["reshape"](b, (1, -1)))


@_route(np.tensordot)
def _tensordot(a, b, axes=2):
    """As numpy's: both operands transposed and reshaped to matrices, one matmul."""
    shape_a, shape_b = _shape(a), _shape(b)
    if isinstance(axes, (int, np.integer)):
        axes_a, axes_b = list(range(len(shape_a) - axes, len(shape_a))), list(range(axes))
    else:
        axes_a, axes_b = (list(np.atleast_1d(item)) for item in axes)
    axes_a = [int(axis) % len(shape_a) for axis in axes_a]
    axes_b = [int(axis) % len(shape_b) for axis in axes_b]
    free_a = [axis for axis in range(len(shape_a)) if axis not in axes_a]
    free_b = [axis for axis in range(len(shape_b)) if axis not in axes_b]
    inner = math.prod(shape_a[axis] for axis in axes_a)
    left = _ops["reshape"](_ops["transpose"](a, free_a + axes_a), (-1, inner))
    right = _ops["reshape"](_ops["transpose"](b, axes_b + free_b), (inner, -1))
    result_shape = [shape_a[axis] for axis in free_a] + [shape_b[axis] for axis in free_b]
    return _ops["reshape"](_ops["matmul"](left, right), tuple(result_shape))


@_route(np.einsum)
def _einsum(*operands, out=None, dtype=None, order="K", casting="safe", optimize=False):
    _defaults_only(
        out is None, dtype is None, isinstance(operands[0], str), 2 <= len(operands) <= 3
    )
    return _ops["einsum"](*operands)


@_route(np.where)
def _where(condition, x=_NO_VALUE, y=_NO_VALUE):
    _defaults_only(x is not _NO_VALUE, y is not _NO_VALUE)
    return _ops["where"](condition, x, y)


@_route(np.clip)
def _clip_function(a, a_min=_NO_VALUE, a_max=_NO_VALUE, out=None, *, min=_NO_VALUE, max=_NO_VALUE):  # noqa: A002
    _defaults_only(out is None)
    low = min if a_min is _NO_VALUE else a_min
    high = max if a_max is _NO_VALUE else a_max
    return _clip(a, None if low is _NO_VALUE else low, None if high is _NO_VALUE else high)


@_route(np.concatenate)
def _concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _defaults_only(out is None)
    arrays = [_with_dtype(array, dtype) for array in arrays]
    if axis is None:
        arrays, axis = [_ops["reshape"](array, (-1,)) for array in arrays], 0
    return _ops["concatenate"](arrays, axis=axis)


@_route(np.stack)
def _stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _defaults_only(out is None)
    return _ops["stack"]([_with_dtype(array, dtype) for array in arrays], axis=axis)


@_route(np.reshape)
def _reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    _defaults_only(order == "C")
    return _ops["reshape"](a, newshape if shape is None else shape)


@_route(np.ravel)
def _ravel(a, order="C"):
    _defaults_only(order in ("C", "K", "A"))
    return _ops["reshape"](a, (-1,))


@_route(np.transpose)
def _transpose(a, axes=None):
    return _ops["transpose"](a, axes)


@_route(np.swapaxes)
def _swapaxes(a, axis1, axis2):
    order = list(range(_ndim(a)))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return _ops["transpose"](a, order)


@_route(np.squeeze)
def _squeeze(a, axis=None):
    return _ops["squeeze"](a, axis=axis)


@_route(np.expand_dims)
def _expand_dims(a, axis):
    for item in sorted(np.atleast_1d(axis) % (_ndim(a) + np.size(axis))):
        a = _ops["expand_dims"](a, int(item))
    return a


@_route(np.tile)
def _tile(A, reps):  # noqa: N803 - numpy's name
    return _ops["tile"](A, reps)


@_route(np.repeat)
def _repeat(a, repeats, axis=None):
    return _ops["repeat"](a, repeats, axis=axis)


@_route(np.broadcast_to)
def _broadcast_to(array, shape, subok=False):
    value = plain(array)
    return _ops["add"](array, np.zeros(shape, dtype=np.result_type(value)))


@_route(np.take)
def _take(a, indices, axis=None, out=None, mode="raise"):
    _defaults_only(out is None, mode == "raise")
    return _ops["take"](a, indices, axis=axis)


@_route(np.take_along_axis)
def _take_along_axis(arr, indices, axis=-1):
    _defaults_only(axis is not None)
    return _ops["take_along_axis"](arr, indices, axis=axis)


@_route(np.sort)
def _sort(a, axis=-1, kind=None, order=None, *, stable=None):
    _defaults_only(order is None)
    return _ops["sort"](a, axis=axis)


@_route(np.linalg.norm)
def _norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002 - numpy's name
    return _ops["norm"](x, ord=ord, axis=axis, keepdims=keepdims)


@_route(np.tril)
def _tril(m, k=0):
    return _ops["tril"](m, k=k)


@_route(np.triu)
def _triu(m, k=0):
    return _ops["triu"](m, k=k)


@_route(np.copy)
def _copy(a, order="K", subok=False):
    return positive(a)


@_route(np.round, np.around)
def _round(a, decimals=0, out=None):
    _defaults_only(out is None)
    return _ops["round"](a, decimals=decimals)


@_route(np.pad)
def _pad(array, pad_width, mode="constant", **kwargs):
    _defaults_only(mode in ("constant", "edge", "reflect", "symmetric", "wrap"))
    _defaults_only(set(kwargs) <= ({"constant_values"} if mode == "constant" else set()))
    return _ops["pad"](array, pad_width, mode=mode, **kwargs)


def _constant(function: Callable) -> Callable:
    """A function of its argument's shape and dtype only: its result is a constant for the tape."""

    def handler(*args, **kwargs):
        _defaults_only(not any(_is_followed(value) for value in args[1:]))
        _defaults_only(not any(_is_followed(value) for value in kwargs.values()))
        return function(*plain(args), **plain(kwargs))

    return handler


for _function in (np.zeros_like, np.ones_like, np.empty_like, np.full_like):
    FUNCTIONS[_function] = _constant(_function)

# Written in numpy on top of routed ufuncs, functions and methods (checked by
# the tests against finite differences).
COMPOSED = frozenset(
    {
        np.hstack,
        np.vstack,
        np.column_stack,
        np.dstack,
        np.atleast_1d,
        np.atleast_2d,
        np.atleast_3d,
        np.moveaxis,
        np.flip,
        np.fliplr,
        np.flipud,
        np.diff,
        np.split,
        np.array_split,
        np.average,
    }
)


def install(ops: dict) -> None:
    """Fill ``tape_array``'s tables from the backend's recordable ops (``ops``: name -> op)."""
    _ops.update(ops)
    tape_array.OPS.update(getitem=ops["getitem"], cast=ops["cast"])
    tape_array.UFUNCS.update({ufunc: ops[name] for ufunc, name in _BACKEND_UFUNCS.items()})
    tape_array.UFUNCS.update(_NUMPY_ONLY_UFUNCS)
    tape_array.UFUNCS[_umath.clip] = _clip
    tape_array.REDUCTIONS.update(
        {
            (np.add, "reduce"): _reduce("sum"),
            (np.multiply, "reduce"): _reduce("prod"),
            (np.maximum, "reduce"): _reduce("max", dtype_allowed=False),
            (np.minimum, "reduce"): _reduce("min", dtype_allowed=False),
            (np.add, "accumulate"): _accumulate("cumsum"),
            (np.multiply, "accumulate"): _accumulate("cumprod"),
        }
    )
    tape_array.FUNCTIONS.update(FUNCTIONS)
    tape_array.COMPOSED.update(COMPOSED)
