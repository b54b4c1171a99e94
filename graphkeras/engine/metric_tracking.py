"""What ``Model.metrics`` lists, as Keras 3 lists it.

After ``compile`` a model tracks, in this order: the ``Mean`` named
``"loss"`` that averages the total loss, one metric named
``"compile_metrics"`` standing for everything given as ``metrics`` and
``weighted_metrics`` (its ``result()`` is a dict, one entry per compiled
metric), the per-output loss means of a model with several outputs, and
finally any metric the model holds as an attribute (``self.mae_tracker =
gk.metrics.MeanAbsoluteError()`` in a subclass's ``__init__``).

A ``train_step`` written by hand can therefore treat them alike::

    for metric in self.metrics:
        if metric.name == "loss":
            metric.update_state(loss)
        else:
            metric.update_state(y, y_pred)
    return {metric.name: metric.result() for metric in self.metrics}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphkeras.metrics import Metric


class CompileMetricsGroup(Metric):
    """``compile``'s ``metrics`` and ``weighted_metrics`` seen as one metric, ``compile_metrics``.

    Args:
        compile_metrics: the compiled metrics, weighted and unweighted (a
            ``CompileMetrics``, which gives the sample weights to the
            weighted ones only).
        as_lists: turns ``(y_true, y_pred, sample_weight)`` as a step holds
            them (an array, a list or a dict per output) into three lists
            with one entry per model output.
    """

    def __init__(self, compile_metrics: Any, as_lists: Callable) -> None:
        super().__init__(name="compile_metrics")
        self._compile_metrics = compile_metrics
        self._as_lists = as_lists

    @property
    def metrics(self) -> list:
        """The compiled metrics built so far (they are built by the first batch)."""
        return self._compile_metrics.metrics

    @property
    def variables(self) -> list:
        return [variable for metric in self.metrics for variable in metric.variables]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Fold one batch into every compiled metric (weights reach the weighted ones only)."""
        self.update_lists(*self._as_lists(y_true, y_pred, sample_weight))

    def update_lists(self, y_true: list, y_pred: list, sample_weights: list | None) -> None:
        """:meth:`update_state` on values already listed one per output."""
        self._compile_metrics.update_state(y_true, y_pred, sample_weights)

    def result(self) -> dict:
        """``{log name: value}`` for every compiled metric."""
        return self._compile_metrics.result()

    def reset_state(self) -> None:
        self._compile_metrics.reset_state()


class MetricAttributes:
    """Mixed into Model: finds the metrics a model holds as public attributes.

    Keras 3 tracks a metric assigned to a model's attribute (alone or in a
    list). Assignments are watched here only to remember *which* attributes
    held metrics, so :meth:`_attribute_metrics` reads those few attributes
    rather than all of them at every step; the metrics themselves are read
    afresh each time.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if _holds_metrics(value) and name[:1] != "_":
            names = self.__dict__.setdefault("_metric_attribute_names", [])
            if name not in names:
                names.append(name)
        super().__setattr__(name, value)

    def _attribute_metrics(self, exclude: list) -> list:
        """The metrics held as public attributes, in assignment order, minus ``exclude``."""
        skipped = {id(metric) for metric in exclude}
        found: list = []
        for name in self.__dict__.get("_metric_attribute_names", ()):
            value = self.__dict__.get(name)
            if not _holds_metrics(value):
                continue
            for metric in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(metric, Metric) and id(metric) not in skipped:
                    skipped.add(id(metric))
                    found.append(metric)
        return found


def _holds_metrics(value: Any) -> bool:
    if isinstance(value, Metric):
        return True
    return isinstance(value, (list, tuple)) and bool(value) and isinstance(value[0], Metric)
