"""One call that makes weight initialisation, dropout and shuffling reproducible."""

from __future__ import annotations

import random

from graphkeras import backend as K


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random`` and the backend's generator.

    Every later unseeded draw (initializers, dropout masks, shuffles) then
    repeats exactly for the same sequence of calls.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"set_random_seed expects a non-negative int, received {seed!r}.")
    random.seed(seed)
    K.set_random_seed(seed)
