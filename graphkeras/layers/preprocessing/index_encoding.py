"""Indices turned into the vectors ``output_mode`` asks for: one_hot, multi_hot, count, tf_idf.

Lookup layers (and TextVectorization) share this encoding, as Keras 3's
do. ``depth`` is the vocabulary size (or ``max_tokens`` when padded);
indices outside ``[0, depth)`` (a masked token) add nothing.

- ``one_hot``: one vector per index; a trailing axis of 1 is replaced.
- ``multi_hot`` / ``count``: one vector per row of a rank-2 input, one for
  the whole of a rank-1 input; ``multi_hot`` marks presence, ``count``
  counts, ``tf_idf`` is ``count`` times the idf weights.

Rows of different lengths (TextVectorization's split text) are given as a
list of 1-D index arrays, one per row.
"""

from __future__ import annotations

import numpy as np


def _bincount_rows(rows: list[np.ndarray], depth: int) -> np.ndarray:
    """``(len(rows), depth)`` counts of each index per row, out-of-range indices ignored."""
    lengths = [len(row) for row in rows]
    flat = np.concatenate([np.asarray(row, dtype="int64") for row in rows]) if rows else []
    flat = np.asarray(flat, dtype="int64")
    row_of = np.repeat(np.arange(len(rows)), lengths)
    keep = (flat >= 0) & (flat < depth)
    counts = np.bincount(row_of[keep] * depth + flat[keep], minlength=len(rows) * depth)
    return counts.reshape(len(rows), depth)


def encode_indices(
    indices, output_mode: str, depth: int, dtype: str, idf_weights: np.ndarray | None = None
) -> np.ndarray:
    """``indices`` (an int array, or a list of 1-D rows) encoded as ``output_mode`` says."""
    if isinstance(indices, list):
        if output_mode == "one_hot":
            raise ValueError(
                "output_mode='one_hot' needs one index per value; rows of different lengths "
                "(split text) can be encoded as multi_hot, count or tf_idf."
            )
        counts = _bincount_rows(indices, depth)
    else:
        indices = np.asarray(indices, dtype="int64")
        if indices.ndim == 0:
            indices = indices[None]
        if output_mode == "one_hot":
            if indices.ndim > 1 and indices.shape[-1] == 1:
                indices = indices[..., 0]
            flat = indices.reshape(-1)
            encoded = np.zeros((flat.size, depth), dtype=dtype)
            keep = np.flatnonzero((flat >= 0) & (flat < depth))
            encoded[keep, flat[keep]] = 1
            return encoded.reshape(*indices.shape, depth)
        if indices.ndim > 2:
            raise ValueError(
                f"output_mode={output_mode!r} encodes inputs of rank 1 or 2 (one vector per "
                f"row); received indices of shape {indices.shape}."
            )
        counts = _bincount_rows([indices] if indices.ndim == 1 else list(indices), depth)
        if indices.ndim == 1:
            counts = counts[0]
    if output_mode == "multi_hot":
        return (counts > 0).astype(dtype)
    if output_mode == "tf_idf":
        return (counts.astype(dtype) * idf_weights[:depth].astype(dtype)).astype(dtype)
    return counts.astype(dtype)
