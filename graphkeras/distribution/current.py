"""The distribution in force: set, read, and pin an array to a layout."""

from __future__ import annotations

from typing import Any

from graphkeras.distribution.distribution_base import Distribution
from graphkeras.distribution.tensor_layout import TensorLayout
from graphkeras.engine import distribution_state


def set_distribution(value: Distribution | None) -> None:
    """Make ``value`` the distribution every model uses from now on (None: one device again).

    Only the JAX backend distributes; on numpy this raises a ``ValueError``
    that says how to select JAX.
    """
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(
            f"set_distribution takes a Distribution (DataParallel, ModelParallel) or None; "
            f"received {type(value).__name__}."
        )
    distribution_state.set_current(value)


def distribution() -> Distribution | None:
    """The distribution in force, or None."""
    return distribution_state.current()


def distribute_tensor(tensor: Any, layout: TensorLayout) -> Any:
    """``tensor`` laid out as ``layout``: pinned inside a compiled step, moved outside one.

    A KerasTensor (a symbolic placeholder) is returned as it is.
    """
    import jax

    from graphkeras.backend.jax_backend.distribution import distribute_array
    from graphkeras.engine.node import is_keras_tensor

    if is_keras_tensor(tensor):
        return tensor
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, layout.backend_layout)
    return distribute_array(tensor, layout.backend_layout)
