"""Mapping a graph: from output tensors back to the inputs, as a networkx DiGraph.

``map_graph(inputs, outputs)`` walks back from the outputs through each
tensor's ``_keras_history`` and records every Node met as a vertex of a
``networkx.DiGraph`` whose edges run from producer node to consumer node.
Everything else comes from networkx algorithms on that graph, never from
recursion, so a 10,000-layer chain maps in linear time:

* the execution order is networkx's depth-first post-order from the output
  nodes (inputs in call order), which is also the order Keras 2.2.4 records
  its nodes in;
* depths follow Keras 2.2.4: output nodes have depth 0, a node is one deeper
  than the deepest node consuming it, and a shared layer's nodes are never
  placed shallower than the deepest of them seen so far;
* ``layers`` are ordered by decreasing depth, ties by the order in which a
  depth-first walk from the outputs first meets them (an Input no output
  needs comes first), as in Keras.

Tensors given in ``inputs`` are fed, not computed: the walk stops there. An
``Input`` tensor keeps its InputLayer node in the graph (as Keras counts it in
``nodes_by_depth`` and ``layers``); an intermediate tensor given as input (for
``K.function``) cuts its producer off.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from graphkeras.engine.node import Node


@dataclass
class GraphMap:
    """The mapped graph of a Network (or of a ``K.function``)."""

    graph: nx.DiGraph
    execution_order: list[Node]
    node_depths: dict = field(repr=False)
    nodes_by_depth: dict[int, list[Node]] = field(repr=False)
    layers_by_depth: dict[int, list] = field(repr=False)
    layers: list = field(repr=False)


def build_node_graph(inputs: list, outputs: list) -> nx.DiGraph:
    """The DiGraph of every node needed to compute ``outputs`` from ``inputs``.

    Vertices are Node objects; an edge ``producer -> consumer`` exists for each
    producer whose output the consumer reads. Output nodes are inserted first
    (in output order) and each node's producers in its input order, which
    fixes the order of networkx's traversals below.
    """
    fed = {id(tensor) for tensor in inputs}
    graph = nx.DiGraph()
    # An output that is fed (K.function([h], [h])) is not computed: its producer stays out.
    output_nodes = [
        tensor.node for tensor in outputs if id(tensor) not in fed or tensor.node.is_own_node
    ]
    graph.add_nodes_from(output_nodes)
    expanded: set[int] = set()
    pending = list(reversed(output_nodes))
    while pending:
        node = pending.pop()
        if id(node) in expanded:
            continue
        expanded.add(id(node))
        if node.is_own_node:
            continue
        producers = []
        for tensor in node.input_tensors:
            producer = tensor.node
            if id(tensor) in fed and not producer.is_own_node:
                continue
            graph.add_edge(producer, node)
            producers.append(producer)
        pending.extend(reversed(producers))
    # An Input no output depends on still belongs to the model (as in Keras 3).
    for tensor in inputs:
        node = tensor.node
        if node is not None and node.is_own_node and node not in graph:
            graph.add_node(node)
    return graph


def _traversal_rank(graph: nx.DiGraph, inputs: list, outputs: list, layer_depths: dict) -> dict:
    """Each layer's sort key: decreasing depth, then first meeting in a walk from the outputs.

    The walk is networkx's depth-first pre-order over producers, starting at
    the output nodes in order; an Input that no output needs ranks before all.
    """
    first_met: dict = {}
    output_nodes = {id(tensor.node) for tensor in outputs}
    for tensor in inputs:
        node = tensor.node
        if node in graph and graph.out_degree(node) == 0 and id(node) not in output_nodes:
            first_met[node.outbound_layer] = -1
    for node in nx.dfs_preorder_nodes(graph.reverse(copy=False)):
        first_met.setdefault(node.outbound_layer, len(first_met))
    return {layer: (-depth, first_met[layer]) for layer, depth in layer_depths.items()}


def map_graph(inputs: list, outputs: list, check_names: bool = True) -> GraphMap:
    """Map, order and check the graph between ``inputs`` and ``outputs``.

    Raises ``ValueError`` when an output needs a tensor that is neither
    computable nor fed (naming the tensor, the layer that needs it and the
    layers reached so far) and, with ``check_names``, when two layers share
    a name.
    """
    graph = build_node_graph(inputs, outputs)
    # Depth-first post-order over producers: every node after all it consumes.
    execution_order = list(nx.dfs_postorder_nodes(graph.reverse(copy=False)))
    _check_connected(execution_order, inputs)

    node_depths: dict = {}
    layer_depths: dict = {}
    for node in reversed(execution_order):
        depth = max(node_depths.setdefault(node, 0), layer_depths.get(node.outbound_layer, 0))
        layer_depths[node.outbound_layer] = depth
        node_depths[node] = depth
        for producer in graph.predecessors(node):
            node_depths[producer] = max(depth + 1, node_depths.get(producer, 0))

    nodes_by_depth: dict[int, list[Node]] = {}
    for node, depth in node_depths.items():
        nodes_by_depth.setdefault(depth, []).append(node)
    rank = _traversal_rank(graph, inputs, outputs, layer_depths)
    layers = sorted(layer_depths, key=rank.__getitem__)
    layers_by_depth: dict[int, list] = {}
    for layer in layers:
        layers_by_depth.setdefault(layer_depths[layer], []).append(layer)

    if check_names:
        counts = Counter(layer.name for layer in layers)
        for name, count in counts.items():
            if count > 1:
                raise ValueError(
                    f'The name "{name}" is used {count} times in the model. '
                    "All layer names should be unique."
                )
    return GraphMap(
        graph=graph,
        execution_order=execution_order,
        node_depths=node_depths,
        nodes_by_depth=nodes_by_depth,
        layers_by_depth=layers_by_depth,
        layers=layers,
    )


def _check_connected(execution_order: list[Node], inputs: list) -> None:
    """Walk the nodes in order; the first input that cannot be computed is an error."""
    computable = {id(tensor) for tensor in inputs}
    reached: list[str] = []
    for node in execution_order:
        if node.is_own_node:
            tensor = node.output_tensors[0]
            if id(tensor) not in computable:
                continue
            reached.append(node.outbound_layer.name)
            continue
        for tensor in node.input_tensors:
            if id(tensor) not in computable:
                raise ValueError(
                    f"Graph disconnected: cannot obtain value for tensor {tensor.name} "
                    f'(shape {tensor.shape}) needed by layer "{node.outbound_layer.name}". '
                    "It comes from an Input that is not among the model's inputs. "
                    f"The following previous layers were accessed without issue: {reached}"
                )
        computable.update(id(tensor) for tensor in node.output_tensors)
        reached.append(node.outbound_layer.name)


def get_source_inputs(tensor) -> list:
    """The Input tensors ``tensor`` depends on, each once, in the order met walking back.

    The walk visits each node's inputs in call order, so for
    ``concatenate([f(a), g(b)])`` the result is ``[a, b]``.
    """
    graph = build_node_graph([], [tensor])
    sources = []
    for node in nx.dfs_preorder_nodes(graph.reverse(copy=False), source=tensor.node):
        if node.is_own_node:
            sources.append(node.output_tensors[0])
    return sources
