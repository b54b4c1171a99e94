"""Correlation metrics: how well predictions follow the targets, up to scale (or exactly).

``PearsonCorrelation`` and ``ConcordanceCorrelation`` compute their
coefficient within each sample, along ``axis`` (so a sample is a series of
values, not one number), and report the running mean over the samples seen.

>>> m = PearsonCorrelation()
>>> m.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])
>>> round(float(m.result()), 4)
1.0
"""

from __future__ import annotations

from typing import Any

from graphkeras.metrics.functions import concordance_correlation, pearson_correlation
from graphkeras.metrics.reduction_metrics import BuiltinMeanMetric


class PearsonCorrelation(BuiltinMeanMetric):
    """The running mean of each sample's Pearson correlation, :func:`pearson_correlation`."""

    _direction = "up"

    def __init__(self, name: str = "pearson_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(BuiltinMeanMetric):
    """The running mean of each sample's concordance correlation, :func:`concordance_correlation`.

    >>> m = ConcordanceCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])
    >>> round(float(m.result()), 4)
    0.3636

    (The predictions correlate perfectly, but twice the targets sit off the
    line ``y = x``: ``2 * 4/3 / (2/3 + 8/3 + 4)``.)
    """

    _direction = "up"

    def __init__(self, name: str = "concordance_correlation", dtype: Any = None, axis: int = -1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
