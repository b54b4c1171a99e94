"""Progbar: the Keras-style progress line, ``12/32 [=====>....] - ETA: 1s - loss: 0.31``.

On a terminal the line is redrawn in place as work advances; elsewhere (a log
file, a notebook cell captured as text) only the final line is written, so
logs stay one line per run.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progbar:
    """Progress over ``target`` steps, with ETA and running metric values.

    ``verbose=1`` draws the bar, ``verbose=2`` writes one line when done,
    ``verbose=0`` writes nothing.
    """

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        stream: TextIO | None = None,
        unit_name: str = "step",
    ) -> None:
        self.target = target
        self.width = width
        self.verbose = verbose
        self.unit_name = unit_name
        self.stream = stream if stream is not None else sys.stdout
        self._start = time.perf_counter()
        self._values: dict[str, float] = {}
        self._is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_width = 0

    def update(
        self, current: int, values: dict | None = None, finalize: bool | None = None
    ) -> None:
        """Record ``current`` steps done and the latest metric ``values``; redraw."""
        if values:
            self._values.update({key: float(value) for key, value in values.items()})
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if self.verbose == 1 and (self._is_tty or finalize):
            line = self._bar(current, finalize)
            padding = " " * max(self._last_width - len(line), 0)
            self.stream.write(("\r" if self._is_tty else "") + line + padding)
            self._last_width = len(line)
            if finalize:
                self.stream.write("\n")
            self.stream.flush()
        elif self.verbose == 2 and finalize:
            self.stream.write(self._summary(current) + "\n")
            self.stream.flush()

    def _bar(self, current: int, finalize: bool) -> str:
        if self.target is None:
            head = f"{current}/Unknown"
        else:
            digits = len(str(self.target))
            filled = int(self.width * min(current / max(self.target, 1), 1.0))
            arrow = ">" if filled < self.width else ""
            bar = "=" * max(filled - (1 if arrow else 0), 0) + arrow
            head = f"{current:>{digits}}/{self.target} [{bar.ljust(self.width, '.')}]"
        elapsed = time.perf_counter() - self._start
        if finalize:
            timing = f"{_format_duration(elapsed)} {self._per_step(current, elapsed)}"
        else:
            remaining = (
                (self.target - current) * elapsed / current if self.target and current else 0
            )
            timing = f"ETA: {_format_duration(remaining)}"
        return " - ".join([head, timing, *self._metric_texts()])

    def _summary(self, current: int) -> str:
        elapsed = time.perf_counter() - self._start
        timing = f"{_format_duration(elapsed)} {self._per_step(current, elapsed)}"
        return " - ".join([f"{current}/{self.target}", timing, *self._metric_texts()])

    def _per_step(self, current: int, elapsed: float) -> str:
        per = elapsed / max(current, 1)
        if per >= 1:
            return f"{per:.0f}s/{self.unit_name}"
        if per >= 1e-3:
            return f"{per * 1e3:.0f}ms/{self.unit_name}"
        return f"{per * 1e6:.0f}us/{self.unit_name}"

    def _metric_texts(self) -> list[str]:
        return [f"{key}: {value:.4f}" for key, value in self._values.items()]


def _format_duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{seconds:.0f}s"
