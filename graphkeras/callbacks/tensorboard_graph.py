"""A model's graph as the ``GraphDef`` TensorBoard's Graphs tab draws.

TensorBoard draws a TensorFlow ``GraphDef``: a list of named nodes, each
with an ``op``, the names of the nodes whose outputs it consumes, and
attributes. A graphkeras model maps onto it call by call: every Node of the
model (one call of a layer) becomes one ``NodeDef`` whose ``op`` is the
layer's class name, whose ``input`` lists the calls that produced its input
tensors (``"dense:1"`` for a call's second output, as TensorFlow writes
it), and whose ``_output_shapes`` attribute, which TensorBoard prints on the
edges, holds the call's output shapes (``-1`` for an unknown dimension).

A layer called once is named by the layer's name; a layer called several
times in the model (a shared layer) gets one node per call, named
``<layer>/call_<i>``, which TensorBoard draws as a box holding the calls. A
nested model is one node (its op its class name).

The graph is read through the documented attributes of the model and its
nodes (``model.outputs``, ``tensor._keras_history``, ``node.inbound_layers``,
``node.node_indices``, ...), so this module needs no part of the engine.
The proto classes are tensorboardX's, imported only when a graph is made.
"""

from __future__ import annotations

from typing import Any

# The version of TensorFlow's graph format the nodes follow (TensorBoard only shows it).
_GRAPH_PRODUCER = 22


def model_graph_def(model: Any) -> Any:
    """The ``GraphDef`` of ``model``'s calls, or None for a model without a graph.

    A subclassed model, or a Sequential not yet built, has no recorded
    graph (no ``outputs``): None.
    """
    outputs = _graph_outputs(model)
    if not outputs:
        return None
    from tensorboardX.proto.attr_value_pb2 import AttrValue
    from tensorboardX.proto.graph_pb2 import GraphDef
    from tensorboardX.proto.node_def_pb2 import NodeDef
    from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboardX.proto.versions_pb2 import VersionDef

    nodes = nodes_in_order(outputs)
    names = node_names(nodes)
    node_defs = []
    for node in nodes:
        inputs = [
            _input_reference(names[id(parent)], tensor_index)
            for parent, tensor_index in input_sources(node)
        ]
        shapes = [
            TensorShapeProto(
                dim=[TensorShapeProto.Dim(size=-1 if size is None else int(size)) for size in shape]
            )
            for shape in node.output_shapes
        ]
        dtypes = sorted({str(tensor.dtype) for tensor in node.output_tensors})
        node_defs.append(
            NodeDef(
                name=names[id(node)],
                op=type(node.outbound_layer).__name__,
                input=inputs,
                attr={
                    "_output_shapes": AttrValue(list=AttrValue.ListValue(shape=shapes)),
                    "dtype": AttrValue(s=",".join(dtypes).encode("utf-8")),
                },
            )
        )
    return GraphDef(node=node_defs, versions=VersionDef(producer=_GRAPH_PRODUCER))


def nodes_in_order(outputs: list) -> list:
    """The nodes ``outputs`` depend on, each once, every node after the nodes it consumes.

    An iterative depth-first walk back from the outputs through each
    node's inputs, so a deep model cannot exhaust the stack.
    """
    ordered: list = []
    finished: set[int] = set()
    stack = [(_producing_node(tensor), False) for tensor in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in finished:
            continue
        if expanded:
            finished.add(id(node))
            ordered.append(node)
            continue
        stack.append((node, True))
        stack.extend(
            (parent, False)
            for parent, _ in reversed(input_sources(node))
            if id(parent) not in finished
        )
    return ordered


def node_names(nodes: list) -> dict[int, str]:
    """``id(node) -> name``: the layer's name, or ``<layer>/call_<i>`` for a layer called often."""
    calls: dict[int, list] = {}
    for node in nodes:
        calls.setdefault(id(node.outbound_layer), []).append(node)
    names = {}
    for layer_calls in calls.values():
        layer_name = layer_calls[0].outbound_layer.name
        if len(layer_calls) == 1:
            names[id(layer_calls[0])] = layer_name
        else:
            for index, node in enumerate(layer_calls):
                names[id(node)] = f"{layer_name}/call_{index}"
    return names


def input_sources(node: Any) -> list[tuple[Any, int]]:
    """``(producing node, output index)`` for each input tensor of ``node``, in input order."""
    return [
        (layer.inbound_nodes[node_index], tensor_index)
        for layer, node_index, tensor_index in zip(
            node.inbound_layers, node.node_indices, node.tensor_indices, strict=True
        )
    ]


def _graph_outputs(model: Any) -> list:
    """The model's output KerasTensors, or ``[]`` when it has no recorded graph."""
    try:
        outputs = model.outputs
    except AttributeError:
        return []
    return list(outputs or [])


def _producing_node(tensor: Any) -> Any:
    layer, node_index, _ = tensor._keras_history
    return layer.inbound_nodes[node_index]


def _input_reference(name: str, tensor_index: int) -> str:
    """How a GraphDef names output ``tensor_index`` of node ``name``: ``"name"``, ``"name:1"``."""
    return name if tensor_index == 0 else f"{name}:{tensor_index}"
