"""The arrays a recording GradientTape follows, and how numpy calls on them reach the tape.

While a tape records, every backend op whose output depends on a watched
value hands that output back as a :class:`TapeArray`: an ``ndarray``
subclass, so ``isinstance``, ``dtype``, ``shape``, views and ``np.save``
behave as for any array. What it adds is NumPy's dispatch protocols
(``__array_ufunc__``, ``__array_function__``): Python operators
(``0.01 * loss``, ``y_true - y_pred``), numpy functions (``np.mean(x)``,
``np.concatenate([a, b])``) and the array's own methods (``x.sum()``,
``x.reshape(...)``, ``x[1:]``) become recorded ops, so the tape sees every
operation. The same protocol serves backend Variables.

What the tape cannot follow raises, never vanishes:

- a numpy ufunc or function with no gradient (``np.argsort``,
  ``np.linalg.det``) is recorded without one, and so is a comparison
  (``x > 0``): a gradient that has to pass through it raises
  ``NotDifferentiableError`` naming it, while a use off the gradient path
  (an argmax for a metric, a ``np.where`` condition) is fine;
- a backend op given a followed float array where it has no gradient
  (``K.clip``'s bounds) raises the same way when a gradient reaches it;
- an ndarray method that makes an array the tape cannot relate to its
  source (``x.view(dtype)``) is recorded without a gradient too, and the
  error names the file and line that called it;
- writing into an array a tape follows (``x[0] = 1``, ``np.add(a, b,
  out=x)``, ``x.sort()``), or writing a followed value into another array
  with ``out=``, raises at once. ``x += y`` on a followed array computes
  ``x + y`` and rebinds ``x``, as with TensorFlow tensors.

Leaving the tape stays explicit, as TensorFlow's ``.numpy()``:
``np.asarray(x)``, ``float(x)``, ``x.item()``, ``K.stop_gradient(x)`` and
``K.convert_to_numpy(x)`` give plain values the tape no longer follows, and
so does copying a followed value into a plain array (``plain[0] = x``),
which numpy does in C without asking the protocols. A plain numpy array
given to ``tape.watch`` stays plain: backend ops on it are followed, numpy
operators are not; ``x = tape.watch(x)`` returns a TapeArray view on which
they are.

When no tape records, a TapeArray's numpy calls run on plain arrays and
return plain arrays: the type does not spread, and outside a tape nothing
pays for it. Pickling gives a plain ``ndarray`` back.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from graphkeras.backend.common.nested_values import leaves
from graphkeras.backend.numpy_backend.variable import Variable

# The tapes recording now, innermost last (GradientTape pushes and pops itself).
RECORDING: list = []

# How numpy calls on followed arrays become backend ops; filled in by
# numpy_protocol.install() when the backend package is imported.
UFUNCS: dict = {}  # ufunc -> op taking the ufunc's inputs
REDUCTIONS: dict = {}  # (ufunc, "reduce" or "accumulate") -> handler(array, **kwargs)
FUNCTIONS: dict = {}  # numpy function -> handler with the function's signature
COMPOSED: set = set()  # numpy functions whose own code is run on followed arrays
OPS: dict = {}  # backend op name -> recordable op, for the methods below

# numpy functions that write into their first argument.
_WRITING_FUNCTIONS = frozenset(
    {np.copyto, np.put, np.place, np.putmask, np.fill_diagonal, np.put_along_axis}
)


class NotDifferentiableError(ValueError):
    """A gradient reached an op that has none, or an array the tape follows was written in place."""


class _Unsupported(Exception):
    """A handler's arguments it cannot differentiate: record the call as untraceable."""


def _routed_to(function: Callable) -> Callable:
    """An ndarray method as ``function(self, ...)``, so that the numpy protocol sees the call."""

    def method(self, *args, **kwargs):
        return function(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = function.__name__
    method.__doc__ = (
        f"``numpy.{function.__name__}`` of the array (recorded while a tape follows it)."
    )
    return method


def _in_place_operator(ufunc: np.ufunc) -> Callable:
    """``x op= y``: in place on a plain array, recorded and rebound on a followed one."""

    def method(self, other):
        return self._in_place(ufunc, other)

    method.__name__ = f"__i{ufunc.__name__}__"
    return method


def _writing_method(name: str, instead: str = "an op that returns a new array") -> Callable:
    """An ndarray method that writes into the array: refused on one a recording tape follows."""

    def method(self, *args, **kwargs) -> None:
        self._check_writable(f"x.{name}", instead)
        getattr(self.view(np.ndarray), name)(*plain(args), **kwargs)

    method.__name__ = name
    return method


class TapeArray(np.ndarray):
    """An ndarray a recording GradientTape follows; numpy calls on it are recorded.

    Backend ops return one while a tape records and their output depends on
    a watched value; user code never needs to build one. See the module
    docstring for what is followed and what raises.

    >>> with K.GradientTape() as tape:
    ...     loss = 0.01 * K.mean(K.square(y_true - model(x)))
    >>> gradients = tape.gradient(loss, model.trainable_weights)
    """

    __slots__ = ()

    def __array_finalize__(self, parent) -> None:
        # A view or copy made by an ndarray method that is not routed below
        # (x.view(dtype), x.real, ...): the tape cannot relate it to its
        # parent, so record it without a gradient rather than lose the path.
        if RECORDING and type(parent) is TapeArray and follows(parent):
            caller = sys._getframe(1)
            where = f"{caller.f_code.co_filename}:{caller.f_lineno}"
            _record_untraceable(f"ndarray view or copy made at {where}", [parent], [self])

    def __array_ufunc__(self, ufunc, method: str, *inputs, **kwargs):
        return array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return array_function(func, args, kwargs)

    # --------------------------------------------------- plain-array behaviour
    def __reduce__(self):
        return self.view(np.ndarray).__reduce__()

    def __reduce_ex__(self, protocol):
        return self.view(np.ndarray).__reduce_ex__(protocol)

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))

    def __str__(self) -> str:
        return str(self.view(np.ndarray))

    def __copy__(self):
        return np.copy(self)

    def __deepcopy__(self, memo):
        return np.copy(self)

    # ------------------------------------------------------------ indexing
    def __getitem__(self, key):
        if RECORDING:
            return OPS["getitem"](self, key)
        return self.view(np.ndarray)[plain(key)]

    def __setitem__(self, key, value) -> None:
        if RECORDING and (follows(self) or _follows_any(value)):
            raise _in_place_error("item assignment x[...] = value", "K.where or K.slice_update")
        self.view(np.ndarray)[plain(key)] = plain(value)

    def __iter__(self) -> Iterator:
        if not RECORDING:
            return iter(self.view(np.ndarray))
        return (self[index] for index in range(len(self)))

    # ---------------------------------------------- in-place arithmetic
    # On a followed array, ``x += y`` computes ``x + y`` (recorded) and Python
    # rebinds ``x`` to it; the old array is left as it was.
    __iadd__ = _in_place_operator(np.add)
    __isub__ = _in_place_operator(np.subtract)
    __imul__ = _in_place_operator(np.multiply)
    __itruediv__ = _in_place_operator(np.true_divide)
    __ifloordiv__ = _in_place_operator(np.floor_divide)
    __imod__ = _in_place_operator(np.remainder)
    __ipow__ = _in_place_operator(np.power)
    __imatmul__ = _in_place_operator(np.matmul)

    def _in_place(self, ufunc, other):
        if RECORDING and (follows(self) or _follows_any(other)):
            return ufunc(self, other)
        ufunc(self.view(np.ndarray), plain(other), out=self.view(np.ndarray))
        return self

    # ------------------------------------- methods routed to numpy functions
    # ndarray's own methods run in C, out of the protocols' sight; these
    # route each through the numpy function of the same name, whose
    # parameters follow the array in the same order.
    sum = _routed_to(np.sum)
    mean = _routed_to(np.mean)
    max = _routed_to(np.max)
    min = _routed_to(np.min)
    prod = _routed_to(np.prod)
    std = _routed_to(np.std)
    var = _routed_to(np.var)
    cumsum = _routed_to(np.cumsum)
    cumprod = _routed_to(np.cumprod)
    dot = _routed_to(np.dot)
    clip = _routed_to(np.clip)
    round = _routed_to(np.round)
    repeat = _routed_to(np.repeat)
    take = _routed_to(np.take)
    squeeze = _routed_to(np.squeeze)
    swapaxes = _routed_to(np.swapaxes)

    def reshape(self, *shape, **kwargs):
        return np.reshape(self, shape[0] if len(shape) == 1 else shape, **kwargs)

    def transpose(self, *axes):
        if not axes or (len(axes) == 1 and axes[0] is None):
            return np.transpose(self)
        return np.transpose(self, axes[0] if len(axes) == 1 else axes)

    @property
    def T(self):  # noqa: N802 - ndarray's name
        return np.transpose(self)

    def ravel(self, order: str = "C"):
        return np.ravel(self, order=order)

    def flatten(self, order: str = "C"):
        if RECORDING:
            return np.ravel(self, order=order)
        return self.view(np.ndarray).flatten(order)

    def copy(self, order: str = "C"):
        return np.copy(self, order=order)

    def astype(
        self, dtype, order: str = "K", casting: str = "unsafe", subok: bool = True, copy=True
    ):
        if RECORDING and follows(self):
            return OPS["cast"](self, dtype)
        return self.view(np.ndarray).astype(dtype, order, casting, subok, copy)

    # ------------------------------------------------ methods that write
    fill = _writing_method("fill")
    sort = _writing_method("sort", "np.sort(x) or K.sort(x)")
    put = _writing_method("put")
    partition = _writing_method("partition")
    resize = _writing_method("resize")

    def _check_writable(self, operation: str, instead: str = "an op that returns a new array"):
        if RECORDING and follows(self):
            raise _in_place_error(operation, instead)


# ------------------------------------------------------------------ helpers

# Types plain() looks inside or unwraps (the last three may hold the first two).
_WRAPPERS = frozenset({TapeArray, Variable, list, tuple, dict})


def plain(value):
    """``value`` with every TapeArray as a plain ndarray view and every Variable as its array.

    Lists and tuples are unwrapped item by item (a new container only when
    something in it changed); anything else comes back as it is.
    """
    kind = type(value)
    if kind is TapeArray:
        return value.view(np.ndarray)
    if kind is Variable:
        return value.value
    if kind is list or kind is tuple:
        for item in value:
            item_kind = type(item)
            if item_kind in _WRAPPERS:
                break
        else:
            return value  # numbers, slices, plain arrays: nothing to unwrap
        items = [plain(item) for item in value]
        return items if kind is list else tuple(items)
    if kind is dict:
        return {key: plain(item) for key, item in value.items()}
    return value


def follows(value) -> bool:
    """Whether a recording tape follows ``value`` (an array, Variable, or anything)."""
    return any(tape._follows(value) for tape in RECORDING)


def _follows_any(value) -> bool:
    """Whether ``value``, or an item of a list or tuple in it, is followed by a recording tape."""
    return any(follows(leaf) for leaf in leaves(value))


def track(output):
    """``output`` with its arrays as TapeArrays (numpy scalars as 0-d arrays)."""
    if isinstance(output, np.ndarray):
        return output.view(TapeArray)
    if isinstance(output, np.generic):
        return np.asarray(output).view(TapeArray)
    if isinstance(output, list):
        return [track(item) for item in output]
    if isinstance(output, tuple):
        items = [track(item) for item in output]
        return type(output)(*items) if hasattr(output, "_fields") else tuple(items)
    return output


def _in_place_error(operation: str, instead: str) -> Exception:
    return NotDifferentiableError(
        f"{operation} writes into an array a GradientTape follows (or writes a followed value "
        f"into another array); the tape cannot follow an in-place change. Use {instead} "
        "instead, or leave the tape first (K.stop_gradient)."
    )


# ------------------------------------------------------ the numpy protocols


def array_ufunc(ufunc, method: str, inputs: tuple, kwargs: dict):
    """``__array_ufunc__`` of TapeArrays and Variables: a recorded op while a tape records."""
    if not RECORDING:
        return _plain_ufunc(ufunc, method, inputs, kwargs)
    out = kwargs.get("out")
    if out is not None:
        if _follows_any(inputs) or _follows_any(out):
            name = _ufunc_name(ufunc, method)
            raise _in_place_error(
                f"{name} with out= (an in-place update such as `a += b`)",
                "an assignment of the result (`a = a + b`)",
            )
        return _plain_ufunc(ufunc, method, inputs, kwargs)
    if method == "__call__":
        route = UFUNCS.get(ufunc)
        if route is not None and set(kwargs) <= {"out", "dtype"}:
            dtype = kwargs.get("dtype")
            if dtype is not None:
                inputs = tuple(OPS["cast"](value, dtype) for value in inputs)
            return route(*inputs)
    else:
        route = REDUCTIONS.get((ufunc, method))
        if route is not None:
            try:
                return route(*inputs, **kwargs)
            except _Unsupported:
                pass
    if method in ("at",) and _follows_any(inputs[:1]):
        raise _in_place_error(f"{_ufunc_name(ufunc, method)} (in place)", "a new array")
    return record_untraceable(
        _ufunc_name(ufunc, method), lambda *a, **k: getattr(ufunc, method)(*a, **k), inputs, kwargs
    )


def array_function(func, args: tuple, kwargs: dict):
    """``__array_function__`` of TapeArrays and Variables: a recorded op while a tape records."""
    if not RECORDING:
        return func(*plain(args), **plain(kwargs))
    handler = FUNCTIONS.get(func)
    if handler is not None:
        try:
            return handler(*args, **kwargs)
        except _Unsupported:
            pass
    elif func in COMPOSED:
        # Its numpy code calls ufuncs, functions and methods that are routed.
        return func._implementation(*args, **kwargs)
    elif func in _WRITING_FUNCTIONS and args and _follows_any(args[0]):
        raise _in_place_error(
            f"{_function_name(func)} (it writes into its first argument)", "a new array"
        )
    return record_untraceable(_function_name(func), func, args, kwargs)


def record_untraceable(name: str, function: Callable, args: tuple, kwargs: dict) -> Any:
    """Run ``function`` on plain values; record it without a gradient if an input is followed.

    The outputs are followed like any op's, so a gradient that has to pass
    through the call raises ``NotDifferentiableError`` naming ``name``, and
    one that does not (an ``argmax`` for a metric) is unaffected.
    """
    output = function(*plain(args), **plain(kwargs))
    followed = [leaf for leaf in leaves((args, kwargs)) if follows(leaf)]
    if not followed:
        return output
    output = track(output)
    _record_untraceable(name, followed, leaves(output))
    return output


def _record_untraceable(name: str, inputs: list, outputs: list) -> None:
    produced = [item for item in outputs if isinstance(item, np.ndarray)]
    for tape in RECORDING:
        if any(tape._follows(item) for item in inputs):
            tape._record_untraceable(name, produced)


def _plain_ufunc(ufunc, method: str, inputs: tuple, kwargs: dict):
    out = kwargs.get("out")
    if out is not None:
        kwargs = {**kwargs, "out": plain(out)}
    result = getattr(ufunc, method)(*plain(inputs), **kwargs)
    if out is None:
        return result
    # numpy hands back the arrays passed as out, not views of them.
    return out[0] if len(out) == 1 else out


def _ufunc_name(ufunc, method: str) -> str:
    return f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")


def _function_name(func) -> str:
    """``numpy.sort``, ``numpy.linalg.det``: the public path, without private modules."""
    parts = (getattr(func, "__module__", None) or "numpy").split(".")
    public = [part for part in parts if not part.startswith("_") and part != "lib"]
    return ".".join([*public, func.__name__])


def unsupported() -> None:
    """Raised by a route whose arguments it cannot differentiate (see ``numpy_protocol``)."""
    raise _Unsupported
