"""The training flag of the call in progress, seen by every layer called inside it.

``model(x, training=True)`` must reach a Dropout three levels down, even
through a custom layer whose own ``call`` takes no ``training`` argument.
The outermost call pushes its value here; an inner layer that is not told
otherwise reads it. A value given explicitly to a layer always wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_training_stack: list[bool] = []


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
