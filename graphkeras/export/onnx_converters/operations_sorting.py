"""Order ops: ``top_k``, ``sort``, ``argsort`` as ONNX ``TopK``; ``in_top_k``, bins by counting.

graphkeras lists equal values by lowest position: ``sort`` and ``argsort``
are stable ascending, ``top_k`` gives the largest first and the lowest
position first among equals. ONNX's ``TopK`` promises exactly that order
for equal values (the lower index first), so ``sort`` is ``TopK`` with
``largest=0`` and ``k`` the axis' length (read at run time, so it works on
the batch axis too) and ``top_k`` is ``TopK`` with ``largest=1``.
Positions are int32, as graphkeras returns them. ``in_top_k``,
``searchsorted`` and ``digitize`` count comparisons, as graphkeras does
(so NaN and ties land where graphkeras puts them).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras import backend as K
from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall, is_float


def _top_k(op: OperationCall) -> list[str]:
    x = op.tensor("x")
    if x.dtype == "bool":
        op.refuse("x", "is boolean; ONNX TopK takes numbers")
    k = op.integer("k")
    size = x.shape[-1]
    if size is not None and not 0 <= k <= size:
        op.refuse("k", f"is outside [0, {size}], the last axis' size")
    values, indices = op.add(
        "TopK", [x.name, op.int64s([k], "k")], outputs=2, axis=-1, largest=1, sorted=1
    )
    return [values, op.cast(indices, op.output_dtype(1))]


def _ascending(op: OperationCall) -> tuple[str, str]:
    """Values and int64 positions of ``x`` sorted stably along ``axis`` (None: flattened)."""
    x = op.tensor("x")
    if x.dtype == "bool":
        op.refuse("x", "is boolean; ONNX TopK takes numbers")
    value = x.name
    if op["axis"] is None:
        value, axis = op.add("Reshape", [value, op.int64s([-1])]), 0
    else:
        axis = op.axis("axis", x.rank)
    shape = op.add("Shape", [value])
    length = op.add("Gather", [shape, op.int64s([axis], "axis")], axis=0)
    values, indices = op.add("TopK", [value, length], outputs=2, axis=axis, largest=0, sorted=1)
    return values, indices


def _sort(op: OperationCall) -> str:
    return _ascending(op)[0]


def _argsort(op: OperationCall) -> str:
    return op.cast(_ascending(op)[1], op.output_dtype())


def _count(op: OperationCall, flags: str, axis: int) -> str:
    """How many of ``flags`` (booleans) hold along ``axis``, int32."""
    return op.reduce("ReduceSum", op.cast(flags, "int32"), [axis], False)


def _in_top_k(op: OperationCall) -> str:
    """Whether fewer than ``k`` predictions of the row beat the target's."""
    predictions = op.tensor("predictions")
    dtype = predictions.dtype if is_float(predictions.dtype) else K.floatx()
    scores = op.operand(predictions, dtype, "predictions")
    targets = op.call.unsqueeze(op.operand(op["targets"], "int64", "targets"), [-1])
    target_scores = op.add("GatherElements", [scores, targets], axis=-1)
    larger = _count(op, op.add("Greater", [scores, target_scores]), -1)
    return op.add("Less", [larger, op.constant(op.integer("k"), "int32", "k")])


def _searchsorted(op: OperationCall) -> str:
    side = op["side"]
    if side not in ("left", "right"):
        op.refuse("side", "must be 'left' or 'right'")
    dtype = op.common_dtype("sorted_sequence", "values")
    sequence = op.operand(op["sorted_sequence"], dtype, "sorted_sequence")
    values = op.tensor("values")
    spread = op.call.unsqueeze(op.operand(values, dtype, "values"), [values.rank])
    before = op.add("Less" if side == "left" else "LessOrEqual", [sequence, spread])
    return op.cast(_count(op, before, -1), op.output_dtype())


def _digitize(op: OperationCall) -> str:
    """Bins at or below ``x`` (increasing bins) or above it (decreasing), int32."""
    edges = op["bins"]
    if isinstance(edges, OnnxTensor):
        op.refuse("bins", "is a tensor; only constant bins are exported")
    x = op.tensor("x")
    dtype = op.common_dtype("x", "bins")
    bins = op.operand(edges, dtype, "bins")
    spread = op.call.unsqueeze(op.operand(x, dtype, "x"), [x.rank])
    edges = np.asarray(edges)
    if edges.size == 0 or edges[-1] >= edges[0]:
        counted = op.add("Not", [op.add("Less", [spread, bins])])
    else:
        counted = op.add("Greater", [bins, spread])
    return op.cast(_count(op, counted, -1), op.output_dtype())


WRITERS: dict[str, Callable] = {
    "top_k": _top_k,
    "sort": _sort,
    "argsort": _argsort,
    "in_top_k": _in_top_k,
    "searchsorted": _searchsorted,
    "digitize": _digitize,
}
