"""ProgbarLogger: the progress output of ``fit``, ``evaluate`` and ``predict``.

With ``verbose=1`` each epoch prints ``Epoch 3/10`` and then a bar, redrawn in
place on a terminal with an ETA and the running loss and metrics; a stream
that is not a terminal (a log file) receives only the finished line. With
``verbose=2`` each epoch gives its header and exactly one summary line; with
``verbose=0`` nothing is written. The drawing is :class:`graphkeras.utils.Progbar`'s.
"""

from __future__ import annotations

import sys
from numbers import Real

from graphkeras.callbacks.callback import Callback
from graphkeras.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints progress and metrics to standard output; ``fit`` adds one when ``verbose != 0``.

    Its settings come from ``params``: ``verbose`` (0, 1, 2 or ``"auto"``,
    which means 1), ``epochs`` and ``steps`` (batches per epoch; ``None`` when
    unknown, in which case the bar counts up and learns the total at the end).
    Validation batches run inside ``fit`` are not drawn; their ``val_`` results
    appear on the epoch's final line.
    """

    def __init__(self) -> None:
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target: int | None = None
        self.seen = 0
        self.progbar: Progbar | None = None
        self._called_in_fit = False

    def set_params(self, params: dict | None) -> None:
        super().set_params(params)
        params = params or {}
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._called_in_fit = True

    def on_train_end(self, logs: dict | None = None) -> None:
        self._called_in_fit = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start_progbar()
        if self.verbose and self.epochs > 1:
            sys.stdout.write(f"Epoch {epoch + 1}/{self.epochs}\n")
            sys.stdout.flush()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._advance(batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._finish(logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._start_progbar()

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._advance(batch, logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if not self._called_in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._start_progbar()

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._advance(batch, None)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._finish(None)

    def _start_progbar(self) -> None:
        self.seen = 0
        # The stream is looked up now, not at import, so redirected output is honoured.
        self.progbar = Progbar(
            target=self.target, verbose=self.verbose, stream=sys.stdout, unit_name="step"
        )

    def _advance(self, batch: int, logs: dict | None) -> None:
        if self.progbar is None:
            self._start_progbar()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, _numeric(logs), finalize=False)

    def _finish(self, logs: dict | None) -> None:
        if self.progbar is None:
            self._start_progbar()
        if self.progbar.target is None:
            # Unknown length: the first pass measures it, later epochs draw a full bar.
            self.target = self.progbar.target = self.seen
        self.progbar.update(self.progbar.target, _numeric(logs), finalize=True)
        self.progbar = None


def _numeric(logs: dict | None) -> dict[str, float]:
    """The entries of ``logs`` a progress line can show: real numbers."""
    return {
        key: value
        for key, value in (logs or {}).items()
        if isinstance(value, Real) and not isinstance(value, bool)
    }
