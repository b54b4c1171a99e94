"""What a loss object is: per-sample losses, then sample weights and a reduction.

:class:`Loss` turns the per-sample losses of :meth:`Loss.call` into the one
number an optimizer minimises: it multiplies them by ``sample_weight``,
drops masked-out entries and reduces as its ``reduction`` says:

- ``"sum_over_batch_size"`` (the default) and ``"mean"``: the weighted sum
  divided by the number of per-sample losses;
- ``"sum"``: the weighted sum;
- ``"mean_with_sample_weight"``: the weighted sum divided by the sum of the
  sample weights (the number of losses when there are none);
- ``"none"`` or ``None``: the weighted per-sample losses, unreduced.

:class:`LossFunctionWrapper` makes a loss object of any per-sample function;
every built-in loss class is a :class:`BuiltinLoss`, a wrapper whose function
is fixed by the class. The helpers here (``float_tensor``, ``mean_over``, ...)
are shared by the loss families of this package.

>>> from graphkeras.losses import MeanSquaredError
>>> MeanSquaredError()(K.convert_to_tensor([1.0, 0.0, 1.0]), K.convert_to_tensor([0.9, 0.1, 0.8]))
array(0.02, dtype=float32)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

from graphkeras import backend as K
from graphkeras.losses.registry import deserialize, serialize
from graphkeras.utils.naming import to_snake_case, unique_name

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


def float_tensor(x: Any) -> Any:
    """``x`` as a backend array of a float dtype: its own float dtype, else ``floatx``.

    An array that already qualifies is returned as it is, so a watched array
    stays the exact object the tape follows.
    """
    if not K.is_tensor(x):
        x = K.convert_to_tensor(x)
    if not K.is_float_dtype(K.dtype(x)):
        x = K.cast(x, K.floatx())
    return x


def as_dtype(x: Any, dtype: str) -> Any:
    """``x`` as a backend array of ``dtype``; an array that already has it is kept as is."""
    if K.is_tensor(x) and K.dtype(x) == dtype:
        return x
    return K.convert_to_tensor(x, dtype=dtype)


def _reduced_shape(shape: tuple, axis: Any) -> tuple:
    """``shape`` without the axes in ``axis`` (an int, a tuple of ints, or None for all)."""
    if axis is None:
        return ()
    axes = {index % len(shape) for index in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(size for index, size in enumerate(shape) if index not in axes)


def mean_over(x: Any, axis: Any) -> Any:
    """Mean over ``axis`` (an int, a tuple, or None for every axis), always as an array.

    Reducing with ``keepdims`` and reshaping gives a 0-d array where a plain
    reduction to a scalar may give a numpy scalar, which a tape that
    follows arrays could lose.
    """
    return K.reshape(K.mean(x, axis=axis, keepdims=True), _reduced_shape(K.int_shape(x), axis))


def sum_over(x: Any, axis: Any) -> Any:
    """Sum over ``axis``, always as an array (see :func:`mean_over`)."""
    return K.reshape(K.sum(x, axis=axis, keepdims=True), _reduced_shape(K.int_shape(x), axis))


def max_over(x: Any, axis: Any) -> Any:
    """Maximum over ``axis``, always as an array (see :func:`mean_over`)."""
    return K.reshape(K.max(x, axis=axis, keepdims=True), _reduced_shape(K.int_shape(x), axis))


def logsumexp_of_reachable(x: Any, axis: int) -> Any:
    """``logsumexp`` over ``axis``, whose slices of all ``-inf`` (nothing to sum: no path, no
    pair) give ``-inf`` with a zero gradient.

    Differentiated as written, such a slice's ``log(0)`` sends NaN back
    (``0 * inf``), and the NaN reaches the weights through every other
    entry; JAX's gradient of a plain ``logsumexp`` does that. Those slices
    are summed as zeros instead and their result replaced by ``-inf``, a
    constant.
    """
    unreachable = K.all(K.equal(x, -math.inf), axis=axis)
    safe = K.where(K.expand_dims(unreachable, axis), K.zeros_like(x), x)
    return K.where(unreachable, -math.inf, K.logsumexp(safe, axis=axis))


def targets_and_predictions(y_true: Any, y_pred: Any, same_rank: bool = True) -> tuple:
    """``(y_true, y_pred)`` as arrays of ``y_pred``'s float dtype (floatx for integers).

    With ``same_rank``, a trailing axis of size 1 that only one of them has
    is lined up first (:func:`squeeze_or_expand_to_same_rank`).
    """
    y_pred = float_tensor(y_pred)
    y_true = as_dtype(y_true, K.dtype(y_pred))
    if same_rank:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


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


def class_axis(axis: Any, rank: int, function: str) -> int:
    """``axis`` as a non-negative index into a tensor of ``rank`` dimensions."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"{function}: axis must be an int; received axis={axis!r}.")
    if not -rank <= axis < rank:
        raise ValueError(f"{function}: axis={axis} is out of range for predictions of rank {rank}.")
    return int(axis) % rank


def check_same_shape(y_true: Any, y_pred: Any, function: str) -> None:
    if K.int_shape(y_true) != K.int_shape(y_pred):
        raise ValueError(
            f"{function} needs y_true and y_pred of the same shape; received "
            f"y_true.shape={K.int_shape(y_true)}, y_pred.shape={K.int_shape(y_pred)}."
        )


def check_label_smoothing(label_smoothing: Any) -> float:
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


def _check_weights_fit(values: Any, weights: Any) -> None:
    """ValueError unless ``weights`` and the losses ``values`` broadcast together.

    (A loss reduced to one number, as Dice's over the whole batch, is weighted
    by every sample weight in turn, as in Keras.)
    """
    values_shape, weights_shape = K.int_shape(values), K.int_shape(weights)
    # Trailing axes are compared; zip stops at the shorter shape, whose missing axes broadcast.
    trailing = zip(reversed(weights_shape), reversed(values_shape), strict=False)
    fits = all(w == v or 1 in (w, v) for w, v in trailing)
    if not fits:
        raise ValueError(
            f"sample_weight of shape {weights_shape} cannot weigh losses of shape "
            f"{values_shape}: expected one weight per loss (or a shape that broadcasts to it)."
        )


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
    values = float_tensor(values) if dtype is None else as_dtype(values, dtype)
    dtype = K.dtype(values)
    if mask is not None:
        mask_weights = _mask_to_weights(mask, dtype, reduction)
        if sample_weight is None:
            sample_weight = mask_weights
        else:
            mask_weights, sample_weight = _align_weights(
                mask_weights, as_dtype(sample_weight, dtype)
            )
            sample_weight = _multiply(sample_weight, mask_weights)
    if sample_weight is not None:
        values, sample_weight = _align_weights(values, as_dtype(sample_weight, dtype))
        _check_weights_fit(values, sample_weight)
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
        y_pred = as_dtype(y_pred, dtype)
        y_true = as_dtype(y_true, dtype)
        losses, mask = self._losses_and_mask(y_true, y_pred)
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, mask=mask, reduction=self.reduction, dtype=dtype
        )

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """The per-sample losses; every subclass implements it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement call().")

    def _losses_and_mask(self, y_true: Any, y_pred: Any) -> tuple:
        """The per-sample losses and which of them count (None: all of them).

        As in Keras 3, a loss function may mark the losses that count by
        setting a mask on the array it returns (``K.set_keras_mask``).
        """
        losses = self.call(y_true, y_pred)
        return losses, K.get_keras_mask(losses)

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

    >>> from graphkeras.losses import huber
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


class FunctionOptions:
    """Reads the options a wrapped function is called with (``_fn_kwargs``) as attributes.

    ``Huber(delta=2.0).delta`` comes straight from the options the function
    receives, so the attribute and the computation cannot disagree. Shared
    by the built-in loss and metric classes.
    """

    def __getattr__(self, name: str) -> Any:
        options = self.__dict__.get("_fn_kwargs", {})
        if name in options:
            return options[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")


class BuiltinLoss(FunctionOptions, LossFunctionWrapper):
    """A built-in loss class: a :class:`LossFunctionWrapper` whose function the class fixes.

    Its config is the :class:`Loss` config plus the function's options
    (``delta``, ``from_logits``, ...), without ``fn``, as Keras 3 writes the
    built-in losses; each option also reads as an attribute.
    """

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Loss:
        return cls(**config)
