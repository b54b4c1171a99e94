"""``top_k``, ``sort`` and ``argsort`` as ONNX ``TopK``, ties in graphkeras's order.

graphkeras lists equal values by lowest position: ``sort`` and ``argsort``
are stable ascending, ``top_k`` gives the largest first and the lowest
position first among equals. ONNX's ``TopK`` promises exactly that order
for equal values (the lower index first), so ``sort`` is ``TopK`` with
``largest=0`` and ``k`` the axis' length (read at run time, so it works on
the batch axis too) and ``top_k`` is ``TopK`` with ``largest=1``.
Positions are int32, as graphkeras returns them.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras.export.onnx_converters.operation_call import OperationCall


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


WRITERS: dict[str, Callable] = {"top_k": _top_k, "sort": _sort, "argsort": _argsort}
