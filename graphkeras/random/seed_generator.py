"""SeedGenerator: a stateful source of seeds for the draws in ``gk.random``.

A seed argument in ``gk.random`` takes one of three forms, each with its own
promise about repetition:

- ``None``: draw from the process-wide generator, so successive calls differ
  and :func:`graphkeras.utils.set_random_seed` makes the whole run repeat.
- an ``int``: the same numbers on every call with that seed.
- a :class:`SeedGenerator`: each call advances it, so successive calls
  differ, while two generators built with the same seed give the same
  sequence. This is what a layer holds to get a new dropout mask every step
  that still repeats from run to run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphkeras import backend as K


class SeedGenerator:
    """A seeded random state that advances with every draw made from it.

    >>> import graphkeras as gk
    >>> generator = gk.random.SeedGenerator(seed=7)
    >>> first = gk.random.normal((2,), seed=generator)
    >>> second = gk.random.normal((2,), seed=generator)
    >>> bool((first != second).any())
    True

    Without a seed, its seed comes from the process-wide generator, so
    :func:`graphkeras.utils.set_random_seed` makes it reproducible as well.
    ``name`` (by default a unique ``seed_generator``, ``seed_generator_1``, ...)
    is the name scope its state is made in: on a backend that keeps the state
    in a Variable (JAX), its path is ``"<name>/seed_generator_state"``, as Keras 3.
    """

    def __init__(self, seed: int | None = None, name: str | None = None) -> None:
        if seed is not None and not _is_int(seed):
            raise ValueError(
                f"SeedGenerator expects seed to be None or a non-negative int, received {seed!r}."
            )
        if seed is not None and seed < 0:
            raise ValueError(f"SeedGenerator expects a non-negative seed, received {seed}.")
        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ValueError(
                f"SeedGenerator expects name to be None or a non-empty string without '/', "
                f"received {name!r}."
            )
        self._seed = None if seed is None else int(seed)
        self.name = name if name is not None else _unique_generator_name()
        self._state = K.seed_generator(self._seed, name=self.name)

    @property
    def seed(self) -> int | None:
        """The seed it was built with (``None`` when it was drawn from the process-wide one)."""
        return self._seed

    @property
    def backend_state(self) -> Any:
        """The backend generator the draws advance, to pass as a backend ``seed=``."""
        return self._state

    def get_config(self) -> dict:
        """The arguments that rebuild a generator starting from the same state."""
        return {"seed": self._seed}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        """A fresh generator from :meth:`get_config`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"SeedGenerator(seed={self._seed!r}, name={self.name!r})"


def _unique_generator_name() -> str:
    """``seed_generator`` the first time, then ``seed_generator_1``, ... (as Keras 3 names them)."""
    number = K.get_uid("seed_generator")
    return "seed_generator" if number == 0 else f"seed_generator_{number}"


def _is_int(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def backend_seed(seed: object, function_name: str) -> Any:
    """Turn a public ``seed=`` argument into what the backend's draws accept.

    Raises ``ValueError`` naming ``function_name`` for anything other than
    ``None``, a non-negative int or a :class:`SeedGenerator`.
    """
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        return seed.backend_state
    if _is_int(seed) and seed >= 0:
        return int(seed)
    raise ValueError(
        f"{function_name} expects seed to be None, a non-negative int or a SeedGenerator, "
        f"received {seed!r}."
    )
