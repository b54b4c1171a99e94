"""``gk.ops`` that move, join, cut, pick or fill entries without computing new values.

Shapes, axes, sections and start indices are the call's static arguments,
checked against the input's recorded rank; a size graphkeras did not know
when the model was built (the batch axis) is read at run time through
``Shape`` where the op needs it (``repeat``, ``sort``), so nothing fixes the
batch size. Pieces of ``split``, ``array_split`` and ``slice`` are ONNX
``Slice`` nodes, whose clamping of negative and too-large bounds is
Python's. ``one_hot`` compares the labels with ``0..num_classes-1``, so a
label outside that range gives a row of zeros as graphkeras gives (ONNX's
``OneHot`` would wrap negative labels). The ``*_like`` fills are an
``Expand`` of the value to the input's run-time shape.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall

LAST = np.iinfo(np.int64).max
"""A Slice end past any axis' end."""


def _slice(op: OperationCall, x: str, axis: int, start: int, end: int, step: int = 1) -> str:
    inputs = [x, op.int64s([start], "starts"), op.int64s([end], "ends"), op.int64s([axis], "axes")]
    if step != 1:
        inputs.append(op.int64s([step], "steps"))
    return op.add("Slice", inputs)


def _integers(op: OperationCall, argument: str, value=None) -> list[int]:
    value = op[argument] if value is None else value
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    return [op.integer(argument, item) for item in items]


# ------------------------------------------------------------ shapes and axes
def _reshape(op: OperationCall) -> str:
    x = op.tensor("x")
    shape = _integers(op, "newshape")
    if any(size == 0 for size in shape):
        op.refuse("newshape", "has a 0, which ONNX Reshape reads as 'copy the input size'")
    return op.add("Reshape", [x.name, op.int64s(shape)])


def _ravel(op: OperationCall) -> str:
    return op.add("Reshape", [op.tensor("x").name, op.int64s([-1])])


def _transpose(op: OperationCall) -> str:
    x = op.tensor("x")
    if op["axes"] is None:
        permutation = list(reversed(range(x.rank)))
    else:
        permutation = [op.axis("axes", x.rank, axis) for axis in _integers(op, "axes")]
        if sorted(permutation) != list(range(x.rank)):
            op.refuse("axes", f"is not a permutation of the {x.rank} axes")
    return op.call.transpose(x.name, permutation)


def _moveaxis(op: OperationCall) -> str:
    x = op.tensor("x")
    sources = [op.axis("source", x.rank, axis) for axis in _integers(op, "source")]
    targets = [op.axis("destination", x.rank, axis) for axis in _integers(op, "destination")]
    if len(sources) != len(targets):
        op.refuse("destination", "does not name as many axes as source")
    rest = [axis for axis in range(x.rank) if axis not in sources]
    permutation: list = [None] * x.rank
    for source, target in zip(sources, targets, strict=True):
        permutation[target] = source
    filler = iter(rest)
    permutation = [next(filler) if axis is None else axis for axis in permutation]
    return op.call.transpose(x.name, permutation)


def _swapaxes(op: OperationCall) -> str:
    x = op.tensor("x")
    first, second = op.axis("axis1", x.rank), op.axis("axis2", x.rank)
    permutation = list(range(x.rank))
    permutation[first], permutation[second] = second, first
    return op.call.transpose(x.name, permutation)


def _expand_dims(op: OperationCall) -> str:
    x = op.tensor("x")
    count = len(_integers(op, "axis"))
    axes = op.axes("axis", x.rank + count)
    return op.call.unsqueeze(x.name, axes)


def _squeeze(op: OperationCall) -> str:
    x = op.tensor("x")
    if op["axis"] is None:
        if None in x.shape:
            op.refuse("axis", "is None on a tensor with sizes unknown until run time")
        axes = [axis for axis, size in enumerate(x.shape) if size == 1]
    else:
        axes = op.axes("axis", x.rank)
        if any(x.shape[axis] not in (1, None) for axis in axes):
            op.refuse("axis", f"names an axis whose size is not 1 in shape {x.shape}")
    if not axes:
        return op.add("Identity", [x.name])
    return op.add("Squeeze", [x.name, op.int64s(axes, "axes")])


def _broadcast_to(op: OperationCall) -> str:
    shape = _integers(op, "shape")
    return op.add("Expand", [op.tensor("x").name, op.int64s(shape)])


def _tile(op: OperationCall) -> str:
    x = op.tensor("x")
    repeats = _integers(op, "repeats")
    if any(count < 0 for count in repeats):
        op.refuse("repeats", "has a negative count")
    name = x.name
    if len(repeats) > x.rank:
        name = op.call.unsqueeze(name, list(range(len(repeats) - x.rank)))
    repeats = [1] * (x.rank - len(repeats)) + repeats
    return op.add("Tile", [name, op.int64s(repeats, "repeats")])


def _repeat(op: OperationCall) -> str:
    """Each entry ``repeats`` times: a new unit axis after ``axis``, expanded, then merged."""
    x = op.tensor("x")
    repeats = op["repeats"]
    if isinstance(repeats, (list, tuple)) and len(repeats) == 1:
        repeats = repeats[0]
    count = op.integer("repeats", repeats)
    if count < 1:
        op.refuse("repeats", "is below 1; the merged axis would be empty")
    name, rank = x.name, x.rank
    if op["axis"] is None:
        name, rank, axis = op.add("Reshape", [name, op.int64s([-1])]), 1, 0
    else:
        axis = op.axis("axis", rank)
    return repeat_entries(op, name, axis, count)


def repeat_entries(op: OperationCall, name: str, axis: int, count: int) -> str:
    """``name`` with each entry along ``axis`` repeated ``count`` times (NumPy's ``repeat``)."""
    shape = op.add("Shape", [name])
    leading = op.add("Slice", [shape, op.int64s([0], "starts"), op.int64s([axis], "ends")])
    through = op.add("Slice", [shape, op.int64s([0], "starts"), op.int64s([axis + 1], "ends")])
    trailing = op.add("Slice", [shape, op.int64s([axis + 1], "starts"), op.int64s([LAST], "ends")])
    target = op.add("Concat", [through, op.int64s([count], "repeats"), trailing], axis=0)
    tiled = op.add("Expand", [op.call.unsqueeze(name, [axis + 1]), target])
    merged = op.add("Concat", [leading, op.int64s([-1]), trailing], axis=0)
    return op.add("Reshape", [tiled, merged])


def _flip_axes(op: OperationCall, x: OnnxTensor, axes: list[int]) -> str:
    if not axes:
        return op.add("Identity", [x.name])
    count = len(axes)
    return op.add(
        "Slice",
        [
            x.name,
            op.int64s([-1] * count, "starts"),
            op.int64s([np.iinfo(np.int64).min] * count, "ends"),
            op.int64s(axes, "axes"),
            op.int64s([-1] * count, "steps"),
        ],
    )


def _flip(op: OperationCall) -> str:
    x = op.tensor("x")
    return _flip_axes(op, x, op.axes("axis", x.rank))


def _roll(op: OperationCall) -> str:
    """``x`` rolled by ``shift`` along one ``axis``: the last ``shift`` entries moved first."""
    x = op.tensor("x")
    if op["axis"] is None or isinstance(op["axis"], (list, tuple)):
        op.refuse("axis", "must be one static axis for the ONNX export")
    axis = op.axis("axis", x.rank)
    size = x.shape[axis]
    shift = op.integer("shift")
    if size is None:
        op.refuse("axis", "has a size unknown until run time; the roll cannot be cut statically")
    shift %= max(size, 1)
    if shift == 0:
        return op.add("Identity", [x.name])
    head = _slice(op, x.name, axis, size - shift, LAST)
    tail = _slice(op, x.name, axis, 0, size - shift)
    return op.add("Concat", [head, tail], axis=axis)


def _pad(op: OperationCall) -> str:
    """``Pad``: ``constant``, ``reflect`` and ``edge`` as NumPy's (``wrap`` from opset 19)."""
    x = op.tensor("x")
    mode = op["mode"]
    modes = {"constant": "constant", "reflect": "reflect", "edge": "edge"}
    if op.call.opset >= 19:
        modes["wrap"] = "wrap"
    if mode not in modes:
        op.refuse("mode", f"has no ONNX Pad form at opset {op.call.opset} (it has {sorted(modes)})")
    try:
        widths = np.broadcast_to(np.asarray(op["pad_width"], dtype=np.int64), (x.rank, 2))
    except (ValueError, TypeError):
        op.refuse("pad_width", f"is not (before, after) widths for rank {x.rank}")
    if (widths < 0).any():
        op.refuse("pad_width", "has a negative width")
    if mode != "constant":
        for axis, (before, after) in enumerate(widths.tolist()):
            size = x.shape[axis]
            if (before or after) and (
                size is None or (mode == "reflect" and max(before, after) >= size)
            ):
                op.refuse(
                    "pad_width",
                    f"pads axis {axis} (size {size}) further than ONNX {mode} padding reaches",
                )
    inputs = [x.name, op.int64s([*widths[:, 0].tolist(), *widths[:, 1].tolist()], "pads")]
    if mode == "constant":
        fill = op["constant_values"]
        if isinstance(fill, (list, tuple)) or isinstance(fill, np.ndarray) and fill.ndim:
            op.refuse("constant_values", "is not one number; ONNX Pad fills with a scalar")
        inputs.append(op.operand(0 if fill is None else fill, x.dtype, "constant_values"))
    return op.add("Pad", inputs, mode=modes[mode])


def _identity(argument: str) -> Callable:
    return lambda op: op.add("Identity", [op.tensor(argument).name])


# ------------------------------------------------------------ joining and cutting
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
        cuts = _integers(op, "indices_or_sections")
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


def _splitter(even: bool) -> Callable:
    def write(op: OperationCall) -> list[str]:
        x = op.tensor("x")
        axis = op.axis("axis", x.rank)
        return [
            _slice(op, x.name, axis, start, end) for start, end in _cut_bounds(op, x, axis, even)
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
    starts = _integers(op, "start_indices")
    sizes = _integers(op, "shape")
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


# ------------------------------------------------------------ picking
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


def _encoded(op: OperationCall, labels: str, dtype: str, rank: int, argument: str) -> str:
    """Booleans: ``labels == class`` for each class, the class axis at ``argument``."""
    classes = op.integer("num_classes")
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
    return op.cast(_encoded(op, x.name, x.dtype, x.rank, "axis"), op.output_dtype())


def _multi_hot(op: OperationCall) -> str:
    """One-hot rows of the int32 labels, combined by their maximum over the label axis."""
    x = op.tensor("inputs")
    if op["sparse"]:
        op.refuse("sparse", "is True; ONNX tensors are dense")
    labels = op.operand(x, "int32", "inputs")
    encoded = op.cast(_encoded(op, labels, "int32", x.rank, "axis"), op.output_dtype())
    return op.reduce("ReduceMax", encoded, [1 if x.rank > 1 else 0], False)


def _diff(op: OperationCall) -> str:
    """``n`` times: the entries after the first minus those before the last (``!=`` on bools)."""
    a = op.tensor("a")
    axis = op.axis("axis", a.rank)
    count = op.integer("n")
    if count < 0:
        op.refuse("n", "is negative")
    value = a.name
    for _ in range(count):
        later = _slice(op, value, axis, 1, LAST)
        earlier = _slice(op, value, axis, 0, -1)
        if a.dtype == "bool":
            value = op.add("Not", [op.add("Equal", [later, earlier])])
        else:
            value = op.add("Sub", [later, earlier])
    return value if count else op.add("Identity", [value])


def _pixel_shuffle(to_space: bool) -> Callable:
    """depth_to_space / space_to_depth: graphkeras's reshape, transpose, reshape."""

    def write(op: OperationCall) -> str:
        x = op.tensor("x")
        block = op.integer("block_size")
        data_format = op["data_format"]
        if x.rank != 4 or data_format not in ("channels_last", "channels_first"):
            op.refuse("data_format", "and x must be 'channels_last' or 'channels_first' images")
        if data_format == "channels_last":
            height, width, channels = x.shape[1:]
        else:
            channels, height, width = x.shape[1:]
        if None in (height, width, channels):
            op.refuse("x", f"of shape {x.shape} has image sizes unknown until run time")
        last = data_format == "channels_last"
        if to_space:
            depth = channels // (block * block)
            first = (
                [-1, height, width, block, block, depth]
                if last
                else [-1, depth, block, block, height, width]
            )
            order = [0, 1, 3, 2, 4, 5] if last else [0, 1, 4, 2, 5, 3]
            final = (
                [-1, height * block, width * block, depth]
                if last
                else [-1, depth, height * block, width * block]
            )
        else:
            rows, columns = height // block, width // block
            first = (
                [-1, rows, block, columns, block, channels]
                if last
                else [-1, channels, rows, block, columns, block]
            )
            order = [0, 1, 3, 2, 4, 5] if last else [0, 1, 3, 5, 2, 4]
            final = (
                [-1, rows, columns, channels * block * block]
                if last
                else [-1, channels * block * block, rows, columns]
            )
        blocks = op.add("Reshape", [x.name, op.int64s(first)])
        return op.add("Reshape", [op.call.transpose(blocks, order), op.int64s(final)])

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
    "reshape": _reshape,
    "ravel": _ravel,
    "transpose": _transpose,
    "moveaxis": _moveaxis,
    "swapaxes": _swapaxes,
    "expand_dims": _expand_dims,
    "squeeze": _squeeze,
    "broadcast_to": _broadcast_to,
    "tile": _tile,
    "repeat": _repeat,
    "flip": _flip,
    "fliplr": lambda op: _flip_axes(op, op.tensor("x"), [1]),
    "flipud": lambda op: _flip_axes(op, op.tensor("x"), [0]),
    "roll": _roll,
    "pad": _pad,
    "copy": _identity("x"),
    "stop_gradient": _identity("variable"),
    "concatenate": _concatenate,
    "stack": _stack,
    "append": _append,
    "hstack": _hstack,
    "vstack": _vstack,
    "tril": _triangle(lower=True),
    "triu": _triangle(lower=False),
    "split": _splitter(even=True),
    "array_split": _splitter(even=False),
    "unstack": _unstack,
    "slice": _slice_box,
    "take": _take,
    "take_along_axis": _take_along_axis,
    "one_hot": _one_hot,
    "multi_hot": _multi_hot,
    "diff": _diff,
    "depth_to_space": _pixel_shuffle(to_space=True),
    "space_to_depth": _pixel_shuffle(to_space=False),
    "zeros_like": _filled(0),
    "ones_like": _filled(1),
    "full_like": _filled(None),
}
