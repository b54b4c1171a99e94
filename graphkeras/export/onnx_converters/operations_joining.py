"""``gk.ops`` that join tensors or cut them into pieces (concatenate, stack, split, slice, diff).

Joined operands are cast to the result's dtype first. Pieces of
``split``, ``array_split``, ``slice`` and ``diff`` are ONNX ``Slice``
nodes, whose clamping of negative and too-large bounds is Python's, so
split points given as indices work on an axis of unknown size; equal
sections need the axis' size to be static.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras.export.onnx_converters.operation_call import LAST, OnnxTensor, OperationCall


def _concatenate(op: OperationCall) -> str:
    tensors = op["xs"]
    if op["axis"] is None:
        op.refuse("axis", "is None (flattening first) has no converter; give an axis")
    rank = len(op.output_shape())
    axis = op.axis("axis", rank)
    dtype = op.output_dtype()
    return op.add("Concat", [op.operand(t, dtype, "xs") for t in tensors], axis=axis)


def _append(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    if op["axis"] is None:
        flat = op.int64s([-1])
        return op.add(
            "Concat", [op.add("Reshape", [x1, flat]), op.add("Reshape", [x2, flat])], axis=0
        )
    return op.add("Concat", [x1, x2], axis=op.axis("axis", len(op.output_shape())))


def _hstack(op: OperationCall) -> str:
    """Along axis 1 (axis 0 for vectors)."""
    dtype = op.output_dtype()
    axis = 0 if len(op.output_shape()) == 1 else 1
    return op.add("Concat", [op.operand(t, dtype, "xs") for t in op["xs"]], axis=axis)


def _vstack(op: OperationCall) -> str:
    """Along axis 0, vectors as rows."""
    dtype = op.output_dtype()
    rows = []
    for value in op["xs"]:
        row = op.operand(value, dtype, "xs")
        rank = value.rank if isinstance(value, OnnxTensor) else np.ndim(value)
        rows.append(op.add("Reshape", [row, op.int64s([1, -1])]) if rank == 1 else row)
    return op.add("Concat", rows, axis=0)


def _column_stack(op: OperationCall) -> str:
    """Along axis 1, vectors as columns."""
    dtype = op.output_dtype()
    columns = []
    for value in op["xs"]:
        column = op.operand(value, dtype, "xs")
        rank = value.rank if isinstance(value, OnnxTensor) else np.ndim(value)
        columns.append(op.add("Reshape", [column, op.int64s([-1, 1])]) if rank <= 1 else column)
    return op.add("Concat", columns, axis=1)


def _dstack(op: OperationCall) -> str:
    """Along axis 2: vectors as ``(1, n, 1)``, matrices as ``(m, n, 1)``."""
    dtype = op.output_dtype()
    pieces = []
    for value in op["xs"]:
        piece = op.operand(value, dtype, "xs")
        rank = value.rank if isinstance(value, OnnxTensor) else np.ndim(value)
        if rank <= 1:
            piece = op.add("Reshape", [piece, op.int64s([1, -1, 1])])
        elif rank == 2:
            piece = op.call.unsqueeze(piece, [2])
        pieces.append(piece)
    return op.add("Concat", pieces, axis=2)


def _stack(op: OperationCall) -> str:
    tensors = op["x"]
    rank = len(op.output_shape())
    axis = op.axis("axis", rank)
    dtype = op.output_dtype()
    pieces = [op.call.unsqueeze(op.operand(t, dtype, "x"), [axis]) for t in tensors]
    return op.add("Concat", pieces, axis=axis)


def _cut_bounds(op: OperationCall, x: OnnxTensor, axis: int, even: bool) -> list[tuple[int, int]]:
    """The (start, end) of each piece along ``axis``, as NumPy's split / array_split cut."""
    sections = op["indices_or_sections"]
    size = x.shape[axis]
    if isinstance(sections, (list, tuple)):
        cuts = op.integers("indices_or_sections")
        starts = [0, *cuts]
        ends = [*cuts, LAST]
        return list(zip(starts, ends, strict=True))
    count = op.integer("indices_or_sections")
    if size is None:
        op.refuse("axis", "has a size unknown until run time; equal sections need it")
    if count <= 0 or (even and size % count):
        op.refuse("indices_or_sections", f"does not divide the axis of size {size}")
    small, extra = divmod(size, count)
    bounds, start = [], 0
    for index in range(count):
        end = start + small + (1 if index < extra else 0)
        bounds.append((start, end))
        start = end
    return bounds


def _splitter(even: bool, fixed_axis: Callable | None = None) -> Callable:
    """split / array_split on ``axis``; hsplit, vsplit, dsplit on ``fixed_axis(rank)``."""

    def write(op: OperationCall) -> list[str]:
        x = op.tensor("x")
        axis = op.axis("axis", x.rank) if fixed_axis is None else fixed_axis(x.rank)
        return [
            op.slice_axis(x.name, axis, start, end) for start, end in _cut_bounds(op, x, axis, even)
        ]

    return write


def _unstack(op: OperationCall) -> list[str]:
    x = op.tensor("x")
    axis = op.axis("axis", x.rank)
    count = len(op.call.node.output_tensors)
    return [op.add("Gather", [x.name, op.scalar_int64(index)], axis=axis) for index in range(count)]


def _slice_box(op: OperationCall) -> str:
    """``slice(inputs, start_indices, shape)``: a box that fits (graphkeras refuses others)."""
    x = op.tensor("inputs")
    starts = op.integers("start_indices")
    sizes = op.integers("shape")
    if len(starts) != x.rank or len(sizes) != x.rank:
        op.refuse("start_indices", f"and shape must give one entry per axis (rank {x.rank})")
    ends = []
    for axis, (start, size) in enumerate(zip(starts, sizes, strict=True)):
        known = x.shape[axis]
        if start < 0 or size < -1 or (known is not None and size != -1 and start + size > known):
            op.refuse("start_indices", f"and shape put the box outside axis {axis} ({known})")
        ends.append(LAST if size == -1 else start + size)
    return op.add(
        "Slice",
        [
            x.name,
            op.int64s(starts, "starts"),
            op.int64s(ends, "ends"),
            op.int64s(range(x.rank), "axes"),
        ],
    )


def _slice_update(op: OperationCall) -> str:
    """``inputs`` with the box at ``start_indices`` replaced: padded ``updates`` and a mask.

    The pads around the box need the sizes of ``inputs`` on every axis the
    box does not cover whole (the batch axis is usually covered whole).
    """
    x = op.tensor("inputs")
    updates = op["updates"]
    update_shape = updates.shape if isinstance(updates, OnnxTensor) else np.shape(updates)
    starts = op.integers("start_indices")
    if len(starts) != x.rank or len(update_shape) != x.rank:
        op.refuse("start_indices", f"and updates must give one entry per axis (rank {x.rank})")
    befores, afters = [], []
    for axis, (start, size, known) in enumerate(zip(starts, update_shape, x.shape, strict=True)):
        whole = start == 0 and size == known
        if not whole and (size is None or known is None):
            op.refuse("updates", f"cover part of axis {axis}, whose size is unknown until run time")
        befores.append(start)
        afters.append(0 if whole else known - start - size)
        if afters[-1] < 0 or start < 0:
            op.refuse("start_indices", f"put the box outside axis {axis} ({known})")
    pads = op.int64s(befores + afters, "pads")
    value = op.operand(updates, x.dtype, "updates")
    patch = op.add("Pad", [value, pads])
    ones = op.add("Expand", [op.constant(1, "int32", "one"), op.add("Shape", [value])])
    inside = op.cast(op.add("Pad", [ones, pads]), "bool")  # 1 inside the box, 0 around it
    return op.add("Where", [inside, patch, x.name])


def _diff(op: OperationCall) -> str:
    """``n`` times: the entries after the first minus those before the last (``!=`` on bools)."""
    a = op.tensor("a")
    axis = op.axis("axis", a.rank)
    count = op.integer("n")
    if count < 0:
        op.refuse("n", "is negative")
    value = a.name
    for _ in range(count):
        later = op.slice_axis(value, axis, 1, LAST)
        earlier = op.slice_axis(value, axis, 0, -1)
        if a.dtype == "bool":
            value = op.add("Not", [op.add("Equal", [later, earlier])])
        else:
            value = op.add("Sub", [later, earlier])
    return value if count else op.add("Identity", [value])


WRITERS: dict[str, Callable] = {
    "concatenate": _concatenate,
    "append": _append,
    "hstack": _hstack,
    "vstack": _vstack,
    "column_stack": _column_stack,
    "dstack": _dstack,
    "stack": _stack,
    "split": _splitter(even=True),
    "array_split": _splitter(even=False),
    "hsplit": _splitter(even=True, fixed_axis=lambda rank: 0 if rank == 1 else 1),
    "vsplit": _splitter(even=True, fixed_axis=lambda rank: 0),
    "dsplit": _splitter(even=True, fixed_axis=lambda rank: 2),
    "unstack": _unstack,
    "slice": _slice_box,
    "slice_update": _slice_update,
    "diff": _diff,
}
