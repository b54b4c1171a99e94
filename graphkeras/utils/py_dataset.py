"""``PyDataset`` (alias ``Sequence``): a dataset written in Python as numbered batches.

A subclass says how many batches there are (``__len__``, or the
``num_batches`` property for a dataset whose length is unknown) and how to
make batch ``i`` (``__getitem__``); ``on_epoch_begin`` / ``on_epoch_end``
let it reshuffle or reload between epochs. Iterating over it yields the
batches in order. ``workers``, ``use_multiprocessing`` and
``max_queue_size`` are Keras 3's settings for how ``fit`` may read batches
in parallel; they are kept for that and do nothing when you iterate
yourself.

>>> class Squares(PyDataset):
...     def __len__(self):
...         return 3
...     def __getitem__(self, index):
...         return np.full((2, 1), index**2)
>>> [int(batch[0, 0]) for batch in Squares()]
[0, 1, 4]
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from typing import Any

_DEFAULTS = {"_workers": 1, "_use_multiprocessing": False, "_max_queue_size": 10}


class PyDataset:
    """Base class of datasets made of numbered batches, as Keras 3's ``keras.utils.PyDataset``.

    Args:
        workers: how many threads or processes may make batches at once.
        use_multiprocessing: whether those workers are processes (the
            dataset must then pickle) rather than threads.
        max_queue_size: how many finished batches may wait to be used.

    Subclasses call ``super().__init__(**kwargs)`` and implement
    ``__getitem__(index)`` (one whole batch) and ``__len__()`` (the number of
    batches), or ``num_batches`` (None for an endless dataset).
    """

    def __init__(
        self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10
    ) -> None:
        self._workers = _count(workers, "workers")
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = _count(max_queue_size, "max_queue_size")

    def _settings_or_defaults(self) -> None:
        """Keras's defaults, with a warning, for a subclass that skipped ``super().__init__``."""
        missing = [name for name in _DEFAULTS if name not in self.__dict__]
        for name in missing:
            setattr(self, name, _DEFAULTS[name])
        if missing:
            warnings.warn(
                f"{type(self).__name__} should call `super().__init__(**kwargs)` in its "
                "constructor; `**kwargs` can include `workers`, `use_multiprocessing` and "
                "`max_queue_size`. Passing these to `fit()` has no effect.",
                stacklevel=3,
            )

    @property
    def workers(self) -> int:
        self._settings_or_defaults()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = _count(value, "workers")

    @property
    def use_multiprocessing(self) -> bool:
        self._settings_or_defaults()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = bool(value)

    @property
    def max_queue_size(self) -> int:
        self._settings_or_defaults()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = _count(value, "max_queue_size")

    def __getitem__(self, index: int) -> Any:
        """Batch number ``index``; every subclass implements it."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement __getitem__(index), returning one whole batch."
        )

    def __len__(self) -> int:
        """The number of batches; a subclass implements it, or ``num_batches``."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement __len__() (the number of batches) or the "
            "num_batches property (None for an endless dataset)."
        )

    def __bool__(self) -> bool:
        # Truth is not the batch count unless the subclass knows it.
        try:
            return len(self) > 0
        except NotImplementedError:
            return True

    @property
    def num_batches(self) -> int | None:
        """The number of batches (``len(self)``), or None for an endless dataset."""
        return len(self)

    def __iter__(self) -> Iterator[Any]:
        """The batches in order: ``num_batches`` of them, or without end when that is unknown."""
        try:
            count = self.num_batches
        except NotImplementedError:
            count = None
        indices = itertools.count() if count is None else range(count)
        for index in indices:
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called before each epoch; override to prepare it (does nothing by default)."""

    def on_epoch_end(self) -> None:
        """Called after each epoch; override to reshuffle (does nothing by default)."""


# Keras 3 exports the same class under Keras 2's name.
Sequence = PyDataset


def _count(value: Any, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"PyDataset: `{argument}` must be an int >= 0, received {value!r}.")
    return value
