"""``get_keras_mask`` / ``set_keras_mask``: the mask a tensor carries, as Keras 3 keeps it.

A mask travels with a tensor in its ``_keras_mask`` attribute (a
KerasTensor has one; so does any object that takes attributes). A plain
NumPy array takes no attributes, so its mask is kept beside it, keyed by
the array's identity and dropped when the array is collected, as Keras 3
does for tensors that refuse attributes.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

_MASK_ATTRIBUTE = "_keras_mask"
# id(tensor) -> mask, for tensors that take no attributes; each entry is
# removed by a finalizer when its tensor is collected, so ids are not reused.
_masks_beside: dict[int, Any] = {}


def get_keras_mask(x: Any) -> Any:
    """The mask set on ``x`` (its ``_keras_mask``), or None when it has none."""
    if hasattr(x, _MASK_ATTRIBUTE):
        return getattr(x, _MASK_ATTRIBUTE)
    return _masks_beside.get(id(x))


def set_keras_mask(x: Any, mask: Any) -> None:
    """Set ``x``'s mask in place; ``mask=None`` removes it.

    ``TypeError`` for a value that can neither take the attribute nor be
    tracked (a Python number, say): there is nothing a mask could stay with.
    """
    try:
        _set_attribute(x, mask)
        return
    except AttributeError:
        pass
    key = id(x)
    if mask is None:
        _masks_beside.pop(key, None)
        return
    if key not in _masks_beside:
        try:
            weakref.finalize(x, _masks_beside.pop, key, None)
        except TypeError as error:
            raise TypeError(
                f"set_keras_mask: a {type(x).__name__} can carry no mask (it takes no "
                "attributes and cannot be tracked); pass a tensor or an array."
            ) from error
    _masks_beside[key] = mask


def _set_attribute(x: Any, mask: Any) -> None:
    """Set or clear ``x._keras_mask``; AttributeError where ``x`` takes no attribute."""
    if mask is not None:
        setattr(x, _MASK_ATTRIBUTE, mask)
    elif _MASK_ATTRIBUTE in getattr(x, "__dict__", {}):
        delattr(x, _MASK_ATTRIBUTE)
    elif hasattr(x, _MASK_ATTRIBUTE):
        setattr(x, _MASK_ATTRIBUTE, None)  # A slot (KerasTensor's) stays, holding None.
    else:
        raise AttributeError(_MASK_ATTRIBUTE)  # Nothing on x; any mask is kept beside it.


class MaskedArray(np.ndarray):
    """A plain NumPy array that carries ``_keras_mask``: what an eager layer returns with a mask.

    Keras 3 users read ``Embedding(10, 3, mask_zero=True)(ids)._keras_mask``.
    A plain ndarray takes no attributes, so a layer called on arrays hands
    back its masked outputs as this view (same memory, same ``isinstance``).
    Anything computed from one is a plain ndarray again, as an op's result
    carries no mask in Keras either; pickling gives a plain ndarray.
    """

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(_plain(value) for value in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(_plain(value) for value in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return func(*_plain_all(args), **{k: _plain_all(v) for k, v in kwargs.items()})

    def __reduce__(self):
        return np.asarray(self).__reduce__()

    def __getitem__(self, key):
        return np.asarray(self)[key]


def with_keras_mask(x: Any, mask: Any) -> Any:
    """``x`` carrying ``mask`` as ``_keras_mask``: ``x`` itself, or a view of a plain ndarray.

    A plain ndarray comes back as a :class:`MaskedArray` view holding the
    attribute; any other value gets the mask with :func:`set_keras_mask`.
    """
    if type(x) is np.ndarray and mask is not None:
        carrier = x.view(MaskedArray)
        carrier._keras_mask = mask
        return carrier
    set_keras_mask(x, mask)
    return x


def _plain(value: Any) -> Any:
    return value.view(np.ndarray) if type(value) is MaskedArray else value


def _plain_all(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_all(item) for item in value)
    return _plain(value)
