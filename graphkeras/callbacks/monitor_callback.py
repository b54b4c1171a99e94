"""MonitorCallback: the shared logic of callbacks that watch one logged quantity.

``EarlyStopping``, ``ModelCheckpoint`` and ``ReduceLROnPlateau`` each follow a
quantity such as ``val_loss`` from epoch to epoch and act when it improves or
stalls. This base class owns the two questions they share: which direction is
better (``mode``), and whether a new value beats a reference by at least
``min_delta``.
"""

from __future__ import annotations

import warnings

from graphkeras.callbacks.callback import Callback

# How the words of a quantity's name (split at "_", after dropping "val_")
# begin when higher is better; "dense_1_categorical_accuracy" matches "acc".
_HIGHER_IS_BETTER = (
    "acc",
    "auc",
    "precision",
    "recall",
    "f1",
    "fmeasure",
    "iou",
    "r2",
    "similarity",
)
# ... and when lower is better.
_LOWER_IS_BETTER = (
    "loss",
    "error",
    "crossentropy",
    "mse",
    "mae",
    "mape",
    "msle",
    "hinge",
    "divergence",
    "logcosh",
    "cosh",
    "poisson",
)


class MonitorCallback(Callback):
    """Base of callbacks that follow ``monitor`` and judge its improvements.

    ``mode`` is ``"min"``, ``"max"`` or ``"auto"``; ``"auto"`` infers the
    direction from the quantity's name (losses and errors go down, accuracy-like
    metrics go up) or from the model's metric of that name, and raises a
    ``ValueError`` when neither tells. ``min_delta`` is the smallest change that
    counts as an improvement; ``baseline`` is the initial best value (``None``:
    the first value seen).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        baseline: float | None = None,
        min_delta: float = 0,
    ) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__}: mode={mode!r} is not one of 'auto', 'min', 'max'; "
                "using 'auto'.",
                stacklevel=3,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: str | None = None

    def _set_monitor_op(self) -> None:
        """Decide once whether ``monitor`` should go down (``"min"``) or up (``"max"``)."""
        if self.mode != "auto":
            self.monitor_op = self.mode
            return
        direction = infer_direction(self.monitor, self.model)
        if direction is None:
            raise ValueError(
                f"{type(self).__name__} received monitor={self.monitor!r} and cannot tell "
                "whether that quantity should be minimised or maximised. Pass mode='min' "
                "to follow its lowest value or mode='max' to follow its highest."
            )
        self.monitor_op = direction

    def _is_improvement(self, value: float, reference: float | None) -> bool:
        """Whether ``value`` beats ``reference`` by more than ``min_delta`` (always, if None)."""
        if self.monitor_op is None:
            self._set_monitor_op()
        if reference is None:
            return True
        if self.monitor_op == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta


def infer_direction(monitor: str, model=None) -> str | None:
    """``"min"`` or ``"max"`` for the quantity named ``monitor``, or ``None`` if unknown.

    >>> infer_direction("val_loss"), infer_direction("val_accuracy")
    ('min', 'max')
    """
    name = monitor.removeprefix("val_")
    if name == "loss" or name.endswith("_loss"):
        return "min"
    declared = _declared_direction(name, model)
    if declared is not None:
        return declared
    words = name.lower().split("_")
    if any(word.startswith(_HIGHER_IS_BETTER) for word in words):
        return "max"
    if any(word.startswith(_LOWER_IS_BETTER) for word in words):
        return "min"
    return None


def _declared_direction(name: str, model) -> str | None:
    """The direction a model metric named ``name`` declares (``_direction`` "up"/"down")."""
    pending = list(getattr(model, "metrics", None) or [])
    while pending:
        metric = pending.pop()
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)):
            pending.extend(inner)
        if getattr(metric, "name", None) == name:
            direction = getattr(metric, "_direction", None)
            if direction == "up":
                return "max"
            if direction == "down":
                return "min"
    return None
