"""Array helpers Keras users reach for before training: one-hot labels and unit-norm rows.

``to_categorical`` and ``normalize`` behave as Keras 3's ``keras.utils``
functions of those names on NumPy input; ``to_categorical`` also takes the
``dtype`` keyword of Keras 2 (default ``"float32"``), so code from either
version runs unchanged.
"""

from __future__ import annotations

import numpy as np


def to_categorical(x, num_classes: int | None = None, dtype: str = "float32") -> np.ndarray:
    """Integer class labels as one-hot rows; the class axis is added last.

    A trailing axis of size 1 (labels shaped ``(n, 1)``) is dropped first,
    as Keras does. ``num_classes`` defaults to the largest label plus one.

    >>> to_categorical([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    """
    labels = np.asarray(x)
    if labels.dtype.kind not in "biu" and not (
        labels.dtype.kind == "f" and labels.size and np.all(labels == np.round(labels))
    ):
        if labels.size:
            raise ValueError(
                f"to_categorical: x must hold integer class labels, received dtype {labels.dtype}."
            )
    labels = labels.astype("int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    if flat.size and flat.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0, received {int(flat.min())}.")
    if num_classes is None:
        num_classes = int(flat.max()) + 1 if flat.size else 0
    elif flat.size and flat.max() >= num_classes:
        raise ValueError(
            f"to_categorical: label {int(flat.max())} is out of range for "
            f"num_classes={num_classes}."
        )
    categorical = np.zeros((flat.size, num_classes), dtype=dtype)
    categorical[np.arange(flat.size), flat] = 1
    return categorical.reshape(shape + (num_classes,))


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """``x`` divided by its ``order``-norm along ``axis``; all-zero slices stay zero.

    >>> normalize([[3.0, 4.0], [0.0, 0.0]])
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    array = np.asarray(x, dtype=float) if not isinstance(x, np.ndarray) else x
    norms = np.atleast_1d(np.linalg.norm(array, order, axis))
    norms[norms == 0] = 1
    return array / np.expand_dims(norms, axis)
