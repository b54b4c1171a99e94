"""The argument check of ``linspace``, shared by every backend."""

from __future__ import annotations

import numpy as np


def check_sample_count(num) -> None:
    """``linspace`` gives ``num`` samples: a non-negative int (not a bool)."""
    if not isinstance(num, (int, np.integer)) or isinstance(num, bool) or num < 0:
        raise ValueError(f"linspace() needs a non-negative int num, received {num!r}.")
