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

* no single weight may have more elements than ``max_weight_elements``,
  and all the weights created in the block together no more than
  ``max_total_weight_elements``;
* no shape-probe array may have more elements than ``max_probe_elements``.

Each breach is a ``ValueError`` naming the layer. Outside such a block there
is no limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class BuildLimits:
    """The ceilings in force, and the weight elements created under them so far."""

    max_weight_elements: int
    max_total_weight_elements: int
    max_probe_elements: int
    why: str = "than allowed here"
    weight_elements_created: int = 0


_in_force: list[BuildLimits] = []


def charge_weight(shape: tuple, layer_name: str, weight_name: str) -> None:
    """Count a new weight of ``shape`` against the ceilings; ``ValueError`` past either."""
    if not _in_force:
        return
    limits = _in_force[-1]
    elements = math.prod(shape)
    if elements > limits.max_weight_elements:
        raise ValueError(
            f"Layer '{layer_name}': weight {weight_name!r} of shape {shape} is larger "
            f"{limits.why} (at most {limits.max_weight_elements} elements)."
        )
    if limits.weight_elements_created + elements > limits.max_total_weight_elements:
        raise ValueError(
            f"Layer '{layer_name}': weight {weight_name!r} of shape {shape} brings the weights "
            f"created to more than {limits.max_total_weight_elements} elements, larger in all "
            f"{limits.why}."
        )
    limits.weight_elements_created += elements


def probe_limit() -> int | None:
    """The most elements one shape-probe array may have, or None (no ceiling in force)."""
    return _in_force[-1].max_probe_elements if _in_force else None


@contextmanager
def build_limits(
    max_weight_elements: int,
    max_total_weight_elements: int,
    max_probe_elements: int,
    why: str = "than allowed here",
) -> Iterator[None]:
    """Apply the ceilings inside the block; blocks nest, the innermost rules.

    ``why`` completes the refusal "weight ... is larger ..." (e.g. "than any
    array in the file being loaded").
    """
    _in_force.append(
        BuildLimits(
            int(max_weight_elements),
            int(max_total_weight_elements),
            int(max_probe_elements),
            why,
        )
    )
    try:
        yield
    finally:
        _in_force.pop()
