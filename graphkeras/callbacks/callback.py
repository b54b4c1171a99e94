"""Callback: an object that ``fit``, ``evaluate`` and ``predict`` notify as they run.

A callback is a set of hooks. The training loop calls them at fixed points:
around the whole run (``on_train_begin``/``on_train_end``), around each epoch,
around each batch, and likewise for evaluation (``on_test_*``) and inference
(``on_predict_*``). Every hook does nothing here; a subclass overrides the ones
it cares about. ``logs`` is a dict of Python floats (``{"loss": 0.31}``), the
running averages over the epoch so far for batch hooks and the epoch's results,
with ``val_``-prefixed validation entries, for ``on_epoch_end``.
"""

from __future__ import annotations

from typing import Any


class Callback:
    """Hooks into the phases of ``fit``, ``evaluate`` and ``predict``; all no-ops here.

    ``model`` is the model being run (set by :meth:`set_model`), ``params`` the
    run's settings, ``{"verbose": 1, "epochs": 5, "steps": 45}`` in ``fit``.

    >>> class CountEpochs(Callback):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.count = 0
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         self.count += 1
    """

    def __init__(self) -> None:
        self.params: dict | None = None
        self._model = None

    @property
    def model(self) -> Any:
        """The model these hooks observe; ``None`` until :meth:`set_model`."""
        return self._model

    @model.setter
    def model(self, model: Any) -> None:
        self._model = model

    def set_params(self, params: dict | None) -> None:
        """Remember the run's settings (``verbose``, ``epochs``, ``steps``)."""
        self.params = params

    def set_model(self, model: Any) -> None:
        """Attach the model these hooks observe."""
        self._model = model

    # Run-level hooks.

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once when ``fit`` starts."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once when ``fit`` finishes; ``logs`` holds the last epoch's results."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called when ``evaluate`` (or validation inside ``fit``) starts."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called when ``evaluate`` (or validation inside ``fit``) finishes."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called when ``predict`` starts."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called when ``predict`` finishes."""

    # Epoch hooks (training only).

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called before epoch ``epoch`` (counted from 0) starts."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called after epoch ``epoch`` and its validation, with the epoch's results."""

    # Batch hooks.

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before training batch ``batch`` (counted from 0 in each epoch).

        The default forwards to :meth:`on_batch_begin`, the older name.
        """
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after training batch ``batch``; ``logs`` are the epoch's running averages.

        The default forwards to :meth:`on_batch_end`, the older name.
        """
        self.on_batch_end(batch, logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before evaluation batch ``batch``."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after evaluation batch ``batch`` with the running results."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before inference batch ``batch``."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after inference batch ``batch``."""

    # Older names for the training batch hooks, kept because Keras keeps them.

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Older name of :meth:`on_train_batch_begin`; reached through it."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Older name of :meth:`on_train_batch_end`; reached through it."""
