"""``gk.ops`` calls in a graph (OperationLayer) as ONNX nodes: the table of writers.

An OperationLayer names its operation (a key of ``gk.ops.OPERATIONS``);
``WRITERS`` maps each operation with an exact ONNX form to the function
writing it, one module per family (math, element-wise arithmetic and
logic, activations, reductions, normalizations, sorting, shapes, joining,
indexing, linear algebra, image resizing, attention, convolution and
pooling, losses, order statistics, matrices, windows and crops, casts and
comparisons, coordinates). A writer receives an
:class:`~graphkeras.export.onnx_converters.operation_call.OperationCall`
and returns the ONNX name of each output. An operation without a writer
(linear algebra decompositions and solvers, FFTs, ``erfc``, loops, segment
ops, ...) is refused by
name, and so is an argument value a writer cannot write exactly.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras.export.onnx_converters import (
    operations_activations,
    operations_attention,
    operations_convolution,
    operations_coordinates,
    operations_elementwise,
    operations_image,
    operations_indexing,
    operations_joining,
    operations_linear_algebra,
    operations_losses,
    operations_math,
    operations_matrices,
    operations_normalization,
    operations_reductions,
    operations_shapes,
    operations_sorting,
    operations_statistics,
    operations_values,
    operations_windows,
)
from graphkeras.export.onnx_converters.operation_call import OperationCall
from graphkeras.export.onnx_registry import register_onnx_converter, register_onnx_refusal
from graphkeras.ops.operation_layer import OperationLayer


def _table() -> dict[str, Callable]:
    table: dict[str, Callable] = {}
    for family in (
        operations_math,
        operations_elementwise,
        operations_activations,
        operations_reductions,
        operations_normalization,
        operations_sorting,
        operations_shapes,
        operations_joining,
        operations_indexing,
        operations_linear_algebra,
        operations_image,
        operations_attention,
        operations_convolution,
        operations_losses,
        operations_statistics,
        operations_matrices,
        operations_windows,
        operations_values,
        operations_coordinates,
    ):
        overlap = set(table) & set(family.WRITERS)
        if overlap:
            raise RuntimeError(f"ONNX writers for {sorted(overlap)} are defined twice.")
        table.update(family.WRITERS)
    return table


WRITERS: dict[str, Callable] = _table()


def unmapped_operation(layer) -> str | None:
    """Why ``layer`` is refused (its op has no writer): checked before anything is written."""
    if layer.operation in WRITERS:
        return None
    return (
        f"calls ops.{layer.operation}, which has no ONNX converter (the operations with one are "
        "listed in graphkeras.export.onnx_converters.operations.WRITERS)"
    )


def operation_layer(call) -> str | list[str]:
    """Write ``call.layer``'s operation with its writer (the others are refused up front)."""
    return WRITERS[call.layer.operation](OperationCall(call))


register_onnx_converter(OperationLayer, operation_layer)
register_onnx_refusal(OperationLayer, unmapped_operation)
