"""Random numbers for the JAX backend: explicit keys, kept in Variables.

JAX draws from a key and never changes it, so a stream of draws needs the
key kept somewhere. A :class:`SeedGenerator` keeps it in a Variable,
``state`` (uint32 key data of shape (2,), not trainable): each draw reads
the state, splits it in two, stores one half back and draws from the other.
Because the state is a Variable, the engine threads it through ``jax.jit``
like any other non-trainable weight (its value goes in, the new value
comes out), and a traced step still gives new numbers each call.

``seed`` in the draws is None (the process-wide generator, reset by
:func:`set_random_seed`), an int (a key made from it: the same numbers every
call, as a seeded Keras initializer gives) or a SeedGenerator.

Every draw is made flat, at a length rounded up to a power of two, and then
cut to the shape asked for (:func:`_flat_draw`). XLA compiles a generator
once per length it is asked for, and compiling the counter-based hash behind
``jax.random`` costs far more than drawing: a model's initializers ask for
dozens of shapes, but they fall into a handful of lengths. A traced draw is
cut the same way, so eager and compiled steps give the same numbers for the
same key.
"""

from __future__ import annotations

import functools
import math
import secrets

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.name_scopes import name_scope
from graphkeras.backend.jax_backend.core import operand
from graphkeras.backend.jax_backend.variable import Variable


def _key_data(seed: int) -> jax.Array:
    """The uint32 data of the key that the int ``seed`` makes."""
    return jax.random.key_data(jax.random.key(seed))


class SeedGenerator:
    """A stream of random keys, its position kept in the Variable ``state``.

    ``name`` (by default a unique ``seed_generator``, ``seed_generator_1``, ...)
    is the name scope the state is made in; ``parent``, when given, is the path
    that scope sits under instead of the scopes open at creation.

    >>> generator = SeedGenerator(7)
    >>> first, second = generator.next_key(), generator.next_key()  # two different keys
    """

    def __init__(self, seed: int, name: str | None = None, parent: str | None = None) -> None:
        if name is None:
            number = config.get_uid("seed_generator")
            name = "seed_generator" if number == 0 else f"seed_generator_{number}"
        elif not isinstance(name, str):
            raise TypeError(f"seed_generator: `name` must be a string or None; received {name!r}.")
        self.name = name
        # In its own name scope, as Keras 3: the path is "<name>/seed_generator_state",
        # under the scopes open now or, when given, under the path ``parent``.
        with name_scope(name, caller=self, override_parent=parent):
            self.state = Variable(
                _key_data(seed), dtype="uint32", name="seed_generator_state", trainable=False
            )

    def next_key(self) -> jax.Array:
        """A new key to draw with; the state moves on, so the next call gives another."""
        carried, drawn = jax.random.split(jax.random.wrap_key_data(self.state.value))
        self.state.assign(jax.random.key_data(carried))
        return drawn

    def __repr__(self) -> str:
        return f"<SeedGenerator state={self.state.name}>"


_GLOBAL_GENERATOR: SeedGenerator | None = None


def global_seed_generator() -> SeedGenerator:
    """The process-wide generator behind unseeded draws (the engine threads its state).

    It is made on first use, from fresh entropy, so importing the backend
    draws nothing.
    """
    global _GLOBAL_GENERATOR
    if _GLOBAL_GENERATOR is None:
        # At the top, wherever the first unseeded draw happens.
        _GLOBAL_GENERATOR = SeedGenerator(
            secrets.randbits(32), name="global_seed_generator", parent=""
        )
    return _GLOBAL_GENERATOR


def set_random_seed(seed: int | None) -> None:
    """Reset the process-wide generator, making every unseeded draw reproducible.

    The generator object stays the same (its state Variable is reassigned),
    so whoever holds it, or its state, sees the reset. ``None`` reseeds it
    from fresh entropy.
    """
    seed = secrets.randbits(32) if seed is None else _int_seed(seed)
    global_seed_generator().state.assign(_key_data(seed))


def seed_generator(seed: int | None = None, name: str | None = None) -> SeedGenerator:
    """A generator of its own for a layer, to pass as ``seed=`` to the draws here.

    Each draw advances it, so a seeded layer gives a new but reproducible
    mask every call. Without a seed its first key comes from the process-wide
    generator, so :func:`set_random_seed` makes it reproducible too. Its
    state's path is ``"<name>/seed_generator_state"`` (see :class:`SeedGenerator`).
    """
    if seed is None:
        generator = SeedGenerator(0, name=name)
        generator.state.assign(jax.random.key_data(global_seed_generator().next_key()))
        return generator
    return SeedGenerator(_int_seed(seed), name=name)


def _int_seed(seed) -> int:
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return int(seed)
    raise TypeError(f"Expected an int seed, received {seed!r}.")


def _key(seed) -> jax.Array:
    """The key a draw uses: from the process-wide generator, an int, or a SeedGenerator."""
    if seed is None:
        return global_seed_generator().next_key()
    if isinstance(seed, SeedGenerator):
        return seed.next_key()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return jax.random.key(int(seed))
    raise TypeError(
        f"seed must be None, an int or a seed_generator(), received {type(seed).__name__} {seed!r}."
    )


def _shape(shape) -> tuple:
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)


_SMALLEST_DRAW = 64


@functools.partial(jax.jit, static_argnames=("sampler", "length", "dtype"))
def _draw_of_length(key: jax.Array, sampler: str, length: int, dtype: str) -> jax.Array:
    """``length`` draws of one ``jax.random`` sampler, compiled once per sampler, length, dtype."""
    if sampler == "uniform":
        return jax.random.uniform(key, (length,), dtype=dtype)
    if sampler == "normal":
        return jax.random.normal(key, (length,), dtype=dtype)
    return jax.random.truncated_normal(key, -2.0, 2.0, (length,), dtype=dtype)


def _flat_draw(
    key: jax.Array, sampler: str, shape: tuple, dtype: str, scale=1.0, shift=0.0
) -> jax.Array:
    """``sampler``'s draws in ``shape`` times ``scale`` plus ``shift``, from a power-of-two run.

    ``scale`` and ``shift`` are taken in ``dtype``. A concrete run is cut
    and scaled on the host with numpy, so an eager draw compiles nothing per
    shape; a traced one is cut and scaled with ``jax.numpy`` in the traced
    program, with the same float operations.
    """
    count = math.prod(shape)
    length = max(_SMALLEST_DRAW, 1 << max(count - 1, 0).bit_length())
    values = _draw_of_length(key, sampler, length, dtype)
    traced = any(isinstance(x, jax.core.Tracer) for x in (values, scale, shift))
    xp = jnp if traced else np
    cut = (values if traced else np.asarray(values))[:count].reshape(shape)
    result = cut * xp.asarray(scale, dtype=dtype) + xp.asarray(shift, dtype=dtype)
    return result if traced else jnp.asarray(result)


def _draw_dtype(name: str) -> str:
    """The float dtype to draw in for a result of dtype ``name`` (cast afterwards)."""
    return name if config.is_float_dtype(name) else config.floatx()


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None) -> jax.Array:
    """Uniform draws from ``[minval, maxval)``."""
    name = config.standardize_dtype(dtype)
    low, high = operand(minval), operand(maxval)
    values = _flat_draw(_key(seed), "uniform", _shape(shape), _draw_dtype(name), high - low, low)
    return values.astype(name)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> jax.Array:
    """Normal draws with the given mean and standard deviation."""
    name = config.standardize_dtype(dtype)
    draw = _draw_dtype(name)
    values = _flat_draw(_key(seed), "normal", _shape(shape), draw, operand(stddev), operand(mean))
    return values.astype(name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> jax.Array:
    """Normal draws within two standard deviations of the mean."""
    name = config.standardize_dtype(dtype)
    draw = _draw_dtype(name)
    values = _flat_draw(
        _key(seed), "truncated_normal", _shape(shape), draw, operand(stddev), operand(mean)
    )
    return values.astype(name)


def random_permutation(n: int, seed=None) -> jax.Array:
    """A random ordering of ``range(n)`` (int64)."""
    return jax.random.permutation(_key(seed), jnp.arange(int(n)))


def dropout(x, rate: float, noise_shape=None, seed=None) -> jax.Array:
    """Zero each entry with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    ``noise_shape`` (broadcastable to ``x``) shares one draw along its axes of
    length 1, as spatial dropout does. It is ``x`` times a mask of zeros and
    ``1 / (1 - rate)``, so its gradient is that mask.
    """
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), received {rate}.")
    if rate == 0.0:
        return x
    value = jnp.asarray(operand(x))
    shape = value.shape if noise_shape is None else _shape(noise_shape)
    keep = 1.0 - rate
    kept = _flat_draw(_key(seed), "uniform", shape, config.floatx()) < keep
    mask = jnp.where(kept, jnp.asarray(1.0 / keep, dtype=value.dtype), 0).astype(value.dtype)
    return value * mask


__all__ = [
    "dropout",
    "random_normal",
    "random_permutation",
    "random_uniform",
    "seed_generator",
    "set_random_seed",
    "truncated_normal",
]
