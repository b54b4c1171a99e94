"""Optimizer steps on JAX Variables: ``adam_update``.

JAX arrays are immutable, so "in place" means the Variables are given their
new arrays with ``assign``: the arithmetic is a pure function of the old
values, which also runs when the whole training step is traced and the
Variables' values are tracers (XLA then fuses it into the step). Run
eagerly, the step is deliberately not compiled on its own: XLA's fused
loops contract ``a + b * c`` into fused multiply-adds, which round
differently from the same step written with the backend's ops, and the
interface asks for that step's exact roundings.
"""

from __future__ import annotations

import jax.numpy as jnp

from graphkeras.backend.jax_backend.core import unwrap
from graphkeras.backend.jax_backend.variable import Variable

__all__ = ["adam_update"]


def _adam_step(weight, gradient, momentum, velocity, velocity_hat, rates):
    """``(weight, momentum, velocity, velocity_hat)`` after one Adam step.

    ``rates`` is ``(beta_1, beta_2, step_size, epsilon)``; ``velocity_hat`` is
    None without AMSGrad (and comes back None).
    """
    beta_1, beta_2, step_size, epsilon = rates
    gradient = gradient.astype(momentum.dtype)
    momentum = momentum + (gradient - momentum) * (1.0 - beta_1)
    velocity = velocity + (gradient * gradient - velocity) * (1.0 - beta_2)
    denominator_of = velocity
    if velocity_hat is not None:
        velocity_hat = jnp.maximum(velocity_hat, velocity)
        denominator_of = velocity_hat
    weight = weight - momentum / (jnp.sqrt(denominator_of) + epsilon) * step_size
    return weight, momentum, velocity, velocity_hat


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
    """One Adam step on ``variable`` and its slots, assigned to the Variables.

    ``m += (g - m) * (1 - beta_1)``; ``v += (g * g - v) * (1 - beta_2)``;
    with ``velocity_hat`` (AMSGrad) ``v_hat = max(v_hat, v)`` and the step
    uses it; then ``w -= m / (sqrt(v) + epsilon) * step_size``, where
    ``step_size`` is the learning rate with both bias corrections folded in.
    ``gradient`` has the variable's shape (or broadcasts to it). The rates
    may be Python floats or (traced) scalars.
    """
    rates = tuple(unwrap(rate) for rate in (beta_1, beta_2, step_size, epsilon))
    weight, new_momentum, new_velocity, new_velocity_hat = _adam_step(
        variable.value,
        jnp.asarray(unwrap(gradient)),
        momentum.value,
        velocity.value,
        None if velocity_hat is None else velocity_hat.value,
        rates,
    )
    momentum.assign(new_momentum)
    velocity.assign(new_velocity)
    if velocity_hat is not None:
        velocity_hat.assign(new_velocity_hat)
    variable.assign(weight)
