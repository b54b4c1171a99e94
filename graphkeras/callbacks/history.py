"""History: the record of every epoch's results that ``fit`` returns."""

from __future__ import annotations

from graphkeras.callbacks.callback import Callback


class History(Callback):
    """Collects each epoch's logs: ``history["loss"]`` is the list of epoch losses.

    ``fit`` adds one to every run and returns it (also as ``model.history``).
    ``epoch`` lists the epoch indices recorded, ``params`` the run's settings.

    >>> history = model.fit(x, y, epochs=3, verbose=0)
    >>> sorted(history.history)
    ['loss']
    >>> history.epoch
    [0, 1, 2]
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
