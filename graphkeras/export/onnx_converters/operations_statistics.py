"""Order statistics and running products of ``gk.ops`` as ONNX nodes.

``quantile``, ``percentile``, ``median`` and their ``nan`` forms follow
graphkeras's steps: the reduced axes are moved last and merged, each row is
sorted (``TopK`` with ``largest=0``, NaN first replaced by +inf so it sorts
last, as NumPy puts it; the entries read never reach those places), and the
entries at ``q * (count - 1)`` are read (``GatherElements``) and
interpolated by ``method``. ``count`` is the row's length, or its number of
entries that are not NaN for the ``nan`` forms; a row with NaN (an all-NaN
row for the ``nan`` forms) gives NaN. ``q`` must be a constant: it is
computed here with graphkeras's own arithmetic (``percentile`` divides it
by 100 as a float first), then held in the input's float dtype.

``nanargmax`` / ``nanargmin`` take NaN as -inf / +inf and give -1 for an
all-NaN slice; ``trapezoid`` sums the trapezoids' areas as graphkeras does;
``cumprod`` and ``nancumprod`` (ONNX has no running product) multiply the
entries one after the other along an axis of known length, the order NumPy
multiplies them in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras import backend as K
from graphkeras.export.onnx_converters.operation_call import (
    LAST,
    OnnxTensor,
    OperationCall,
    is_float,
)
from graphkeras.ops.dtypes import as_float
from graphkeras.ops.numpy.statistics import QUANTILE_METHODS

LONGEST_RUNNING_PRODUCT = 1024
"""Running products are written one Mul per entry: longer axes are refused."""


def _keepdims(op: OperationCall) -> bool:
    keepdims = op["keepdims"]
    if not isinstance(keepdims, bool):
        op.refuse("keepdims", "must be True or False")
    return keepdims


def _static_quantiles(op: OperationCall, dtype: str, percent: bool) -> np.ndarray:
    """``q`` as graphkeras computes it, in ``dtype`` (a constant; tensors are refused)."""
    q = 0.5 if op.operation in ("median", "nanmedian") else op["q"]
    if isinstance(q, OnnxTensor) or q is None:
        op.refuse("q", "is not a constant; only constant quantiles are exported")
    if percent:
        q = K.convert_to_numpy(K.divide(as_float(q), 100.0))
    values = np.asarray(q).astype(dtype)
    if ((values < 0) | (values > 1)).any():
        op.refuse("q", "lies outside [0, 1] (or [0, 100] for percentiles)")
    return values


def _quantiles(skip_nan: bool, percent: bool) -> Callable:
    def write(op: OperationCall) -> str:
        method = "linear" if op.operation in ("median", "nanmedian") else op["method"]
        if method not in QUANTILE_METHODS:
            op.refuse("method", f"must be one of {QUANTILE_METHODS}")
        dtype = op.output_dtype()
        x = op.tensor("x")
        q = _static_quantiles(op, dtype, percent)
        axes = op.axes("axis", x.rank)
        kept = [a for a in range(x.rank) if a not in axes]
        value = op.call.transpose(op.operand(x, dtype, "x"), [*kept, *axes])
        rows = op.add("Reshape", [value, op.int64s([0] * len(kept) + [-1])])
        nan = op.add("IsNaN", [rows])
        infinity = op.constant(np.inf, dtype, "infinity")
        ordered, _ = op.add(
            "TopK",
            [op.add("Where", [nan, infinity, rows]), _length(op, rows, -1)],
            outputs=2,
            axis=-1,
            largest=0,
            sorted=1,
        )
        one = op.constant(1.0, dtype, "one")
        if skip_nan:
            valid = op.cast(op.add("Not", [nan]), dtype)
            count = op.reduce("ReduceSum", valid, [len(kept)], True)
        else:
            count = op.cast(_length(op, rows, -1), dtype)
        flat_q = op.constant(q.reshape((1,) * len(kept) + (-1,)), dtype, "q")
        positions = op.add("Mul", [flat_q, op.add("Sub", [count, one])])
        lower, upper = op.add("Floor", [positions]), op.add("Ceil", [positions])
        wanted = op.add(
            "Concat",
            [_shape_head(op, rows), op.int64s([max(q.size, 1)], "quantiles")],
            axis=0,
        )

        def at(where: str) -> str:
            index = op.add("Expand", [op.cast(where, "int64"), wanted])
            return op.add("GatherElements", [ordered, index], axis=-1)

        if method == "lower":
            values = at(lower)
        elif method == "higher":
            values = at(upper)
        elif method == "nearest":
            values = at(op.add("Round", [positions]))
        elif method == "midpoint":
            values = op.add(
                "Mul", [op.add("Add", [at(lower), at(upper)]), op.constant(0.5, dtype, "half")]
            )
        else:
            below = at(lower)
            step = op.add("Sub", [positions, lower])
            gap = op.add("Sub", [at(upper), below])
            values = op.add("Add", [below, op.add("Mul", [gap, step])])
        if skip_nan:
            undefined = op.add("Equal", [count, op.constant(0.0, dtype, "zero")])
        else:
            has_nan = op.reduce("ReduceMax", op.cast(nan, "int32"), [len(kept)], True)
            undefined = op.cast(has_nan, "bool")
        values = op.add("Where", [undefined, op.constant(np.nan, dtype, "nan"), values])
        values = op.add("Reshape", [values, op.int64s([0] * len(kept) + list(q.shape))])
        q_axes = list(range(len(kept), len(kept) + q.ndim))
        values = op.call.transpose(values, [*q_axes, *range(len(kept))])
        if _keepdims(op):
            values = op.call.unsqueeze(values, [q.ndim + a for a in axes])
        return values

    return write


def _length(op: OperationCall, name: str, axis: int) -> str:
    """The length of ``name``'s ``axis`` at run time, as a one-entry int64 vector."""
    return op.add("Gather", [op.add("Shape", [name]), op.int64s([axis], "axis")], axis=0)


def _shape_head(op: OperationCall, name: str) -> str:
    """``name``'s shape without its last axis, at run time."""
    return op.slice_axis(op.add("Shape", [name]), 0, 0, -1)


def _nan_arg_extreme(op_type: str, fill: float) -> Callable:
    """ArgMax / ArgMin with NaN taken as ``fill``; -1 for a slice of NaN only, int32."""

    def write(op: OperationCall) -> str:
        x = op.tensor("x")
        keepdims = _keepdims(op)
        value = x.name if x.dtype != "bool" else op.cast(x.name, "int32")
        if is_float(x.dtype):
            nan = op.add("IsNaN", [value])
            value = op.add("Where", [nan, op.constant(fill, x.dtype, "fill"), value])
        if op["axis"] is None:
            flat = op.add("Reshape", [value, op.int64s([-1])])
            index = op.add(op_type, [flat], axis=0, keepdims=0)
            if keepdims:
                index = op.add("Reshape", [index, op.int64s([1] * x.rank)])
            axes = list(range(x.rank))
        else:
            axis = op.axis("axis", x.rank)
            index = op.add(op_type, [value], axis=axis, keepdims=int(keepdims))
            axes = [axis]
        result = op.cast(index, op.output_dtype())
        if not is_float(x.dtype):
            return result
        all_nan = op.reduce("ReduceMin", op.cast(nan, "int32"), axes, keepdims)
        minus_one = op.constant(-1, op.output_dtype(), "minus_one")
        return op.add("Where", [op.cast(all_nan, "bool"), minus_one, result])

    return write


def _trapezoid(op: OperationCall) -> str:
    """``sum((y[1:] + y[:-1]) / 2 * dx)`` (times ``dx`` after the sum), or with ``diff(x)``."""
    dtype = op.output_dtype()
    y = op.tensor("y")
    axis = op.axis("axis", y.rank)
    value = op.operand(y, dtype, "y")
    half = op.constant(0.5, dtype, "half")
    ends = [op.slice_axis(value, axis, 1, LAST), op.slice_axis(value, axis, 0, -1)]
    heights = op.add("Mul", [op.add("Add", ends), half])
    points = op["x"]
    if points is None:
        dx = op["dx"]
        if isinstance(dx, bool) or not isinstance(dx, (int, float, np.number, OnnxTensor)):
            op.refuse("dx", "must be a number or a tensor")
        dx = op.operand(dx, dtype, "dx")
        return op.add("Mul", [op.reduce("ReduceSum", heights, [axis], False), dx])
    x = op.operand(points, dtype, "x")
    x_rank = points.rank if isinstance(points, OnnxTensor) else np.ndim(points)
    if x_rank == 1:
        x = op.add("Reshape", [x, op.int64s([-1 if a == axis else 1 for a in range(y.rank)])])
    elif x_rank != y.rank:
        op.refuse("x", f"must be 1-D or of y's rank {y.rank}")
    widths = op.add(
        "Sub",
        [op.slice_axis(x, axis, 1, LAST), op.slice_axis(x, axis, 0, -1)],
    )
    return op.reduce("ReduceSum", op.add("Mul", [heights, widths]), [axis], False)


def _running_product(skip_nan: bool) -> Callable:
    """Entry ``i`` is ``x[0] * ... * x[i]`` along ``axis``, multiplied left to right."""

    def write(op: OperationCall) -> str:
        dtype = op.output_dtype()
        if dtype == "bool":
            op.refuse("dtype", "is boolean; ONNX multiplies numbers")
        x = op.tensor("x")
        value = op.operand(x, dtype, "x")
        shape = x.shape
        if op["axis"] is None:
            value, axis, shape = op.add("Reshape", [value, op.int64s([-1])]), 0, (None,)
            if None not in x.shape:
                shape = (int(np.prod(x.shape)),)
        else:
            axis = op.axis("axis", x.rank)
        length = shape[axis]
        if length is None:
            op.refuse("axis", "has a length unknown until run time (the product is unrolled)")
        if length > LONGEST_RUNNING_PRODUCT:
            op.refuse("axis", f"is longer than {LONGEST_RUNNING_PRODUCT} entries")
        if skip_nan and is_float(dtype):
            nan = op.add("IsNaN", [value])
            value = op.add("Where", [nan, op.constant(1.0, dtype, "one"), value])
        if length == 0:
            return op.add("Identity", [value])
        pieces = op.int64s([1] * length, "split")
        entries = op.add("Split", [value, pieces], outputs=length, axis=axis)
        entries = [entries] if length == 1 else entries
        running = [entries[0]]
        for entry in entries[1:]:
            running.append(op.add("Mul", [running[-1], entry]))
        if length == 1:
            return op.add("Identity", [running[0]])
        return op.add("Concat", running, axis=axis)

    return write


WRITERS: dict[str, Callable] = {
    "quantile": _quantiles(skip_nan=False, percent=False),
    "percentile": _quantiles(skip_nan=False, percent=True),
    "median": _quantiles(skip_nan=False, percent=False),
    "nanquantile": _quantiles(skip_nan=True, percent=False),
    "nanpercentile": _quantiles(skip_nan=True, percent=True),
    "nanmedian": _quantiles(skip_nan=True, percent=False),
    "nanargmax": _nan_arg_extreme("ArgMax", -np.inf),
    "nanargmin": _nan_arg_extreme("ArgMin", np.inf),
    "trapezoid": _trapezoid,
    "cumprod": _running_product(skip_nan=False),
    "nancumprod": _running_product(skip_nan=True),
}
