"""``gk.ops`` that rearrange entries: reshapes, transposes, unit axes, tiling, flips, padding.

Shapes, axes and counts are the call's static arguments, checked against
the input's recorded rank; a size graphkeras did not know when the model
was built (the batch axis) is read at run time through ``Shape`` where an
op needs it (``repeat``), so nothing fixes the batch size. ``pad`` writes
ONNX ``Pad``'s modes that are NumPy's (``constant``, ``reflect``, ``edge``;
``wrap`` from opset 19); ``symmetric`` has none and is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras.export.onnx_converters.operation_call import (
    FIRST,
    LAST,
    OnnxTensor,
    OperationCall,
)


def _reshape(op: OperationCall) -> str:
    x = op.tensor("x")
    shape = op.integers("newshape")
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
        permutation = [op.axis("axes", x.rank, axis) for axis in op.integers("axes")]
        if sorted(permutation) != list(range(x.rank)):
            op.refuse("axes", f"is not a permutation of the {x.rank} axes")
    return op.call.transpose(x.name, permutation)


def _moveaxis(op: OperationCall) -> str:
    x = op.tensor("x")
    sources = [op.axis("source", x.rank, axis) for axis in op.integers("source")]
    targets = [op.axis("destination", x.rank, axis) for axis in op.integers("destination")]
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
    count = len(op.integers("axis"))
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
    shape = op.integers("shape")
    return op.add("Expand", [op.tensor("x").name, op.int64s(shape)])


def _tile(op: OperationCall) -> str:
    x = op.tensor("x")
    repeats = op.integers("repeats")
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
            op.int64s([FIRST] * count, "ends"),
            op.int64s(axes, "axes"),
            op.int64s([-1] * count, "steps"),
        ],
    )


def _flip(op: OperationCall) -> str:
    x = op.tensor("x")
    return _flip_axes(op, x, op.axes("axis", x.rank))


def _rot90(op: OperationCall) -> str:
    """``k`` quarter turns in the plane of ``axes``: flips and a swap of the two axes."""
    x = op.tensor("array")
    axes = op.integers("axes")
    if len(axes) != 2:
        op.refuse("axes", "must name two axes")
    first, second = (op.axis("axes", x.rank, axis) for axis in axes)
    if first == second:
        op.refuse("axes", "must name two different axes")
    order = list(range(x.rank))
    order[first], order[second] = second, first
    turns = op.integer("k") % 4
    if turns == 0:
        return op.add("Identity", [x.name])
    if turns == 2:
        return _flip_axes(op, x, sorted((first, second)))
    if turns == 1:
        flipped = _flip_axes(op, x, [second])
        return op.call.transpose(flipped, order)
    swapped_shape = tuple(x.shape[axis] for axis in order)
    swapped = OnnxTensor(op.call.transpose(x.name, order), x.dtype, swapped_shape)
    return _flip_axes(op, swapped, [second])


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
    head = op.slice_axis(x.name, axis, size - shift, LAST)
    tail = op.slice_axis(x.name, axis, 0, size - shift)
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
    # ONNX reflects and wraps only within one copy of the axis; NumPy goes on repeating.
    reach = {"reflect": -1, "wrap": 0}.get(mode)
    for axis, (before, after) in enumerate(widths.tolist()):
        size = x.shape[axis]
        if reach is not None and (before or after):
            if size is None or max(before, after) > size + reach:
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
    "rot90": _rot90,
    "pad": _pad,
    "copy": _identity("x"),
    "stop_gradient": _identity("variable"),
    "depth_to_space": _pixel_shuffle(to_space=True),
    "space_to_depth": _pixel_shuffle(to_space=False),
}
