"""The draws of ``gk.random``: Keras 3's ``keras.random`` functions over the backend.

Each function checks its arguments, turns its ``seed`` into the backend's
form (see ``seed_generator.py``) and makes one backend draw. The names,
signatures and defaults are Keras 3's, so code written against
``keras.random`` runs here unchanged.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.random.seed_generator import SeedGenerator, backend_seed

Shape = int | tuple[int, ...] | list[int]
Seed = int | SeedGenerator | None


def _check_shape(shape: object, function_name: str) -> tuple[int, ...]:
    """``shape`` as a tuple of non-negative ints, or a ValueError saying what was received."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if isinstance(dims, (tuple, list)) and all(
        isinstance(dim, (int, np.integer)) and not isinstance(dim, (bool, np.bool_)) and dim >= 0
        for dim in dims
    ):
        return tuple(int(dim) for dim in dims)
    raise ValueError(
        f"{function_name} expects shape to be a tuple of non-negative ints, received {shape!r}."
    )


def _check_float_dtype(dtype: object, function_name: str) -> str:
    """The dtype's name (``None`` meaning ``floatx()``), which must be a float type."""
    name = K.standardize_dtype(dtype)
    if not K.is_float_dtype(name):
        raise ValueError(f"{function_name} expects a float dtype, received dtype={dtype!r}.")
    return name


def _check_number(
    value: object, argument: str, function_name: str, kind: type = numbers.Real
) -> Any:
    """``value`` if it is a number of ``kind`` (never a bool), else a ValueError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        expected = "an int" if kind is numbers.Integral else "a number"
        raise ValueError(
            f"{function_name} expects {argument} to be {expected}, received {value!r}."
        )
    return value


def normal(
    shape: Shape,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: Seed = None,
) -> np.ndarray:
    """Draws from a normal distribution with the given mean and standard deviation.

    ``dtype`` defaults to ``floatx()``; ``seed`` is ``None``, an int or a
    :class:`SeedGenerator`.
    """
    shape = _check_shape(shape, "normal")
    dtype = _check_float_dtype(dtype, "normal")
    return K.random_normal(shape, mean, stddev, dtype, backend_seed(seed, "normal"))


def uniform(
    shape: Shape,
    minval: float = 0.0,
    maxval: float = 1.0,
    dtype: Any = None,
    seed: Seed = None,
) -> np.ndarray:
    """Draws spread evenly over ``[minval, maxval)``; ``dtype`` must be a float type."""
    shape = _check_shape(shape, "uniform")
    dtype = _check_float_dtype(dtype, "uniform")
    return K.random_uniform(shape, minval, maxval, dtype, backend_seed(seed, "uniform"))


def truncated_normal(
    shape: Shape,
    mean: float = 0.0,
    stddev: float = 1.0,
    dtype: Any = None,
    seed: Seed = None,
) -> np.ndarray:
    """Normal draws kept within two standard deviations of the mean (others are redrawn).

    Useful for initial weights: no value lands far out in a tail.
    """
    shape = _check_shape(shape, "truncated_normal")
    dtype = _check_float_dtype(dtype, "truncated_normal")
    return K.truncated_normal(shape, mean, stddev, dtype, backend_seed(seed, "truncated_normal"))


def randint(
    shape: Shape,
    minval: int,
    maxval: int,
    dtype: Any = "int32",
    seed: Seed = None,
) -> np.ndarray:
    """Integers drawn evenly from ``minval`` up to, but not including, ``maxval``.

    >>> import graphkeras as gk
    >>> values = gk.random.randint((100,), minval=3, maxval=5, seed=0)
    >>> sorted(set(values.tolist()))
    [3, 4]
    """
    shape = _check_shape(shape, "randint")
    minval = int(_check_number(minval, "minval", "randint", numbers.Integral))
    maxval = int(_check_number(maxval, "maxval", "randint", numbers.Integral))
    if not minval < maxval:
        raise ValueError(
            f"randint expects minval < maxval, received minval={minval!r}, maxval={maxval!r}."
        )
    name = K.standardize_dtype(dtype)
    if not np.issubdtype(np.dtype(name), np.integer):
        raise ValueError(f"randint expects an integer dtype, received dtype={dtype!r}.")
    # A float draw over [minval, maxval) floored lands on each integer with equal chance;
    # the clip guards the rounding of minval + (maxval - minval) * u up to maxval itself.
    draws = K.random_uniform(shape, minval, maxval, "float64", backend_seed(seed, "randint"))
    return np.clip(np.floor(draws), minval, maxval - 1).astype(name)


def dropout(
    inputs: Any,
    rate: float,
    noise_shape: tuple[int | None, ...] | None = None,
    seed: Seed = None,
) -> Any:
    """Zero each entry with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    The scaling keeps the expected value of each entry unchanged. ``noise_shape``
    (broadcastable to ``inputs``; ``None`` entries take the input's size)
    shares one draw along its axes of length 1. Integer inputs become
    ``floatx()``; float inputs keep their dtype.
    """
    rate = _check_number(rate, "rate", "dropout")
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout expects rate in [0, 1), received rate={rate!r}.")
    generator_seed = backend_seed(seed, "dropout")
    if not K.is_float_dtype(K.standardize_dtype(getattr(inputs, "dtype", None))):
        inputs = K.convert_to_tensor(np.asarray(inputs), dtype=K.floatx())
    input_shape = tuple(inputs.shape)
    if noise_shape is not None:
        noise_shape = _resolve_noise_shape(noise_shape, input_shape)
    return K.dropout(inputs, float(rate), noise_shape=noise_shape, seed=generator_seed)


def _resolve_noise_shape(noise_shape: object, input_shape: tuple[int, ...]) -> tuple[int, ...]:
    """``noise_shape`` with ``None`` entries filled from ``input_shape``, checked to broadcast."""
    dims = tuple(noise_shape) if isinstance(noise_shape, (tuple, list)) else None
    if dims is not None and len(dims) == len(input_shape):
        pairs = zip(dims, input_shape, strict=True)
        resolved = tuple(size if dim is None else dim for dim, size in pairs)
        if all(
            isinstance(dim, (int, np.integer)) and dim in (1, size)
            for dim, size in zip(resolved, input_shape, strict=True)
        ):
            return tuple(int(dim) for dim in resolved)
    raise ValueError(
        f"dropout expects noise_shape to broadcast to the input shape {input_shape} "
        f"(each entry 1, the input's size or None), received noise_shape={noise_shape!r}."
    )


def shuffle(x: Any, axis: int = 0, seed: Seed = None) -> Any:
    """``x`` with its slices along ``axis`` put in a random order.

    Slices move whole: shuffling the rows of a matrix keeps each row intact,
    as ``keras.random.shuffle`` does.
    """
    x = K.convert_to_tensor(x) if not hasattr(x, "shape") else x
    rank = len(x.shape)
    is_int = isinstance(axis, (int, np.integer)) and not isinstance(axis, bool)
    if not is_int or not -rank <= axis < rank:
        raise ValueError(
            f"shuffle expects axis to be an int in [-{rank}, {rank}) for an input of rank "
            f"{rank}, received axis={axis!r}."
        )
    order = K.random_permutation(int(x.shape[axis]), seed=backend_seed(seed, "shuffle"))
    return K.take(x, order, axis=int(axis))
