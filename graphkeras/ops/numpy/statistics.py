"""Order statistics and NaN-ignoring reductions of ``gk.ops.numpy``.

``quantile``, ``percentile`` and ``median`` sort along the reduced axes and
read (or interpolate between) the entries at the asked-for positions; the
``nan*`` reductions do what their namesakes do over the entries that are
not NaN. Both are built from backend ops (``sort``, ``take_along_axis``,
``where``), so gradients reach the entries that were read. Results are
floats (``floatx()`` for integers), as in Keras 3.
"""

from __future__ import annotations

import math
from typing import Any

from graphkeras import backend as K
from graphkeras.ops.dtypes import accumulated, as_float, as_tensor
from graphkeras.ops.numpy.reductions import _reduction_axis
from graphkeras.ops.operation import operation

QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _gathered_quantiles(
    x: Any, q: Any, axis: Any, method: str, keepdims: bool, skip_nan: bool, name: str
) -> Any:
    """The ``q`` quantiles of ``x`` over ``axis``: ``q``'s axes first, then the kept axes."""
    if method not in QUANTILE_METHODS:
        raise ValueError(
            f"ops.{name}: method must be one of {QUANTILE_METHODS}, received {method!r}."
        )
    x = as_float(x)
    q = K.cast(as_tensor(q), K.dtype(x))
    q_values = K.convert_to_numpy(q)
    if ((q_values < 0) | (q_values > 1)).any():
        raise ValueError(f"ops.{name}: quantiles must lie in [0, 1], received {q_values}.")
    shape = K.int_shape(x)
    rank = len(shape)
    axes = range(rank) if axis is None else _reduction_axis(axis)
    axes = sorted({a % rank for a in ((axes,) if isinstance(axes, int) else axes)})
    kept = [a for a in range(rank) if a not in axes]
    kept_shape = tuple(shape[a] for a in kept)
    rows = K.reshape(K.transpose(x, (*kept, *axes)), (*kept_shape, -1))
    q_shape = K.int_shape(q)
    flat_q = K.reshape(q, (1,) * len(kept_shape) + (-1,))
    valid = K.logical_not(K.isnan(rows))
    if skip_nan:
        count = K.stop_gradient(K.sum(K.cast(valid, K.dtype(x)), axis=-1, keepdims=True))
    else:
        count = K.convert_to_tensor(float(K.int_shape(rows)[-1]), dtype=K.dtype(x))
    positions = K.multiply(flat_q, K.subtract(count, 1.0))
    ordered = K.sort(rows, axis=-1)  # NaN last

    def at(where):
        return K.take_along_axis(ordered, K.cast(where, "int32"), axis=-1)

    lower, upper = K.floor(positions), K.ceil(positions)
    if method == "lower":
        values = at(lower)
    elif method == "higher":
        values = at(upper)
    elif method == "nearest":
        values = at(K.round(positions))
    elif method == "midpoint":
        values = K.multiply(K.add(at(lower), at(upper)), 0.5)
    else:
        below = at(lower)
        values = K.add(
            below, K.multiply(K.subtract(at(upper), below), K.subtract(positions, lower))
        )
    # A slice with NaN gives NaN (an all-NaN slice, when NaN is skipped).
    undefined = (
        K.equal(count, 0) if skip_nan else K.logical_not(K.all(valid, axis=-1, keepdims=True))
    )
    values = K.where(undefined, K.convert_to_tensor(math.nan, dtype=K.dtype(x)), values)
    values = K.reshape(values, (*kept_shape, *q_shape))
    q_axes = tuple(range(len(kept_shape), len(kept_shape) + len(q_shape)))
    values = K.transpose(values, (*q_axes, *range(len(kept_shape))))
    if keepdims:
        values = K.reshape(values, (*q_shape, *(1 if a in axes else shape[a] for a in range(rank))))
    return values


@operation
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th quantiles (``q`` in ``[0, 1]``) of ``x`` over ``axis``, as ``numpy.quantile``.

    ``method`` says what to do between two entries: interpolate
    ('linear'), take the 'lower', 'higher' or 'nearest', or their 'midpoint'.
    """
    return _gathered_quantiles(x, q, axis, method, keepdims, False, "quantile")


@operation
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The ``q``-th percentiles (``q`` in ``[0, 100]``): ``quantile`` of ``q / 100``."""
    q = K.divide(as_float(q), 100.0)
    return _gathered_quantiles(x, q, axis, method, keepdims, False, "percentile")


@operation
def median(x, axis=None, keepdims=False):
    """The median over ``axis`` (the mean of the middle two for an even count)."""
    return _gathered_quantiles(x, 0.5, axis, "linear", keepdims, False, "median")


@operation
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """``quantile`` of the entries that are not NaN (NaN for a slice of NaN only)."""
    return _gathered_quantiles(x, q, axis, method, keepdims, True, "nanquantile")


@operation
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """``percentile`` of the entries that are not NaN."""
    q = K.divide(as_float(q), 100.0)
    return _gathered_quantiles(x, q, axis, method, keepdims, True, "nanpercentile")


@operation
def nanmedian(x, axis=None, keepdims=False):
    """``median`` of the entries that are not NaN."""
    return _gathered_quantiles(x, 0.5, axis, "linear", keepdims, True, "nanmedian")


# -------------------------------------------------------- NaN-ignoring


def _is_float(x: Any) -> bool:
    return K.is_float_dtype(K.dtype(x))


def _nan_as(x: Any, fill: float) -> Any:
    """``x`` with its NaN entries replaced by ``fill`` (integers have none)."""
    if not _is_float(x):
        return x
    return K.where(K.isnan(x), K.convert_to_tensor(fill, dtype=K.dtype(x)), x)


def _where_all_nan(x: Any, axis: Any, keepdims: bool, value: Any, result: Any) -> Any:
    """``result``, with ``value`` for each slice of ``x`` that is all NaN."""
    if not _is_float(x):
        return result
    all_nan = K.all(K.isnan(x), axis=axis, keepdims=keepdims)
    return K.where(all_nan, K.convert_to_tensor(value, dtype=K.dtype(result)), result)


def _count_and_sum(x: Any, axis: Any, keepdims: bool) -> tuple[Any, Any]:
    """How many entries over ``axis`` are not NaN, and their sum (floats)."""
    x = as_float(x)
    valid = K.cast(K.logical_not(K.isnan(x)), K.dtype(x))
    counts = K.stop_gradient(K.sum(valid, axis=axis, keepdims=keepdims))  # a count: no gradient
    return counts, K.sum(_nan_as(x, 0.0), axis=axis, keepdims=keepdims)


@operation
def nansum(x, axis=None, keepdims=False):
    """Sum over ``axis`` of the entries that are not NaN."""
    x = as_tensor(x)
    dtype = K.dtype(x)
    if dtype == "bool":
        x = K.cast(x, "int32")
    total = K.sum(_nan_as(x, 0.0), axis=_reduction_axis(axis), keepdims=keepdims)
    return accumulated(total, dtype)


@operation
def nanprod(x, axis=None, keepdims=False):
    """Product over ``axis`` of the entries that are not NaN."""
    x = as_tensor(x)
    dtype = K.dtype(x)
    if dtype == "bool":
        x = K.cast(x, "int32")
    product = K.prod(_nan_as(x, 1.0), axis=_reduction_axis(axis), keepdims=keepdims)
    return accumulated(product, dtype)


@operation
def nanmean(x, axis=None, keepdims=False):
    """Mean over ``axis`` of the entries that are not NaN (NaN for a slice of NaN only)."""
    counts, total = _count_and_sum(x, _reduction_axis(axis), keepdims)
    return K.divide(total, counts)


@operation
def nanvar(x, axis=None, keepdims=False):
    """Population variance over ``axis`` of the entries that are not NaN."""
    x = as_float(x)
    axis = _reduction_axis(axis)
    counts, total = _count_and_sum(x, axis, True)
    deviations = _nan_as(K.subtract(x, K.divide(total, counts)), 0.0)
    squares = K.sum(K.square(deviations), axis=axis, keepdims=True)
    variance = K.divide(squares, counts)
    return variance if keepdims else K.squeeze(variance, axis)


@operation
def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis`` of the entries that are not NaN."""
    return K.sqrt(nanvar(x, axis, keepdims))


@operation
def nanmax(x, axis=None, keepdims=False):
    """Largest entry over ``axis`` that is not NaN (NaN for a slice of NaN only)."""
    x = as_tensor(x)
    axis = _reduction_axis(axis)
    result = K.max(_nan_as(x, -math.inf), axis=axis, keepdims=keepdims)
    return _where_all_nan(x, axis, keepdims, math.nan, result)


@operation
def nanmin(x, axis=None, keepdims=False):
    """Smallest entry over ``axis`` that is not NaN (NaN for a slice of NaN only)."""
    x = as_tensor(x)
    axis = _reduction_axis(axis)
    result = K.min(_nan_as(x, math.inf), axis=axis, keepdims=keepdims)
    return _where_all_nan(x, axis, keepdims, math.nan, result)


@operation
def nanargmax(x, axis=None, keepdims=False):
    """Index of the largest entry that is not NaN along ``axis``, int32 (-1 for NaN only)."""
    x = as_tensor(x)
    result = K.cast(K.argmax(_nan_as(x, -math.inf), axis=axis, keepdims=keepdims), "int32")
    return _where_all_nan(x, axis, keepdims, -1, result)


@operation
def nanargmin(x, axis=None, keepdims=False):
    """Index of the smallest entry that is not NaN along ``axis``, int32 (-1 for NaN only)."""
    x = as_tensor(x)
    result = K.cast(K.argmin(_nan_as(x, math.inf), axis=axis, keepdims=keepdims), "int32")
    return _where_all_nan(x, axis, keepdims, -1, result)


@operation
def nancumsum(x, axis=None, dtype=None):
    """Running sum along ``axis`` with NaN counted as 0."""
    x = as_tensor(x)
    if dtype is None and K.dtype(x) == "bool":
        dtype = "int32"
    return K.cumsum(_nan_as(x, 0.0), axis=axis, dtype=dtype)


@operation
def nancumprod(x, axis=None, dtype=None):
    """Running product along ``axis`` with NaN counted as 1."""
    x = as_tensor(x)
    if dtype is None and K.dtype(x) == "bool":
        dtype = "int32"
    return K.cumprod(_nan_as(x, 1.0), axis=axis, dtype=dtype)


@operation
def corrcoef(x):
    """Pearson correlation coefficients of the rows of ``x`` (variables) over its columns."""
    x = as_float(x)
    vector = K.ndim(x) == 1
    rows = K.reshape(x, (1, -1)) if vector else x
    centered = K.subtract(rows, K.mean(rows, axis=1, keepdims=True))
    covariance = K.matmul(centered, K.transpose(centered))
    spreads = K.sqrt(K.sum(K.square(centered), axis=1))
    correlation = K.divide(
        covariance, K.multiply(K.expand_dims(spreads, 1), K.expand_dims(spreads, 0))
    )
    correlation = K.clip(correlation, -1.0, 1.0)
    return K.reshape(correlation, ()) if vector else correlation
