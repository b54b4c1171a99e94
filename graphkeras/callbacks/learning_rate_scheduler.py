"""LearningRateScheduler: set the optimizer's learning rate from a function of the epoch."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from numbers import Real

from graphkeras.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Before each epoch, sets ``model.optimizer.learning_rate = schedule(epoch, lr)``.

    ``schedule`` receives the epoch index (from 0) and the current learning
    rate as a float, and returns the new rate; a one-argument ``schedule(epoch)``
    is accepted too. The rate in force is recorded as ``learning_rate`` in each
    epoch's logs, so it shows up in ``History``.

    >>> halve_after_ten = lambda epoch, lr: lr if epoch < 10 else lr * 0.5
    >>> model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(halve_after_ten)])
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        optimizer = _optimizer_of(self.model)
        current = float(optimizer.learning_rate)
        if _accepts_two_arguments(self.schedule):
            new = self.schedule(epoch, current)
        else:
            new = self.schedule(epoch)
        if isinstance(new, bool) or not isinstance(new, Real):
            raise ValueError(
                "LearningRateScheduler: the schedule must return a float learning rate; "
                f"for epoch {epoch} it returned {new!r}."
            )
        optimizer.learning_rate = float(new)
        if self.verbose > 0:
            print(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(new)}."
            )

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(_optimizer_of(self.model).learning_rate)


def _optimizer_of(model):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(
            "This callback changes model.optimizer.learning_rate, but the model has "
            f"{'no optimizer' if optimizer is None else 'an optimizer without learning_rate'}; "
            "compile the model first."
        )
    return optimizer


def _accepts_two_arguments(function: Callable) -> bool:
    """Whether ``function(epoch, lr)`` binds; an unreadable signature is assumed to."""
    try:
        inspect.signature(function).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:
        return True
    return True
