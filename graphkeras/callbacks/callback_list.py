"""CallbackList: many callbacks driven as one.

``fit`` wraps the user's callbacks in a ``CallbackList`` and calls each hook
once on the list; the list calls it on every callback in order, with one
shared copy of ``logs`` whose values are plain Python floats. Because the copy
is shared, a callback early in the list may add an entry (``LearningRateScheduler``
adds ``learning_rate``) that later ones, such as the ``History`` appended at
the end, record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from graphkeras.callbacks.callback import Callback
from graphkeras.callbacks.history import History
from graphkeras.callbacks.progbar_logger import ProgbarLogger


class CallbackList(Callback):
    """A sequence of callbacks that receives each hook once and forwards it to all of them.

    ``add_history`` and ``add_progbar`` append a :class:`History` and a
    :class:`ProgbarLogger` unless the list already holds one; ``model`` and the
    keyword ``params`` (``verbose``, ``epochs``, ``steps``) are handed to every
    callback.

    >>> callbacks = CallbackList([EarlyStopping()], add_history=True, model=model,
    ...                          verbose=0, epochs=5, steps=10)
    >>> callbacks.on_train_begin()
    """

    def __init__(
        self,
        callbacks: Callback | Iterable | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ) -> None:
        super().__init__()
        self.callbacks: list[Callback] = _flatten_callbacks(callbacks)
        self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        self._progbar = next((cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self.set_model(model)
        self.set_params(params)

    def append(self, callback: Callback) -> None:
        """Add ``callback`` at the end, giving it this list's model and params."""
        (callback,) = _flatten_callbacks([callback])
        self.callbacks.append(callback)
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)

    def set_params(self, params: dict | None) -> None:
        """Remember ``params`` and, when there are any, pass them to every callback."""
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model: Any) -> None:
        """Attach ``model`` to every callback; the model's ``history`` becomes the History."""
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _dispatch(self, hook: str, *args: Any) -> None:
        """Call ``hook`` on every callback, with one shared dict of Python-number logs.

        Making the logs Python numbers waits for the step that computed them.
        When no callback does anything on ``hook`` (a quiet ``fit`` has only a
        History, which reads epoch logs), the logs are passed on unconverted,
        so a compiled backend can dispatch the next step while this one runs.
        """
        *leading, logs = args
        if any(_listens(callback, hook) for callback in self.callbacks):
            logs = pythonify_logs(logs)
        else:
            logs = dict(logs or {})
        for callback in self.callbacks:
            getattr(callback, hook)(*leading, logs)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._dispatch("on_train_begin", logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._dispatch("on_train_end", logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._dispatch("on_test_begin", logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        self._dispatch("on_test_end", logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._dispatch("on_predict_begin", logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._dispatch("on_predict_end", logs)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._dispatch("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._dispatch("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._dispatch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._dispatch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._dispatch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._dispatch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._dispatch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._dispatch("on_predict_batch_end", batch, logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._dispatch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._dispatch("on_batch_end", batch, logs)


# The batch hooks of Callback hand on to Keras 2's names, so overriding either listens.
_HOOK_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _listens(callback: Callback, hook: str) -> bool:
    """Whether ``callback`` does anything on ``hook``: its class or the instance overrides it."""
    names = (hook, _HOOK_ALIASES[hook]) if hook in _HOOK_ALIASES else (hook,)
    for name in names:
        if name in vars(callback) or getattr(type(callback), name) is not getattr(Callback, name):
            return True
    return False


def pythonify_logs(logs: dict | None) -> dict:
    """A new dict of ``logs`` sorted by key, nested dicts flattened, numbers made Python floats.

    Values that do not convert (a string, an array of several values) are kept as they are.
    """
    result: dict = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        result[key] = _as_float(value)
    return result


def _as_float(value):
    if isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray) and value.ndim > 0):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _flatten_callbacks(callbacks) -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback):
        return [callbacks]
    flat: list[Callback] = []
    for item in callbacks:
        if isinstance(item, (list, tuple)):
            flat.extend(_flatten_callbacks(item))
        elif isinstance(item, Callback):
            flat.append(item)
        else:
            raise TypeError(
                "CallbackList expected Callback instances (graphkeras.callbacks.Callback "
                f"subclasses), received {item!r} of type {type(item).__name__}."
            )
    return flat
