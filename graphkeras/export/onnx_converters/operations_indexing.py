"""``gk.ops`` that pick or place entries: ``take``, encodings, triangles, ``*_like`` fills.

Constant indices are checked against the axis' static size; negative ones
count from the end, as ONNX ``Gather`` counts them. ``one_hot`` and
``multi_hot`` compare the labels with ``0..num_classes-1``, so a label
outside that range gives a row of zeros as graphkeras gives (ONNX's
``OneHot`` would wrap negative labels). ``tril`` and ``triu`` keep a
constant mask of the last two (static) axes. The ``*_like`` fills are an
``Expand`` of the value to the input's run-time shape.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall


def _indices(op: OperationCall, argument: str, size: int | None) -> str:
    """Integer indices as int64; constant ones checked against ``size``."""
    value = op[argument]
    if isinstance(value, OnnxTensor):
        if np.dtype(value.dtype).kind not in "iu":
            op.refuse(argument, f"has dtype {value.dtype}; indices must be integers")
        return op.operand(value, "int64", argument)
    array = np.asarray(value)
    if array.dtype.kind not in "iu":
        op.refuse(argument, "must hold integers")
    if size is not None and array.size and not (-size <= array.min() and array.max() < size):
        op.refuse(argument, f"has an index outside [-{size}, {size})")
    return op.constant(array.astype(np.int64), "int64", argument)


def _take(op: OperationCall) -> str:
    x = op.tensor("x")
    name = x.name
    if op["axis"] is None:
        name, axis = op.add("Reshape", [name, op.int64s([-1])]), 0
        size = int(np.prod(x.shape)) if None not in x.shape else None
    else:
        axis = op.axis("axis", x.rank)
        size = x.shape[axis]
    return op.add("Gather", [name, _indices(op, "indices", size)], axis=axis)


def _take_along_axis(op: OperationCall) -> str:
    x = op.tensor("x")
    name, rank, shape = x.name, x.rank, x.shape
    if op["axis"] is None:
        name, rank, axis = op.add("Reshape", [name, op.int64s([-1])]), 1, 0
        shape = (int(np.prod(x.shape)) if None not in x.shape else None,)
    else:
        axis = op.axis("axis", rank)
    indices = op["indices"]
    index_shape = indices.shape if isinstance(indices, OnnxTensor) else np.shape(indices)
    if len(index_shape) != rank or any(
        a != b and a is not None and b is not None
        for position, (a, b) in enumerate(zip(shape, index_shape, strict=True))
        if position != axis
    ):
        op.refuse("indices", f"of shape {tuple(index_shape)} must match x's {shape} off the axis")
    return op.add("GatherElements", [name, _indices(op, "indices", shape[axis])], axis=axis)


def encoded_labels(
    op: OperationCall, labels: str, dtype: str, rank: int, argument: str, classes: int | None = None
) -> str:
    """Booleans: ``labels == class`` for each class (``num_classes`` of them by default).

    ``labels`` has rank ``rank`` and ``dtype``; the class axis goes where
    the argument ``argument`` says (an axis of the result).
    """
    classes = op.integer("num_classes") if classes is None else classes
    axis = op.axis(argument, rank + 1)
    expanded = op.call.unsqueeze(labels, [rank])
    hits = op.add("Equal", [expanded, op.constant(np.arange(classes), dtype, "classes")])
    if axis != rank:
        hits = op.call.transpose(hits, [*range(axis), rank, *range(axis, rank)])
    return hits


def _one_hot(op: OperationCall) -> str:
    x = op.tensor("x")
    if op["sparse"]:
        op.refuse("sparse", "is True; ONNX tensors are dense")
    return op.cast(encoded_labels(op, x.name, x.dtype, x.rank, "axis"), op.output_dtype())


def _multi_hot(op: OperationCall) -> str:
    """One-hot rows of the int32 labels, combined by their maximum over the label axis."""
    x = op.tensor("inputs")
    if op["sparse"]:
        op.refuse("sparse", "is True; ONNX tensors are dense")
    labels = op.operand(x, "int32", "inputs")
    encoded = op.cast(encoded_labels(op, labels, "int32", x.rank, "axis"), op.output_dtype())
    return op.reduce("ReduceMax", encoded, [1 if x.rank > 1 else 0], False)


def _triangle(lower: bool) -> Callable:
    """tril / triu: a constant mask over the last two axes, whose sizes must be static."""

    def write(op: OperationCall) -> str:
        x = op.tensor("x")
        k = op.integer("k")
        if x.rank < 2 or None in x.shape[-2:]:
            op.refuse("x", f"of shape {x.shape} needs two static last axes for the mask")
        rows, columns = x.shape[-2:]
        kept = np.tri(rows, columns, k, dtype=bool)
        if not lower:
            kept = ~np.tri(rows, columns, k - 1, dtype=bool)
        zero = op.constant(np.zeros((), x.dtype), x.dtype, "zero")
        return op.add("Where", [op.constant(kept, "bool", "mask"), x.name, zero])

    return write


def _filled(value) -> Callable:
    """zeros_like / ones_like (``value``) or full_like (``fill_value``) at x's run-time shape."""

    def write(op: OperationCall) -> str:
        x = op.tensor("x")
        fill = op["fill_value"] if value is None else value
        if isinstance(fill, OnnxTensor):
            op.refuse("fill_value", "is a tensor; only a constant fill is exported")
        filler = op.constant(fill, op.output_dtype(), "fill_value")
        return op.add("Expand", [filler, op.add("Shape", [x.name])])

    return write


WRITERS: dict[str, Callable] = {
    "take": _take,
    "take_along_axis": _take_along_axis,
    "one_hot": _one_hot,
    "multi_hot": _multi_hot,
    "tril": _triangle(lower=True),
    "triu": _triangle(lower=False),
    "zeros_like": _filled(0),
    "ones_like": _filled(1),
    "full_like": _filled(None),
    "imag": _filled(0),  # graphkeras's tensors are real: no imaginary part
    "isreal": _filled(True),
    "real": lambda op: op.add("Identity", [op.tensor("x").name]),
    "conjugate": lambda op: op.add("Identity", [op.tensor("x").name]),
}
