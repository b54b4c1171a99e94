"""The argument checks of the whole-sequence recurrent ops, shared by every backend.

``lstm_sequence``, ``gru_sequence`` and ``simple_rnn_sequence`` take
``inputs`` ``(batch, timesteps, features)``, states ``(batch, units)``, a
kernel ``(features, gates * units)``, a recurrent kernel
``(units, gates * units)`` and an optional mask ``(batch, timesteps)``.
These functions check those shapes (read from the arrays by the backend)
and the activation names, and say what was expected when one is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping


def check_activation_name(name: str, argument: str, known: Mapping) -> None:
    """Refuse an activation ``name`` the fused ops do not compute (``known`` maps the names)."""
    if name not in known:
        raise ValueError(
            f"{argument} must be one of {sorted(known)} for a fused sequence op, "
            f"received {argument}={name!r}."
        )


def sequence_dimensions(op: str, shape: tuple) -> tuple[int, int, int]:
    """``(batch, timesteps, features)`` of ``inputs`` of ``shape``, which needs a timestep."""
    if len(shape) != 3:
        raise ValueError(
            f"{op} expects inputs of shape (batch, timesteps, features), received shape {shape}."
        )
    if shape[1] == 0:
        raise ValueError(f"{op} needs at least one timestep, received shape {shape}.")
    batch, timesteps, features = shape
    return batch, timesteps, features


def check_mask_shape(op: str, shape: tuple, batch: int, timesteps: int) -> None:
    """A mask marks each sample's timesteps: it must be ``(batch, timesteps)``."""
    if shape != (batch, timesteps):
        raise ValueError(
            f"{op} expects a mask of shape (batch, timesteps) = "
            f"{(batch, timesteps)}, received shape {shape}."
        )


def check_state_shape(op: str, name: str, shape: tuple, batch: int, units: int) -> None:
    """An initial state (``name``) must be ``(batch, units)``."""
    if shape != (batch, units):
        raise ValueError(f"{op} expects {name} of shape {(batch, units)}, received shape {shape}.")


def recurrent_units(
    op: str, kernel_shape: tuple, recurrent_kernel_shape: tuple, features: int, gates: int
) -> int:
    """The ``units`` the kernels hold, after checking they fit each other and the inputs.

    ``kernel`` must be ``(features, gates * units)`` and ``recurrent_kernel``
    ``(units, gates * units)``, ``units`` read from the recurrent kernel.
    """
    units = recurrent_kernel_shape[0] if len(recurrent_kernel_shape) == 2 else -1
    if (
        len(kernel_shape) != 2
        or recurrent_kernel_shape != (units, gates * units)
        or kernel_shape != (features, gates * units)
    ):
        raise ValueError(
            f"{op} expects kernel (features, {gates} * units) and recurrent_kernel "
            f"(units, {gates} * units) for inputs of {features} features, "
            f"received {kernel_shape} and {recurrent_kernel_shape}."
        )
    return units


def check_reset_after_bias(shape: tuple, units: int) -> None:
    """A GRU with ``reset_after`` has an input and a recurrent bias: ``(2, 3 * units)``."""
    if shape != (2, 3 * units):
        raise ValueError(
            f"gru_sequence with reset_after=True expects bias of shape (2, {3 * units}), "
            f"received shape {shape}."
        )
