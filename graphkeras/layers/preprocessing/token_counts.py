"""What ``adapt`` learns for a lookup layer: how often each token occurs, and in how many rows.

Keras 3 ranks an adapted vocabulary by frequency, most frequent first,
and breaks ties by the token itself in *descending* order (for text, by
the UTF-8 bytes, which is code-point order): after counts
``{"b": 2, "a": 2, "e": 1, "c": 1}`` the order is ``b, a, e, c``.

For ``output_mode="tf_idf"`` it also counts documents: each row of a batch
is one document, and a token's inverse document frequency is
``log(1 + documents / (1 + rows holding the token))``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np


class TokenCounts:
    """Token and document counts accumulated over the batches ``adapt`` reads."""

    def __init__(self, count_documents: bool) -> None:
        self.counts: Counter = Counter()
        self.document_counts: Counter | None = Counter() if count_documents else None
        self.documents = 0

    def update(self, rows: list[np.ndarray]) -> None:
        """Count the tokens of ``rows`` (one array of tokens per document)."""
        if not rows:
            return
        values, counts = np.unique(
            np.concatenate([np.ravel(row) for row in rows]), return_counts=True
        )
        self.counts.update(dict(zip(values.tolist(), counts.tolist(), strict=True)))
        if self.document_counts is not None:
            for row in rows:
                self.document_counts.update(np.unique(row).tolist())
            self.documents += len(rows)

    def ranked(self, exclude: tuple, limit: int | None) -> list:
        """The counted tokens by count (descending), ties by token (descending), at most ``limit``.

        Tokens in ``exclude`` (the mask and OOV tokens) are left out.
        """
        kept = [(count, token) for token, count in self.counts.items() if token not in exclude]
        kept.sort(reverse=True)
        tokens = [token for _, token in kept]
        return tokens if limit is None else tokens[: max(limit, 0)]

    def inverse_document_frequencies(self, tokens: list) -> np.ndarray:
        """``log(1 + documents / (1 + document count))`` for each token, in float64."""
        counts = np.array([self.document_counts[token] for token in tokens], dtype="float64")
        return np.log1p(self.documents / (1.0 + counts))
