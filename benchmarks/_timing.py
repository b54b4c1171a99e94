"""Shared timing helpers for the benchmark scripts.

The machine these run on is shared and noisy, so a ratio is only fair when
both sides are measured under the same conditions: :func:`compare` runs the
candidates in alternation, many rounds, and keeps each one's fastest round
(the least disturbed by other work).
"""

from __future__ import annotations

import time
from collections.abc import Callable


def compare(
    candidates: dict[str, Callable[[], object]],
    rounds: int = 15,
    number: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> dict:
    """Seconds per call of each candidate: the best of ``rounds`` interleaved rounds.

    ``clock`` reads the time (wall clock by default); ``time.process_time``
    counts only this process's CPU time, leaving out the time the shared
    machine gives to other work, which otherwise lands more often in the
    longer of two measurements.
    """
    best = dict.fromkeys(candidates, float("inf"))
    for _ in range(rounds):
        for name, function in candidates.items():
            start = clock()
            for _ in range(number):
                function()
            best[name] = min(best[name], (clock() - start) / number)
    return best
