"""``split_dataset``: one dataset of rows cut into a left and a right part (train / test).

Keras 3 returns two ``tf.data.Dataset`` (or torch) objects; graphkeras has
no dataset type, so each part comes back in the structure it came in: an
array as an array, a tuple or list of arrays as a tuple or list of arrays
(the same rows of each), a dict of arrays as a dict, and a list of samples
as a list of samples. The sizes follow Keras 3's rules exactly.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from graphkeras import backend as K


def split_dataset(
    dataset: Any,
    left_size: int | float | None = None,
    right_size: int | float | None = None,
    shuffle: bool = False,
    seed: int | None = None,
) -> tuple[Any, Any]:
    """Split ``dataset`` into ``(left, right)``, rows in order unless ``shuffle``.

    Args:
        dataset: a NumPy array (rows along the first axis); a tuple or list
            of arrays with the same number of rows (Keras's columns); a dict
            of such arrays; or a list of samples (any list whose items are
            not all arrays).
        left_size: a float in ``(0, 1)`` is a fraction of the rows (rounded),
            an int a number of rows; None means all the rows ``right_size``
            leaves.
        right_size: the same, for the right part. At least one size must be
            given; the right part is taken from the end, so two sizes that
            add up to less than the whole leave the middle rows out.
        shuffle: shuffle the rows before splitting.
        seed: the shuffle's seed; without one, the process-wide generator
            is used (``gk.utils.set_random_seed`` makes it repeat).

    Returns:
        Two parts in ``dataset``'s structure (arrays, not tf.data Datasets).

    >>> left, right = split_dataset(np.arange(10), left_size=0.8)
    >>> left.tolist(), right.tolist()
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    take, total = _row_taker(dataset)
    if left_size is None and right_size is None:
        raise ValueError(
            "split_dataset: at least one of `left_size` and `right_size` must be given; "
            "received left_size=None and right_size=None."
        )
    left, right = _split_sizes(left_size, right_size, total)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"split_dataset: `seed` must be an int or None, received {seed!r}.")
    if shuffle:
        order = K.convert_to_numpy(K.random_permutation(total, seed=seed))
    else:
        order = np.arange(total)
    return take(order[:left]), take(order[total - right :])


def _row_taker(dataset: Any) -> tuple[Callable[[np.ndarray], Any], int]:
    """``(take(rows) -> that part of dataset, number of rows)``; errors for what is not rows."""
    if isinstance(dataset, np.ndarray):
        if dataset.ndim == 0:
            raise ValueError("split_dataset: `dataset` is a 0-d array; it has no rows to split.")
        return (lambda rows: dataset[rows]), len(dataset)
    if isinstance(dataset, dict):
        total = _common_length(dataset.items(), "dict")
        return (lambda rows: {key: array[rows] for key, array in dataset.items()}), total
    if isinstance(dataset, (list, tuple)):
        if dataset and all(isinstance(item, np.ndarray) for item in dataset):
            total = _common_length(enumerate(dataset), type(dataset).__name__)
            return (lambda rows: type(dataset)(array[rows] for array in dataset)), total
        if isinstance(dataset, list) and dataset:
            return (lambda rows: [dataset[row] for row in rows]), len(dataset)
        if not dataset:
            raise ValueError(
                f"split_dataset: `dataset` is an empty {type(dataset).__name__}; "
                "there are no rows to split."
            )
        raise ValueError(
            "split_dataset: a tuple `dataset` must hold NumPy arrays with the same number of "
            f"rows; item types received: {[type(item).__name__ for item in dataset]}."
        )
    raise TypeError(
        "split_dataset: `dataset` must be a NumPy array, a tuple, list or dict of arrays, or a "
        f"list of samples; received a {type(dataset).__name__}."
    )


def _common_length(items, kind: str) -> int:
    """The shared first dimension of a container's arrays; ValueError naming any that differ."""
    items = list(items)
    if not items:
        raise ValueError(f"split_dataset: `dataset` is an empty {kind}; there are no rows.")
    lengths = {}
    for key, array in items:
        if not isinstance(array, np.ndarray) or array.ndim == 0:
            raise ValueError(
                f"split_dataset: every item of a {kind} `dataset` must be a NumPy array with "
                f"rows; item {key!r} is {type(array).__name__} of shape {np.shape(array)}."
            )
        lengths[key] = len(array)
    first_key, first_length = items[0][0], lengths[items[0][0]]
    for key, length in lengths.items():
        if length != first_length:
            raise ValueError(
                f"split_dataset: the arrays of a {kind} `dataset` must have the same number of "
                f"rows; item {first_key!r} has {first_length}, item {key!r} has {length}."
            )
    return first_length


def _split_sizes(left_size: Any, right_size: Any, total: int) -> tuple[int, int]:
    """Keras 3's sizes: fractions and counts checked, None as the complement."""
    sizes = {"left_size": left_size, "right_size": right_size}
    for argument, size in sizes.items():
        if size is not None and (isinstance(size, bool) or not isinstance(size, numbers.Real)):
            raise TypeError(
                f"split_dataset: `{argument}` must be an int, a float or None; "
                f"received {size!r} of type {type(size).__name__}."
            )
    if left_size == 0 and right_size == 0:
        raise ValueError(
            "split_dataset: `left_size` and `right_size` are both zero; at least one split "
            "must be non-empty."
        )
    for argument, size in sizes.items():
        if isinstance(size, numbers.Integral) and not 0 < size < total:
            raise ValueError(
                f"split_dataset: `{argument}` as an int must be a row count in (0, {total}) "
                f"for a dataset of {total} rows; received {argument}={size}."
            )
        if size is not None and not isinstance(size, numbers.Integral) and not 0 < size < 1:
            raise ValueError(
                f"split_dataset: `{argument}` as a float must be a fraction in (0, 1); "
                f"received {argument}={size}."
            )
    fractions = [size for size in sizes.values() if _is_fraction(size)]
    if len(fractions) == 2 and sum(fractions) > 1:
        raise ValueError(
            f"split_dataset: the fractions left_size={left_size} and right_size={right_size} "
            "add up to more than 1."
        )
    left = round(left_size * total) if _is_fraction(left_size) else left_size
    right = round(right_size * total) if _is_fraction(right_size) else right_size
    left = total - right if left is None else int(left)
    right = total - left if right is None else int(right)
    if left + right > total:
        raise ValueError(
            f"split_dataset: left_size={left_size} and right_size={right_size} ask for "
            f"{left} + {right} rows; the dataset has {total}."
        )
    for side, size in (("left", left), ("right", right)):
        if size == 0:
            raise ValueError(
                f"split_dataset: with {total} rows, left_size={left_size} and "
                f"right_size={right_size} leave the {side} split empty."
            )
    return left, right


def _is_fraction(size: Any) -> bool:
    return size is not None and not isinstance(size, numbers.Integral)
