"""Ceilings on what building layers may allocate, while someone asks for them.

Building a model from a config allocates memory before any weight is read:
each weight is created and initialised (``Layer.add_weight``), and a layer
without ``compute_output_shape`` is probed by running ``call`` on small
arrays of its input shape. A config from an untrusted file could ask for
terabytes that way.

The engine does not know where a config came from, so it sets no ceiling of
its own: it only obeys the ones in force. :func:`build_limits` puts two in
force for the duration of a block (the loaders in ``graphkeras.saving``
choose the values from what the file holds):

* no single weight may have more elements than ``max_weight_elements``;
* no shape-probe array may have more elements than ``max_probe_elements``.

Each breach is a ``ValueError`` naming the layer. Outside such a block there
is no limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple


class BuildLimits(NamedTuple):
    """The ceilings in force: most elements of one weight, and of one probe array."""

    max_weight_elements: int
    max_probe_elements: int


_in_force: list[BuildLimits] = []


def weight_limit() -> int | None:
    """The most elements one new weight may have, or None (no ceiling in force)."""
    return _in_force[-1].max_weight_elements if _in_force else None


def probe_limit() -> int | None:
    """The most elements one shape-probe array may have, or None (no ceiling in force)."""
    return _in_force[-1].max_probe_elements if _in_force else None


@contextmanager
def build_limits(max_weight_elements: int, max_probe_elements: int) -> Iterator[None]:
    """Apply both ceilings inside the block; blocks nest, the innermost rules."""
    _in_force.append(BuildLimits(int(max_weight_elements), int(max_probe_elements)))
    try:
        yield
    finally:
        _in_force.pop()
