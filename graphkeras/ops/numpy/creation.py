"""Creation ops of ``gk.ops.numpy``: ranges, constant arrays, grids of powers.

These take shapes and numbers rather than tensors (``ones_like`` and its
kin take one for its shape), so on their own they always compute; their
default dtype is ``floatx()`` as in Keras 3, except ``arange``, whose dtype
follows its numbers.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_tensor, dtype_or_floatx
from graphkeras.ops.operation import operation


@operation
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` without ``stop``)."""
    if dtype is None:
        numbers = [value for value in (start, stop, step) if value is not None]
        dtype = "float32" if builtins.any(isinstance(v, float) for v in numbers) else "int32"
    return K.arange(start, stop, 1 if step is None else step, dtype=dtype)


@operation
def zeros(shape, dtype=None):
    """An array of zeros (``floatx()`` by default)."""
    return K.zeros(shape, dtype=dtype_or_floatx(dtype))


@operation
def ones(shape, dtype=None):
    """An array of ones."""
    return K.ones(shape, dtype=dtype_or_floatx(dtype))


@operation
def full(shape, fill_value, dtype=None):
    """An array of ``fill_value`` (``floatx()`` unless ``dtype`` is given, as Keras 3)."""
    return K.full(shape, K.convert_to_numpy(fill_value), dtype=dtype_or_floatx(dtype))


@operation
def zeros_like(x, dtype=None):
    """Zeros with ``x``'s shape (and dtype, unless given)."""
    return K.zeros_like(as_tensor(x), dtype=dtype)


@operation
def ones_like(x, dtype=None):
    """Ones with ``x``'s shape (and dtype, unless given)."""
    return K.ones_like(as_tensor(x), dtype=dtype)


@operation
def full_like(x, fill_value, dtype=None):
    """``fill_value`` with ``x``'s shape (and dtype, unless given)."""
    x = as_tensor(x)
    return K.full(K.int_shape(x), K.convert_to_numpy(fill_value), dtype=dtype or K.dtype(x))


@operation
def eye(N, M=None, k=0, dtype=None):  # noqa: N803 (Keras 3's argument names)
    """An ``N`` by ``M`` matrix with ones on diagonal ``k``."""
    matrix = K.eye(N, M, dtype=dtype_or_floatx(dtype))
    if k == 0:
        return matrix
    columns = N if M is None else M
    return K.convert_to_tensor(np.eye(N, columns, k), dtype=dtype_or_floatx(dtype))


@operation
def identity(n, dtype=None):
    """The ``n`` by ``n`` identity matrix."""
    return K.eye(n, dtype=dtype_or_floatx(dtype))


@operation
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    return K.linspace(
        start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis
    )


@operation
def tri(N, M=None, k=0, dtype=None):  # noqa: N803 (Keras 3's argument names)
    """An ``N`` by ``M`` matrix with ones on and below diagonal ``k``, zeros above."""
    ones_matrix = K.ones((N, N if M is None else M), dtype=dtype_or_floatx(dtype))
    return K.tril(ones_matrix, k=k)


@operation
def empty(shape, dtype=None):
    """An array of ``shape`` (graphkeras fills it with zeros: uninitialised memory has no tape)."""
    return K.zeros(shape, dtype=dtype_or_floatx(dtype))


@operation
def empty_like(x, dtype=None):
    """An array with ``x``'s shape and dtype (zeros, as ``empty``)."""
    return K.zeros_like(as_tensor(x), dtype=dtype)


def _float_of(start: Any, stop: Any, dtype: Any) -> str:
    """``dtype``, else the widest float of array ``start``/``stop``, else ``floatx()``."""
    if dtype is not None:
        return K.standardize_dtype(dtype)
    found = [
        K.dtype(value) for value in (start, stop) if K.is_tensor(value) or K.is_variable(value)
    ]
    floats = [name for name in found if K.is_float_dtype(name)]
    return K.result_type(*floats) if floats else K.floatx()


@operation
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``num`` numbers from ``base ** start`` to ``base ** stop``, evenly spaced in the exponent."""
    result_dtype = _float_of(start, stop, dtype)
    exponents = K.linspace(start, stop, num=num, endpoint=endpoint, dtype=result_dtype, axis=axis)
    base = K.convert_to_tensor(base, dtype=result_dtype)
    return K.cast(K.power(base, exponents), result_dtype)


@operation
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``num`` numbers from ``start`` to ``stop`` in a geometric progression.

    ``start`` and ``stop`` must have one sign (both negative gives negative
    numbers); the ends match them up to rounding.
    """
    result_dtype = _float_of(start, stop, dtype)
    start = K.cast(as_tensor(start), result_dtype)
    stop = K.cast(as_tensor(stop), result_dtype)
    ends = K.concatenate([K.reshape(start, (-1,)), K.reshape(stop, (-1,))], axis=0)
    if not K.convert_to_numpy(K.all(K.not_equal(ends, 0))):
        raise ValueError("ops.geomspace: start and stop must be nonzero (a geometric sequence).")
    exponents = K.linspace(
        K.log(K.abs(start)), K.log(K.abs(stop)), num=num, endpoint=endpoint, axis=axis
    )
    sign = K.sign(start) if K.ndim(start) == 0 else K.expand_dims(K.sign(start), axis)
    return K.cast(K.multiply(sign, K.exp(exponents)), result_dtype)


@operation
def array(x, dtype=None):
    """``x`` as an array (of ``dtype`` when given)."""
    x = as_tensor(x)
    return x if dtype is None else K.cast(x, K.standardize_dtype(dtype))


def _window(points: int, name: str, shape) -> Any:
    """A window of ``points`` samples: ``shape(phase)`` with the phase ``2 pi n / (points - 1)``."""
    if not isinstance(points, int) or isinstance(points, bool):
        raise TypeError(
            f"ops.{name}: x (the number of points) must be an int, received {points!r}."
        )
    if points <= 1:
        return K.ones((builtins.max(points, 0),), dtype=K.floatx())
    phase = K.multiply(K.arange(0, points, 1, dtype=K.floatx()), 2.0 * math.pi / (points - 1))
    return shape(phase)


@operation
def bartlett(x):
    """The Bartlett (triangular) window of ``x`` points, rising from 0 to 1 and back."""
    return _window(
        x,
        "bartlett",
        lambda phase: K.subtract(1.0, K.abs(K.subtract(K.divide(phase, math.pi), 1.0))),
    )


@operation
def hanning(x):
    """The Hann window of ``x`` points: ``0.5 - 0.5 cos(2 pi n / (x - 1))``."""
    return _window(x, "hanning", lambda phase: K.subtract(0.5, K.multiply(0.5, K.cos(phase))))


@operation
def hamming(x):
    """The Hamming window of ``x`` points: ``0.54 - 0.46 cos(2 pi n / (x - 1))``."""
    return _window(x, "hamming", lambda phase: K.subtract(0.54, K.multiply(0.46, K.cos(phase))))


@operation
def blackman(x):
    """The Blackman window of ``x`` points."""

    def shape(phase):
        first = K.multiply(0.5, K.cos(phase))
        second = K.multiply(0.08, K.cos(K.multiply(phase, 2.0)))
        return K.add(K.subtract(0.42, first), second)

    return _window(x, "blackman", shape)
