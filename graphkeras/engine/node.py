"""Node: one call of a layer on symbolic inputs, and the edges it adds to the graph.

A Node is a call event, not a layer. Each time a layer is called on
KerasTensors, one Node records what was called (``outbound_layer``), on what
(``input_tensors``, each with the layer, node index and tensor index that
produced it), with which extra keywords (``arguments``), and what came out
(``output_tensors``). A layer called three times holds three nodes in
``layer._inbound_nodes``; this is how a shared layer appears in a graph.

The node links itself in when created: it appends itself to the called
layer's ``_inbound_nodes`` and, once per input tensor, to the producing
layer's ``_outbound_nodes``, and stamps each output tensor with its
``KerasHistory``.

Two kinds of node connect nothing: the node an ``InputLayer`` holds of its own
tensor, and node 0 of a Network built from inputs and outputs. Their
``inbound_layers`` are empty while ``input_tensors`` are the tensors they hold.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from graphkeras.utils import nest

KerasHistory = namedtuple("KerasHistory", ["layer", "node_index", "tensor_index"])
KerasHistory.__doc__ = (
    "Where a KerasTensor comes from: output ``tensor_index`` of "
    "``layer._inbound_nodes[node_index]``."
)


def is_keras_tensor(value: Any) -> bool:
    """Whether ``value`` is a KerasTensor (checked by its class marker)."""
    return getattr(type(value), "_is_keras_tensor", False)


class Node:
    """One call of ``outbound_layer`` on symbolic inputs.

    ``call_args`` and ``call_kwargs`` are the call's arguments as given, the
    KerasTensors among them included; the first positional argument is the
    layer's ``inputs``. Use :meth:`own` for the nodes that connect nothing.

    A caller that has already flattened the call (``Layer.__call__`` does)
    passes ``input_tensors`` (the KerasTensors among the arguments, as the
    property of that name lists them) and ``output_tensors`` (the flat
    outputs), so the node links itself without flattening them again. They
    are not stored: the node's inputs live in its arguments.
    """

    __slots__ = (
        "outbound_layer",
        "_inputs",
        "_extra_args",
        "call_kwargs",
        "outputs",
        "is_own_node",
        "__weakref__",
    )

    def __init__(
        self,
        layer,
        call_args: tuple,
        call_kwargs: dict,
        outputs: Any,
        input_tensors: list | None = None,
        output_tensors: list | None = None,
    ) -> None:
        self.outbound_layer = layer
        self.call_args = call_args
        # The caller's own keyword dict, kept rather than copied (the layer
        # passes a fresh one per call).
        self.call_kwargs = call_kwargs
        self.outputs = outputs
        self.is_own_node = False
        if input_tensors is None:
            input_tensors = self.input_tensors
        if output_tensors is None:
            output_tensors = self.output_tensors
        # Checked before linking anything, so a refused call leaves no half-linked node.
        for tensor in input_tensors:
            if tensor._history_layer is None:
                raise ValueError(
                    f"Layer '{layer.name}' was called on KerasTensor '{tensor.name}', which no "
                    "layer produced (a detached tensor, such as a symbolic mask), so it cannot "
                    "be connected to the graph. Call layers on Input tensors and layer outputs."
                )

        node_index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for tensor in input_tensors:
            tensor._history_layer._outbound_nodes.append(self)
        for tensor_index, tensor in enumerate(output_tensors):
            tensor._history_layer = layer
            tensor._history_node_index = node_index
            tensor._history_tensor_index = tensor_index

    @classmethod
    def own(cls, layer, input_tensors: list, outputs: Any) -> Node:
        """The node a layer holds of itself: it links its inputs to its outputs.

        An InputLayer's node has ``[x]`` as both; a Network's node 0 has the
        model's inputs and outputs. It connects to no inbound layer and does
        not change the tensors' histories.
        """
        node = cls.__new__(cls)
        node.outbound_layer = layer
        node.call_args = (list(input_tensors),)
        node.call_kwargs = {}
        node.outputs = outputs
        node.is_own_node = True
        layer._inbound_nodes.append(node)
        return node

    # ------------------------------------------------------------ derived views
    @property
    def call_args(self) -> tuple:
        """The call's positional arguments: ``(inputs, *extra)``.

        Held as the inputs plus the (usually empty) extra arguments, so a
        plain ``layer(x)`` node stores no tuple of its own.
        """
        return (self._inputs, *self._extra_args)

    @call_args.setter
    def call_args(self, value) -> None:
        value = tuple(value)
        self._inputs = value[0]
        self._extra_args = value[1:]

    @property
    def arguments(self) -> dict:
        """The call's keyword arguments that are not tensors (``{}`` when none)."""
        if not self.call_kwargs:
            return {}
        return {
            key: value
            for key, value in self.call_kwargs.items()
            if not any(is_keras_tensor(leaf) for leaf in nest.flatten(value))
        }

    @property
    def input_tensors(self) -> list:
        """Every KerasTensor the call received: the inputs first, then any in other arguments.

        Derived from the call's arguments (a plain ``layer(x)`` is ``[x]``).
        """
        inputs = self._inputs
        if self.is_own_node:
            return list(inputs)
        if not self._extra_args and not self.call_kwargs and is_keras_tensor(inputs):
            return [inputs]
        return [
            value
            for value in nest.flatten([self.call_args, self.call_kwargs])
            if is_keras_tensor(value)
        ]

    @property
    def output_tensors(self) -> list:
        """The call's outputs as a flat list (derived from ``outputs``)."""
        outputs = self.outputs
        return [outputs] if is_keras_tensor(outputs) else nest.flatten(outputs)

    @property
    def layer(self):
        """Alias of ``outbound_layer``."""
        return self.outbound_layer

    @property
    def inbound_layers(self) -> list:
        """The layers that produced the input tensors (``[]`` for an own node)."""
        if self.is_own_node:
            return []
        return [tensor._keras_history.layer for tensor in self.input_tensors]

    @property
    def node_indices(self) -> list:
        """For input ``i``: its node's index in ``inbound_layers[i]._inbound_nodes``."""
        if self.is_own_node:
            return []
        return [tensor._keras_history.node_index for tensor in self.input_tensors]

    @property
    def tensor_indices(self) -> list:
        """For input ``i``: its position among that node's output tensors."""
        if self.is_own_node:
            return []
        return [tensor._keras_history.tensor_index for tensor in self.input_tensors]

    @property
    def parent_nodes(self) -> list:
        """The nodes whose outputs this node consumes, each once, in input order."""
        if self.is_own_node:
            return []
        parents: list = []
        for tensor in self.input_tensors:
            parent = tensor.node
            if not any(parent is seen for seen in parents):
                parents.append(parent)
        return parents

    @property
    def input_shapes(self) -> list:
        return [tensor.shape for tensor in self.input_tensors]

    @property
    def output_shapes(self) -> list:
        return [tensor.shape for tensor in self.output_tensors]

    @property
    def input_masks(self) -> list:
        return [tensor._keras_mask for tensor in self.input_tensors]

    @property
    def output_masks(self) -> list:
        return [tensor._keras_mask for tensor in self.output_tensors]

    @property
    def node_index(self) -> int:
        """This node's position in ``outbound_layer._inbound_nodes``."""
        for index, node in enumerate(self.outbound_layer._inbound_nodes):
            if node is self:
                return index
        raise ValueError(f"Node of layer '{self.outbound_layer.name}' is detached.")

    def get_config(self) -> dict:
        """The node's links by layer name: ``{"outbound_layer", "inbound_layers", ...}``."""
        return {
            "outbound_layer": self.outbound_layer.name,
            "inbound_layers": [layer.name for layer in self.inbound_layers],
            "node_indices": self.node_indices,
            "tensor_indices": self.tensor_indices,
        }

    def __repr__(self) -> str:
        inbound = ", ".join(
            f"{layer.name}[{node_index}][{tensor_index}]"
            for layer, node_index, tensor_index in zip(
                self.inbound_layers, self.node_indices, self.tensor_indices, strict=True
            )
        )
        return f"<Node {self.outbound_layer.name}[{self.node_index}] <- [{inbound}]>"
