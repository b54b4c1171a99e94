"""Probabilistic losses: how well predicted probabilities (or logits) explain the targets.

The cross-entropies (binary, categorical, sparse categorical), their focal
variants that down-weight examples already classified well, the
Kullback-Leibler divergence, the Poisson loss for counts, and the
generalized cross-entropy that is robust to noisy labels. Each function
returns one loss per sample; each class wraps its function as a loss object
with Keras 3's name, arguments and config.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

from graphkeras import backend as K
from graphkeras.losses.loss import (
    BuiltinLoss,
    check_label_smoothing,
    check_same_shape,
    class_axis,
    float_tensor,
    mean_over,
    squeeze_or_expand_to_same_rank,
    sum_over,
    targets_and_predictions,
)
from graphkeras.utils.tracing import is_tracing


def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[epsilon, 1]``.

    How much information is lost when ``y_pred`` stands in for the
    distribution ``y_true``; the clipping keeps zeros from giving
    ``log(0)``.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred, same_rank=False)
    y_true = K.clip(y_true, K.epsilon(), 1.0)
    y_pred = K.clip(y_pred, K.epsilon(), 1.0)
    return sum_over(K.multiply(y_true, K.log(K.divide(y_true, y_pred))), axis=-1)


def _binary_crossentropy_entries(y_true: Any, y_pred: Any, from_logits: bool) -> Any:
    """The cross-entropy of each entry, before any averaging.

    From logits ``x`` with target ``z`` it is ``z * softplus(-x) +
    (1 - z) * softplus(x)``, which equals ``max(x, 0) - x * z + log(1 +
    exp(-|x|))`` but has no kink at ``x = 0`` (so its gradient is exactly
    ``sigmoid(x) - z`` there too) and never overflows. From probabilities
    they are clipped to ``[epsilon, 1 - epsilon]`` before the logarithms.
    """
    if from_logits:
        positive = K.multiply(y_true, K.softplus(K.negative(y_pred)))
        negative = K.multiply(K.subtract(1.0, y_true), K.softplus(y_pred))
        return K.add(positive, negative)
    y_pred = K.clip(y_pred, K.epsilon(), 1.0 - K.epsilon())
    positive = K.multiply(y_true, K.log(y_pred))
    negative = K.multiply(K.subtract(1.0, y_true), K.log(K.subtract(1.0, y_pred)))
    return K.negative(K.add(positive, negative))


def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Binary cross-entropy of each entry, averaged over ``axis``: one loss per sample.

    ``y_pred`` holds probabilities, or logits when ``from_logits`` (more
    accurate: no clipping is needed). ``label_smoothing`` pulls the targets
    towards 0.5: ``y_true * (1 - label_smoothing) + 0.5 * label_smoothing``.

    >>> binary_crossentropy(K.convert_to_tensor([[0.0, 1.0]]), K.convert_to_tensor([[0.0, 0.0]]),
    ...                     from_logits=True)
    array([0.6931472], dtype=float32)
    """
    y_true, y_pred, axis = _binary_targets(
        y_true, y_pred, label_smoothing, axis, "binary_crossentropy"
    )
    return mean_over(_binary_crossentropy_entries(y_true, y_pred, from_logits), axis=axis)


def _binary_targets(
    y_true: Any, y_pred: Any, label_smoothing: float, axis: int, function: str
) -> tuple:
    """``(y_true, y_pred, axis)`` checked for a binary loss, the targets smoothed towards 0.5."""
    y_true, y_pred = targets_and_predictions(y_true, y_pred, same_rank=False)
    check_same_shape(y_true, y_pred, function)
    if label_smoothing:
        y_true = K.add(K.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    return y_true, y_pred, class_axis(axis, K.ndim(y_pred), function)


def _log_probabilities(y_pred: Any, from_logits: bool, axis: int) -> Any:
    """``log(p)`` of each class along ``axis``.

    Logits go through ``log_softmax`` (exact for any magnitude). Probabilities
    are first divided by their sum, so that each sample's distribution adds
    up to 1 as Keras does, then clipped to ``[epsilon, 1 - epsilon]``.
    """
    if from_logits:
        return K.log_softmax(y_pred, axis=axis)
    y_pred = K.divide(y_pred, K.sum(y_pred, axis=axis, keepdims=True))
    return K.log(K.clip(y_pred, K.epsilon(), 1.0 - K.epsilon()))


def _categorical_targets(
    y_true: Any, y_pred: Any, label_smoothing: float, axis: int, function: str
) -> tuple:
    """``(y_true, y_pred, axis)`` checked for a categorical loss, the targets smoothed.

    Smoothing spreads part of each target over all ``n`` classes: ``y_true *
    (1 - label_smoothing) + label_smoothing / n``. A single class warns, as
    in Keras: the normalised probability is then always 1.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred, same_rank=False)
    check_same_shape(y_true, y_pred, function)
    axis = class_axis(axis, K.ndim(y_pred), function)
    classes = K.int_shape(y_pred)[axis]
    if classes == 1:
        warnings.warn(
            f"{function} expects predictions of shape (batch_size, num_classes) "
            f"with num_classes > 1; received y_pred.shape={K.int_shape(y_pred)}, for which the "
            "loss is always 0. Use binary_crossentropy for a single class.",
            SyntaxWarning,
            stacklevel=3,
        )
    if label_smoothing:
        y_true = K.add(K.multiply(y_true, 1.0 - label_smoothing), label_smoothing / classes)
    return y_true, y_pred, axis


def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """``-sum(y_true * log(p), axis)`` for one-hot (or soft) targets: one loss per sample.

    ``y_pred`` holds class probabilities (normalised here to sum to 1), or
    logits when ``from_logits``. ``label_smoothing`` spreads part of each
    target over all ``n`` classes: ``y_true * (1 - label_smoothing) +
    label_smoothing / n``.

    >>> categorical_crossentropy(K.convert_to_tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    ...                          K.convert_to_tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]))
    array([0.05129331, 2.3025851 ], dtype=float32)
    """
    y_true, y_pred, axis = _categorical_targets(
        y_true, y_pred, label_smoothing, axis, "categorical_crossentropy"
    )
    log_probabilities = _log_probabilities(y_pred, from_logits, axis)
    return K.negative(sum_over(K.multiply(y_true, log_probabilities), axis=axis))


def _labels(y_true: Any, y_pred: Any, axis: int, function: str) -> Any:
    """Integer class labels, one per prediction: ``y_pred``'s shape without its class axis.

    A size-1 axis where the class axis would be is dropped; any other shape
    raises ValueError naming ``function``.
    """
    labels = y_true if K.is_tensor(y_true) else K.convert_to_tensor(y_true)
    if K.ndim(labels) == K.ndim(y_pred) and K.int_shape(labels)[axis] == 1:
        labels = K.squeeze(labels, axis=axis)
    expected = tuple(dim for index, dim in enumerate(K.int_shape(y_pred)) if index != axis)
    if K.int_shape(labels) != expected:
        raise ValueError(
            f"{function} needs one integer label per prediction: y_true "
            f"of shape {expected} (or with a trailing 1) for y_pred.shape={K.int_shape(y_pred)}"
            f"; received y_true.shape={K.int_shape(labels)}."
        )
    return labels


def _labels_one_hot(labels: Any, y_pred: Any, axis: int, function: str) -> Any:
    """The labels one-hot along ``axis``, in ``y_pred``'s dtype, through a comparison.

    A label that names no class (outside ``[0, classes)``, or not a whole
    number) raises ValueError naming ``function`` and the labels. The check
    reads the labels' values, so it runs only where they exist: eagerly, not
    while a step is traced into one compiled program (there such a label
    gives an all-zero row, as a one-hot encoding of it would).
    """
    rank = K.ndim(y_pred)
    classes = K.int_shape(y_pred)[axis]
    class_shape = [1] * rank
    class_shape[axis] = classes
    class_ids = K.reshape(K.arange(classes, dtype=K.dtype(labels)), tuple(class_shape))
    one_hot = K.equal(K.expand_dims(labels, axis), class_ids)
    found = K.any(one_hot, axis=axis)
    if not is_tracing() and not bool(K.convert_to_numpy(K.all(found))):
        bad = sorted({float(label) for label in K.convert_to_numpy(labels)[~found].ravel()})
        raise ValueError(
            f"{function}: labels must be integers in "
            f"[0, {classes}) for {classes} classes; received labels {bad[:10]}."
        )
    return K.cast(one_hot, K.dtype(y_pred))


def _sparse_categorical_crossentropy_and_mask(
    y_true: Any, y_pred: Any, from_logits: bool, ignore_class: int | None, axis: int
) -> tuple:
    """The per-sample losses and, with ``ignore_class``, which of them count."""
    y_pred = float_tensor(y_pred)
    axis = class_axis(axis, K.ndim(y_pred), "sparse_categorical_crossentropy")
    labels = _labels(y_true, y_pred, axis, "sparse_categorical_crossentropy")

    valid = None
    if ignore_class is not None:
        valid = K.not_equal(labels, ignore_class)
        labels = K.where(valid, labels, 0)
        # Ignored positions get a harmless uniform prediction, so that whatever
        # they held cannot turn into NaN values or gradients.
        y_pred = K.where(K.expand_dims(valid, axis), y_pred, 1.0)

    one_hot = _labels_one_hot(labels, y_pred, axis, "sparse_categorical_crossentropy")
    log_probabilities = _log_probabilities(y_pred, from_logits, axis)
    losses = K.negative(sum_over(K.multiply(one_hot, log_probabilities), axis=axis))
    if valid is not None:
        losses = K.where(valid, losses, 0.0)
    return losses, valid


def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> Any:
    """Categorical cross-entropy with integer labels instead of one-hot targets.

    ``y_true`` holds class indices shaped like ``y_pred`` without its class
    axis, or with a size-1 axis there; ints or floats. The loss of each
    sample is ``-log(p[label])``, read through a one-hot comparison rather
    than a gather. Samples labelled ``ignore_class`` (for example a "void"
    class such as -1 or 255 in segmentation maps) get a loss of 0; the
    :class:`SparseCategoricalCrossentropy` object also leaves them out of the
    average.

    >>> sparse_categorical_crossentropy(K.convert_to_tensor([1, 2]),
    ...                                 K.convert_to_tensor([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]))
    array([0.05129331, 2.3025851 ], dtype=float32)
    """
    losses, _ = _sparse_categorical_crossentropy_and_mask(
        y_true, y_pred, from_logits, ignore_class, axis
    )
    return losses


def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma``, averaged over ``axis``.

    ``p_t`` is the probability given to the right answer (``p`` for a
    positive target, ``1 - p`` for a negative one), so entries predicted
    well add little and training concentrates on the hard ones (Lin et al.,
    2017). ``gamma=0`` gives the plain cross-entropy. With
    ``apply_class_balancing`` positives are further weighted by ``alpha`` and
    negatives by ``1 - alpha``. Logits go through a sigmoid first; the
    probabilities are clipped to ``[epsilon, 1 - epsilon]`` inside the
    logarithms, as in Keras.
    """
    y_true, y_pred, axis = _binary_targets(
        y_true, y_pred, label_smoothing, axis, "binary_focal_crossentropy"
    )
    if from_logits:
        y_pred = K.sigmoid(y_pred)
    crossentropy = _binary_crossentropy_entries(y_true, y_pred, from_logits=False)
    wrong_target = K.subtract(1.0, y_true)
    p_t = K.add(K.multiply(y_true, y_pred), K.multiply(wrong_target, K.subtract(1.0, y_pred)))
    focal = K.multiply(K.power(K.subtract(1.0, p_t), float(gamma)), crossentropy)
    if apply_class_balancing:
        balance = K.add(K.multiply(y_true, float(alpha)), K.multiply(wrong_target, 1.0 - alpha))
        focal = K.multiply(balance, focal)
    return mean_over(focal, axis=axis)


def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """``-sum(alpha * (1 - p) ** gamma * y_true * log(p), axis)``: a focal categorical loss.

    Each class's cross-entropy term is scaled by ``alpha * (1 - p) ** gamma``,
    which shrinks the loss of samples already classified confidently
    (Lin et al., 2017). Logits go through a softmax first; probabilities are
    normalised to sum to 1 and clipped to ``[epsilon, 1 - epsilon]``, as in
    Keras. ``label_smoothing`` works as in :func:`categorical_crossentropy`.
    """
    y_true, y_pred, axis = _categorical_targets(
        y_true, y_pred, label_smoothing, axis, "categorical_focal_crossentropy"
    )
    if from_logits:
        y_pred = K.softmax(y_pred, axis=axis)
    probabilities = K.divide(y_pred, K.sum(y_pred, axis=axis, keepdims=True))
    probabilities = K.clip(probabilities, K.epsilon(), 1.0 - K.epsilon())
    crossentropy = K.negative(K.multiply(y_true, K.log(probabilities)))
    modulation = K.multiply(K.power(K.subtract(1.0, probabilities), float(gamma)), float(alpha))
    return sum_over(K.multiply(modulation, crossentropy), axis=axis)


def poisson(y_true: Any, y_pred: Any) -> Any:
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``: the Poisson loss for counts.

    The negative log-likelihood of the targets under Poisson distributions of
    rates ``y_pred``, without the term that depends on the targets alone.
    """
    y_true, y_pred = targets_and_predictions(y_true, y_pred, same_rank=False)
    log_rate = K.log(K.add(y_pred, K.epsilon()))
    return mean_over(K.subtract(y_pred, K.multiply(y_true, log_rate)), axis=-1)


def _check_q(q: Any) -> float:
    if isinstance(q, numbers.Real) and not isinstance(q, bool) and 0.0 < q < 1.0:
        return q
    raise ValueError(
        "categorical_generalized_cross_entropy: q must be a number in the open interval "
        f"(0, 1); received q={q!r}."
    )


def categorical_generalized_cross_entropy(y_true: Any, y_pred: Any, q: float) -> Any:
    """``(1 - p ** q) / q``, ``p`` the probability of the labelled class (Zhang & Sabuncu, 2018).

    Between the cross-entropy (``q -> 0``) and the mean absolute error
    (``q = 1``): it trains almost as fast as the first while giving noisy,
    mislabelled samples the bounded pull of the second. ``y_true`` holds
    integer labels shaped like ``y_pred`` without its last axis (a trailing
    axis of 1 is dropped); ``y_pred`` holds probabilities.
    """
    q = _check_q(q)
    y_pred = float_tensor(y_pred)
    function = "categorical_generalized_cross_entropy"
    axis = class_axis(-1, K.ndim(y_pred), function)
    one_hot = _labels_one_hot(_labels(y_true, y_pred, axis, function), y_pred, axis, function)
    labelled = sum_over(K.multiply(y_pred, one_hot), axis=-1)
    return K.divide(K.subtract(1.0, K.power(labelled, float(q))), float(q))


def _crossentropy_options(from_logits: Any, label_smoothing: Any, axis: int) -> dict[str, Any]:
    """The options every cross-entropy loss object shares, checked."""
    return {
        "from_logits": bool(from_logits),
        "label_smoothing": check_label_smoothing(label_smoothing),
        "axis": axis,
    }


class BinaryCrossentropy(BuiltinLoss):
    """Binary cross-entropy, :func:`binary_crossentropy`, for 0/1 targets.

    Prefer ``from_logits=True`` with a model whose last layer has no
    sigmoid: the loss is then exact for any logit, where probabilities must
    be clipped away from 0 and 1.
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "binary_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            **_crossentropy_options(from_logits, label_smoothing, axis),
        )


class BinaryFocalCrossentropy(BuiltinLoss):
    """The focal binary cross-entropy, :func:`binary_focal_crossentropy`, as a loss object.

    For imbalanced binary problems: ``gamma`` (default 2) sets how strongly
    easy entries are down-weighted; ``apply_class_balancing`` with ``alpha``
    (default 0.25) also weighs positives against negatives.
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "binary_focal_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            apply_class_balancing=bool(apply_class_balancing),
            alpha=alpha,
            gamma=gamma,
            **_crossentropy_options(from_logits, label_smoothing, axis),
        )


class CategoricalCrossentropy(BuiltinLoss):
    """Categorical cross-entropy, :func:`categorical_crossentropy`, for one-hot targets."""

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            **_crossentropy_options(from_logits, label_smoothing, axis),
        )


class CategoricalFocalCrossentropy(BuiltinLoss):
    """The focal categorical cross-entropy, :func:`categorical_focal_crossentropy`.

    For one-hot targets of imbalanced classes: ``alpha`` scales the loss and
    ``gamma`` sets how strongly confident predictions are down-weighted.
    """

    def __init__(
        self,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_focal_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            **_crossentropy_options(from_logits, label_smoothing, axis),
        )


class SparseCategoricalCrossentropy(BuiltinLoss):
    """Cross-entropy with integer labels, :func:`sparse_categorical_crossentropy`.

    With ``ignore_class``, samples carrying that label add nothing and are
    not counted by the ``"sum_over_batch_size"`` average either: the loss is
    the mean over the labelled samples only.
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = "sum_over_batch_size",
        axis: int = -1,
        name: str | None = "sparse_categorical_crossentropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=bool(from_logits),
            ignore_class=ignore_class,
            axis=axis,
        )

    def _losses_and_mask(self, y_true: Any, y_pred: Any) -> tuple:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return _sparse_categorical_crossentropy_and_mask(y_true, y_pred, **self._fn_kwargs)


class KLDivergence(BuiltinLoss):
    """The Kullback-Leibler divergence, :func:`kl_divergence`, as a loss object."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "kl_divergence",
        dtype: str | None = None,
    ) -> None:
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(BuiltinLoss):
    """The Poisson loss, :func:`poisson`, for count targets and positive rate predictions."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "poisson",
        dtype: str | None = None,
    ) -> None:
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class CategoricalGeneralizedCrossEntropy(BuiltinLoss):
    """The generalized cross-entropy, :func:`categorical_generalized_cross_entropy`.

    For integer labels that may be wrong: ``q`` in (0, 1) (default 0.5)
    moves the loss from cross-entropy-like (near 0) to MAE-like (near 1).
    """

    def __init__(
        self,
        q: float = 0.5,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_generalized_cross_entropy",
        dtype: str | None = None,
    ) -> None:
        super().__init__(
            categorical_generalized_cross_entropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            q=_check_q(q),
        )
