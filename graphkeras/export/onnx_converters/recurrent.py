"""SimpleRNN, LSTM, GRU and RNN over their cells as ONNX's RNN, LSTM and GRU operators.

ONNX's recurrent operators read time-major sequences ``(time, batch,
features)`` and write ``Y`` as ``(time, directions, batch, units)`` and the
final states as ``(directions, batch, units)``; Transpose and Squeeze nodes
turn those into the layer's batch-major outputs (onnxruntime does not run
the batch-major ``layout=1``). Weights are written in ONNX's layout:
``W`` ``(1, gates * units, features)``, ``R`` ``(1, gates * units, units)``
and ``B`` ``(1, 2 * gates * units)`` (input bias, then recurrent bias), with
LSTM's gates reordered from Keras's i, f, c, o to ONNX's i, o, f, c (GRU's
z, r, h is the same order in both).

``go_backwards`` reverses the sequence before a forward scan: the layer
returns its outputs in the order it processed them, which is exactly a
forward scan of the reversed sequence. Initial states passed to the layer
become the operator's ``initial_h`` / ``initial_c``. Dropout is the identity
at inference and ``unroll`` changes no value, so both are ignored; a
stateful layer (whose states live between batches) is refused by name.

``RNN(cell)`` with a SimpleRNNCell, LSTMCell or GRUCell is the same
operator; ``StackedRNNCells`` is one operator per cell, each reading the
previous one's sequence, with the flat final states in the cells' order.
Other cells, and ConvLSTM (a convolution at each step), are refused by name.

A mask (``call.sequence_mask()``) is carried exactly, whatever its pattern:
see :func:`_compacted` and :func:`_expanded_sequences`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from graphkeras import activations, layers
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_masks import register_onnx_mask_writer
from graphkeras.export.onnx_registry import register_onnx_converter, register_onnx_refusal

# Keras's LSTM gate blocks (i, f, c, o) listed in ONNX's order (i, o, f, c).
_LSTM_GATE_ORDER = (0, 3, 1, 2)
# The smallest int64: as a Slice end it means "through the first element" when stepping back.
_BEFORE_FIRST = -(2**63)


def _onnx_activation(call, function, argument: str) -> tuple[str, list[float], list[float]]:
    """ONNX's name for ``function`` and the alpha / beta values it consumes."""
    if function is activations.tanh:
        return "Tanh", [], []
    if function is activations.sigmoid:
        return "Sigmoid", [], []
    if function is activations.relu:
        return "Relu", [], []
    if function is activations.hard_sigmoid:
        return "HardSigmoid", [1 / 6], [0.5]
    if function is activations.linear:
        return "Affine", [1.0], [0.0]
    name = getattr(function, "__name__", repr(function))
    raise OnnxExportError(
        f"{type(call.layer).__name__} layer '{call.layer.name}' uses {argument}={name!r}, which "
        "ONNX's recurrent operators do not compute; use tanh, sigmoid, relu, hard_sigmoid or "
        "linear, or register a converter for the layer."
    )


def _activation_attributes(call, named: list[tuple]) -> dict:
    """The ``activations`` (and alpha / beta) attributes for ``(function, argument)`` pairs."""
    names, alphas, betas = [], [], []
    for function, argument in named:
        name, alpha, beta = _onnx_activation(call, function, argument)
        names.append(name)
        alphas.extend(alpha)
        betas.extend(beta)
    attributes = {"activations": names}
    if alphas:
        attributes["activation_alpha"] = [float(value) for value in alphas]
        attributes["activation_beta"] = [float(value) for value in betas]
    return attributes


def _gate_blocks(array: np.ndarray, gates: int, order) -> np.ndarray:
    """``array``'s last axis (``gates`` equal blocks) with its blocks in ``order``."""
    blocks = np.split(array, gates, axis=-1)
    return np.concatenate([blocks[index] for index in order], axis=-1)


class _CellForm(NamedTuple):
    """How one built-in cell is written: its ONNX operator, weight layout and attributes."""

    cell: object
    op_type: str
    gates: int
    order: tuple
    bias_pair: Callable
    states: int
    attributes: dict


def _input_bias_only(array: np.ndarray, units: int) -> tuple[np.ndarray, np.ndarray]:
    return array, np.zeros_like(array)


def _simple_rnn_form(call, cell) -> _CellForm:
    """ONNX RNN: ``h = activation(x @ W + h @ R + b)``."""
    attributes = _activation_attributes(call, [(cell.activation, "activation")])
    return _CellForm(cell, "RNN", 1, (0,), _input_bias_only, 1, attributes)


def _lstm_form(call, cell) -> _CellForm:
    """ONNX LSTM (gates reordered i, o, f, c); its states are ``[h, c]``."""
    named = [
        (cell.recurrent_activation, "recurrent_activation"),
        (cell.activation, "activation"),
        (cell.activation, "activation"),
    ]
    attributes = _activation_attributes(call, named)
    return _CellForm(cell, "LSTM", 4, _LSTM_GATE_ORDER, _input_bias_only, 2, attributes)


def _gru_form(call, cell) -> _CellForm:
    """ONNX GRU; ``reset_after`` is ONNX's ``linear_before_reset=1`` with both biases."""
    named = [(cell.recurrent_activation, "recurrent_activation"), (cell.activation, "activation")]

    def bias_pair(array: np.ndarray, units: int) -> tuple[np.ndarray, np.ndarray]:
        if cell.reset_after:
            return array[0], array[1]
        return array, np.zeros_like(array)

    attributes = {
        "linear_before_reset": int(cell.reset_after),
        **_activation_attributes(call, named),
    }
    return _CellForm(cell, "GRU", 3, (0, 1, 2), bias_pair, 1, attributes)


_CELL_FORMS = {
    layers.SimpleRNNCell: _simple_rnn_form,
    layers.LSTMCell: _lstm_form,
    layers.GRUCell: _gru_form,
}


def _cell_forms(call) -> list[_CellForm]:
    """The forms of the layer's cell, or of each cell it stacks, in order."""
    layer = call.layer
    cell = layer.cell
    cells = cell.cells if type(cell) is layers.StackedRNNCells else [cell]
    forms = []
    for each in cells:
        write = next(
            (
                form
                for cell_class, form in _CELL_FORMS.items()
                if isinstance(each, cell_class) and type(each).call is cell_class.call
            ),
            None,
        )
        if write is None:
            raise OnnxExportError(
                f"{type(layer).__name__} layer '{layer.name}' runs the cell "
                f"{type(each).__name__} '{getattr(each, 'name', each)}', which has no ONNX "
                "recurrent operator; ONNX export writes SimpleRNNCell, LSTMCell and GRUCell "
                "(alone or in StackedRNNCells). Register a converter for the layer."
            )
        forms.append(write(call, each))
    return forms


def reversed_axis(call, x: str, axis: int) -> str:
    """``x`` with ``axis`` reversed (a Slice stepping back from the last element)."""
    return call.add(
        "Slice",
        [
            x,
            call.int64s([-1], "starts"),
            call.int64s([_BEFORE_FIRST], "ends"),
            call.int64s([axis], "axes"),
            call.int64s([-1], "steps"),
        ],
    )


def _check_layer(call, forms: list[_CellForm]) -> None:
    layer = call.layer
    if layer.stateful:
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' is stateful: its states carry over "
            "between batches, which an ONNX graph cannot hold; export a copy built with "
            "stateful=False."
        )
    if len(call.input_shapes[0]) != 3:
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' reads inputs of shape "
            f"{call.input_shapes[0]}; ONNX's recurrent operators take (batch, time, features)."
        )
    given, wanted = len(call.data_indices) - 1, sum(form.states for form in forms)
    if given and given != wanted:
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' is called with {given} initial "
            f"state tensor(s); its ONNX operators take {wanted}."
        )


def _check_masked_stack(call, forms: list[_CellForm]) -> None:
    """Refuse the masked stacks whose held output is not the last cell's state.

    At a masked step the layer outputs the first flat state it holds when
    the first stacked cell has a single state (and the last cell's output
    when that cell is an LSTMCell, whose states are nested); the ONNX form
    writes the last cell's state. Zeroed outputs at masked steps agree.
    """
    layer = call.layer
    if len(forms) > 1 and forms[0].states == 1 and not layer.zero_output_for_mask:
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' stacks {len(forms)} cells and "
            f"receives a mask: at a masked step it outputs its first cell's "
            f"({type(forms[0].cell).__name__}) held state, which the ONNX form does not "
            "write. Use zero_output_for_mask=True, or an LSTMCell first."
        )


def recurrent(call):
    """SimpleRNN, LSTM, GRU or RNN over built-in cells: one ONNX operator per cell.

    Returns the output, then (with ``return_state``) each cell's final states.
    A masked input is compacted first (see :func:`_compacted`).
    """
    layer = call.layer
    forms = _cell_forms(call)
    _check_layer(call, forms)
    inputs = [call.inputs[index] for index in call.data_indices]
    given = inputs[1:]
    initial: list[list[str]] = []
    for form in forms:
        initial.append(given[: form.states] if given else [])
        given = given[form.states :]

    sequences = call.transpose(inputs[0], (1, 0, 2))
    if layer.go_backwards:
        sequences = reversed_axis(call, sequences, 0)
    mask = call.sequence_mask()
    compaction = None
    if mask is not None:
        _check_masked_stack(call, forms)
        present = call.transpose(mask, (1, 0))
        if layer.go_backwards:
            present = reversed_axis(call, present, 0)
        # Final states are read (held where a row is empty) for return_state or the last output.
        held = bool(inputs[1:]) and (layer.return_state or not layer.return_sequences)
        sequences, compaction = _compacted(call, sequences, present, held)

    onnx_finals: list[list[str]] = []
    for index, (form, states) in enumerate(zip(forms, initial, strict=True)):
        sequence, cell_finals = _operator(call, form, sequences, states, compaction)
        onnx_finals.append(cell_finals)
        if index < len(forms) - 1 or layer.return_sequences:
            sequences = call.add("Squeeze", [sequence, call.int64s([1], "axes")])

    written: dict[tuple[int, int], str] = {}

    def final_state(cell_index: int, state_index: int) -> str:
        """A cell's final state ``(batch, units)``, written once when first used."""
        key = (cell_index, state_index)
        if key not in written:
            final = call.add(
                "Squeeze", [onnx_finals[cell_index][state_index], call.int64s([0], "axes")]
            )
            if compaction is not None and initial[cell_index]:
                final = _held_if_empty(call, final, initial[cell_index][state_index], compaction)
            written[key] = final
        return written[key]

    if layer.return_sequences and compaction is None:
        output = call.transpose(sequences, (1, 0, 2))
    elif layer.return_sequences:
        initial_h = initial[-1][0] if initial[-1] else None
        output = _expanded_sequences(call, layer, sequences, initial_h, compaction)
    else:
        output = final_state(len(forms) - 1, 0)
        if compaction is not None and layer.zero_output_for_mask:
            output = _zeroed_if_last_absent(call, output, compaction)
    if not layer.return_state:
        return output
    states = [
        final_state(cell_index, state_index)
        for cell_index, form in enumerate(forms)
        for state_index in range(form.states)
    ]
    return [output, *states]


def _operator(call, form: _CellForm, sequences: str, states: list[str], compaction):
    """One ONNX recurrent node over time-major ``sequences``: ``(Y, [final states])``.

    ``Y`` is ``(time, 1, batch, units)``; the final states are ``(1, batch, units)``.
    """
    cell = form.cell
    units = int(cell.units)

    def transform(kernel: np.ndarray) -> np.ndarray:
        return _gate_blocks(kernel, form.gates, form.order).T[np.newaxis]

    kernel = call.weight(cell.kernel, transform, tag="onnx_W")
    recurrent_kernel = call.weight(cell.recurrent_kernel, transform, tag="onnx_R")
    bias = ""
    if cell.bias is not None:

        def onnx_bias(array: np.ndarray) -> np.ndarray:
            input_bias, recurrent_bias = form.bias_pair(array, units)
            pair = [
                _gate_blocks(part, form.gates, form.order) for part in (input_bias, recurrent_bias)
            ]
            return np.concatenate(pair)[np.newaxis]

        bias = call.weight(cell.bias, onnx_bias, tag="onnx_B")
    operands = [sequences, kernel, recurrent_kernel, bias]
    lengths = "" if compaction is None else compaction.lengths
    if states or lengths:
        operands.append(lengths)
    if states:
        operands.append(call.unsqueeze(states[0], [0]))
        if form.states == 2:
            operands.append(call.unsqueeze(states[1], [0]))
    outputs = call.add(
        form.op_type, operands, outputs=1 + form.states, hidden_size=units, **form.attributes
    )
    sequence, *finals = outputs
    return sequence, finals


# ---------------------------------------------------------------- masks
class _Compaction(NamedTuple):
    """A masked sequence's present steps moved to the front of each row (time-major names).

    ``present`` is ``(time, batch)`` bool in processing order, ``taken``
    ``(time, batch)`` int64 the number of present steps up to and including
    each step, ``lengths`` ``(batch,)`` int32 the present steps of each row
    (the operators' ``sequence_lens``) and ``nonempty`` ``(batch, 1)`` bool
    whether a row has any (written only when initial states are given).
    """

    present: str
    taken: str
    lengths: str
    nonempty: str


def _compacted(call, sequences: str, present: str, held: bool) -> tuple[str, _Compaction]:
    """``sequences`` (time-major) with each row's present steps first, in order.

    ONNX's ``sequence_lens`` only cuts a row's trailing steps, while a mask
    may leave holes anywhere. So the present steps of each row are moved to
    the front (the ``k``-th present step to position ``k - 1``) and the
    absent ones after them, in order (a permutation of the time axis, written
    with ScatterElements); the operator then runs ``count`` steps per row,
    exactly the present ones, in their order.
    """
    kept = call.cast(present, "int64")
    dropped = call.cast(call.add("Not", [present]), "int64")
    taken = call.add("CumSum", [kept, call.constant(0, "int64", "time_axis")])
    skipped = call.add("CumSum", [dropped, call.constant(0, "int64", "time_axis")])
    count = call.add("Gather", [taken, call.constant(-1, "int64", "last_step")], axis=0)
    one = call.constant(1, "int64", "one")
    to_front = call.add("Sub", [taken, one])
    to_back = call.add("Sub", [call.add("Add", [skipped, count]), one])
    positions = call.add("Where", [present, to_front, to_back])
    positions = call.add("Expand", [call.unsqueeze(positions, [2]), call.add("Shape", [sequences])])
    compact = call.add("ScatterElements", [sequences, positions, sequences], axis=0)
    lengths = call.cast(count, "int32")
    nonempty = ""
    if held:
        zero = call.constant(0, "int64", "zero")
        nonempty = call.add("Greater", [call.unsqueeze(count, [1]), zero])
    return compact, _Compaction(present, taken, lengths, nonempty)


def _held_if_empty(call, final: str, initial: str | None, compaction: _Compaction) -> str:
    """A final state, or the initial one in rows without a present step.

    onnxruntime leaves the final states of a row of length 0 at zeros;
    graphkeras keeps its initial states, zeros too unless they were given.
    """
    if initial is None:
        return final
    return call.add("Where", [compaction.nonempty, final, initial])


def _zeroed_if_last_absent(call, output: str, compaction: _Compaction) -> str:
    """The last output, zeros where the last processed step is masked (zero_output_for_mask)."""
    last_present = call.add(
        "Gather", [compaction.present, call.constant(-1, "int64", "last_step")], axis=0
    )
    return call.add("Where", [call.unsqueeze(last_present, [1]), output, call.constant(0)])


def _expanded_sequences(call, layer, compact: str, initial_h, compaction) -> str:
    """Every step's output from the compacted scan, as graphkeras gives it (batch-major).

    At a masked step graphkeras outputs the state held from the step before
    (the initial state before any present step), or zeros with
    ``zero_output_for_mask``. With the initial state put before the
    compacted outputs, the output at a step is entry ``taken`` of them
    (read with GatherElements along time); entries past a row's length,
    which ONNX leaves at zeros, are never read.
    """
    if initial_h is None:
        pads = call.int64s([1, 0, 0, 0, 0, 0], "pads")
        history = call.add("Pad", [compact, pads])
    else:
        history = call.add("Concat", [call.unsqueeze(initial_h, [0]), compact], axis=0)
    taken = call.unsqueeze(compaction.taken, [2])
    index = call.add("Expand", [taken, call.add("Shape", [compact])])
    outputs = call.add("GatherElements", [history, index], axis=0)
    if layer.zero_output_for_mask:
        present = call.unsqueeze(compaction.present, [2])
        outputs = call.add("Where", [present, outputs, call.constant(0)])
    return call.transpose(outputs, (1, 0, 2))


for _recurrent_class in (layers.RNN, layers.SimpleRNN, layers.LSTM, layers.GRU):
    register_onnx_converter(_recurrent_class, recurrent, masks_carried=True)
for _convolutional_class in (layers.ConvLSTM1D, layers.ConvLSTM2D, layers.ConvLSTM3D):
    register_onnx_refusal(
        _convolutional_class,
        "convolves at every step, which no ONNX operator scans (ONNX's RNN, LSTM and GRU "
        "multiply by dense weight matrices)",
    )


def sequence_output_masks(call) -> list | None:
    """The outputs' masks as the layer computes them: the input's on returned sequences.

    Final outputs and states carry none (RNN's and Bidirectional's ``compute_mask``).
    """
    layer = call.layer
    if not layer.return_sequences:
        return None
    mask = call.sequence_mask()
    sequences = 2 if getattr(layer, "merge_mode", "concat") is None else 1
    return [mask] * sequences + [None] * (len(call.output_shapes) - sequences)


register_onnx_mask_writer(layers.RNN, sequence_output_masks)
