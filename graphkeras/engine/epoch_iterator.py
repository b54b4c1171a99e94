"""EpochIterator: one epoch of batches from a data source, with Keras 3's ``steps_per_epoch`` rules.

``fit``, ``evaluate`` and ``predict`` each drive one; a data source
(``data_sources.py``) supplies the batches. What an epoch is depends on
``steps_per_epoch``:

- without it, an epoch is one whole pass over the data (a generator's
  first pass is all it has: a later epoch finds it drained, warns that the
  input ran out and ``fit`` stops);
- with it, an epoch is that many batches, and the next epoch carries on
  where this one stopped; a source of known length starts a new pass once
  it has given every batch. If the data ends inside an epoch, the epoch
  ends early and ``ran_out`` says so (the loops then give Keras's warning
  that the input ran out of data).

A ``PyDataset`` hears ``on_epoch_begin`` / ``on_epoch_end`` around each epoch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class EpochIterator:
    """Batches of ``source``, an epoch at a time: ``for step, data in iterator.epoch(): ...``.

    Args:
        source: a data source (``data_sources.py``).
        steps_per_epoch: batches per epoch, or ``None`` for a whole pass.
        what: the argument the data came in (``"x"``, ``"validation_data"``), for messages.
    """

    def __init__(self, source: Any, steps_per_epoch: int | None = None, what: str = "x") -> None:
        self.source = source
        self.steps_per_epoch = steps_per_epoch
        self.what = what
        self._current: Iterator | None = None
        self._seen_in_pass = 0
        self._learned_batches: int | None = None
        # Set when the latest epoch ended because the data did, before its steps.
        self.ran_out = False
        if source.infinite and steps_per_epoch is None:
            argument = "validation_steps" if what == "validation_data" else "steps_per_epoch"
            raise ValueError(
                f"{what} is {source.kind} without end; pass {argument} to say how many "
                "batches make an epoch."
            )

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch: ``steps_per_epoch``, the source's length, or what a pass showed."""
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        known = self.source.num_batches
        return known if known is not None else self._learned_batches

    @property
    def exhausted(self) -> bool:
        """Whether a source that cannot restart has no batch left."""
        return not self.source.restartable and not self.source.has_more()

    def reset(self) -> None:
        """Start the next epoch from the beginning of the data (where the source can)."""
        self._current = None
        self._seen_in_pass = 0

    def ran_out_message(self) -> str:
        """What to warn when the data ended before the steps asked for (Keras's words, ours)."""
        consequence = (
            "the epoch ended early and the next one starts the data again"
            if self.source.restartable
            else "the run stops here (a generator is read only once: loop it, or use a PyDataset)"
        )
        return (
            f"Your input ran out of data: {self.what} ({self.source.kind}) gave fewer batches "
            f"than asked for, so {consequence}. Make sure it can yield steps_per_epoch * epochs "
            "batches."
        )

    def epoch(self) -> Iterator[tuple[int, Any]]:
        """``(step, batch)`` for one epoch; close it (or run it out) to end the epoch."""
        self.ran_out = False
        self.source.on_epoch_begin()
        try:
            if self.steps_per_epoch is None:
                yield from self._whole_pass()
            else:
                yield from self._counted_steps(self.steps_per_epoch)
        finally:
            self.source.on_epoch_end()

    def _whole_pass(self) -> Iterator[tuple[int, Any]]:
        step = 0
        for step, batch in enumerate(self.source.batches(), start=1):
            yield step - 1, batch
        if step == 0 and not self.source.restartable:
            self.ran_out = True
        elif self.source.num_batches is None:
            self._learned_batches = step

    def _counted_steps(self, steps: int) -> Iterator[tuple[int, Any]]:
        length = self.source.num_batches
        if self._current is None or (length is not None and self._seen_in_pass >= length):
            self._current = self.source.batches()
            self._seen_in_pass = 0
        for step in range(steps):
            if length is not None and self._seen_in_pass >= length:
                self.ran_out = True
                return
            batch = next(self._current, _END)
            if batch is _END:
                self.ran_out = True
                self._current = None
                return
            self._seen_in_pass += 1
            yield step, batch


_END = object()
