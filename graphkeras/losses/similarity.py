"""Similarity losses: metric learning, where embeddings of one class should lie close together.

``circle`` (Sun et al., 2020) compares every pair of a batch of unit-norm
embeddings: pairs of the same label (positives) are pulled together and
pairs of different labels (negatives) pushed apart, each weighted by how
far it is from its optimum, so that the pairs furthest from it dominate.
"""

from __future__ import annotations

import math
from typing import Any

from graphkeras import backend as K
from graphkeras.losses.loss import BuiltinLoss, as_dtype, float_tensor, logsumexp_of_reachable


def _label_column(labels: Any) -> Any:
    """Integer labels as a ``(n, 1)`` column, from shape ``(n,)`` or ``(n, 1)``."""
    labels = K.cast(K.convert_to_tensor(labels), "int32")
    return K.reshape(labels, (-1, 1))


def circle(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any = None,
    ref_embeddings: Any = None,
    remove_diagonal: bool = True,
    gamma: float = 80.0,
    margin: float = 0.4,
) -> Any:
    """The Circle loss of each embedding against the reference embeddings.

    ``y_true`` holds integer labels ``(batch,)``; ``y_pred`` L2-normalised
    embeddings ``(batch, dim)``. The references default to the batch itself
    (``ref_labels``, ``ref_embeddings``), and ``remove_diagonal`` then
    leaves each embedding's pairing with itself out of its positives. With
    cosine distances ``d = max(1 - y_pred @ ref.T, 0)``, a sample's loss is
    ``softplus(logsumexp(positive terms) + logsumexp(negative terms))``,
    where a positive pair contributes ``-gamma * max(margin + d, 0) *
    (margin - d)`` and a negative pair ``gamma * max(1 + margin - d, 0) *
    (1 - margin - d)``. A sample without any positive or any negative pair
    has loss 0; the losses carry a mask of the positive ones (set with
    ``K.set_keras_mask``), so that a loss object averages over those only,
    as in Keras 3.
    """
    losses = _circle_losses(
        y_true, y_pred, ref_labels, ref_embeddings, remove_diagonal, gamma, margin
    )
    K.set_keras_mask(losses, _counted(losses))
    return losses


def _circle_losses(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any,
    ref_embeddings: Any,
    remove_diagonal: bool,
    gamma: float,
    margin: float,
) -> Any:
    """:func:`circle`'s losses, without the mask."""
    y_pred = float_tensor(y_pred)
    labels = _label_column(y_true)
    ref_embeddings = y_pred if ref_embeddings is None else as_dtype(ref_embeddings, K.dtype(y_pred))
    ref_labels = labels if ref_labels is None else _label_column(ref_labels)

    similarities = K.matmul(y_pred, K.transpose(ref_embeddings))
    distances = K.maximum(K.subtract(1.0, similarities), 0.0)
    positive = K.equal(labels, K.transpose(ref_labels))
    negative = K.logical_not(positive)
    if remove_diagonal:
        shape = K.int_shape(positive)
        positive = K.logical_and(positive, K.logical_not(K.eye(shape[0], shape[1], dtype="bool")))

    dtype = K.dtype(distances)
    gamma, margin = float(gamma), float(margin)
    positive_weights = K.maximum(K.multiply(K.add(distances, margin), K.cast(positive, dtype)), 0.0)
    negative_weights = K.maximum(
        K.multiply(K.subtract(1.0 + margin, distances), K.cast(negative, dtype)), 0.0
    )
    positive_terms = K.multiply(K.multiply(-gamma, positive_weights), K.subtract(margin, distances))
    negative_terms = K.multiply(
        K.multiply(gamma, negative_weights), K.subtract(1.0 - margin, distances)
    )
    positive_loss = logsumexp_of_reachable(K.where(positive, positive_terms, -math.inf), axis=1)
    negative_loss = logsumexp_of_reachable(K.where(negative, negative_terms, -math.inf), axis=1)
    losses = K.softplus(K.add(positive_loss, negative_loss))
    return losses


def _counted(losses: Any) -> Any:
    """Which circle losses count in an average: the positive ones (a selection, no gradient)."""
    return K.greater(K.stop_gradient(losses), 0.0)


class Circle(BuiltinLoss):
    """The Circle loss, :func:`circle`, for integer labels and unit-norm embeddings.

    Put a ``UnitNormalization`` layer after the embedding layer (without
    activation). ``gamma`` (default 80) scales the similarities, ``margin``
    (default 0.4) relaxes the optimum of each pair; samples without a
    positive pair in the batch do not count in the average.
    """

    def __init__(
        self,
        gamma: float = 80.0,
        margin: float = 0.4,
        remove_diagonal: bool = True,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "circle",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            circle,
            reduction=reduction,
            name=name,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )

    def _losses_and_mask(self, y_true: Any, y_pred: Any) -> tuple:
        """The losses and their mask, computed here rather than read off the losses.

        A mask set on an array cannot stay on every backend's arrays (the
        JAX tape's recorded values take none), so the loss object does not
        depend on it.
        """
        options = self._fn_kwargs
        losses = _circle_losses(
            y_true,
            y_pred,
            options.get("ref_labels"),
            options.get("ref_embeddings"),
            options.get("remove_diagonal", True),
            options.get("gamma", 80.0),
            options.get("margin", 0.4),
        )
        return losses, _counted(losses)
