"""OperationCall: one recorded ``gk.ops`` call (an OperationLayer node) as its writer sees it.

An OperationLayer keeps the operation's name and its arguments, with a
``TensorSlot`` for each tensor input (``graphkeras/ops/arguments.py``). A
writer of ONNX nodes for the operation reads those arguments here with the
slots filled by :class:`OnnxTensor` (the input's ONNX name, dtype and
recorded shape); every other argument (axes, shapes, flags, constants) is
the static Python value the call was recorded with. Arguments are read
through the checking helpers (``axis``, ``integer``, ``operand``), and a
value with no exact ONNX form is refused by name (:meth:`refuse`) before the
call adds a node, so the export stops with an error instead of writing an
approximation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.ops.arguments import TensorSlot, fill_slots

LAST = np.iinfo(np.int64).max
"""A Slice bound past the last entry of any axis."""

FIRST = np.iinfo(np.int64).min
"""A Slice bound before the first entry of any axis (for backward steps)."""


def is_float(dtype: str) -> bool:
    """Whether ``dtype`` (a NumPy dtype name) is a floating-point dtype."""
    return np.dtype(dtype).kind == "f"


@dataclass(frozen=True)
class OnnxTensor:
    """A tensor argument of the call: its ONNX name, dtype and recorded shape."""

    name: str
    dtype: str
    shape: tuple

    @property
    def rank(self) -> int:
        return len(self.shape)


class OperationCall:
    """The ``gk.ops`` call of ``call.layer`` (see the module docstring)."""

    def __init__(self, call) -> None:
        self.call = call
        self.layer = call.layer
        self.operation = call.layer.operation
        tensors = [
            OnnxTensor(name, dtype, shape)
            for name, dtype, shape in zip(
                call.inputs, call.input_dtypes, call.input_shapes, strict=True
            )
        ]
        self.arguments = fill_slots(call.layer.arguments, tensors)
        self.add = call.add
        self.int64s = call.int64s

    # ------------------------------------------------------------ reading
    def __getitem__(self, argument: str) -> Any:
        return self.arguments.get(argument)

    def output_dtype(self, index: int = 0) -> str:
        return str(self.call.node.output_tensors[index].dtype)

    def output_shape(self, index: int = 0) -> tuple:
        return tuple(self.call.node.output_tensors[index].shape)

    def tensor(self, argument: str) -> OnnxTensor:
        """The tensor passed as ``argument``; a constant there is refused (nothing to read)."""
        value = self.arguments.get(argument)
        if not isinstance(value, OnnxTensor):
            self.refuse(argument, "is not a tensor of the graph; only that form is exported")
        return value

    def describe(self) -> str:
        return f"OperationLayer '{self.layer.name}' (ops.{self.operation})"

    def refuse(self, argument: str, why: str):
        """Stop the export: ``argument`` of this call has no exact ONNX form, because ``why``."""
        value = self.arguments.get(argument)
        shown = "a tensor" if isinstance(value, OnnxTensor) else repr(value)
        raise OnnxExportError(f"{self.describe()}: {argument}={shown:.120} {why}.")

    def refuse_boolean_result(self, argument: str = "x") -> None:
        """Refuse arithmetic whose result is boolean (ONNX's arithmetic takes numbers)."""
        if self.output_dtype() == "bool":
            self.refuse(argument, "is boolean; this arithmetic has no ONNX form on booleans")

    def common_dtype(self, *arguments: str) -> str:
        """The dtype graphkeras computes ``arguments`` in together (tensors' and constants')."""
        dtypes: list = []
        for argument in arguments:
            value = self.arguments.get(argument)
            if isinstance(value, OnnxTensor):
                dtypes.append(value.dtype)
            elif isinstance(value, (bool, int, float)):
                dtypes.append(type(value))
            else:
                dtypes.append(np.asarray(value).dtype.name)
        return str(K.result_type(*dtypes))

    def integers(self, argument: str, value: Any = None) -> list[int]:
        """``argument`` (an int or a sequence of ints) as a list of static ints."""
        value = self.arguments.get(argument) if value is None else value
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        return [self.integer(argument, item) for item in items]

    def integer(self, argument: str, value: Any = None) -> int:
        """``argument`` (or ``value`` read for it) as a static int, refused otherwise."""
        value = self.arguments.get(argument) if value is None else value
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            self.refuse(argument, "must be a static int for the ONNX export")
        return int(value)

    def axis(self, argument: str, rank: int, value: Any = None) -> int:
        """``argument`` as one axis in ``[0, rank)``, negative ones counted from the end."""
        axis = self.integer(argument, value)
        if not -rank <= axis < rank:
            self.refuse(argument, f"is out of range for rank {rank}")
        return axis % rank

    def axes(self, argument: str, rank: int) -> list[int]:
        """``argument`` as a sorted list of distinct axes; None means every axis."""
        value = self.arguments.get(argument)
        if value is None:
            return list(range(rank))
        items = value if isinstance(value, (list, tuple)) else [value]
        axes = sorted({self.axis(argument, rank, item) for item in items})
        if len(axes) != len(items):
            self.refuse(argument, "repeats an axis")
        return axes

    # ------------------------------------------------------------ writing
    def operand(self, value: Any, dtype: str, argument: str = "operand") -> str:
        """``value`` (a tensor argument or a constant) as an ONNX name holding ``dtype``."""
        if isinstance(value, OnnxTensor):
            return value.name if value.dtype == dtype else self.call.cast(value.name, dtype)
        if isinstance(value, TensorSlot) or value is None:
            self.refuse(argument, "cannot be read as a constant")
        return self.call.constant(np.asarray(value).astype(dtype), dtype, role=argument)

    def reduce(self, op_type: str, x: str, axes: list[int], keepdims: bool) -> str:
        """``op_type`` over ``axes``; no axes is no reduction (ONNX would reduce them all)."""
        if not axes:
            return self.add("Identity", [x])
        return self.call.reduce(op_type, x, axes, keepdims)

    def slice_axis(self, x: str, axis: int, start: int, end: int, step: int = 1) -> str:
        """``x`` cut to ``[start, end)`` (by ``step``) along ``axis``, Python's clamping."""
        inputs = [x, self.int64s([start], "starts"), self.int64s([end], "ends")]
        inputs.append(self.int64s([axis], "axes"))
        if step != 1:
            inputs.append(self.int64s([step], "steps"))
        return self.add("Slice", inputs)

    def cast(self, name: str, dtype: str) -> str:
        return self.call.cast(name, dtype)

    def constant(self, value: Any, dtype: str, role: str = "constant") -> str:
        return self.call.constant(np.asarray(value, dtype=dtype), dtype, role=role)

    def scalar_int64(self, value: int, role: str = "index") -> str:
        """A rank-0 int64 initializer (Gather's index, CumSum's axis)."""
        return self.call.constant(np.asarray(int(value), dtype=np.int64), "int64", role=role)
