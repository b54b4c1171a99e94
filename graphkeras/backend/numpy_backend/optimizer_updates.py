"""Optimizer steps computed in place: one weight-sized scratch array per variable update.

Written with backend ops, an Adam step makes nine weight-sized temporaries
(``g - m``, its product with ``1 - beta_1``, ``g * g``, ...), up to three
alive at once. For a large weight each is a fresh allocation, and glibc's
heap hands such blocks back to the system when two or three are freed
together, so the next step touches new pages again: on a 784x256 kernel
that is a thousand page faults a step, most of an epoch's cost with one
BLAS thread. Here the same arithmetic, in the same order and with the same
roundings, runs in one scratch array, and the slots and the weight are
updated in place (as ``assign_add`` does).
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend.numpy_backend.tape_array import plain
from graphkeras.backend.numpy_backend.variable import Variable


def adam_update(
    variable: Variable,
    gradient,
    momentum: Variable,
    velocity: Variable,
    beta_1: float,
    beta_2: float,
    step_size: float,
    epsilon: float,
    velocity_hat: Variable | None = None,
) -> None:
    """One Adam step on ``variable`` and its slots, in place.

    ``m += (g - m) * (1 - beta_1)``; ``v += (g * g - v) * (1 - beta_2)``;
    with ``velocity_hat`` (AMSGrad) ``v_hat = max(v_hat, v)`` and the step
    uses it; then ``w -= m / (sqrt(v) + epsilon) * step_size``, where
    ``step_size`` is the learning rate with both bias corrections folded in.
    ``gradient`` has the variable's dtype and shape (or broadcasts to it).
    """
    g = plain(gradient)
    m, v, w = momentum.value, velocity.value, variable.value
    scratch = np.subtract(g, m, dtype=m.dtype)
    scratch *= 1.0 - beta_1
    m += scratch
    np.square(g, out=scratch, casting="same_kind")
    scratch -= v
    scratch *= 1.0 - beta_2
    v += scratch
    if velocity_hat is not None:
        np.maximum(velocity_hat.value, v, out=velocity_hat.value)
        v = velocity_hat.value
    np.sqrt(v, out=scratch)
    scratch += epsilon
    np.divide(m, scratch, out=scratch)
    scratch *= step_size
    w -= scratch
