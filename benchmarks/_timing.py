"""Shared timing helpers for the benchmark scripts (best of several repeats)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(function: Callable[[], object], repeats: int = 5, number: int = 1) -> float:
    """The fastest of ``repeats`` timings of ``number`` calls, per call, in seconds.

    The minimum is the least disturbed by other work on a shared machine.
    """
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - start) / number)
    return best
