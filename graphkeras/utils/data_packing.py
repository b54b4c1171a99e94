"""The batch forms ``fit`` passes to ``train_step``: ``x``, ``(x,)``, ``(x, y)``, ``(x, y, w)``.

A batch that reaches ``Model.train_step``, ``test_step`` or ``predict_step``
is the data as the user gave it: inputs alone, or a tuple of inputs,
targets and per-sample weights. These two helpers, Keras 3's
``keras.utils.unpack_x_y_sample_weight`` and ``pack_x_y_sample_weight``,
turn one form into the other, so a step written by hand handles all three.

>>> x, y, sample_weight = unpack_x_y_sample_weight((features, labels))
>>> sample_weight is None
True
"""

from __future__ import annotations

from typing import Any


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from one batch, ``None`` for what it does not hold.

    A tuple (or list) of one, two or three entries is ``(x,)``, ``(x, y)``
    or ``(x, y, sample_weight)``; anything else (an array, a dict of
    inputs) is ``x`` alone. A longer tuple is refused: which entry is which
    would be a guess.
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError(
        "A batch must be x, (x,), (x, y) or (x, y, sample_weight); received a tuple of "
        f"{len(data)} elements ({', '.join(_describe(item) for item in data)})."
    )


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """The batch form of ``x``, ``y`` and ``sample_weight``, inverse of the unpacking.

    Inputs alone stay bare (a list of inputs becomes a one-element tuple,
    so it is not read as ``(x, y)``); with targets the result is
    ``(x, y)``, with weights too ``(x, y, sample_weight)``.
    """
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _describe(item: Any) -> str:
    shape = getattr(item, "shape", None)
    if shape is not None:
        return f"{type(item).__name__} of shape {tuple(shape)}"
    return type(item).__name__
