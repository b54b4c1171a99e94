"""CSVLogger: write each epoch's results as a row of a CSV file."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable

import numpy as np

from graphkeras.callbacks.callback import Callback


class CSVLogger(Callback):
    """Streams epoch results to ``filename``: a header row, then one row per epoch.

    The columns are ``epoch`` (from 0) followed by the logs' keys in sorted
    order, fixed by the first epoch; when that epoch has no ``val_`` entries,
    ``val_`` columns are added for every key anyway (Keras does the same) and
    hold ``NA`` until validation results appear. Each row is flushed as it is
    written. ``append=True`` continues an existing file and writes the header
    only if the file was empty.

    >>> model.fit(x, y, epochs=5, callbacks=[CSVLogger("training.csv")])
    """

    def __init__(self, filename: str | os.PathLike, separator: str = ",", append: bool = False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys: list[str] | None = None
        self.writer: csv.DictWriter | None = None
        self.csv_file = None
        self.append_header = True

    def on_train_begin(self, logs: dict | None = None) -> None:
        if self.append:
            self.append_header = not (
                os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
            )
            mode = "a"
        else:
            self.append_header = True
            mode = "w"
        self._close()
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")  # noqa: SIM115
        self.keys = None
        self.writer = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            self.writer = csv.DictWriter(
                self.csv_file,
                fieldnames=["epoch", *self.keys],
                delimiter=self.sep,
                lineterminator="\n",
            )
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()


def _cell(value):
    """A value as the CSV cell shows it; a sequence becomes ``"[1, 2]"``."""
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value
    if isinstance(value, Iterable):
        return f"[{', '.join(map(str, value))}]"
    return value
