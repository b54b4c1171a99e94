"""Arrays in and out of the JAX backend: conversion, dtypes, shapes, variables, creation.

Backend arrays are ``jax.Array``s, or tracers while ``jax.jit``, ``jax.grad``
or ``jax.vjp`` trace a function. Every op here and in the sibling modules
works on both: numbers are only read (for a value check the interface asks
for, such as an index out of range) when :func:`is_concrete` says they exist.

Two helpers serve the other modules of this package (they are not interface
names): :func:`unwrap`, the array behind an op's argument (a Variable's
value, or the array inside a wrapper type that a GradientTape registers with
:func:`register_unwrapper`), and :func:`is_concrete` / :func:`concrete_value`.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.linspace_arguments import check_sample_count
from graphkeras.backend.common.text_arrays import text_array
from graphkeras.backend.common.variable_assignment import (
    check_batch_assignment,
    check_set_value_target,
)
from graphkeras.backend.jax_backend.variable import Variable, dtype_name

# wrapper type -> function giving its jax array (filled by register_unwrapper).
_UNWRAPPERS: dict[type, Callable] = {}


def register_unwrapper(wrapper_type: type, read_array: Callable) -> None:
    """Teach :func:`unwrap` to read ``read_array(x)`` from each ``wrapper_type`` argument.

    A GradientTape returns its recorded outputs wrapped in a type of its own;
    registering that type here lets every op take them like arrays, and makes
    :func:`is_tensor` true for them (they stand for backend arrays).
    """
    if not isinstance(wrapper_type, type) or not callable(read_array):
        raise TypeError(
            "register_unwrapper needs a type and a function reading its array; received "
            f"{wrapper_type!r} and {read_array!r}."
        )
    _UNWRAPPERS[wrapper_type] = read_array


def unwrap(x):
    """The array behind ``x``: a Variable's value, a registered wrapper's array, else ``x``."""
    kind = type(x)
    if kind is Variable:
        return x.value
    read_array = _UNWRAPPERS.get(kind)
    return x if read_array is None else read_array(x)


def operand(x):
    """An op's array argument ready for ``jnp``: unwrapped, a list or tuple made an array.

    Python and numpy scalars pass through unchanged, so they stay weakly typed
    (``x * 2.0`` keeps ``x``'s dtype).
    """
    x = unwrap(x)
    return jnp.asarray(x) if isinstance(x, (list, tuple)) else x


def is_concrete(x) -> bool:
    """Whether the numbers of ``x`` (an array, or a list or tuple of them) can be read now.

    False for a tracer of ``jax.jit`` (its values exist only when the
    compiled program runs); true for arrays, Python and numpy values, and for
    the tracers of ``jax.vjp`` / ``jax.grad`` run eagerly, which carry their
    value along.
    """
    if isinstance(x, (list, tuple)):
        return all(is_concrete(item) for item in x)
    x = unwrap(x)
    if not isinstance(x, jax.core.Tracer):
        return True
    read = getattr(x, "to_concrete_value", None)
    return read is not None and read() is not None


def concrete_value(x) -> np.ndarray:
    """The numbers of ``x`` as a numpy array; only call it when :func:`is_concrete` holds."""
    if isinstance(x, (list, tuple)):
        return np.asarray([concrete_value(item) for item in x])
    x = unwrap(x)
    if isinstance(x, jax.core.Tracer):
        x = x.to_concrete_value()
    return np.asarray(x)


# ------------------------------------------------------------- conversion


def convert_to_tensor(x, dtype=None) -> jax.Array:
    """``x`` as a JAX array; Python floats become ``floatx``, arrays keep their dtype.

    ``dtype="string"`` keeps text as a numpy text array (JAX has no string
    dtype), so text inputs can reach the layers that read them; numbers are
    refused for it.
    """
    x = unwrap(x)
    if dtype is not None:
        name = config.standardize_dtype(dtype)
        if name == "string":
            return text_array(x)
        if isinstance(x, jax.Array) and dtype_name(x.dtype) == name:
            return x
        return jnp.asarray(x, dtype=name)
    if isinstance(x, jax.Array):
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        return jnp.asarray(x)
    array = jnp.asarray(x)
    # Python numbers and lists give strongly typed arrays (JAX would make
    # them weak), with Python floats in floatx as on the numpy backend.
    name = config.floatx() if array.dtype == np.float64 else array.dtype
    return jnp.asarray(array, dtype=name)


def convert_to_numpy(x) -> np.ndarray:
    """``x`` as a numpy array (a writable copy of a JAX array)."""
    x = unwrap(x)
    if isinstance(x, jax.Array):
        return np.array(x)
    return np.asarray(x)


def is_tensor(x) -> bool:
    """Whether ``x`` is an array of this backend: a ``jax.Array``, a tracer or a tape's wrapper."""
    return isinstance(x, jax.Array) or type(x) in _UNWRAPPERS


def is_variable(x) -> bool:
    """Whether ``x`` is a backend Variable."""
    return isinstance(x, Variable)


def cast(x, dtype) -> jax.Array:
    """``x`` converted to ``dtype``; ``x`` itself when it already has it."""
    x = unwrap(x)
    name = config.standardize_dtype(dtype)
    if isinstance(x, jax.Array) and dtype_name(x.dtype) == name:
        return x
    return jnp.asarray(x).astype(name)


def dtype(x) -> str:
    """The dtype name of an array, variable or KerasTensor (``"float32"``)."""
    value = getattr(x, "dtype", None)
    if isinstance(value, str):
        return value
    if value is None:
        return config.standardize_dtype(np.asarray(x).dtype)
    return dtype_name(value)


def result_type(*dtypes) -> str:
    """The dtype JAX's arithmetic gives when combining values of these dtypes.

    Dtypes are names (or numpy dtypes); the Python types ``int``, ``float``
    and ``bool`` stand for Python scalars, which are weakly typed and do not
    widen an array's type (``float32`` with ``float`` stays ``float32``).
    Arrays combine by JAX's promotion table (``int32`` with ``float32`` gives
    ``float32``), so a symbolic dtype always matches the computed one.
    """
    weak_scalars = {int: 0, float: 0.0, bool: False}
    operands = [
        item
        if item is int or item is float or item is bool
        else jnp.dtype(config.standardize_dtype(item))
        for item in dtypes
    ]
    if all(item in weak_scalars for item in operands):
        values = [weak_scalars[item] for item in operands]
        if any(isinstance(value, float) for value in values):
            return config.floatx()
        return "int64" if any(type(value) is int for value in values) else "bool"
    return dtype_name(jnp.result_type(*operands))


# ------------------------------------------------------------- variables


def variable(value, dtype=None, name: str | None = None, trainable: bool = True) -> Variable:
    """A new Variable holding a copy of ``value`` (floating values in ``floatx`` by default)."""
    return Variable(value, dtype=dtype, name=name, trainable=trainable)


def get_value(x) -> np.ndarray:
    """A numpy copy of a variable's value (or of an array)."""
    if isinstance(x, Variable):
        return x.numpy()
    return np.array(unwrap(x))


def set_value(x: Variable, value) -> None:
    """Assign ``value`` to variable ``x``; the shapes must match."""
    check_set_value_target(x, Variable)
    x.assign(value)


def batch_get_value(xs) -> list:
    """``[get_value(x) for x in xs]``."""
    return [get_value(x) for x in xs]


def batch_set_value(pairs) -> None:
    """Assign each ``(variable, value)`` pair; all shapes are checked before any assignment."""
    pairs = list(pairs)
    check_batch_assignment(pairs, lambda value: np.shape(unwrap(value)))
    for target, value in pairs:
        target.assign(value)


# --------------------------------------------------------------- creation


def zeros(shape, dtype=None) -> jax.Array:
    """An array of zeros (``floatx`` by default)."""
    return jnp.zeros(shape, dtype=config.standardize_dtype(dtype))


def ones(shape, dtype=None) -> jax.Array:
    """An array of ones (``floatx`` by default)."""
    return jnp.ones(shape, dtype=config.standardize_dtype(dtype))


def full(shape, fill_value, dtype=None) -> jax.Array:
    """An array filled with ``fill_value`` (``floatx`` by default)."""
    return jnp.full(shape, unwrap(fill_value), dtype=config.standardize_dtype(dtype))


def _as_array(x):
    x = unwrap(x)
    return x if isinstance(x, (jax.Array, np.ndarray)) else jnp.asarray(x)


def zeros_like(x, dtype=None) -> jax.Array:
    """Zeros with ``x``'s shape (and dtype unless given)."""
    name = None if dtype is None else config.standardize_dtype(dtype)
    return jnp.zeros_like(_as_array(x), dtype=name)


def ones_like(x, dtype=None) -> jax.Array:
    """Ones with ``x``'s shape (and dtype unless given)."""
    name = None if dtype is None else config.standardize_dtype(dtype)
    return jnp.ones_like(_as_array(x), dtype=name)


def eye(n: int, m: int | None = None, dtype=None) -> jax.Array:
    """An ``n`` x ``m`` identity matrix (``floatx`` by default)."""
    return jnp.eye(n, m, dtype=config.standardize_dtype(dtype))


def arange(start, stop=None, step=1, dtype=None) -> jax.Array:
    """Evenly spaced values, as ``numpy.arange`` (int64 for ints unless a dtype is given)."""
    name = None if dtype is None else config.standardize_dtype(dtype)
    if stop is None:
        start, stop = 0, start
    return jnp.arange(unwrap(start), unwrap(stop), unwrap(step), dtype=name)


def linspace(
    start,
    stop,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype=None,
    axis: int = 0,
):
    """``num`` evenly spaced values from ``start`` to ``stop`` (included unless not ``endpoint``).

    ``start`` and ``stop`` may be arrays of the same (broadcast) shape: the
    samples of each pair then run along the new ``axis``. The dtype is
    ``dtype``, else the widest float among array ``start``/``stop``, else
    ``floatx()``. With ``retstep`` the result is ``(samples, step)``, the step
    in the samples' float dtype (``floatx()`` for integer samples).
    """
    check_sample_count(num)
    start, stop = unwrap(start), unwrap(stop)
    if dtype is None:
        floats = [
            jnp.asarray(value).dtype
            for value in (start, stop)
            if not isinstance(value, (int, float))
            and jnp.issubdtype(jnp.asarray(value).dtype, jnp.floating)
        ]
        dtype = dtype_name(jnp.result_type(*floats)) if floats else config.floatx()
    name = config.standardize_dtype(dtype)
    samples, step = jnp.linspace(
        start, stop, num=int(num), endpoint=endpoint, retstep=True, dtype=name, axis=axis
    )
    if not retstep:
        return samples
    step_dtype = name if config.is_float_dtype(name) else config.floatx()
    return samples, jnp.asarray(step, dtype=step_dtype)


__all__ = [
    "arange",
    "batch_get_value",
    "batch_set_value",
    "cast",
    "convert_to_numpy",
    "convert_to_tensor",
    "dtype",
    "eye",
    "full",
    "get_value",
    "is_tensor",
    "is_variable",
    "linspace",
    "ones",
    "ones_like",
    "result_type",
    "set_value",
    "variable",
    "zeros",
    "zeros_like",
]
