"""The loss ``gk.ops`` (the cross-entropies and ``psnr``) as ONNX nodes, by graphkeras's formulas.

Probabilities are clipped to ``[epsilon, 1 - epsilon]`` before their log
(``epsilon`` is ``backend.epsilon()`` at export time, the value graphkeras
reads when it runs); with ``from_logits`` the log-probabilities come from
``LogSoftmax``, or for the binary case from the stable
``max(z, 0) - z t + softplus(-|z|)``. Sparse labels are one-hot encoded as
``ops.one_hot`` encodes them (a label out of range gives a zero row).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from graphkeras import backend as K
from graphkeras.export.onnx_converters.operation_call import OperationCall
from graphkeras.export.onnx_converters.operations_indexing import encoded_labels


def _from_logits(op: OperationCall) -> bool:
    from_logits = op["from_logits"]
    if not isinstance(from_logits, bool):
        op.refuse("from_logits", "must be True or False")
    return from_logits


def _clipped(op: OperationCall, output: str, dtype: str) -> str:
    epsilon = float(K.epsilon())
    low = op.add("Max", [output, op.constant(epsilon, dtype, "epsilon")])
    return op.add("Min", [low, op.constant(1.0 - epsilon, dtype, "one_less_epsilon")])


def _binary_crossentropy(op: OperationCall) -> str:
    dtype = op.output_dtype()
    target = op.operand(op["target"], dtype, "target")
    output = op.operand(op["output"], dtype, "output")
    if _from_logits(op):
        kept = op.add("Sub", [op.add("Relu", [output]), op.add("Mul", [output, target])])
        tail = op.add("Softplus", [op.add("Neg", [op.add("Abs", [output])])])
        return op.add("Add", [kept, tail])
    one = op.constant(1.0, dtype, "one")
    output = _clipped(op, output, dtype)
    positive = op.add("Mul", [target, op.add("Log", [output])])
    negative = op.add(
        "Mul", [op.add("Sub", [one, target]), op.add("Log", [op.add("Sub", [one, output])])]
    )
    return op.add("Neg", [op.add("Add", [positive, negative])])


def _categorical(op: OperationCall, target: str, output: str, dtype: str, rank: int) -> str:
    axis = op.axis("axis", rank)
    if _from_logits(op):
        log_probabilities = op.add("LogSoftmax", [output], axis=axis)
    else:
        total = op.reduce("ReduceSum", output, [axis], True)
        log_probabilities = op.add("Log", [_clipped(op, op.add("Div", [output, total]), dtype)])
    products = op.add("Mul", [target, log_probabilities])
    return op.add("Neg", [op.reduce("ReduceSum", products, [axis], False)])


def _categorical_crossentropy(op: OperationCall) -> str:
    dtype = op.output_dtype()
    output = op.tensor("output")
    target = op.operand(op["target"], dtype, "target")
    return _categorical(op, target, op.operand(output, dtype, "output"), dtype, output.rank)


def _sparse_categorical_crossentropy(op: OperationCall) -> str:
    dtype = op.output_dtype()
    output = op.tensor("output")
    target = op.tensor("target")
    labels = op.operand(target, "int32", "target")
    if target.rank == output.rank:
        labels = op.add("Squeeze", [labels, op.int64s([op.axis("axis", output.rank)], "axes")])
    classes = output.shape[op.axis("axis", output.rank)]
    if classes is None:
        op.refuse("output", "has a class count unknown until run time")
    hits = encoded_labels(op, labels, "int32", output.rank - 1, "axis", classes=classes)
    one_hot = op.cast(hits, dtype)
    return _categorical(op, one_hot, op.operand(output, dtype, "output"), dtype, output.rank)


def _psnr(op: OperationCall) -> str:
    """``(2 log(max_val) - log(mse)) * 10 / ln 10``."""
    dtype = op.output_dtype()
    x1, x2 = op.operand(op["x1"], dtype, "x1"), op.operand(op["x2"], dtype, "x2")
    difference = op.add("Sub", [x1, x2])
    squares = op.add("Mul", [difference, difference])
    rank = len(op.call.input_shapes[0])
    mean_squared_error = op.reduce("ReduceMean", squares, list(range(rank)), False)
    peak = op.add("Log", [op.operand(op["max_val"], dtype, "max_val")])
    doubled = op.add("Mul", [peak, op.constant(2.0, dtype, "two")])
    decibels = op.add("Sub", [doubled, op.add("Log", [mean_squared_error])])
    return op.add("Mul", [decibels, op.constant(10.0 / math.log(10.0), dtype, "to_decibels")])


WRITERS: dict[str, Callable] = {
    "binary_crossentropy": _binary_crossentropy,
    "categorical_crossentropy": _categorical_crossentropy,
    "sparse_categorical_crossentropy": _sparse_categorical_crossentropy,
    "psnr": _psnr,
}
