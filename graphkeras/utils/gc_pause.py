"""gc_paused: hold Python's cyclic garbage collector during bulk graph construction.

Mapping a large graph allocates many small, long-lived objects (networkx
adjacency dicts, plan steps) and frees almost none. Each allocation burst
makes the collector scan the young objects, and every few bursts the whole
heap, work that finds nothing to free here. Pausing it for the duration (and
restoring the previous state afterwards, errors included) keeps the mapping
of a 10,000-layer model linear and cheap. Reference counting still frees
everything as usual; only the cycle search waits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block, if it was enabled."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
