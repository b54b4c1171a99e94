"""Values that must exist after a trace is over are computed concretely during it.

On JAX the engine runs some code abstractly: a shape probe runs a layer's
``call`` under ``jax.eval_shape``, and a compiled step is traced by
``jax.jit``. A layer built for the first time inside such a run creates its
weights there, and an initial value computed from traced operations would be
a tracer: a placeholder that is gone once the trace ends, leaving the new
Variable holding nothing usable. Initial values depend only on shapes, seeds
and generator state, all concrete, so :func:`concrete_evaluation` has them
computed for real even inside a trace. On a backend that never traces
(numpy) it does nothing.
"""

from __future__ import annotations

import contextlib
from contextlib import AbstractContextManager

from graphkeras import backend as K


def concrete_evaluation() -> AbstractContextManager:
    """A context in which operations on concrete values give concrete values, traced or not."""
    if K.backend() != "jax":
        return contextlib.nullcontext()
    import jax

    return jax.ensure_compile_time_eval()
