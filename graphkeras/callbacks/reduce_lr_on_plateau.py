"""ReduceLROnPlateau: lower the learning rate when the monitored quantity stalls."""

from __future__ import annotations

import warnings

import numpy as np

from graphkeras.callbacks.learning_rate_scheduler import _optimizer_of
from graphkeras.callbacks.monitor_callback import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by ``factor`` after ``patience`` epochs without improvement.

    An epoch improves when ``monitor`` beats the best value so far by more than
    ``min_delta``. After a reduction, ``cooldown`` epochs pass before stalled
    epochs are counted again. The rate never goes below ``min_lr``. The rate in
    force is recorded as ``learning_rate`` in each epoch's logs.

    >>> reduce = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3, min_lr=1e-4)
    >>> model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[reduce])
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau lowers the learning rate, so factor must be below 1.0; "
                f"received factor={factor}."
            )
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        """Forget the best value and both counters."""
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        """Whether a recent reduction still suspends the count of stalled epochs."""
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        optimizer = _optimizer_of(self.model)
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}`, which is "
                f"not available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait >= self.patience and self._reduce(optimizer, epoch):
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def _reduce(self, optimizer, epoch: int) -> bool:
        """Lower the rate by ``factor`` down to ``min_lr``; false when already at the floor."""
        old = float(optimizer.learning_rate)
        # Compared in float32 so a rate stored in float32 counts as at the floor once there.
        if old <= float(np.float32(self.min_lr)):
            return False
        new = max(old * self.factor, self.min_lr)
        optimizer.learning_rate = new
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
        return True
