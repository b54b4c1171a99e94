"""The normalizing ``gk.ops`` (layer, RMS and batch normalization, ``moments``, ``normalize``).

Each is written as graphkeras computes it, step by step: statistics by
``ReduceMean`` over the call's static axes, the variance as the mean of
squared deviations (NumPy's two passes), the scale as ``1 / sqrt(variance +
epsilon)``. ``epsilon=None`` is ``backend.epsilon()`` at export time, the
value graphkeras reads when it runs the op. Scales and offsets may be
tensors of the graph or constants; they are shaped to broadcast against
``x`` as the ops shape them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras import backend as K
from graphkeras.export.onnx_converters.operation_call import OnnxTensor, OperationCall


def _epsilon(op: OperationCall) -> float:
    epsilon = op["epsilon"]
    if epsilon is None:
        return float(K.epsilon())
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)):
        op.refuse("epsilon", "must be a static number for the ONNX export")
    return float(epsilon)


def _rank_of(value) -> int:
    return value.rank if isinstance(value, OnnxTensor) else np.ndim(value)


def _inverse_root(op: OperationCall, value: str, epsilon: float, dtype: str) -> str:
    """``1 / sqrt(value + epsilon)``."""
    root = op.add("Sqrt", [op.add("Add", [value, op.constant(epsilon, dtype, "epsilon")])])
    return op.add("Div", [op.constant(1.0, dtype, "one"), root])


def _centred(op: OperationCall, x: str, axes: list[int]) -> tuple[str, str]:
    """``(x - mean, variance)`` over ``axes``, both with the axes kept."""
    centred = op.add("Sub", [x, op.reduce("ReduceMean", x, axes, True)])
    variance = op.reduce("ReduceMean", op.add("Mul", [centred, centred]), axes, True)
    return centred, variance


def _over_axes(op: OperationCall, argument: str, x: OnnxTensor, axes: list[int], dtype: str):
    """A scale or offset for ``axes`` of ``x``, reshaped to broadcast as the op reshapes it."""
    value = op[argument]
    name = op.operand(value, dtype, argument)
    if _rank_of(value) == x.rank or axes == [x.rank - 1]:
        return name
    shape = [1] * x.rank
    for axis in axes:
        if x.shape[axis] is None:
            op.refuse(argument, f"is given over axis {axis}, whose size is unknown until run time")
        shape[axis] = x.shape[axis]
    return op.add("Reshape", [name, op.int64s(shape)])


def _layer_normalization(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x = op.tensor("x")
    axes = op.axes("axis", x.rank)
    value = op.operand(x, dtype, "x")
    centred, variance = _centred(op, value, axes)
    factor = _inverse_root(op, variance, _epsilon(op), dtype)
    if op["rms_scaling"]:
        result = op.add("Mul", [value, factor])
        if op["gamma"] is not None:
            result = op.add("Mul", [result, _over_axes(op, "gamma", x, axes, dtype)])
        return result
    result = op.add("Mul", [centred, factor])
    if op["gamma"] is not None:
        result = op.add("Mul", [result, _over_axes(op, "gamma", x, axes, dtype)])
    if op["beta"] is not None:
        result = op.add("Add", [result, _over_axes(op, "beta", x, axes, dtype)])
    return result


def _rms_normalization(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x = op.tensor("x")
    axes = op.axes("axis", x.rank)
    value = op.operand(x, dtype, "x")
    mean_square = op.reduce("ReduceMean", op.add("Mul", [value, value]), axes, True)
    result = op.add("Mul", [value, _inverse_root(op, mean_square, _epsilon(op), dtype)])
    if op["scale"] is None:
        return result
    return op.add("Mul", [result, op.operand(op["scale"], dtype, "scale")])


def _batch_normalization(op: OperationCall) -> str:
    dtype = op.output_dtype()
    x = op.tensor("x")
    axis = op.axis("axis", x.rank)
    shape = [1] * x.rank
    shape[axis] = -1

    def along(argument: str) -> str:
        return op.add("Reshape", [op.operand(op[argument], dtype, argument), op.int64s(shape)])

    epsilon = op["epsilon"]
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)):
        op.refuse("epsilon", "must be a static number for the ONNX export")
    factor = _inverse_root(op, along("variance"), float(epsilon), dtype)
    if op["scale"] is not None:
        factor = op.add("Mul", [factor, along("scale")])
    result = op.add("Mul", [op.add("Sub", [op.operand(x, dtype, "x"), along("mean")]), factor])
    if op["offset"] is not None:
        result = op.add("Add", [result, along("offset")])
    return result


def _moments(op: OperationCall) -> list[str]:
    dtype = op.output_dtype()
    x = op.tensor("x")
    value = op.operand(x, dtype, "x")
    axes = op.axes("axes", x.rank)
    keepdims = op["keepdims"]
    if not isinstance(keepdims, bool):
        op.refuse("keepdims", "must be True or False")
    mean = op.reduce("ReduceMean", value, axes, keepdims)
    centred = op.add("Sub", [value, op.reduce("ReduceMean", value, axes, True)])
    variance = op.reduce("ReduceMean", op.add("Mul", [centred, centred]), axes, keepdims)
    return [mean, variance]


def _normalize(op: OperationCall) -> str:
    """``x / max(norm, epsilon)`` for the 1-, 2- and max-norm along one axis."""
    dtype = op.output_dtype()
    x = op.tensor("x")
    if isinstance(op["axis"], (list, tuple)):
        op.refuse("axis", "names several axes (a matrix norm), which has no converter")
    axes = [op.axis("axis", x.rank)]
    order = op["order"]
    value = op.operand(x, dtype, "x")
    if order == 2:
        norm = op.add("Sqrt", [op.reduce("ReduceSum", op.add("Mul", [value, value]), axes, True)])
    elif order == 1:
        norm = op.reduce("ReduceSum", op.add("Abs", [value]), axes, True)
    elif order == np.inf:
        norm = op.reduce("ReduceMax", op.add("Abs", [value]), axes, True)
    else:
        op.refuse("order", "is not 1, 2 or inf, the norms with a converter")
    bounded = op.add("Max", [norm, op.constant(_epsilon(op), dtype, "epsilon")])
    return op.add("Div", [value, bounded])


WRITERS: dict[str, Callable] = {
    "layer_normalization": _layer_normalization,
    "rms_normalization": _rms_normalization,
    "batch_normalization": _batch_normalization,
    "moments": _moments,
    "normalize": _normalize,
}
