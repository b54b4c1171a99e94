"""Coordinate ``gk.ops``: ``unravel_index`` and ``meshgrid``.

``unravel_index`` peels the axes off from the last, as graphkeras does:
the coordinate is the floored remainder by the axis' size (ONNX ``Mod``
with ``fmod=0``, NumPy's sign rule on integers) and the rest is divided
exactly, ``(i - i mod s) / s``, which is the floored quotient. Float
indices are refused (ONNX's ``Mod`` floors only integers). ``meshgrid``
spreads each flattened vector along its axis (the first two swapped for
'xy') and broadcasts it to the grid's shape, then adds zero as graphkeras
does (so -0.0 becomes 0.0 there too).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall


def _unravel_index(op: OperationCall) -> list[str]:
    indices = op.tensor("indices")
    if np.dtype(indices.dtype).kind not in "iu":
        op.refuse("indices", "are not integers; ONNX Mod floors only integers")
    shape = op["shape"]
    if isinstance(shape, OnnxTensor) or not isinstance(shape, (list, tuple)):
        op.refuse("shape", "must be a static tuple of ints")
    sizes = op.integers("shape")
    value = indices.name
    coordinates = []
    for size in reversed(sizes):
        divisor = op.constant(size, indices.dtype, "size")
        remainder = op.add("Mod", [value, divisor], fmod=0)
        coordinates.append(remainder)
        value = op.add("Div", [op.add("Sub", [value, remainder]), divisor])
    coordinates.reverse()
    return [
        op.cast(coordinate, op.output_dtype(index))
        if op.output_dtype(index) != indices.dtype
        else coordinate
        for index, coordinate in enumerate(coordinates)
    ]


def _meshgrid(op: OperationCall) -> list[str]:
    indexing = op["indexing"]
    if indexing not in ("xy", "ij"):
        op.refuse("indexing", "must be 'xy' or 'ij'")
    vectors = []
    for value in op["x"]:
        if not isinstance(value, OnnxTensor):
            op.refuse("x", "holds a constant; only tensors of the graph are exported")
        vectors.append((op.add("Reshape", [value.name, op.int64s([-1])]), value.dtype))
    count = len(vectors)
    axes = list(range(count))
    if indexing == "xy" and count >= 2:
        axes[0], axes[1] = 1, 0
    lengths = [None] * count
    for (vector, _), axis in zip(vectors, axes, strict=True):
        lengths[axis] = op.add("Shape", [vector])
    shape = op.add("Concat", lengths, axis=0) if count else op.int64s([], "shape")
    grids = []
    for index, ((vector, dtype), axis) in enumerate(zip(vectors, axes, strict=True)):
        along = [1] * count
        along[axis] = -1
        grid = op.add("Expand", [op.add("Reshape", [vector, op.int64s(along)]), shape])
        if dtype != "bool":
            grid = op.add("Add", [grid, op.constant(np.zeros((), dtype), dtype, "zero")])
        wanted = op.output_dtype(index)
        grids.append(grid if wanted == dtype else op.cast(grid, wanted))
    return grids


WRITERS: dict[str, Callable] = {
    "unravel_index": _unravel_index,
    "meshgrid": _meshgrid,
}
