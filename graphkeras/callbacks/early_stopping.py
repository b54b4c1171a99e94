"""EarlyStopping: end training once the monitored quantity stops improving."""

from __future__ import annotations

import warnings

from graphkeras.callbacks.monitor_callback import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Sets ``model.stop_training`` after ``patience`` epochs without improvement.

    After each epoch the value of ``monitor`` is compared with the best so far;
    beating it by more than ``min_delta`` resets the count of stalled epochs.
    Once that count reaches ``patience`` (and at least one epoch has passed)
    training stops. Epochs before ``start_from_epoch`` are a warm-up and are
    not judged at all.

    With a ``baseline``, the count is only reset by an epoch that also beats the
    baseline, so a run that never gets past it stops after ``patience`` epochs.
    With ``restore_best_weights=True`` the weights of the best epoch are put
    back into the model when training ends, whether or not it stopped early.

    >>> stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    >>> model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights: list | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        # A fresh start for every fit, so one instance can serve several runs.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_epoch = 0
        self.best_weights = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # The first judged epoch is the best so far, whatever its value.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                best = self.best_epoch + 1
                print(f"Restoring model weights from the end of the best epoch: {best}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: dict | None) -> float | None:
        """The monitored value in ``logs``, or ``None`` with a warning when it is missing."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping is conditioned on metric `{self.monitor}`, which is not "
                f"available. Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
        return value
