"""The position masks attention layers build from sequence lengths.

A mask is boolean: True where a query position may attend to a key
position. Both masks here have shape ``(1, query_length, key_length)``, so
they broadcast over the batch and combine with padding masks by
``logical_and``.
"""

from __future__ import annotations

from graphkeras import backend as K


def _positions(query_length: int, key_length: int) -> tuple:
    rows = K.reshape(K.arange(query_length), (1, query_length, 1))
    columns = K.reshape(K.arange(key_length), (1, 1, key_length))
    return rows, columns


def causal_mask(query_length: int, key_length: int):
    """Query ``i`` sees keys ``0..i`` only: the lower triangle, so no look at the future.

    >>> K.convert_to_numpy(causal_mask(3, 3))[0].astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    rows, columns = _positions(query_length, key_length)
    return K.greater_equal(rows, columns)


def band_mask(query_length: int, key_length: int, width: int):
    """Query ``i`` sees keys ``j`` with ``|i - j| < width``: a sliding window around it."""
    rows, columns = _positions(query_length, key_length)
    return K.less(K.abs(K.subtract(rows, columns)), width)
