"""Bidirectional and TimeDistributed: the wrapped layers' own converters, run as sub-calls.

Bidirectional writes its forward and backward layers' calls (each its
registered converter, e.g. an ONNX LSTM node; the backward layer reads the
sequence from its end through its ``go_backwards``), flips the backward
sequence output back into time order as the layer does, then merges; a
mask goes to both. TimeDistributed folds time into the batch with a
Reshape, writes the wrapped layer's call on the folded tensor (with the
mask folded alike when that layer reads one), and unfolds its output. Inner
nodes are named ``path:inner_name:OpType`` (see ``OnnxLayerCall.sub_call``).
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.export.onnx_converters.recurrent import reversed_axis, sequence_output_masks
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_masks import register_onnx_mask_writer
from graphkeras.export.onnx_registry import (
    call_takes_mask,
    converter_entry,
    register_onnx_converter,
)

# The largest int64: as a Slice end, "through the last element".
_THROUGH_LAST = 2**63 - 1


def _inner_converter(call, inner):
    """The converter of the layer ``call.layer`` wraps, or a refusal naming both."""
    layer = call.layer
    if getattr(inner, "_is_graph_network", False):
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' wraps the model '{inner.name}'; "
            "ONNX export writes wrapped layers, not wrapped models. Call the model's layers "
            "directly, or wrap each of them."
        )
    entry = converter_entry(inner)
    if entry is None:
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' wraps {type(inner).__name__} "
            f"layer '{inner.name}', which has no ONNX converter."
        )
    return entry


def _as_list(results) -> list[str]:
    return [results] if isinstance(results, str) else list(results)


def _shapes(shapes) -> list[tuple]:
    """A layer's output shape(s) as a list of tuples."""
    if isinstance(shapes, list) or (shapes and isinstance(shapes[0], (tuple, list))):
        return [tuple(shape) for shape in shapes]
    return [tuple(shapes)]


# ---------------------------------------------------------------- Bidirectional
def _direction(call, direction, states: list[str], state_indices: list[int]) -> list[str]:
    entry = _inner_converter(call, direction)
    mask = call.sequence_mask()
    if mask is not None and not entry.masks_carried:
        raise OnnxExportError(
            f"Bidirectional layer '{call.layer.name}' receives a mask, which its "
            f"{type(direction).__name__} layer '{direction.name}' cannot carry into ONNX."
        )
    sequence = call.data_indices[0]
    sequence_shape = call.input_shapes[sequence]
    inner = call.sub_call(
        direction,
        [call.inputs[sequence], *states],
        [sequence_shape, *(call.input_shapes[index] for index in state_indices)],
        _shapes(direction.compute_output_shape(sequence_shape)),
        input_dtypes=[call.input_dtypes[index] for index in (sequence, *state_indices)],
        input_masks=[mask] + [None] * len(states),
    )
    return _as_list(entry.converter(inner))


def bidirectional(call):
    """Both directions as sub-calls, the backward sequence re-reversed, then the merge."""
    layer = call.layer
    _, *state_indices = call.data_indices
    states = [call.inputs[index] for index in state_indices]
    half = len(states) // 2
    forward = _direction(call, layer.forward_layer, states[:half], state_indices[:half])
    backward = _direction(call, layer.backward_layer, states[half:], state_indices[half:])
    forward_output, *forward_states = forward
    backward_output, *backward_states = backward
    if layer.return_sequences:
        backward_output = reversed_axis(call, backward_output, 1)
    mode = layer.merge_mode
    if mode is None:
        outputs = [forward_output, backward_output]
    elif mode == "concat":
        outputs = [call.add("Concat", [forward_output, backward_output], axis=-1)]
    elif mode == "sum":
        outputs = [call.add("Add", [forward_output, backward_output])]
    elif mode == "mul":
        outputs = [call.add("Mul", [forward_output, backward_output])]
    else:
        total = call.add("Add", [forward_output, backward_output])
        outputs = [call.add("Div", [total, call.constant(2, role="two")])]
    if not layer.return_state and len(outputs) == 1:
        return outputs[0]
    return [*outputs, *forward_states, *backward_states]


# ---------------------------------------------------------------- TimeDistributed
def _shape_part(call, shape: str, start: int, end: int) -> str:
    return call.add("Slice", [shape, call.int64s([start], "starts"), call.int64s([end], "ends")])


def _folded_mask(call, entry) -> str | None:
    """The input mask folded like the input, for a wrapped layer that reads masks; else None.

    As the layer does, the mask goes in only when the wrapped layer's
    ``call`` takes one, and it is not read when that layer ignores it.
    """
    layer, inner = call.layer, call.layer.layer
    if not call_takes_mask(inner) or entry.masks_ignored:
        return None
    mask = call.sequence_mask()
    if mask is None:
        return None
    if not entry.masks_carried:
        raise OnnxExportError(
            f"TimeDistributed layer '{layer.name}' receives a mask, which the "
            f"{type(inner).__name__} layer '{inner.name}' it wraps reads but cannot carry "
            "into ONNX."
        )
    mask_dims = call.add("Shape", [mask])
    folded_shape = call.add(
        "Concat",
        [call.int64s([-1], "folded"), _shape_part(call, mask_dims, 2, _THROUGH_LAST)],
        axis=0,
    )
    return call.add("Reshape", [mask, folded_shape])


def time_distributed(call):
    """``(batch, time, ...)`` folded to ``(batch * time, ...)``, the layer, then unfolded."""
    layer = call.layer
    inner = layer.layer
    entry = _inner_converter(call, inner)
    x = call.inputs[0]
    input_shape = call.input_shapes[0]
    input_dims = call.add("Shape", [x])
    folded_shape = call.add(
        "Concat",
        [call.int64s([-1], "folded"), _shape_part(call, input_dims, 2, _THROUGH_LAST)],
        axis=0,
    )
    folded = call.add("Reshape", [x, folded_shape])
    output_shape = call.output_shapes[0]
    sub = call.sub_call(
        inner,
        [folded],
        [(None, *input_shape[2:])],
        [(None, *output_shape[2:])],
        input_dtypes=call.input_dtypes[:1],
        input_masks=[_folded_mask(call, entry)],
    )
    results = _as_list(entry.converter(sub))
    if len(results) != 1:
        raise OnnxExportError(
            f"TimeDistributed layer '{layer.name}' wraps {type(inner).__name__} layer "
            f"'{inner.name}', whose converter returned {len(results)} outputs; it must "
            "return one."
        )
    output_dims = call.add("Shape", [results[0]])
    unfolded_shape = call.add(
        "Concat",
        [
            _shape_part(call, input_dims, 0, 2),
            _shape_part(call, output_dims, 1, _THROUGH_LAST),
        ],
        axis=0,
    )
    return call.add("Reshape", [results[0], unfolded_shape])


register_onnx_converter(layers.Bidirectional, bidirectional, masks_carried=True)
register_onnx_converter(layers.TimeDistributed, time_distributed, masks_carried=True)
register_onnx_mask_writer(layers.Bidirectional, sequence_output_masks)
