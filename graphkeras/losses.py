"""Losses: how far a model's predictions are from the targets, as one number to minimise.

Each loss comes in two forms, as in Keras 3:

- a function, ``mean_squared_error(y_true, y_pred)``, which returns one loss
  per sample (the last axis averaged or summed away);
- a :class:`Loss` object, ``MeanSquaredError()``, which calls that function
  and then weights and reduces the per-sample losses to the single scalar an
  optimizer minimises (see ``reduction`` below).

Every computation on ``y_pred`` goes through the backend (``K.subtract``,
``K.log_softmax``, ...), never through Python operators or numpy, because
``K.GradientTape`` only sees backend ops: a plain ``a - b`` on a prediction
would silently cut the gradient the model trains on.

Reductions (the ``reduction`` argument of every loss object):

- ``"sum_over_batch_size"`` (the default) and ``"mean"``: the weighted sum
  divided by the number of per-sample losses;
- ``"sum"``: the weighted sum;
- ``"mean_with_sample_weight"``: the weighted sum divided by the sum of the
  sample weights (the number of losses when there are none);
- ``"none"`` or ``None``: the weighted per-sample losses, unreduced.

>>> MeanSquaredError()(K.convert_to_tensor([1.0, 0.0, 1.0]), K.convert_to_tensor([0.9, 0.1, 0.8]))
array(0.02, dtype=float32)
"""

from __future__ import annotations

import inspect
import math
import numbers
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from graphkeras import backend as K
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.naming import to_snake_case, unique_name
from graphkeras.utils.serialization import (
    deserialize_configurable,
    resolve,
    serialize_configurable,
)

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


# ----------------------------------------------------------------- helpers


def standardize_reduction(reduction: str | None) -> str | None:
    """``reduction`` itself when it is one of :data:`REDUCTIONS`, else ValueError naming it."""
    if not isinstance(reduction, (str, type(None))) or reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument reduction: expected one of {list(REDUCTIONS)}; "
            f"received reduction={reduction!r}."
        )
    return reduction


def _float_tensor(x: Any) -> Any:
    """``x`` as a backend array of a float dtype: its own float dtype, else ``floatx``.

    An array that already qualifies is returned as it is, so a watched array
    stays the exact object the tape follows.
    """
    if not K.is_tensor(x):
        x = K.convert_to_tensor(x)
    if not K.is_float_dtype(K.dtype(x)):
        x = K.cast(x, K.floatx())
    return x


def _as_dtype(x: Any, dtype: str) -> Any:
    """``x`` as a backend array of ``dtype``; an array that already has it is kept as is."""
    if K.is_tensor(x) and K.dtype(x) == dtype:
        return x
    return K.convert_to_tensor(x, dtype=dtype)


def _mean(x: Any, axis: int) -> Any:
    """Mean over ``axis``, always as an array, also when the input is 1-D.

    Reducing with ``keepdims`` and squeezing gives a 0-d array where a plain
    reduction of a 1-D input may give a numpy scalar, which a tape that
    follows arrays could lose.
    """
    return K.squeeze(K.mean(x, axis=axis, keepdims=True), axis=axis)


def _sum(x: Any, axis: int) -> Any:
    """Sum over ``axis``, always as an array (see :func:`_mean`)."""
    return K.squeeze(K.sum(x, axis=axis, keepdims=True), axis=axis)


def _multiply(x: Any, y: Any) -> Any:
    """``x * y``; two 0-d arrays are multiplied as 1-element arrays, so that the result is an
    array (numpy gives a scalar for elementwise ops on 0-d arrays)."""
    if K.ndim(x) == 0 and K.ndim(y) == 0:
        return K.reshape(K.multiply(K.reshape(x, (1,)), y), ())
    return K.multiply(x, y)


def _divide_no_nan(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator``, and 0 where the denominator is 0 (an empty batch, all
    weights 0) instead of NaN. One of the two is an array of at least one dimension, so the
    result is an array too."""
    if isinstance(denominator, numbers.Number):
        if denominator == 0:
            return K.multiply(numerator, 0.0)
        return K.divide(numerator, float(denominator))
    is_zero = K.equal(denominator, 0)
    safe = K.where(is_zero, 1.0, denominator)
    return K.where(is_zero, 0.0, K.divide(numerator, safe))


def _class_axis(axis: Any, rank: int, function: str) -> int:
    """``axis`` as a non-negative index into a tensor of ``rank`` dimensions."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"{function}: axis must be an int; received axis={axis!r}.")
    if not -rank <= axis < rank:
        raise ValueError(f"{function}: axis={axis} is out of range for predictions of rank {rank}.")
    return int(axis) % rank


def _check_same_shape(y_true: Any, y_pred: Any, function: str) -> None:
    if K.int_shape(y_true) != K.int_shape(y_pred):
        raise ValueError(
            f"{function} needs y_true and y_pred of the same shape; received "
            f"y_true.shape={K.int_shape(y_true)}, y_pred.shape={K.int_shape(y_pred)}."
        )


def _check_label_smoothing(label_smoothing: Any) -> float:
    if (
        isinstance(label_smoothing, numbers.Real)
        and not isinstance(label_smoothing, bool)
        and 0.0 <= label_smoothing <= 1.0
    ):
        return label_smoothing
    raise ValueError(
        "Argument label_smoothing must be a number in [0, 1]; "
        f"received label_smoothing={label_smoothing!r}."
    )


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple:
    """Make two tensors whose ranks differ by one trailing axis of size 1 the same rank.

    Targets often come as ``(batch,)`` while predictions are ``(batch, 1)``
    (or the reverse). The tensor with the extra size-1 axis loses it, except
    when the other is rank 1 and ``expand_rank_1`` is set: then the rank-1
    tensor gains one. Any other pair is returned unchanged.

    >>> [K.int_shape(x) for x in squeeze_or_expand_to_same_rank(K.ones((3,)), K.ones((3, 1)))]
    [(3, 1), (3, 1)]
    """
    rank_1, rank_2 = K.ndim(x1), K.ndim(x2)
    if rank_1 == rank_2 + 1 and K.int_shape(x1)[-1] == 1:
        if rank_2 == 1 and expand_rank_1:
            x2 = K.expand_dims(x2, -1)
        else:
            x1 = K.squeeze(x1, axis=-1)
    elif rank_2 == rank_1 + 1 and K.int_shape(x2)[-1] == 1:
        if rank_1 == 1 and expand_rank_1:
            x1 = K.expand_dims(x1, -1)
        else:
            x2 = K.squeeze(x2, axis=-1)
    return x1, x2


def _align_weights(values: Any, weights: Any) -> tuple:
    """``values`` and ``weights`` shaped to multiply entry by entry.

    First Keras's :func:`squeeze_or_expand_to_same_rank`; then a weight of
    lower rank gains trailing axes, so that per-sample weights ``(batch,)``
    scale every entry of losses shaped ``(batch, time)`` (plain broadcasting
    would align them by their last axis instead).
    """
    values, weights = squeeze_or_expand_to_same_rank(values, weights)
    while 0 < K.ndim(weights) < K.ndim(values):
        weights = K.expand_dims(weights, -1)
    return values, weights


def _mask_to_weights(mask: Any, dtype: str, reduction: str | None) -> Any:
    """The sample weights that drop masked-out losses from a reduction.

    For the averaging reductions the kept entries weigh ``total / kept``, so
    dividing by the total number of losses averages over the kept ones.
    """
    mask = K.cast(mask, "bool")
    if reduction not in ("mean", "sum_over_batch_size"):
        return K.cast(mask, dtype)
    total = K.convert_to_tensor(float(math.prod(K.int_shape(mask))), dtype=dtype)
    kept = K.sum(K.cast(mask, dtype), keepdims=True)
    return K.where(mask, _divide_no_nan(total, kept), 0.0)


def reduce_weighted_values(
    values: Any,
    sample_weight: Any = None,
    mask: Any = None,
    reduction: str | None = "sum_over_batch_size",
    dtype: str | None = None,
) -> Any:
    """Weight per-sample losses and reduce them as ``reduction`` says (see the module doc).

    ``sample_weight`` is a scalar or an array aligned with ``values`` from the
    first axis (``(batch,)`` weights scale losses of shape ``(batch, time)``).
    ``mask`` (booleans shaped like ``values``) removes entries: they count
    neither in the sum nor in the number a ``"sum_over_batch_size"`` divides
    by. A reduced result is a 0-d array; an empty batch gives 0, not NaN (Keras returns
    the empty array of losses instead).
    """
    reduction = standardize_reduction(reduction)
    values = _float_tensor(values) if dtype is None else _as_dtype(values, dtype)
    dtype = K.dtype(values)
    if mask is not None:
        mask_weights = _mask_to_weights(mask, dtype, reduction)
        if sample_weight is None:
            sample_weight = mask_weights
        else:
            mask_weights, sample_weight = _align_weights(
                mask_weights, _as_dtype(sample_weight, dtype)
            )
            sample_weight = _multiply(sample_weight, mask_weights)
    if sample_weight is not None:
        values, sample_weight = _align_weights(values, _as_dtype(sample_weight, dtype))
        values = _multiply(values, sample_weight)

    shape = K.int_shape(values)
    if reduction in (None, "none") or shape == ():
        return values
    total = K.sum(values, keepdims=True)
    if reduction == "sum":
        return K.reshape(total, ())
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        denominator = K.sum(K.reshape(sample_weight, (-1,)), keepdims=True)
    else:
        denominator = math.prod(shape)
    return K.reshape(_divide_no_nan(total, denominator), ())


# ------------------------------------------------------ per-sample functions


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(y_true - y_pred), axis=-1)``: one loss per sample.

    >>> mean_squared_error(K.convert_to_tensor([[0.0, 1.0]]), K.convert_to_tensor([[1.0, 1.0]]))
    array([0.5], dtype=float32)
    """
    y_pred = _float_tensor(y_pred)
    y_true = _as_dtype(y_true, K.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _mean(K.square(K.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(abs(y_true - y_pred), axis=-1)``: one loss per sample, less swayed by outliers."""
    y_pred = _float_tensor(y_pred)
    y_true = _as_dtype(y_true, K.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _mean(K.abs(K.subtract(y_true, y_pred)), axis=-1)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Squared error for small errors, absolute error for large ones, averaged on the last axis.

    Per entry, with ``e = y_pred - y_true``: ``0.5 * e ** 2`` where
    ``|e| <= delta``, else ``delta * |e| - 0.5 * delta ** 2``; the two pieces
    meet with the same slope at ``|e| = delta``, so outliers pull linearly
    instead of quadratically.
    """
    y_pred = _float_tensor(y_pred)
    y_true = _as_dtype(y_true, K.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    delta = float(delta)
    error = K.subtract(y_pred, y_true)
    abs_error = K.abs(error)
    quadratic = K.multiply(0.5, K.square(error))
    linear = K.subtract(K.multiply(delta, abs_error), 0.5 * delta * delta)
    return _mean(K.where(K.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[epsilon, 1]``.

    How much information is lost when ``y_pred`` stands in for the
    distribution ``y_true``; the clipping keeps zeros from giving
    ``log(0)``.
    """
    y_pred = _float_tensor(y_pred)
    y_true = _as_dtype(y_true, K.dtype(y_pred))
    y_true = K.clip(y_true, K.epsilon(), 1.0)
    y_pred = K.clip(y_pred, K.epsilon(), 1.0)
    return _sum(K.multiply(y_true, K.log(K.divide(y_true, y_pred))), axis=-1)


def hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``, the max-margin loss.

    Labels are expected as -1 or 1; when every label is 0 or 1 they are
    mapped to -1 and 1 first, as Keras does.
    """
    y_pred = _float_tensor(y_pred)
    y_true = _as_dtype(y_true, K.dtype(y_pred))
    is_binary = K.all(K.logical_or(K.equal(y_true, 0.0), K.equal(y_true, 1.0)))
    y_true = K.where(is_binary, K.subtract(K.multiply(2.0, y_true), 1.0), y_true)
    margin = K.subtract(1.0, K.multiply(y_true, y_pred))
    return _mean(K.maximum(margin, 0.0), axis=-1)


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
    y_pred = _float_tensor(y_pred)
    y_true = _as_dtype(y_true, K.dtype(y_pred))
    _check_same_shape(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = K.add(K.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    axis = _class_axis(axis, K.ndim(y_pred), "binary_crossentropy")
    return _mean(_binary_crossentropy_entries(y_true, y_pred, from_logits), axis=axis)


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
    y_pred = _float_tensor(y_pred)
    y_true = _as_dtype(y_true, K.dtype(y_pred))
    _check_same_shape(y_true, y_pred, "categorical_crossentropy")
    axis = _class_axis(axis, K.ndim(y_pred), "categorical_crossentropy")
    classes = K.int_shape(y_pred)[axis]
    if classes == 1:
        warnings.warn(
            "categorical_crossentropy expects predictions of shape (batch_size, num_classes) "
            f"with num_classes > 1; received y_pred.shape={K.int_shape(y_pred)}, for which the "
            "loss is always 0. Use binary_crossentropy for a single class.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        y_true = K.add(K.multiply(y_true, 1.0 - label_smoothing), label_smoothing / classes)
    log_probabilities = _log_probabilities(y_pred, from_logits, axis)
    return K.negative(_sum(K.multiply(y_true, log_probabilities), axis=axis))


def _sparse_categorical_crossentropy_and_mask(
    y_true: Any, y_pred: Any, from_logits: bool, ignore_class: int | None, axis: int
) -> tuple:
    """The per-sample losses and, with ``ignore_class``, which of them count."""
    y_pred = _float_tensor(y_pred)
    labels = y_true if K.is_tensor(y_true) else K.convert_to_tensor(y_true)
    rank = K.ndim(y_pred)
    axis = _class_axis(axis, rank, "sparse_categorical_crossentropy")
    if K.ndim(labels) == rank and K.int_shape(labels)[axis] == 1:
        labels = K.squeeze(labels, axis=axis)
    expected = tuple(dim for index, dim in enumerate(K.int_shape(y_pred)) if index != axis)
    if K.int_shape(labels) != expected:
        raise ValueError(
            "sparse_categorical_crossentropy needs one integer label per prediction: y_true "
            f"of shape {expected} (or with a trailing 1) for y_pred.shape={K.int_shape(y_pred)}"
            f"; received y_true.shape={K.int_shape(labels)}."
        )

    valid = None
    if ignore_class is not None:
        valid = K.not_equal(labels, ignore_class)
        labels = K.where(valid, labels, 0)
        # Ignored positions get a harmless uniform prediction, so that whatever
        # they held cannot turn into NaN values or gradients.
        y_pred = K.where(K.expand_dims(valid, axis), y_pred, 1.0)

    classes = K.int_shape(y_pred)[axis]
    class_shape = [1] * rank
    class_shape[axis] = classes
    class_ids = K.reshape(K.arange(classes, dtype=K.dtype(labels)), tuple(class_shape))
    one_hot = K.equal(K.expand_dims(labels, axis), class_ids)
    found = K.any(one_hot, axis=axis)
    if not bool(K.convert_to_numpy(K.all(found))):
        bad = sorted({float(label) for label in K.convert_to_numpy(labels)[~found].ravel()})
        raise ValueError(
            "sparse_categorical_crossentropy: labels must be integers in "
            f"[0, {classes}) for {classes} classes; received labels {bad[:10]}."
        )

    log_probabilities = _log_probabilities(y_pred, from_logits, axis)
    one_hot = K.cast(one_hot, K.dtype(y_pred))
    losses = K.negative(_sum(K.multiply(one_hot, log_probabilities), axis=axis))
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


# ------------------------------------------------------------------ classes


class Loss:
    """A loss object: per-sample losses (:meth:`call`), then weights and a reduction.

    Calling it, ``loss(y_true, y_pred, sample_weight=None)``, converts both
    tensors to the loss's ``dtype`` (``floatx()`` unless given), computes
    :meth:`call`, multiplies by ``sample_weight`` and reduces as
    ``reduction`` says (see the module doc). Subclasses implement
    :meth:`call`; :meth:`get_config` and :meth:`from_config` round-trip the
    constructor arguments.

    >>> class SquaredError(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return K.square(K.subtract(y_true, y_pred))
    """

    def __init__(
        self,
        name: str | None = None,
        reduction: str | None = "sum_over_batch_size",
        dtype: str | None = None,
    ) -> None:
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        if dtype is not None and not K.is_float_dtype(dtype):
            raise ValueError(f"A loss computes in a float dtype; received dtype={dtype!r}.")
        self._dtype_argument = None if dtype is None else K.standardize_dtype(dtype)

    @property
    def dtype(self) -> str:
        """The dtype the loss converts its inputs to and computes in."""
        return self._dtype_argument or K.floatx()

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """The reduced, weighted loss (a 0-d array), or the weighted losses for ``"none"``."""
        dtype = self.dtype
        y_pred = _as_dtype(y_pred, dtype)
        y_true = _as_dtype(y_true, dtype)
        losses, mask = self._losses_and_mask(y_true, y_pred)
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, mask=mask, reduction=self.reduction, dtype=dtype
        )

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """The per-sample losses; every subclass implements it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement call().")

    def _losses_and_mask(self, y_true: Any, y_pred: Any) -> tuple:
        """The per-sample losses and which of them count (None: all of them)."""
        return self.call(y_true, y_pred), None

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this loss, as a JSON-ready dict."""
        config: dict[str, Any] = {"name": self.name, "reduction": self.reduction}
        if self._dtype_argument is not None:
            config["dtype"] = self._dtype_argument
        return config

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Loss:
        """Rebuild a loss from the output of :meth:`get_config`."""
        return cls(**config)

    def __repr__(self) -> str:
        try:
            config = self.get_config()
        except (NotImplementedError, ValueError):
            config = {"name": self.name, "reduction": self.reduction}
        arguments = ", ".join(f"{key}={value!r}" for key, value in config.items())
        return f"{type(self).__name__}({arguments})"


class LossFunctionWrapper(Loss):
    """A :class:`Loss` around a per-sample loss function ``fn(y_true, y_pred, **kwargs)``.

    Before calling ``fn`` it lines up targets and predictions whose ranks
    differ by a trailing axis of size 1 (labels ``(batch,)`` against
    predictions ``(batch, 1)``). Every built-in loss class is one of these.

    >>> LossFunctionWrapper(huber, delta=0.5).get_config()["delta"]
    0.5
    """

    def __init__(
        self,
        fn: Callable,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        dtype: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper needs a callable fn; received fn={fn!r}.")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["fn"] = serialize(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
    ) -> Loss:
        config = dict(config)
        if "fn" in config:
            config["fn"] = deserialize(config["fn"], custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        if type(self) is not LossFunctionWrapper:
            return super().__repr__()
        # Written without get_config, which refuses unregistered functions.
        arguments = {"fn": getattr(self.fn, "__name__", self.fn), **Loss.get_config(self)}
        arguments.update(self._fn_kwargs)
        listed = ", ".join(f"{key}={value!r}" for key, value in arguments.items())
        return f"LossFunctionWrapper({listed})"


class MeanSquaredError(LossFunctionWrapper):
    """The mean of squared errors, :func:`mean_squared_error`, as a loss object."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_squared_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """The mean of absolute errors, :func:`mean_absolute_error`, as a loss object."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_absolute_error",
        dtype: str | None = None,
    ) -> None:
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class Huber(LossFunctionWrapper):
    """The Huber loss, :func:`huber`: quadratic below ``delta``, linear above it."""

    def __init__(
        self,
        delta: float = 1.0,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "huber_loss",
        dtype: str | None = None,
    ) -> None:
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)

    @property
    def delta(self) -> float:
        return self._fn_kwargs["delta"]

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), "delta": self.delta}


class KLDivergence(LossFunctionWrapper):
    """The Kullback-Leibler divergence, :func:`kl_divergence`, as a loss object."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "kl_divergence",
        dtype: str | None = None,
    ) -> None:
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class Hinge(LossFunctionWrapper):
    """The hinge loss, :func:`hinge`, for labels -1/1 (or 0/1, converted)."""

    def __init__(
        self,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "hinge",
        dtype: str | None = None,
    ) -> None:
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return Loss.get_config(self)


class _CrossentropyArguments:
    """``from_logits``, ``label_smoothing`` and ``axis`` read from the wrapped kwargs."""

    _fn_kwargs: dict[str, Any]

    @property
    def from_logits(self) -> bool:
        return self._fn_kwargs["from_logits"]

    @property
    def label_smoothing(self) -> float:
        return self._fn_kwargs["label_smoothing"]

    @property
    def axis(self) -> int:
        return self._fn_kwargs["axis"]

    def get_config(self) -> dict[str, Any]:
        return {
            **Loss.get_config(self),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class BinaryCrossentropy(_CrossentropyArguments, LossFunctionWrapper):
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
            from_logits=bool(from_logits),
            label_smoothing=_check_label_smoothing(label_smoothing),
            axis=axis,
        )


class CategoricalCrossentropy(_CrossentropyArguments, LossFunctionWrapper):
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
            from_logits=bool(from_logits),
            label_smoothing=_check_label_smoothing(label_smoothing),
            axis=axis,
        )


class SparseCategoricalCrossentropy(LossFunctionWrapper):
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

    @property
    def from_logits(self) -> bool:
        return self._fn_kwargs["from_logits"]

    @property
    def ignore_class(self) -> int | None:
        return self._fn_kwargs["ignore_class"]

    @property
    def axis(self) -> int:
        return self._fn_kwargs["axis"]

    def _losses_and_mask(self, y_true: Any, y_pred: Any) -> tuple:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return _sparse_categorical_crossentropy_and_mask(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        return {
            **Loss.get_config(self),
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }


# ------------------------------------------------------ names and configs

_CLASSES = (
    Loss,
    LossFunctionWrapper,
    MeanSquaredError,
    MeanAbsoluteError,
    Huber,
    KLDivergence,
    Hinge,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
_FUNCTIONS = (
    mean_squared_error,
    mean_absolute_error,
    huber,
    kl_divergence,
    hinge,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
# Every name a string identifier or a config may use: the class names, the
# function names (which are also the classes' snake_case names) and Keras 3's
# short aliases. A class name gives an object, a function name the function.
ALL_LOSSES: dict[str, Any] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{function.__name__: function for function in _FUNCTIONS},
    "bce": binary_crossentropy,
    "BCE": binary_crossentropy,
    "kld": kl_divergence,
    "KLD": kl_divergence,
    "mae": mean_absolute_error,
    "MAE": mean_absolute_error,
    "mse": mean_squared_error,
    "MSE": mean_squared_error,
}
register_keras_module("keras.losses", ALL_LOSSES)


def serialize(loss: Loss | Callable | None) -> dict[str, Any] | str | None:
    """How a config stores a loss: ``{"class_name", "config"}`` for a loss object, the name
    for a built-in or registered function; None stays None.

    >>> serialize(Huber(delta=2.0))["config"]["delta"]
    2.0
    >>> serialize(mean_squared_error)
    'mean_squared_error'
    """
    if inspect.isfunction(loss) and ALL_LOSSES.get(loss.__name__) is loss:
        return loss.__name__
    return serialize_configurable(loss, "loss", "Loss")


def deserialize(
    config: Mapping[str, Any] | str | None, custom_objects: Mapping[str, Any] | None = None
) -> Loss | Callable | None:
    """The loss a config describes: ``{"class_name", "config"}``, a class name (built with its
    defaults) or a function name (the function). Unknown names raise ValueError listing the
    known ones.

    Keras's form for a function, ``{"class_name": "function", "config": "mse"}``, is read too.
    """
    if (
        isinstance(config, Mapping)
        and config.get("class_name") == "function"
        and isinstance(config.get("config"), str)
    ):
        config = config["config"]
    return deserialize_configurable(config, custom_objects, ALL_LOSSES, "loss")


def get(identifier: Any) -> Loss | Callable | None:
    """Turn what ``compile`` was given as a loss into something callable.

    Accepts None (kept), a name (``"mse"``, ``"binary_crossentropy"``,
    ``"CategoricalCrossentropy"``), a config dict, a :class:`Loss`, a loss
    class (built with its defaults) or any callable. As in Keras, a function
    name gives the per-sample function and a class name a loss object.

    >>> get("mse") is mean_squared_error
    True
    >>> get("Huber")
    Huber(name='huber_loss', reduction='sum_over_batch_size', delta=1.0)
    """
    if identifier is None:
        return None
    if isinstance(identifier, Mapping):
        return deserialize(identifier)
    if isinstance(identifier, str):
        obj = resolve(identifier, None, ALL_LOSSES, "loss")
    else:
        obj = identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret the loss identifier {identifier!r} (of type "
        f"{type(identifier).__name__}). Expected None, a name, a config dict, a Loss or a "
        "callable."
    )


__all__ = [
    "ALL_LOSSES",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Hinge",
    "Huber",
    "KLDivergence",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "mean_absolute_error",
    "mean_squared_error",
    "reduce_weighted_values",
    "serialize",
    "sparse_categorical_crossentropy",
    "squeeze_or_expand_to_same_rank",
]
