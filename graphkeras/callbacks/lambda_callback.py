"""LambdaCallback: a callback assembled from plain functions."""

from __future__ import annotations

from collections.abc import Callable

from graphkeras.callbacks.callback import Callback

_HOOKS = frozenset(
    name for name in vars(Callback) if name.startswith("on_") and callable(vars(Callback)[name])
)


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given, each called with the hook's arguments.

    Epoch hooks receive ``(epoch, logs)``, batch hooks ``(batch, logs)``, the
    begin/end hooks ``(logs)``, all positionally. The six common hooks are named
    arguments; any other hook (``on_test_end=...``, ``on_predict_batch_end=...``)
    may be passed by keyword too. A keyword that names no hook is an error.

    >>> losses = []
    >>> record = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    """

    def __init__(
        self,
        on_epoch_begin: Callable | None = None,
        on_epoch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
        on_train_batch_begin: Callable | None = None,
        on_train_batch_end: Callable | None = None,
        **kwargs: Callable,
    ) -> None:
        super().__init__()
        unknown = sorted(set(kwargs) - _HOOKS)
        if unknown:
            raise ValueError(
                f"LambdaCallback received {', '.join(unknown)}, which "
                f"{'is not a hook' if len(unknown) == 1 else 'are not hooks'}; the hooks are "
                f"{', '.join(sorted(_HOOKS))}."
            )
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
            **kwargs,
        }
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
