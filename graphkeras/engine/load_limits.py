"""Ceilings on the memory a model config can make the engine allocate while it loads.

A model file's config says how large each layer is (``Dense(units=...)``,
``Embedding(input_dim=...)``, ``Input(shape=...)``), and rebuilding the
model allocates memory before any weight is read from the file: each
weight is created and initialised, and a layer without
``compute_output_shape`` is probed by running ``call`` on small arrays of
its input shape. A hostile or corrupted config could ask for terabytes.

While a file loads, :func:`loading_limits` sets two ceilings:

* no single weight may have more elements than the largest array the file
  actually holds (``Layer.add_weight`` checks it);
* no shape probe may use an array of more than :data:`MAX_PROBE_ELEMENTS`.

Each breach is a ``ValueError`` naming the layer. Outside a load there is
no limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# 64M elements (256 MiB of float32): far above any real probe (batch of 2 or 3).
MAX_PROBE_ELEMENTS = 2**26

_weight_limits: list[int] = []


def weight_limit() -> int | None:
    """The most elements one new weight may have, or None (no load in progress)."""
    return _weight_limits[-1] if _weight_limits else None


def probe_limit() -> int | None:
    """The most elements one shape-probe array may have, or None (no load in progress)."""
    return MAX_PROBE_ELEMENTS if _weight_limits else None


@contextmanager
def loading_limits(max_weight_elements: int) -> Iterator[None]:
    """Apply both ceilings inside the block (weights: at most ``max_weight_elements``)."""
    _weight_limits.append(int(max_weight_elements))
    try:
        yield
    finally:
        _weight_limits.pop()
