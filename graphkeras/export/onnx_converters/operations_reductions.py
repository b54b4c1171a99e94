"""Reducing ``gk.ops`` (sums, means, extremes, ``var``, ``logsumexp``, ``argmax``, ``cumsum``).

Axes are the call's static ``axis`` argument (None: every axis, known from
the input's rank), written as ``Reduce*`` takes them at the export's opset
(an attribute before 18, an input from 18; ReduceSum's an input from 13).
The input is cast to the result's dtype first, so an integer mean is a
float mean and a boolean sum counts. ``any`` and ``all`` reduce booleans
as int32 (ONNX reduces no booleans before opset 20); ``argmax`` and
``argmin`` give the first position among ties, as NumPy and ONNX
(``select_last_index=0``) both do.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras.backend.common.norm_arguments import check_ord, norm_axes
from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall


def _keepdims(op: OperationCall) -> bool:
    keepdims = op["keepdims"]
    if not isinstance(keepdims, bool):
        op.refuse("keepdims", "must be True or False")
    return keepdims


def _reduction(op_type: str, bound: str | None = None) -> Callable:
    """``op_type`` over ``axis``; ``bound`` names an ``initial`` argument (max, min)."""

    def write(op: OperationCall) -> str:
        if op.output_dtype() == "bool":
            op.refuse("x", "is boolean; ONNX reduces booleans only from opset 20")
        dtype = op.output_dtype()
        x = op.tensor("x")
        result = op.reduce(
            op_type, op.operand(x, dtype, "x"), op.axes("axis", x.rank), _keepdims(op)
        )
        if bound is not None and op["initial"] is not None:
            extreme = "Max" if op_type == "ReduceMax" else "Min"
            result = op.add(extreme, [result, op.operand(op["initial"], dtype, "initial")])
        return result

    return write


def _boolean_reduction(op_type: str) -> Callable:
    """any (ReduceMax) / all (ReduceMin) over booleans, reduced as int32."""

    def write(op: OperationCall) -> str:
        x = op.tensor("x")
        as_int = op.cast(op.operand(x, "bool", "x"), "int32")
        reduced = op.reduce(op_type, as_int, op.axes("axis", x.rank), _keepdims(op))
        return op.cast(reduced, "bool")

    return write


def _variance(op: OperationCall, root: bool) -> str:
    """``mean((x - mean(x))^2)``, NumPy's two passes; its square root for ``std``."""
    dtype = op.output_dtype()
    x = op.tensor("x")
    axes = op.axes("axis", x.rank)
    value = op.operand(x, dtype, "x")
    centred = op.add("Sub", [value, op.reduce("ReduceMean", value, axes, True)])
    variance = op.reduce("ReduceMean", op.add("Mul", [centred, centred]), axes, _keepdims(op))
    return op.add("Sqrt", [variance]) if root else variance


def _logsumexp(op: OperationCall) -> str:
    """``m + log(sum(exp(x - m)))`` with ``m`` the largest entry (0 where it is infinite)."""
    dtype = op.output_dtype()
    x = op.tensor("x")
    axes = op.axes("axis", x.rank)
    keepdims = _keepdims(op)
    value = op.operand(x, dtype, "x")
    largest = op.reduce("ReduceMax", value, axes, True)
    zero = op.constant(0.0, dtype, "zero")
    shift = op.add("Where", [op.add("IsInf", [largest]), zero, largest])
    total = op.reduce("ReduceSum", op.add("Exp", [op.add("Sub", [value, shift])]), axes, keepdims)
    if not keepdims:
        shift = op.add("Squeeze", [shift, op.int64s(axes, "axes")]) if axes else shift
    return op.add("Add", [op.add("Log", [total]), shift])


def _flattened(op: OperationCall, name: str) -> str:
    return op.add("Reshape", [name, op.int64s([-1])])


def _arg_extreme(op_type: str) -> Callable:
    """ArgMax / ArgMin along ``axis`` (of the flattened ``x`` when None), int32."""

    def write(op: OperationCall) -> str:
        x = op.tensor("x")
        keepdims = _keepdims(op)
        value = x.name
        if x.dtype == "bool":
            value = op.cast(value, "int32")
        if op["axis"] is None:
            index = op.add(op_type, [_flattened(op, value)], axis=0, keepdims=0)
            if keepdims:
                index = op.add("Reshape", [index, op.int64s([1] * x.rank)])
        else:
            axis = op.axis("axis", x.rank)
            index = op.add(op_type, [value], axis=axis, keepdims=int(keepdims))
        return op.cast(index, op.output_dtype())

    return write


def _cumsum(skip_nan: bool) -> Callable:
    """cumsum (nancumsum: NaN counted as 0) along ``axis``, of the flattened ``x`` when None."""

    def write(op: OperationCall) -> str:
        dtype = op.output_dtype()
        if dtype == "bool":
            op.refuse("x", "is boolean; ONNX CumSum takes numbers")
        x = op.tensor("x")
        value = op.operand(x, dtype, "x")
        if skip_nan:
            value = _without_nan(op, value, dtype, 0.0)
        return _running_sum(op, value, x.rank)

    return write


def _running_sum(op: OperationCall, value: str, rank: int) -> str:
    if op["axis"] is None:
        return op.add("CumSum", [_flattened(op, value), op.scalar_int64(0, "axis")])
    return op.add("CumSum", [value, op.scalar_int64(op.axis("axis", rank), "axis")])


def _count_nonzero(op: OperationCall) -> str:
    x = op.tensor("x")
    zero = op.constant(np.zeros((), x.dtype), x.dtype, "zero")
    nonzero = op.cast(op.add("Not", [op.add("Equal", [x.name, zero])]), op.output_dtype())
    return op.reduce("ReduceSum", nonzero, op.axes("axis", x.rank), False)


def _ptp(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x = op.tensor("x")
    axes, keepdims = op.axes("axis", x.rank), _keepdims(op)
    value = op.operand(x, dtype, "x")
    largest = op.reduce("ReduceMax", value, axes, keepdims)
    return op.add("Sub", [largest, op.reduce("ReduceMin", value, axes, keepdims)])


def _without_nan(op: OperationCall, value: str, dtype: str, fill: float) -> str:
    """``value`` with NaN entries replaced by ``fill`` (integers have none)."""
    if np.dtype(dtype).kind != "f":
        return value
    return op.add("Where", [op.add("IsNaN", [value]), op.constant(fill, dtype, "fill"), value])


def _nan_reduction(op_type: str, fill: float) -> Callable:
    """``op_type`` over the entries that are not NaN; max / min give NaN for all-NaN slices."""

    def write(op: OperationCall) -> str:
        dtype = op.output_dtype()
        if dtype == "bool":
            op.refuse("x", "is boolean; ONNX reduces booleans only from opset 20")
        x = op.tensor("x")
        axes, keepdims = op.axes("axis", x.rank), _keepdims(op)
        value = op.operand(x, dtype, "x")
        result = op.reduce(op_type, _without_nan(op, value, dtype, fill), axes, keepdims)
        if op_type in ("ReduceSum", "ReduceProd") or np.dtype(dtype).kind != "f":
            return result
        valid = op.cast(op.add("Not", [op.add("IsNaN", [value])]), "int32")
        none_valid = op.add(
            "Equal",
            [op.reduce("ReduceMax", valid, axes, keepdims), op.constant(0, "int32", "zero")],
        )
        return op.add("Where", [none_valid, op.constant(np.nan, dtype, "nan"), result])

    return write


def _nanmean(op: OperationCall) -> str:
    """The sum of the entries that are not NaN over their count (NaN for all-NaN slices)."""
    dtype = op.output_dtype()
    x = op.tensor("x")
    axes, keepdims = op.axes("axis", x.rank), _keepdims(op)
    value = op.operand(x, dtype, "x")
    valid = op.cast(op.add("Not", [op.add("IsNaN", [value])]), dtype)
    total = op.reduce("ReduceSum", _without_nan(op, value, dtype, 0.0), axes, keepdims)
    return op.add("Div", [total, op.reduce("ReduceSum", valid, axes, keepdims)])


def _average(op: OperationCall) -> str:
    """The mean, or ``sum(x * w) / sum(w)``; a 1-D ``weights`` is laid along ``axis``."""
    dtype = op.output_dtype()
    x = op.tensor("x")
    value = op.operand(x, dtype, "x")
    if op["weights"] is None:
        return op.reduce("ReduceMean", value, op.axes("axis", x.rank), False)
    weights = op["weights"]
    weight_rank = weights.rank if isinstance(weights, OnnxTensor) else np.ndim(weights)
    scale = op.operand(weights, dtype, "weights")
    if op["axis"] is None:
        product_axes = list(range(max(x.rank, weight_rank)))
        weight_axes = list(range(weight_rank))
    else:
        axis = op.axis("axis", x.rank)
        if weight_rank == 1 and x.rank > 1:
            shape = [1] * x.rank
            shape[axis] = -1
            scale = op.add("Reshape", [scale, op.int64s(shape)])
        elif weight_rank != x.rank:
            op.refuse("weights", "must be 1-D or have x's rank")
        product_axes = weight_axes = [axis]
    total = op.reduce("ReduceSum", op.add("Mul", [value, scale]), product_axes, False)
    return op.add("Div", [total, op.reduce("ReduceSum", scale, weight_axes, False)])


def _norm(op: OperationCall) -> str:
    """Vector norms of every order and the matrix norms without singular values.

    The axes and orders are read as graphkeras reads them
    (``norm_arguments.py``); the singular-value norms of matrices (``2``,
    ``-2``, ``'nuc'``) have no ONNX form and are refused.
    """
    dtype = op.output_dtype()
    x = op.tensor("x")
    order = op["ord"]
    try:
        axes = list(norm_axes("norm", x.rank, order, op["axis"]))
        check_ord(order, tuple(axes))
    except ValueError as error:
        op.refuse("ord", f"does not fit axis={op['axis']!r}: {error}")
    value = op.operand(x, dtype, "x")
    magnitude = op.add("Abs", [value])
    if order in (None, "fro", 2) and (len(axes) == 1 or order != 2):
        squares = op.add("Mul", [value, value])
        result = op.add("Sqrt", [op.reduce("ReduceSum", squares, axes, True)])
    elif len(axes) == 1:
        if order == 1:
            result = op.reduce("ReduceSum", magnitude, axes, True)
        elif order in (np.inf, -np.inf):
            result = op.reduce("ReduceMax" if order > 0 else "ReduceMin", magnitude, axes, True)
        elif order == 0:
            zero = op.constant(0.0, dtype, "zero")
            nonzero = op.cast(op.add("Not", [op.add("Equal", [value, zero])]), dtype)
            result = op.reduce("ReduceSum", nonzero, axes, True)
        else:
            powers = op.add("Pow", [magnitude, op.constant(order, dtype, "ord")])
            total = op.reduce("ReduceSum", powers, axes, True)
            result = op.add("Pow", [total, op.constant(1.0 / order, dtype, "inverse_ord")])
    elif order in (1, -1, np.inf, -np.inf):
        rows, columns = axes
        summed, extreme = (rows, columns) if order in (1, -1) else (columns, rows)
        sums = op.reduce("ReduceSum", magnitude, [summed], True)
        result = op.reduce("ReduceMax" if order > 0 else "ReduceMin", sums, [extreme], True)
    else:
        op.refuse("ord", "asks for singular values, which have no ONNX form")
    if _keepdims(op):
        return result
    return op.add("Squeeze", [result, op.int64s(sorted(axes), "axes")])


def _nan_variance(root: bool) -> Callable:
    """nanvar / nanstd: squared deviations from the NaN-skipping mean, over the count."""

    def write(op: OperationCall) -> str:
        dtype = op.output_dtype()
        x = op.tensor("x")
        axes, keepdims = op.axes("axis", x.rank), _keepdims(op)
        value = op.operand(x, dtype, "x")
        counts = op.reduce(
            "ReduceSum", op.cast(op.add("Not", [op.add("IsNaN", [value])]), dtype), axes, True
        )
        total = op.reduce("ReduceSum", _without_nan(op, value, dtype, 0.0), axes, True)
        deviations = op.add("Sub", [value, op.add("Div", [total, counts])])
        deviations = _without_nan(op, deviations, dtype, 0.0)
        squares = op.reduce("ReduceSum", op.add("Mul", [deviations, deviations]), axes, True)
        result = op.add("Div", [squares, counts])
        if not keepdims and axes:
            result = op.add("Squeeze", [result, op.int64s(axes, "axes")])
        return op.add("Sqrt", [result]) if root else result

    return write


WRITERS: dict[str, Callable] = {
    "sum": _reduction("ReduceSum"),
    "mean": _reduction("ReduceMean"),
    "max": _reduction("ReduceMax", bound="initial"),
    "min": _reduction("ReduceMin", bound="initial"),
    "amax": _reduction("ReduceMax"),
    "amin": _reduction("ReduceMin"),
    "prod": _reduction("ReduceProd"),
    "any": _boolean_reduction("ReduceMax"),
    "all": _boolean_reduction("ReduceMin"),
    "var": lambda op: _variance(op, root=False),
    "std": lambda op: _variance(op, root=True),
    "logsumexp": _logsumexp,
    "argmax": _arg_extreme("ArgMax"),
    "argmin": _arg_extreme("ArgMin"),
    "cumsum": _cumsum(skip_nan=False),
    "nancumsum": _cumsum(skip_nan=True),
    "count_nonzero": _count_nonzero,
    "ptp": _ptp,
    "nansum": _nan_reduction("ReduceSum", 0.0),
    "nanprod": _nan_reduction("ReduceProd", 1.0),
    "nanmax": _nan_reduction("ReduceMax", -np.inf),
    "nanmin": _nan_reduction("ReduceMin", np.inf),
    "nanmean": _nanmean,
    "nanvar": _nan_variance(root=False),
    "nanstd": _nan_variance(root=True),
    "norm": _norm,
    "average": _average,
}
