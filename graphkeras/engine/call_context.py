"""The call in progress, as every layer called inside it sees it.

``model(x, training=True)`` must reach a Dropout three levels down, even
through a custom layer whose own ``call`` takes no ``training`` argument.
The outermost call pushes its value here; an inner layer that is not told
otherwise reads it. A value given explicitly to a layer always wins.

Which call is the outermost one is known here too: as in Keras 3, that call
starts afresh the losses ``add_loss`` records, so ``losses`` reflects only
the latest forward pass (see ``Layer._forward_pass``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_training_stack: list[bool] = []
_forward_passes = [0]  # how many eager forward passes are running, nested


def current_training() -> bool | None:
    """The ``training`` value of the innermost call that set one, or None."""
    return _training_stack[-1] if _training_stack else None


def push_training(training: bool) -> None:
    """Make ``training`` the value inner calls see until the matching :func:`pop_training`.

    For a caller that cannot nest ``with`` blocks: an execution plan entering
    and leaving nested networks in a loop of its own.
    """
    _training_stack.append(bool(training))


def pop_training() -> None:
    """Undo the latest :func:`push_training`."""
    _training_stack.pop()


@contextmanager
def training_scope(training: bool | None) -> Iterator[None]:
    """Make ``training`` the value inner calls see (no change when it is None)."""
    if training is None:
        yield
        return
    push_training(training)
    try:
        yield
    finally:
        pop_training()


@contextmanager
def forward_pass() -> Iterator[bool]:
    """Mark an eager forward pass as running; yields whether it is the outermost one."""
    outermost = _forward_passes[0] == 0
    _forward_passes[0] += 1
    try:
        yield outermost
    finally:
        _forward_passes[0] -= 1
