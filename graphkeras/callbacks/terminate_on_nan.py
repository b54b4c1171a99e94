"""TerminateOnNaN: stop training at the first batch whose loss is NaN or infinite."""

from __future__ import annotations

import math

from graphkeras.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops ``fit`` when a batch's loss is not finite, keeping the last good weights.

    Before each training batch the model's weights are copied; when the batch
    ends with a NaN or infinite ``loss``, that copy is put back (so the model
    holds the weights of the last step whose loss was finite, not the
    corrupted ones) and ``model.stop_training`` is set. ``fit`` then ends after
    the batch and ``on_train_end`` runs as usual. With ``raise_error=True`` a
    ``RuntimeError`` is raised instead of the graceful stop, after the same
    restore.

    Copying the weights every batch costs one copy of the model per step.
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error
        self._last_good_weights: list | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._last_good_weights = None

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._last_good_weights = self.model.get_weights()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or _is_finite(loss):
            return
        if self._last_good_weights is not None:
            self.model.set_weights(self._last_good_weights)
        if self.raise_error:
            raise RuntimeError(
                f"Batch {batch}: the loss is {loss}; training stopped and the weights from "
                "before this batch were restored."
            )
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        self._last_good_weights = None


def _is_finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return True
