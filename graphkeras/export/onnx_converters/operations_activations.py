"""The activation ``gk.ops`` (``ops.relu``, ``ops.gelu``, ``ops.softmax``, ...) as ONNX nodes.

They compute what the activations of ``graphkeras.activations`` compute, so
the writers of ``activation_functions.py`` are reused with the op's
arguments; integer inputs are cast to the result's float dtype first, as
the ops do. Arguments those writers do not take (``glu`` on another axis
than the last, ``squareplus`` with ``b`` other than 4, ``threshold``) are
written here or refused by name, and so is ``sparsemax``: graphkeras's
sort-based threshold (entries sorted largest first with ``TopK``, their
running sums, the count of entries kept, ``tau`` from the last kept sum)
along an axis of known length.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras import activations
from graphkeras.export.onnx_converters.activation_functions import WRITERS as ACTIVATION_WRITERS
from graphkeras.export.onnx_converters.operation_call import OperationCall


def _input(op: OperationCall) -> str:
    return op.operand(op["x"], op.output_dtype(), "x")


def _activation(function: Callable, *options: str) -> Callable:
    """The activation writer of ``function``, given the op's ``options`` by name."""
    writer = ACTIVATION_WRITERS[function]

    def write(op: OperationCall) -> str:
        settings = {name: op[name] for name in options}
        for name, value in settings.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                op.refuse(name, "must be a static number for the ONNX export")
        return writer(op.call, _input(op), op.call.input_shapes[0], **settings)

    return write


def _gelu(op: OperationCall) -> str:
    approximate = op["approximate"]
    if not isinstance(approximate, bool):
        op.refuse("approximate", "must be True or False")
    return ACTIVATION_WRITERS[activations.gelu](op.call, _input(op), (), approximate=approximate)


def _softmax(op_type: str) -> Callable:
    """Softmax / LogSoftmax on one axis; over several axes as the stable formula."""

    def write(op: OperationCall) -> str:
        x = _input(op)
        rank = op.tensor("x").rank
        axis = op["axis"]
        if not isinstance(axis, (list, tuple)):
            return op.add(op_type, [x], axis=op.axis("axis", rank))
        axes = op.axes("axis", rank)
        shifted = op.add("Sub", [x, op.reduce("ReduceMax", x, axes, True)])
        exponentials = op.add("Exp", [shifted])
        total = op.reduce("ReduceSum", exponentials, axes, True)
        if op_type == "Softmax":
            return op.add("Div", [exponentials, total])
        return op.add("Sub", [shifted, op.add("Log", [total])])

    return write


def _glu(op: OperationCall) -> str:
    """The axis split into equal halves; the first half gated by the sigmoid of the second."""
    x = op.tensor("x")
    axis = op.axis("axis", x.rank)
    size = x.shape[axis]
    if size is None or size % 2:
        op.refuse("axis", f"has size {size}; glu needs a known, even size to split")
    half = size // 2
    value = _input(op)
    first = op.add(
        "Slice",
        [value, op.int64s([0], "starts"), op.int64s([half], "ends"), op.int64s([axis], "axes")],
    )
    second = op.add(
        "Slice",
        [value, op.int64s([half], "starts"), op.int64s([size], "ends"), op.int64s([axis], "axes")],
    )
    return op.add("Mul", [first, op.add("Sigmoid", [second])])


def _squareplus(op: OperationCall) -> str:
    """``(x + sqrt(x^2 + b)) / 2``."""
    b = op["b"]
    if isinstance(b, bool) or not isinstance(b, (int, float)):
        op.refuse("b", "must be a static number for the ONNX export")
    dtype = op.output_dtype()
    x = _input(op)
    root = op.add("Sqrt", [op.add("Add", [op.add("Mul", [x, x]), op.constant(b, dtype, "b")])])
    return op.add("Mul", [op.add("Add", [x, root]), op.constant(0.5, dtype, "half")])


def _threshold(op: OperationCall) -> str:
    """``x`` where ``x > threshold``, else ``default_value``."""
    dtype = op.output_dtype()
    x = _input(op)
    above = op.add("Greater", [x, op.operand(op["threshold"], dtype, "threshold")])
    return op.add("Where", [above, x, op.operand(op["default_value"], dtype, "default_value")])


def _sparsemax(op: OperationCall) -> str:
    """``max(x - tau, 0)``, ``tau = (z_1 + ... + z_k - 1) / k`` with ``k`` the entries kept."""
    dtype = op.output_dtype()
    x = op.tensor("x")
    axis = op.axis("axis", x.rank)
    size = x.shape[axis]
    if size is None:
        op.refuse("axis", "has a length unknown until run time")
    value = _input(op)
    descending, _ = op.add(
        "TopK", [value, op.int64s([size], "k")], outputs=2, axis=axis, largest=1, sorted=1
    )
    running = op.add("CumSum", [descending, op.scalar_int64(axis, "axis")])
    shape = [1] * x.rank
    shape[axis] = size
    ranks = op.constant(np.arange(1, size + 1).reshape(shape), dtype, "ranks")
    one = op.constant(1.0, dtype, "one")
    kept = op.add("Greater", [op.add("Add", [one, op.add("Mul", [ranks, descending])]), running])
    count = op.reduce("ReduceSum", op.cast(kept, "int32"), [axis], True)
    last = op.add("Sub", [count, op.constant(1, "int32", "one_position")])
    total = op.add("GatherElements", [running, op.cast(last, "int64")], axis=axis)
    tau = op.add("Div", [op.add("Sub", [total, one]), op.cast(count, dtype)])
    return op.add("Max", [op.add("Sub", [value, tau]), op.constant(0.0, dtype, "zero")])


WRITERS: dict[str, Callable] = {
    "relu": _activation(activations.relu),
    "relu6": _activation(activations.relu6),
    "sigmoid": _activation(activations.sigmoid),
    "softplus": _activation(activations.softplus),
    "softsign": _activation(activations.softsign),
    "silu": _activation(activations.silu),
    "swish": _activation(activations.silu),
    "hard_sigmoid": _activation(activations.hard_sigmoid),
    "hard_silu": _activation(activations.hard_silu),
    "selu": _activation(activations.selu),
    "elu": _activation(activations.elu, "alpha"),
    "celu": _activation(activations.celu, "alpha"),
    "leaky_relu": _activation(activations.leaky_relu, "negative_slope"),
    "gelu": _gelu,
    "softmax": _softmax("Softmax"),
    "log_softmax": _softmax("LogSoftmax"),
    "log_sigmoid": _activation(activations.log_sigmoid),
    "hard_tanh": _activation(activations.hard_tanh),
    "tanh_shrink": _activation(activations.tanh_shrink),
    "soft_shrink": _activation(activations.soft_shrink, "threshold"),
    "hard_shrink": _activation(activations.hard_shrink, "threshold"),
    "sparse_plus": _activation(activations.sparse_plus),
    "sparse_sigmoid": _activation(activations.sparse_sigmoid),
    "squareplus": _squareplus,
    "glu": _glu,
    "threshold": _threshold,
    "sparsemax": _sparsemax,
}
