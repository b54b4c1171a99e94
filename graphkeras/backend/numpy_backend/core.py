"""Arrays in and out of the numpy backend: conversion, dtypes, shapes, variables."""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.linspace_arguments import check_sample_count
from graphkeras.backend.common.text_arrays import text_array
from graphkeras.backend.common.variable_assignment import (
    check_batch_assignment,
    check_set_value_target,
)
from graphkeras.backend.numpy_backend.variable import Variable


def unwrap(x):
    """The array behind ``x``: a Variable's value, anything else unchanged."""
    return x.value if type(x) is Variable else x


def convert_to_tensor(x, dtype=None) -> np.ndarray:
    """``x`` as an ndarray; Python floats become ``floatx``, arrays keep their dtype.

    ``dtype="string"`` keeps text as it is (a unicode, bytes or object
    array) and refuses numbers: this backend has no string dtype of its own.
    """
    x = unwrap(x)
    if dtype is not None:
        name = config.standardize_dtype(dtype)
        if name == "string":
            return text_array(x)
        return np.asarray(x, dtype=name)
    if isinstance(x, np.ndarray):
        return x
    array = np.asarray(x)
    if array.dtype == np.float64 and not isinstance(x, np.generic):
        array = array.astype(config.floatx())
    return array


def convert_to_numpy(x) -> np.ndarray:
    """``x`` as a numpy array (the identity on this backend's arrays)."""
    return np.asarray(unwrap(x))


def is_tensor(x) -> bool:
    """Whether ``x`` is an array of this backend (not a Variable, not symbolic)."""
    return isinstance(x, np.ndarray)


def is_variable(x) -> bool:
    """Whether ``x`` is a backend Variable."""
    return isinstance(x, Variable)


def cast(x, dtype) -> np.ndarray:
    """``x`` converted to ``dtype``; no copy when it already has it."""
    x = unwrap(x)
    dtype = config.standardize_dtype(dtype)
    if isinstance(x, np.ndarray) and x.dtype == dtype:
        return x
    return np.asarray(x).astype(dtype)


def dtype(x) -> str:
    """The dtype name of an array, variable or KerasTensor (``"float32"``)."""
    value = getattr(x, "dtype", None)
    if isinstance(value, str):
        return value
    if value is None:
        return config.standardize_dtype(np.asarray(x).dtype)
    return config.standardize_dtype(value)


def result_type(*dtypes) -> str:
    """The dtype this backend gives when combining values of these dtypes.

    Dtypes are names (or numpy dtypes); the Python types ``int``, ``float``
    and ``bool`` stand for Python scalars, which are weakly typed and do not
    widen an array's type (``float32`` with ``float`` stays ``float32``).
    Arrays combine as numpy combines them (``int32`` with ``float32`` gives
    ``float64``), so a symbolic dtype always matches the computed one.
    """
    weak_scalars = {int: 0, float: 0.0, bool: False}
    operands = [
        weak_scalars[item]
        if item is int or item is float or item is bool
        else np.dtype(config.standardize_dtype(item))
        for item in dtypes
    ]
    if all(not isinstance(operand, np.dtype) for operand in operands):
        if any(isinstance(operand, float) for operand in operands):
            return config.floatx()
        return "int64" if any(type(operand) is int for operand in operands) else "bool"
    return np.result_type(*operands).name


def variable(value, dtype=None, name: str | None = None, trainable: bool = True) -> Variable:
    """A new Variable holding a copy of ``value``."""
    return Variable(value, dtype=dtype, name=name, trainable=trainable)


def get_value(x) -> np.ndarray:
    """A numpy copy of a variable's value (or of an array)."""
    if isinstance(x, Variable):
        return x.numpy()
    return np.array(x)


def set_value(x: Variable, value) -> None:
    """Assign ``value`` to variable ``x``; the shapes must match."""
    check_set_value_target(x, Variable)
    x.assign(value)


def batch_get_value(xs) -> list:
    """``[get_value(x) for x in xs]``."""
    return [get_value(x) for x in xs]


def batch_set_value(pairs) -> None:
    """Assign each ``(variable, value)`` pair; all shapes are checked first."""
    pairs = list(pairs)
    check_batch_assignment(pairs, np.shape)
    for target, value in pairs:
        target.assign(value)


def zeros(shape, dtype=None) -> np.ndarray:
    """An array of zeros (``floatx`` by default)."""
    return np.zeros(shape, dtype=config.standardize_dtype(dtype))


def ones(shape, dtype=None) -> np.ndarray:
    """An array of ones (``floatx`` by default)."""
    return np.ones(shape, dtype=config.standardize_dtype(dtype))


def full(shape, fill_value, dtype=None) -> np.ndarray:
    """An array filled with ``fill_value`` (``floatx`` by default)."""
    return np.full(shape, fill_value, dtype=config.standardize_dtype(dtype))


def zeros_like(x, dtype=None) -> np.ndarray:
    """Zeros with ``x``'s shape (and dtype unless given)."""
    x = unwrap(x)
    return np.zeros_like(x, dtype=None if dtype is None else config.standardize_dtype(dtype))


def ones_like(x, dtype=None) -> np.ndarray:
    """Ones with ``x``'s shape (and dtype unless given)."""
    x = unwrap(x)
    return np.ones_like(x, dtype=None if dtype is None else config.standardize_dtype(dtype))


def eye(n: int, m: int | None = None, dtype=None) -> np.ndarray:
    """An ``n`` x ``m`` identity matrix."""
    return np.eye(n, m, dtype=config.standardize_dtype(dtype))


def arange(start, stop=None, step=1, dtype=None) -> np.ndarray:
    """Evenly spaced values, as ``numpy.arange`` (int64 unless a dtype is given)."""
    dtype = None if dtype is None else config.standardize_dtype(dtype)
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, step, dtype=dtype)


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
            np.asarray(value).dtype
            for value in (start, stop)
            if not isinstance(value, (int, float))
            and np.issubdtype(np.asarray(value).dtype, np.floating)
        ]
        dtype = np.result_type(*floats).name if floats else config.floatx()
    dtype = config.standardize_dtype(dtype)
    samples, step = np.linspace(
        start, stop, num=int(num), endpoint=endpoint, retstep=True, dtype=dtype, axis=axis
    )
    if not retstep:
        return samples
    step_dtype = dtype if config.is_float_dtype(dtype) else config.floatx()
    return samples, np.asarray(step, dtype=step_dtype)
