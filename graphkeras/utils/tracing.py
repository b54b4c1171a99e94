"""Whether a whole step is being traced into one compiled program.

While the engine traces a training or inference step for a compiler (JAX's
``jax.jit``), the variables hold placeholders for values that exist only
when the compiled program runs. Code that turns a variable's value into a
Python number (an optimizer's step count, a metric's result as a float)
cannot do so then; it asks :func:`is_tracing` and computes with backend
arrays instead. Outside a trace (always, on the numpy backend) the answer is
False and such code keeps its Python-number fast path.

>>> is_tracing()
False
>>> with tracing():
...     is_tracing()
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_depth = [0]


def is_tracing() -> bool:
    """Whether a step is being traced, so values must stay backend arrays."""
    return _depth[0] > 0


@contextmanager
def tracing() -> Iterator[None]:
    """Mark the code run inside as traced (nestable)."""
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
