"""Arrays in and out of the numpy backend: conversion, dtypes, shapes, variables."""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
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
            return _text_array(x)
        return np.asarray(x, dtype=name)
    if isinstance(x, np.ndarray):
        return x
    array = np.asarray(x)
    if array.dtype == np.float64 and not isinstance(x, np.generic):
        array = array.astype(config.floatx())
    return array


def _text_array(x) -> np.ndarray:
    array = np.asarray(x)
    if array.dtype.kind not in "USO":
        raise TypeError(
            f"Expected text (an array of str or bytes) for dtype 'string', received an "
            f"array of dtype {array.dtype} and shape {array.shape}."
        )
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


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic KerasTensor (the engine marks that class)."""
    return bool(getattr(type(x), "_is_keras_tensor", False))


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


def int_shape(x) -> tuple:
    """The shape as a tuple of ints, ``None`` for unknown dims (KerasTensors)."""
    shape = getattr(x, "shape", None)
    if shape is None:
        if isinstance(x, (int, float, bool)):
            return ()
        raise TypeError(f"int_shape expected an array, Variable or KerasTensor, received {x!r}.")
    return tuple(shape)


def ndim(x) -> int:
    """Number of axes."""
    return len(int_shape(x))


def count_params(x) -> int:
    """Number of scalars in an array or variable."""
    return int(np.prod(int_shape(x), dtype=np.int64))


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
    if not isinstance(x, Variable):
        raise TypeError(f"set_value expected a Variable, received {type(x).__name__}.")
    x.assign(value)


def batch_get_value(xs) -> list:
    """``[get_value(x) for x in xs]``."""
    return [get_value(x) for x in xs]


def batch_set_value(pairs) -> None:
    """Assign each ``(variable, value)`` pair; all shapes are checked first."""
    pairs = list(pairs)
    for target, value in pairs:
        expected = tuple(target.shape)
        received = np.shape(value)
        if received != expected:
            raise ValueError(
                f"Variable '{target.name}' has shape {expected}; "
                f"cannot assign a value of shape {received}."
            )
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
    if not isinstance(num, (int, np.integer)) or isinstance(num, bool) or num < 0:
        raise ValueError(f"linspace() needs a non-negative int num, received {num!r}.")
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
