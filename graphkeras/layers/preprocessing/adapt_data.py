"""The batches ``adapt`` reads: from one array, an iterable of batches or a PyDataset.

``Normalization.adapt`` and ``Discretization.adapt`` accept what Keras 3's
do: a NumPy array or backend tensor (one batch), a ``PyDataset`` or any
iterable of batches (a list, a generator). A batch given as a tuple
``(x, y, ...)`` contributes its ``x``, as in a ``fit`` pipeline. Each
batch comes back as a float NumPy array; anything else raises a
``ValueError`` or ``TypeError`` naming the layer, before the layer's state
is touched.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.layers.value_checks import describe
from graphkeras.utils.py_dataset import PyDataset


def _features(batch: Any) -> Any:
    """The ``x`` of a ``(x, y)`` or ``(x, y, sample_weight)`` batch; other batches as given."""
    if isinstance(batch, tuple) and batch:
        return batch[0]
    return batch


def _as_array(batch: Any, layer) -> np.ndarray:
    try:
        array = np.asarray(K.convert_to_numpy(batch) if K.is_tensor(batch) else batch)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{describe(layer)}.adapt: each batch must be an array of numbers, "
            f"received {type(batch).__name__}: {error}"
        ) from None
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{describe(layer)}.adapt: each batch must be an array of numbers, received an "
            f"array of dtype {array.dtype} and shape {array.shape}."
        )
    return array.astype(K.floatx() if array.dtype.kind != "f" else array.dtype)


def is_single_array(data: Any) -> bool:
    """Whether ``data`` is one array (a single batch) rather than a source of batches."""
    return isinstance(data, np.ndarray) or K.is_tensor(data)


def adapt_batches(
    data: Any,
    layer,
    steps: int | None = None,
    convert: Callable[[Any, Any], np.ndarray] | None = None,
) -> Iterator[np.ndarray]:
    """The batches of ``data`` as float arrays, at most ``steps`` of them.

    ``convert(batch, layer)`` replaces the conversion to floats for layers
    that read other values (the lookup layers read text or integers).
    Raises ``ValueError`` for an empty source and ``TypeError`` for one that
    is neither an array nor iterable; a bad batch raises when it is reached.
    """
    convert = convert or _as_array
    if is_single_array(data):
        yield convert(data, layer)
        return
    if isinstance(data, PyDataset):
        try:
            count = data.num_batches
        except NotImplementedError:
            count = None
        if count is None and steps is None:
            raise ValueError(
                f"{describe(layer)}.adapt: the PyDataset {type(data).__name__} has no end "
                "(num_batches is None); pass steps= to say how many batches to read."
            )
    elif isinstance(data, (str, bytes, dict)) or not hasattr(data, "__iter__"):
        raise TypeError(
            f"{describe(layer)}.adapt expects a NumPy array, a tensor, a PyDataset or an "
            f"iterable of batches, received {type(data).__name__}."
        )
    batches = iter(data)
    if steps is not None:
        batches = itertools.islice(batches, steps)
    empty = True
    for batch in batches:
        empty = False
        yield convert(_features(batch), layer)
    if empty:
        raise ValueError(
            f"{describe(layer)}.adapt received no batches; pass a non-empty array or iterable."
        )
