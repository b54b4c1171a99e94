"""ModelCheckpoint: save the model's weights (or the model) as training goes.

A checkpoint is written after every epoch, or every ``save_freq`` batches,
optionally only when the monitored quantity improves. ``filepath`` is a
``str.format`` pattern filled with ``epoch`` (counted from 1), ``batch``
(counted from 1, batch-level saving only) and the current logs, so
``"ckpt-{epoch:02d}-{val_loss:.2f}.weights.npz"`` keeps one file per epoch.

Weight files go through ``model.save_weights``, which writes a temporary file
and renames it over the target: a write that fails or is interrupted leaves
the previous checkpoint as it was.
"""

from __future__ import annotations

import os
import warnings

from graphkeras.callbacks.monitor_callback import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Saves ``model`` to ``filepath`` at the end of every epoch or every ``save_freq`` batches.

    ``save_best_only=True`` saves only when ``monitor`` improves on the best value
    seen so far (starting from ``initial_value_threshold`` when given); ``mode``
    says which direction is better, as in :class:`EarlyStopping`.
    ``save_weights_only=True`` writes the weights (``model.save_weights``, an
    ``.npz`` archive); otherwise the whole model is saved with ``model.save``,
    which graphkeras does not offer yet, so for now pass ``save_weights_only=True``.

    >>> checkpoint = ModelCheckpoint("best.weights.npz", monitor="val_accuracy",
    ...                              save_best_only=True, save_weights_only=True)
    >>> model.fit(x, y, validation_split=0.2, epochs=20, callbacks=[checkpoint])
    >>> model.load_weights("best.weights.npz")
    """

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__(monitor, mode, initial_value_threshold)
        if save_freq != "epoch" and (
            isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1
        ):
            raise ValueError(
                "ModelCheckpoint: save_freq must be 'epoch' or a positive int (a number of "
                f"batches); received save_freq={save_freq!r}."
            )
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._current_epoch = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        # Fail before the first epoch rather than after it.
        if not self.save_weights_only:
            self._full_model_saver()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _should_save_on_batch(self, batch: int) -> bool:
        """Count batches across epochs; true every ``save_freq``-th one."""
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            new_batches = batch + 1  # a new epoch restarted the batch index
        else:
            new_batches = batch - self._last_batch_seen
        self._last_batch_seen = batch
        self._batches_seen_since_last_saving += new_batches
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch: int, logs: dict, filepath: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"ModelCheckpoint can save the best model only when `{self.monitor}` is in "
                f"the logs; it is not (available: {','.join(logs)}), so saving anyway.",
                stacklevel=3,
            )
            return True
        best_text = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_text} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_text}")
        return False

    def _save_model(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IsADirectoryError(
                f"ModelCheckpoint needs a file path, but {filepath!r} is an existing directory."
            )
        if not self._should_save_model(epoch, logs, filepath):
            return
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath)
        else:
            save = self._full_model_saver()
            try:
                save(filepath)
            except NotImplementedError as error:
                raise _full_model_unsupported(self.model) from error
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        """``filepath`` filled with ``epoch``, ``batch`` (both from 1) and the logs."""
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(
                f"ModelCheckpoint cannot fill in filepath {self.filepath!r}: it names "
                f"{error}, which is neither epoch, batch nor a key of the logs "
                f"({', '.join(logs) or 'none'})."
            ) from None

    def _full_model_saver(self):
        save = getattr(self.model, "save", None)
        if not callable(save):
            raise _full_model_unsupported(self.model)
        return save


def _full_model_unsupported(model) -> ValueError:
    return ValueError(
        f"ModelCheckpoint(save_weights_only=False) saves the whole model with model.save(), "
        f"which {type(model).__name__} does not support yet. Pass save_weights_only=True "
        "to checkpoint the weights (an .npz archive, reloaded with model.load_weights)."
    )
