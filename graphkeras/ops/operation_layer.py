"""OperationLayer: a ``gk.ops`` call on KerasTensors, as a node in the graph.

``ops.concatenate([a, b], axis=1)`` on KerasTensors records one call of an
OperationLayer, exactly as ``a + b`` records an OperatorLayer: the
operation appears in ``model.layers``, is drawn and listed like a layer,
runs through the backend when the model runs and is written to configs and
files. The layer keeps the operation's name (a key of the operations table,
never code) and its arguments with a slot for each tensor input.
"""

from __future__ import annotations

from typing import Any

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.ops import arguments as argument_forms
from graphkeras.ops.registry import get_operation
from graphkeras.utils.naming import unique_name


@register_layer
class OperationLayer(Layer):
    """One call of the ``gk.ops`` function ``operation`` with ``arguments``.

    ``arguments`` maps the function's parameter names to values, with a
    :class:`~graphkeras.ops.arguments.TensorSlot` for each tensor; the layer
    is called on the list of those tensors, in slot order.
    """

    def __init__(self, operation: str, arguments: dict | None = None, **kwargs) -> None:
        where = f"OperationLayer {kwargs.get('name', operation)!r}"
        self._operation = get_operation(operation, where)
        kwargs.setdefault("name", unique_name(operation))
        super().__init__(**kwargs)
        self.operation = operation
        self.arguments = dict(arguments or {})
        unknown = set(self.arguments) - set(self._operation.signature.parameters)
        if unknown:
            raise ValueError(
                f"Layer '{self.name}': ops.{operation} takes no argument(s) {sorted(unknown)}; "
                f"its signature is {self._operation.signature}."
            )
        self.input_count = argument_forms.count_slots(self.arguments)
        self.built = True

    def _filled(self, inputs: Any) -> dict:
        tensors = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(tensors) != self.input_count:
            raise ValueError(
                f"Layer '{self.name}' (ops.{self.operation}) expects {self.input_count} "
                f"tensor input(s), received {len(tensors)}."
            )
        return argument_forms.fill_slots(self.arguments, tensors)

    def call(self, inputs):
        return self._operation.run(self._operation.compute, self._filled(inputs))

    def compute_output_spec(self, inputs, *args, **kwargs):
        if self._operation.infer is None:
            return super().compute_output_spec(inputs, *args, **kwargs)
        return self._operation.run(self._operation.infer, self._filled(inputs))

    def get_config(self) -> dict:
        where = f"Layer '{self.name}' (ops.{self.operation})"
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype,
            "operation": self.operation,
            "arguments": {
                key: argument_forms.to_config(value, where) for key, value in self.arguments.items()
            },
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> OperationLayer:
        config = dict(config)
        where = f"OperationLayer {str(config.get('name'))[:80]!r}"
        arguments = config.get("arguments") or {}
        if not isinstance(arguments, dict):
            raise ValueError(f"{where}: 'arguments' must be an object, received {arguments!r:.80}.")
        config["arguments"] = {
            str(key): argument_forms.from_config(value, where, custom_objects)
            for key, value in arguments.items()
        }
        return cls(**config)


def record_operation(name: str, arguments: dict[str, Any]) -> Any:
    """Record ops.``name`` called with ``arguments`` (holding KerasTensors); its outputs."""
    slotted, tensors = argument_forms.with_slots(arguments)
    return OperationLayer(name, slotted)(tensors)
