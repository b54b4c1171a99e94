"""SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU operators.

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
"""

from __future__ import annotations

import numpy as np

from graphkeras import activations, layers
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_registry import register_onnx_converter

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


def _scan(call, op_type: str, gates: int, order, bias_pair, states: int, **attributes):
    """Add the ONNX recurrent node and turn its outputs into the layer's outputs."""
    layer = call.layer
    cell = layer.cell
    if layer.stateful:
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' is stateful: its states carry over "
            "between batches, which an ONNX graph cannot hold; export a copy built with "
            "stateful=False."
        )
    units = int(cell.units)
    kernel = call.weight(
        cell.kernel, lambda k: _gate_blocks(k, gates, order).T[np.newaxis], tag="onnx_W"
    )
    recurrent = call.weight(
        cell.recurrent_kernel, lambda k: _gate_blocks(k, gates, order).T[np.newaxis], tag="onnx_R"
    )
    bias = ""
    if cell.bias is not None:

        def onnx_bias(array: np.ndarray) -> np.ndarray:
            input_bias, recurrent_bias = bias_pair(array, units)
            pair = [_gate_blocks(part, gates, order) for part in (input_bias, recurrent_bias)]
            return np.concatenate(pair)[np.newaxis]

        bias = call.weight(cell.bias, onnx_bias, tag="onnx_B")

    sequences = call.transpose(call.inputs[0], (1, 0, 2))
    if layer.go_backwards:
        sequences = call.add(
            "Slice",
            [
                sequences,
                call.int64s([-1], "starts"),
                call.int64s([_BEFORE_FIRST], "ends"),
                call.int64s([0], "axes"),
                call.int64s([-1], "steps"),
            ],
        )
    initial = [call.unsqueeze(state, [0]) for state in call.inputs[1:]]
    if initial and len(initial) != states:
        raise OnnxExportError(
            f"{type(layer).__name__} layer '{layer.name}' is called with {len(initial)} "
            f"initial state tensor(s); ONNX's {op_type} takes {states}."
        )
    operands = [sequences, kernel, recurrent, bias]
    if initial:
        operands += ["", *initial]
    outputs = call.add(op_type, operands, outputs=1 + states, hidden_size=units, **attributes)
    sequence, *finals = outputs
    if layer.return_sequences:
        output = call.transpose(
            call.add("Squeeze", [sequence, call.int64s([1], "axes")]), (1, 0, 2)
        )
    else:
        output = call.add("Squeeze", [finals[0], call.int64s([0], "axes")])
    if not layer.return_state:
        return output
    return [output, *(call.add("Squeeze", [final, call.int64s([0], "axes")]) for final in finals)]


def _input_bias_only(array: np.ndarray, units: int) -> tuple[np.ndarray, np.ndarray]:
    return array, np.zeros_like(array)


def simple_rnn(call):
    """ONNX RNN: ``h = activation(x @ W + h @ R + b)``."""
    named = [(call.layer.cell.activation, "activation")]
    return _scan(call, "RNN", 1, (0,), _input_bias_only, 1, **_activation_attributes(call, named))


def lstm(call):
    """ONNX LSTM (gates reordered i, o, f, c), returning ``[output, h, c]`` with return_state."""
    cell = call.layer.cell
    named = [
        (cell.recurrent_activation, "recurrent_activation"),
        (cell.activation, "activation"),
        (cell.activation, "activation"),
    ]
    return _scan(
        call,
        "LSTM",
        4,
        _LSTM_GATE_ORDER,
        _input_bias_only,
        2,
        **_activation_attributes(call, named),
    )


def gru(call):
    """ONNX GRU; ``reset_after`` is ONNX's ``linear_before_reset=1`` with both biases."""
    cell = call.layer.cell
    named = [(cell.recurrent_activation, "recurrent_activation"), (cell.activation, "activation")]

    def bias_pair(array: np.ndarray, units: int) -> tuple[np.ndarray, np.ndarray]:
        if cell.reset_after:
            return array[0], array[1]
        return array, np.zeros_like(array)

    return _scan(
        call,
        "GRU",
        3,
        (0, 1, 2),
        bias_pair,
        1,
        linear_before_reset=int(cell.reset_after),
        **_activation_attributes(call, named),
    )


register_onnx_converter(layers.SimpleRNN, simple_rnn)
register_onnx_converter(layers.LSTM, lstm)
register_onnx_converter(layers.GRU, gru)
