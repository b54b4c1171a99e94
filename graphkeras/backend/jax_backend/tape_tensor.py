"""The arrays a recording GradientTape follows, and how Python code on them reaches the tape.

While a tape records, every backend op whose output depends on a watched
value returns that output wrapped in a :class:`TapeTensor`. The wrapper holds
the ``jax.Array`` (or the tracer, inside ``jax.jit``) and adds nothing but
routing: its Python operators (``0.01 * loss``, ``y_true - y_pred``,
``x @ w``, ``x[1:]``), a few array methods (``x.sum()``, ``x.T``) and the
numpy ufuncs and functions listed at the end of this module become calls of
the recorded backend ops, so the tape sees them.

What the tape cannot follow raises, never vanishes:

- a ``jax.numpy`` function given a TapeTensor raises (JAX reads no
  wrapped arrays there), and while a recording tape follows a TapeTensor a
  plain array's operator (``jax_array * t``) hands over to the TapeTensor's
  reflected operator, which is recorded;
- a numpy call without a route (``np.linalg.det``) runs on the plain values
  and is recorded without a gradient: a gradient that has to pass through it
  raises ``NotDifferentiableError`` naming it.

Leaving the tape stays explicit: ``K.stop_gradient(x)``,
``K.convert_to_numpy(x)``, ``np.asarray(x)`` and ``float(x)`` give plain
values, and so does ``jnp.asarray(x)``. When no tape follows it, a
TapeTensor's operators and the backend ops give plain arrays, so the type
does not spread beyond the tape.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend.common.nested_values import leaves
from graphkeras.backend.common.operator_methods import OperatorMethods
from graphkeras.backend.common.ufunc_ops import UFUNC_OPS
from graphkeras.backend.jax_backend import core

# The tapes recording now, innermost last (GradientTape pushes and pops itself).
RECORDING: list = []

# Backend op name -> recordable op, for the operators and methods below;
# filled in when the backend package makes its ops recordable.
OPS: dict = {}


class NotDifferentiableError(ValueError):
    """A gradient reached an op (or a numpy call) that has none for the path it took."""


class TapeTensor(OperatorMethods):
    """A backend array a recording GradientTape follows; operators on it are recorded.

    Backend ops return one while a tape records and their output depends on
    a watched value; user code never needs to build one. ``array`` is the
    ``jax.Array`` (a tracer under ``jax.jit``); ``shape``, ``dtype``,
    ``ndim`` and ``size`` are the array's.

    >>> with K.GradientTape() as tape:
    ...     loss = 0.01 * K.mean(K.square(y_true - model(x)))
    >>> gradients = tape.gradient(loss, model.trainable_weights)
    """

    # __weakref__: a mask travels with a TapeTensor as with a jax.Array (backend/masking.py).
    __slots__ = ("array", "__weakref__")

    # numpy hands ``ndarray * t`` over to the reflected operators below.
    __array_priority__ = 1000

    _operators = OPS

    def __init__(self, array) -> None:
        self.array = array

    # ------------------------------------------------------ array attributes
    @property
    def shape(self) -> tuple:
        return tuple(self.array.shape)

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def size(self) -> int:
        return int(self.array.size)

    @property
    def __jax_array__(self):
        """The array for JAX, refused to a JAX array's operator while a tape follows this tensor.

        ``jax_array * t`` reads ``t.__jax_array__`` and would compute the
        product behind the tape's back; refused, it returns NotImplemented
        and Python calls ``t.__rmul__``, which is recorded. Everything else
        asking for the array (``jnp.asarray(t)``, an assignment to a
        Variable) gets it: an explicit conversion leaves the tape.
        """
        if RECORDING and _asked_by_a_jax_operator() and is_followed(self):
            raise AttributeError("a recorded operator computes this instead")
        return self._array_for_jax

    def _array_for_jax(self):
        return self.array

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        array = np.asarray(self.array)
        return array if dtype is None else array.astype(dtype)

    def __repr__(self) -> str:
        return f"TapeTensor({self.array!r})"

    def __len__(self) -> int:
        return len(self.array)

    def __iter__(self) -> Iterator:
        return (self[index] for index in range(len(self)))

    def __bool__(self) -> bool:
        return bool(self.array)

    def __float__(self) -> float:
        return float(self.array)

    def __int__(self) -> int:
        return int(self.array)

    def item(self):
        return self.array.item()

    def numpy(self) -> np.ndarray:
        """A numpy copy of the value, off the tape."""
        return np.array(self.array)

    # ------------------------------------------------------------ operators
    # The arithmetic and ordering operators come from OperatorMethods; +x is x.
    def __pos__(self):
        return self

    # Element-wise, as for JAX arrays (so a TapeTensor is not hashable).
    def __eq__(self, other):  # type: ignore[override]
        return OPS["equal"](self, other)

    def __ne__(self, other):  # type: ignore[override]
        return OPS["not_equal"](self, other)

    __hash__ = None  # type: ignore[assignment]

    # ---------------------------------------------- methods routed to ops
    @property
    def T(self):  # noqa: N802 - the array attribute's name
        return OPS["transpose"](self)

    def sum(self, axis=None, keepdims: bool = False):
        return OPS["sum"](self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims: bool = False):
        return OPS["mean"](self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims: bool = False):
        return OPS["max"](self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims: bool = False):
        return OPS["min"](self, axis=axis, keepdims=keepdims)

    def prod(self, axis=None, keepdims: bool = False):
        return OPS["prod"](self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        return OPS["reshape"](self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes):
        if not axes or (len(axes) == 1 and axes[0] is None):
            return OPS["transpose"](self)
        return OPS["transpose"](self, axes[0] if len(axes) == 1 else axes)

    def ravel(self):
        return OPS["reshape"](self, (-1,))

    flatten = ravel

    def squeeze(self, axis=None):
        return OPS["squeeze"](self, axis)

    def astype(self, dtype):
        return OPS["cast"](self, dtype)

    def clip(self, min=None, max=None):  # noqa: A002 - the array method's names
        # As numpy's: bounds the tape follows are differentiated too.
        return np.clip(self, min, max)

    def dot(self, other):
        return OPS["dot"](self, other)

    def copy(self):
        return self

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        # Pickled as the plain numpy value: a tape's records do not travel.
        return (np.asarray, (np.asarray(self.array),))

    # ------------------------------------------------------ numpy protocols
    def __array_ufunc__(self, ufunc, method: str, *inputs, **kwargs):
        return _array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _array_function(func, args, kwargs)


# ------------------------------------------------------------------ helpers


# The module of JAX's array operators, which read ``__jax_array__`` of the other operand.
_JAX_OPERATORS_MODULE = jnp.ndarray.__add__.__module__


def _asked_by_a_jax_operator() -> bool:
    """Whether the ``__jax_array__`` being read is read by a JAX array's operator."""
    # Frames: this function, the property, then whoever read the attribute.
    return sys._getframe(2).f_globals.get("__name__") == _JAX_OPERATORS_MODULE


def is_followed(value) -> bool:
    """Whether a recording tape follows ``value`` (an array, Variable, or anything)."""
    return any(tape._follows(value) for tape in RECORDING)


def plain(value):
    """``value`` with every TapeTensor as its array and every Variable as its value.

    Lists, tuples and dicts are unwrapped item by item; anything else comes
    back as it is. Ops run on plain values, so their own JAX calls are not
    recorded again.
    """
    kind = type(value)
    if kind is TapeTensor:
        return value.array
    if kind is list or kind is tuple:
        return kind(plain(item) for item in value)
    if kind is dict:
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return kind(*(plain(item) for item in value))
    return core.unwrap(value)


def wrap(output) -> Any:
    """``output`` with its arrays as TapeTensors (lists and tuples item by item)."""
    if isinstance(output, (jax.Array, np.ndarray)):
        return TapeTensor(output)
    if type(output) is list:
        return [wrap(item) for item in output]
    if isinstance(output, tuple):
        items = [wrap(item) for item in output]
        return type(output)(*items) if hasattr(output, "_fields") else tuple(items)
    return output


def _unwrap_tape_tensor(value: TapeTensor):
    return value.array


core.register_unwrapper(TapeTensor, _unwrap_tape_tensor)


# ----------------------------------------------------------- numpy calls
# While a tape follows an argument, a numpy ufunc with a backend op of the same
# meaning runs that op (so a comparison is recorded as one, and raises when a
# gradient reaches it). Any other numpy function or ufunc method runs as its
# ``jax.numpy`` twin (``np.linalg.norm`` as ``jnp.linalg.norm``), recorded
# and differentiated by ``jax.vjp`` in its followed float arguments; one
# without a twin runs on the plain values and is recorded without a gradient.
# With no tape following, numpy runs on the plain values.


def _array_ufunc(ufunc, method: str, inputs: tuple, kwargs: dict):
    """``__array_ufunc__``: a recorded op while a tape follows an input."""
    if not (RECORDING and any(is_followed(leaf) for leaf in leaves((inputs, kwargs)))):
        return getattr(ufunc, method)(*plain(inputs), **plain(kwargs))
    if kwargs.get("out") is not None:
        raise NotDifferentiableError(
            f"numpy.{ufunc.__name__} with out= writes into an array in place, which a "
            "GradientTape cannot follow; assign the result instead (`a = a + b`)."
        )
    kwargs = {key: value for key, value in kwargs.items() if key != "out"}
    name = UFUNC_OPS.get(ufunc)
    if method == "__call__" and name is not None and not kwargs:
        return OPS[name](*inputs)
    suffix = "" if method == "__call__" else f".{method}"
    twin = getattr(jnp, ufunc.__name__, None)
    if twin is not None and method != "__call__":
        twin = getattr(twin, method, None)
    return _record_numpy_call(
        f"numpy.{ufunc.__name__}{suffix}", twin, getattr(ufunc, method), inputs, kwargs
    )


def _array_function(func, args: tuple, kwargs: dict):
    """``__array_function__``: a recorded call while a tape follows an argument."""
    if not (RECORDING and any(is_followed(leaf) for leaf in leaves((args, kwargs)))):
        return func(*plain(args), **plain(kwargs))
    name = _function_name(func)
    twin = jnp
    for part in name.split(".")[1:]:
        twin = getattr(twin, part, None)
    return _record_numpy_call(name, twin, func, args, kwargs)


def _record_numpy_call(name: str, twin, function, args: tuple, kwargs: dict):
    """Run a numpy call on followed values as its ``jax.numpy`` ``twin``, recorded.

    Without a twin, ``function`` (numpy's) runs on the plain values and the
    call is recorded without a gradient.
    """
    # jax.numpy refuses lists where numpy takes them (np.take(x, [1, 0])).
    args = tuple(_list_of_numbers_as_array(value) for value in args)
    kwargs = {key: _list_of_numbers_as_array(value) for key, value in kwargs.items()}
    arguments, structure = jax.tree_util.tree_flatten((args, kwargs))
    followed = [position for position, leaf in enumerate(arguments) if is_followed(leaf)]
    values = [plain(leaf) for leaf in arguments]
    if twin is None:
        call_args, call_kwargs = structure.unflatten(values)
        output = function(*call_args, **call_kwargs)
        differentiated: list = []
        pullback = None
    else:
        differentiated = [
            position for position in followed if jnp.issubdtype(values[position].dtype, jnp.inexact)
        ]

        def forward(*primals):
            filled = list(values)
            for position, primal in zip(differentiated, primals, strict=True):
                filled[position] = primal
            call_args, call_kwargs = structure.unflatten(filled)
            return twin(*call_args, **call_kwargs)

        primals = [values[position] for position in differentiated]
        output, pullback = jax.vjp(forward, *primals)
    flat, output_structure = jax.tree_util.tree_flatten(output)
    outputs = [
        TapeTensor(jnp.asarray(item))
        if isinstance(item, (np.ndarray, np.generic, jax.Array))
        else item
        for item in flat
    ]
    for tape in RECORDING:
        tape._record_numpy_call(
            name,
            twin is not None,
            pullback,
            outputs,
            output_structure,
            [arguments[position] for position in differentiated],
            [arguments[position] for position in followed],
        )
    return output_structure.unflatten(outputs)


def _list_of_numbers_as_array(value):
    """A list holding only numbers (or lists of them) as a numpy array; else ``value``."""
    if type(value) is list and all(
        isinstance(leaf, (int, float, bool, np.number)) for leaf in leaves(value, depth=8)
    ):
        return np.asarray(value)
    return value


def _function_name(func) -> str:
    """``numpy.sort``, ``numpy.linalg.det``: the public path, without private modules."""
    parts = (getattr(func, "__module__", None) or "numpy").split(".")
    public = [part for part in parts if not part.startswith("_") and part != "lib"]
    return ".".join([*public, func.__name__])
