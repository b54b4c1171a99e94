"""GraphFunction: ``K.function(inputs, outputs)`` on the symbolic graph.

Any KerasTensors can be the inputs, intermediate ones included: the graph is
mapped from the outputs back to those tensors only, so just the layers in
between run. It takes a list of arrays (one per input) and returns a list of
arrays (one per output).
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.execution_plan import ExecutionPlan
from graphkeras.engine.graph_mapping import map_graph
from graphkeras.engine.node import is_keras_tensor
from graphkeras.utils import nest


class GraphFunction:
    """A callable computing ``outputs`` from values fed for ``inputs``."""

    def __init__(self, inputs, outputs, name: str | None = None) -> None:
        self.inputs = nest.flatten(inputs)
        self.outputs = nest.flatten(outputs)
        self.name = name
        for role, tensors in (("inputs", self.inputs), ("outputs", self.outputs)):
            for index, tensor in enumerate(tensors):
                if not is_keras_tensor(tensor):
                    raise ValueError(
                        f"K.function {role} must be KerasTensors; {role}[{index}] is a "
                        f"{type(tensor).__name__}."
                    )
        try:
            graph = map_graph(self.inputs, self.outputs, check_names=False)
        except ValueError as error:
            # Typically an output inside a nested model: it hangs off that model's own
            # Inputs, not the outer ones it was given.
            raise ValueError(
                f"K.function cannot compute outputs {_describe(self.outputs)} from inputs "
                f"{_describe(self.inputs)}: {error} A tensor inside a nested model is "
                "computed from that model's own inputs (model.inputs of the nested model)."
            ) from error
        self._plan = ExecutionPlan(graph, self.inputs, self.outputs)

    def __call__(self, values) -> list:
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        if len(values) != len(self.inputs):
            raise ValueError(
                f"K.function expects {len(self.inputs)} input arrays, received {len(values)}."
            )
        arrays = [
            K.convert_to_tensor(value, dtype=tensor.dtype)
            for value, tensor in zip(values, self.inputs, strict=True)
        ]
        outputs, _ = self._plan.run(arrays)
        return outputs


def _describe(tensors: list) -> list[str]:
    """Each tensor as ``layer 'name' output i``: the names users gave, not generated ones."""
    described = []
    for tensor in tensors:
        history = tensor._keras_history
        described.append(f"layer '{history.layer.name}' output {history.tensor_index}")
    return described


K.register_function_builder(GraphFunction)
