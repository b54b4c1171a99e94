"""``pad_sequences``: sequences of different lengths as one rectangular array.

Keras 3's ``keras.utils.pad_sequences`` (also reached as
``keras.preprocessing.sequence.pad_sequences``): each sequence is cut to
``maxlen`` (from the front or the back, ``truncating``) and filled with
``value`` (before or after, ``padding``), so a batch of token lists can feed
an ``Embedding``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIDES = ("pre", "post")


def pad_sequences(
    sequences: Sequence,
    maxlen: int | None = None,
    dtype: str = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: float = 0.0,
) -> np.ndarray:
    """An array of shape ``(len(sequences), maxlen, *step_shape)``.

    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[2, 3],
           [0, 4]], dtype=int32)
    """
    for name, side in (("padding", padding), ("truncating", truncating)):
        if side not in SIDES:
            raise ValueError(f"pad_sequences: {name} must be 'pre' or 'post', received {side!r}.")
    if maxlen is not None and (isinstance(maxlen, bool) or int(maxlen) != maxlen or maxlen < 0):
        raise ValueError(f"pad_sequences: maxlen must be a non-negative int, received {maxlen!r}.")
    try:
        rows = [np.asarray(sequence) for sequence in sequences]
    except TypeError as error:
        raise ValueError("pad_sequences: sequences must be a list of sequences.") from error
    for index, row in enumerate(rows):
        if row.ndim == 0:
            raise ValueError(
                f"pad_sequences: sequences[{index}] is a scalar ({row!r}), not a sequence."
            )
    step_shape = next((row.shape[1:] for row in rows if row.size), ())
    length = max((len(row) for row in rows), default=0) if maxlen is None else int(maxlen)
    padded = np.full((len(rows), length, *step_shape), value, dtype=dtype)
    for index, row in enumerate(rows):
        if not len(row) or not length:
            continue
        kept = row[-length:] if truncating == "pre" else row[:length]
        if kept.shape[1:] != step_shape:
            raise ValueError(
                f"pad_sequences: sequences[{index}] has steps of shape {kept.shape[1:]}, "
                f"the others {step_shape}."
            )
        if padding == "post":
            padded[index, : len(kept)] = kept
        else:
            padded[index, -len(kept) :] = kept
    return padded
