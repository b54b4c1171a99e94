"""Random numbers for the numpy backend, reproducible through one seed.

Draws without a ``seed`` come from one process-wide generator that
:func:`set_random_seed` resets. A draw with an integer ``seed`` uses a fresh
generator of that seed, so it gives the same numbers every time (as a seeded
Keras initializer does).
"""

from __future__ import annotations

import math

import numpy as np

from graphkeras.backend import config

_global_generator = np.random.default_rng()


def set_random_seed(seed: int) -> None:
    """Reset the process-wide generator, making every unseeded draw reproducible."""
    global _global_generator
    _global_generator = np.random.default_rng(seed)


def seed_generator(seed: int | None = None, name: str | None = None) -> np.random.Generator:
    """A generator of its own for a layer, to pass as ``seed=`` to the draws here.

    Each draw advances it, so a seeded layer gives a new but reproducible
    mask every call. Without a seed its seed comes from the process-wide
    generator, so :func:`set_random_seed` makes it reproducible too.
    ``name`` names the scope of a state Variable; a numpy generator keeps
    its state in itself, so it makes no Variable and the name is only checked.
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"seed_generator: `name` must be a string or None; received {name!r}.")
    if seed is None:
        seed = int(_global_generator.integers(0, 2**63 - 1))
    return np.random.default_rng(seed)


def _size(shape) -> int:
    return shape if isinstance(shape, int) else math.prod(shape)


def _generator(seed) -> np.random.Generator:
    if seed is None:
        return _global_generator
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None) -> np.ndarray:
    """Uniform draws from ``[minval, maxval)``."""
    dtype = config.standardize_dtype(dtype)
    generator = _generator(seed)
    if dtype in ("float32", "float64") and _size(shape) >= 4096:
        # Large draws in the target precision directly: no float64 draft to convert.
        values = generator.random(size=shape, dtype=dtype)
        values *= maxval - minval
        values += minval
        return values
    return generator.uniform(minval, maxval, size=shape).astype(dtype)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> np.ndarray:
    """Normal draws with the given mean and standard deviation."""
    dtype = config.standardize_dtype(dtype)
    return _generator(seed).normal(mean, stddev, size=shape).astype(dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> np.ndarray:
    """Normal draws, redrawn until each lies within two standard deviations of the mean."""
    dtype = config.standardize_dtype(dtype)
    generator = _generator(seed)
    values = generator.standard_normal(size=shape)
    outside = np.abs(values) > 2.0
    while np.any(outside):
        values[outside] = generator.standard_normal(size=int(np.count_nonzero(outside)))
        outside = np.abs(values) > 2.0
    return (mean + stddev * values).astype(dtype)


def random_permutation(n: int, seed=None) -> np.ndarray:
    """A random ordering of ``range(n)``."""
    return _generator(seed).permutation(n)


def dropout_mask(shape, rate: float, dtype, seed=None) -> np.ndarray:
    """The multiplier of dropout: 0 with probability ``rate``, else ``1 / (1 - rate)``.

    The backend's ``dropout`` multiplies its input by this mask, so its
    gradient is the gradient of that product.
    """
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), received {rate}.")
    keep = 1.0 - rate
    kept = _generator(seed).random(size=shape) < keep
    return (kept / np.asarray(keep, dtype=dtype)).astype(dtype, copy=False)
