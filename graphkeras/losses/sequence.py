"""Sequence losses: the connectionist temporal classification (CTC) loss.

CTC (Graves et al., 2006) scores a label sequence against per-time-step
class predictions when the alignment between them is unknown, as in speech
or handwriting recognition: the loss is minus the log of the total
probability of every path through the time steps that reads as the labels
once repeats are merged and blanks dropped. Class 0 is the blank, and 0 also
pads the label sequences, as in Keras 3.

>>> y_pred = K.log(K.convert_to_tensor([[[0.5, 0.5], [0.5, 0.5]]]))
>>> round(float(ctc(K.convert_to_tensor([[1]]), y_pred)[0]), 4)  # paths 01, 10, 11
0.2877
"""

from __future__ import annotations

import math
from typing import Any

from graphkeras import backend as K
from graphkeras.losses.loss import BuiltinLoss, float_tensor, logsumexp_of_reachable

BLANK = 0


def _extended_labels(labels: Any) -> Any:
    """``[blank, l1, blank, l2, ..., blank, lN, blank]`` for each row of labels ``(batch, N)``."""
    batch, length = K.int_shape(labels)
    blanks = K.zeros_like(labels)
    interleaved = K.reshape(K.stack([blanks, labels], axis=-1), (batch, 2 * length))
    return K.concatenate([interleaved, K.zeros((batch, 1), dtype=K.dtype(labels))], axis=1)


def _shifted(alpha: Any, steps: int) -> Any:
    """``alpha`` moved ``steps`` states to the right, ``-inf`` filling the first states."""
    batch = K.int_shape(alpha)[0]
    filler = K.full((batch, steps), -math.inf, dtype=K.dtype(alpha))
    return K.concatenate([filler, K.getitem(alpha, (slice(None), slice(None, -steps)))], axis=1)


def ctc(y_true: Any, y_pred: Any) -> Any:
    """The CTC loss of each sequence: ``-log p(labels | y_pred)``, summed over alignments.

    ``y_true`` holds integer labels ``(batch, max_label_length)``, padded
    with 0 (so class 0, the blank, is never a label); ``y_pred`` logits
    ``(batch, time_steps, classes)``, of which every time step is used. The
    forward algorithm runs in log space over the states of the extended
    label sequence, blanks interleaved. A label sequence that no path can
    read (more labels, counting repeats, than time steps) gives an infinite
    loss (Keras's JAX backend gives about 1e5 there).
    """
    labels = K.cast(K.convert_to_tensor(y_true), "int32")
    if K.ndim(labels) != 2:
        raise ValueError(
            "ctc: y_true must hold integer labels of shape (batch_size, max_length); "
            f"received y_true.shape={K.int_shape(labels)}."
        )
    y_pred = float_tensor(y_pred)
    if K.ndim(y_pred) != 3:
        raise ValueError(
            "ctc: y_pred must hold logits of shape (batch_size, time_steps, num_classes); "
            f"received y_pred.shape={K.int_shape(y_pred)}."
        )
    batch, steps, classes = K.int_shape(y_pred)
    if K.int_shape(labels)[0] != batch:
        raise ValueError(
            f"ctc: y_true and y_pred must have the same batch size; received "
            f"y_true.shape={K.int_shape(labels)}, y_pred.shape={K.int_shape(y_pred)}."
        )
    dtype = K.dtype(y_pred)
    extended = _extended_labels(labels)
    states = K.int_shape(extended)[1]

    # emissions[b, t, s]: the log-probability of state s's class at time t.
    log_probabilities = K.log_softmax(y_pred, axis=-1)
    state_classes = K.one_hot(extended, classes, dtype=dtype)
    emissions = K.matmul(log_probabilities, K.transpose(state_classes, (0, 2, 1)))

    # A path may skip the blank between two different labels.
    two_back = K.concatenate([K.zeros((batch, 2), "int32"), extended], axis=1)
    different = K.not_equal(extended, K.getitem(two_back, (slice(None), slice(None, -2))))
    may_skip = K.logical_and(K.not_equal(extended, BLANK), different)
    state_ids = K.reshape(K.arange(states), (1, states))
    may_skip = K.logical_and(may_skip, K.greater_equal(state_ids, 2))

    lowest = K.full((), -math.inf, dtype=dtype)
    first_step = K.getitem(emissions, (slice(None), 0))
    alpha = K.where(K.less(state_ids, 2), first_step, lowest)
    for t in range(1, steps):
        skip = K.where(may_skip, _shifted(alpha, 2), lowest)
        paths = K.stack([alpha, _shifted(alpha, 1), skip], axis=0)
        alpha = K.add(logsumexp_of_reachable(paths, axis=0), K.getitem(emissions, (slice(None), t)))

    # A sequence of L labels ends in its last label or the blank after it.
    label_lengths = K.sum(K.cast(K.not_equal(labels, BLANK), "int32"), axis=1, keepdims=True)
    last_state = K.multiply(label_lengths, 2)
    is_final = K.logical_or(
        K.equal(state_ids, last_state), K.equal(state_ids, K.subtract(last_state, 1))
    )
    return K.negative(logsumexp_of_reachable(K.where(is_final, alpha, lowest), axis=1))


class CTC(BuiltinLoss):
    """The CTC loss, :func:`ctc`, for label sequences padded with 0 against per-step logits."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "ctc",
        dtype: str | None = None,
    ) -> None:
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)
