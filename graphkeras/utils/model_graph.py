"""to_networkx: a functional model's graph as a ``networkx.MultiDiGraph`` you can walk.

Two views of the same graph:

* ``level="layer"``: one vertex per layer, keyed by the layer's name. A shared
  layer is one vertex with several edges in (one per call and input), each
  edge saying which call reads it (``consumer_node_index``).
* ``level="node"``: one vertex per call event, keyed ``"<layer name>[<node
  index>]"`` (the node's position in ``layer._inbound_nodes``), so each call
  of a shared layer is a vertex of its own.

Vertex attributes: ``layer``, ``node`` (node level only), ``class_name``,
``output_shapes`` (list of tuples), ``dtypes`` (list of str), ``params``,
``trainable``, ``shared`` (the layer has more than one node inside the model
that holds it), ``is_model`` (a nested model), ``depth`` (the node's depth, or
at layer level the layer's), ``parent`` (the name of the nested model the
vertex was expanded from; ``None`` at top level) and ``scope`` (the key prefix
of that nested model, such as ``"encoder"`` or ``"encoder/block"``; ``None``
at top level). At layer level ``output_shapes`` and ``dtypes`` are those of
the layer's first call in execution order; the node level has every call's.

Edge attributes: ``node_index`` and ``tensor_index`` of the tensor carried
(Keras numbering: output ``tensor_index`` of the producer's node
``node_index``), ``consumer_node_index`` (which call of the consumer reads
it) and ``through`` (the node keys of the nested-model calls an expanded
edge was rewired through; empty otherwise). Vertices are added in
``model.layers`` order (layer level, InputLayers included, also for a
Sequential) or execution order (node level); edges in execution order.

With ``expand_nested=True`` a nested functional model is replaced by its own
vertices, keyed ``"<outer name>/<inner key>"`` (recursively), and each edge
into or out of it is rewired to the inner InputLayer or output layer that
really reads or writes the tensor, as Keras's ``model_to_dot`` does. The
nested model's own edges appear once, however many times it is called: its
calls share the same inner nodes. ``graph.graph["groups"]`` maps each
expanded scope to ``{"layer", "name", "class_name", "parent", "calls",
"shared"}`` (``parent`` being the enclosing scope), so drawings can box them.

Nesting is walked with an explicit stack, not recursion.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

from graphkeras import backend as K
from graphkeras.utils.gc_pause import gc_paused

LEVELS = ("layer", "node")


def to_networkx(model, level: str = "layer", expand_nested: bool = False) -> nx.MultiDiGraph:
    """The graph of a functional ``model`` as a ``networkx.MultiDiGraph``.

    >>> graph = to_networkx(model, level="node")
    >>> graph.nodes["shared[1]"]["output_shapes"]
    [(None, 3)]
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {list(LEVELS)}; received level={level!r}.")
    require_functional(model, "to_networkx")
    # Bulk construction of long-lived objects: the cyclic collector would only slow it.
    with gc_paused():
        return _GraphBuilder(model, level, expand_nested).build()


def require_built(model) -> None:
    """Raise ``ValueError`` unless ``model`` is built: a drawing or summary needs its shapes."""
    if not getattr(model, "built", False):
        raise ValueError(
            f"Model '{model.name}' has not been built yet: call it on data, or call "
            "build(input_shape), or give its first layer an input shape."
        )


def require_functional(model, what: str) -> None:
    """Raise ``ValueError`` unless ``model`` is a built functional (graph) model."""
    if not getattr(model, "_is_graph_network", False) or not getattr(model, "built", False):
        name = getattr(model, "name", type(model).__name__)
        raise ValueError(
            f"{what} needs a built functional model (one made from inputs and outputs, or "
            f"a Sequential with an input shape); '{name}' ({type(model).__name__}) has no "
            "graph of layers to show. Build it first, for example by calling it on data."
        )


def node_key(layer, node_index: int) -> str:
    """The node-level key of ``layer._inbound_nodes[node_index]``: ``"name[index]"``."""
    return f"{layer.name}[{node_index}]"


def vertex_input_shapes(graph: nx.MultiDiGraph, key: str) -> list:
    """The shapes vertex ``key``'s first call (lowest node index) reads, in input order.

    Read from the edges into ``key`` and the producers' ``output_shapes``; a
    tensor index past what the producer lists gives ``None``.
    """
    edges = list(graph.in_edges(key, data=True))
    if not edges:
        return []
    first_call = min(data["consumer_node_index"] for _, _, data in edges)
    shapes = []
    for source, _, data in edges:
        if data["consumer_node_index"] == first_call:
            produced = graph.nodes[source]["output_shapes"]
            index = data["tensor_index"]
            shapes.append(produced[index] if index < len(produced) else None)
    return shapes


@dataclass
class _Scope:
    """One model whose vertices are being listed: the top model or an expanded nested one."""

    model: object
    prefix: str = ""
    parent: str | None = None
    # Derived once per scope: each layer's node indices, first node, and call count.
    node_indices: dict = field(default_factory=dict, repr=False)
    first_nodes: dict = field(default_factory=dict, repr=False)
    calls: dict = field(default_factory=dict, repr=False)
    layer_depths: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for node in self.model._execution_order:
            layer = node.outbound_layer
            self.calls[layer] = self.calls.get(layer, 0) + 1
            self.first_nodes.setdefault(layer, node)
        for depth, layers in self.model._layers_by_depth.items():
            for layer in layers:
                self.layer_depths[layer] = depth

    @property
    def name(self) -> str | None:
        """The scope's key path without the trailing slash (``None`` at top level)."""
        return self.prefix[:-1] or None

    def index_of(self, node) -> int:
        layer = node.outbound_layer
        indices = self.node_indices.get(layer)
        if indices is None:
            indices = {id(candidate): i for i, candidate in enumerate(layer._inbound_nodes)}
            self.node_indices[layer] = indices
        return indices[id(node)]

    def key(self, layer, node_index: int, level: str) -> str:
        if level == "layer":
            return self.prefix + layer.name
        return self.prefix + node_key(layer, node_index)

    def child(self, nested_model) -> _Scope:
        return _Scope(nested_model, f"{self.prefix}{nested_model.name}/", nested_model.name)


class _GraphBuilder:
    """Lists vertices, then edges, of one model (and its expanded nested models)."""

    def __init__(self, model, level: str, expand_nested: bool) -> None:
        self.model = model
        self.level = level
        self.expand_nested = expand_nested
        self.graph = nx.MultiDiGraph(name=model.name, level=level, expand_nested=expand_nested)
        self.graph.graph["groups"] = {}
        self.top = _Scope(model)
        self.scopes: dict[int, _Scope] = {}
        # Counted once per layer: a shared layer has a vertex per call at node level.
        self.params: dict[int, int] = {}

    def build(self) -> nx.MultiDiGraph:
        if self.level == "layer":
            self._add_layer_vertices()
        else:
            self._add_node_vertices()
        self._add_edges()
        return self.graph

    # ---------------------------------------------------------------- nesting
    def expands(self, layer) -> bool:
        return self.expand_nested and getattr(layer, "_is_graph_network", False)

    def _walk_nodes(self) -> Iterator[tuple[_Scope, object]]:
        """Every node in execution order, each with its scope.

        An expanded nested model's call is followed by the nested model's own
        nodes, listed once however many times it is called: its calls share them.
        """
        expanded: set[int] = set()
        stack: list[tuple[_Scope, Iterator]] = [(self.top, iter(self.top.model._execution_order))]
        while stack:
            scope, nodes = stack[-1]
            node = next(nodes, None)
            if node is None:
                stack.pop()
                continue
            yield scope, node
            layer = node.outbound_layer
            if self.expands(layer):
                child = self.child_scope(scope, layer)
                if id(child) not in expanded:
                    expanded.add(id(child))
                    stack.append((child, iter(layer._execution_order)))

    def child_scope(self, scope: _Scope, nested_model) -> _Scope:
        """The scope of ``nested_model`` inside ``scope`` (made once, then reused)."""
        key = (id(scope), id(nested_model))
        child = self.scopes.get(key)
        if child is None:
            child = scope.child(nested_model)
            self.scopes[key] = child
            calls = scope.calls.get(nested_model, 0)
            self.graph.graph["groups"][child.name] = {
                "layer": nested_model,
                "name": nested_model.name,
                "class_name": type(nested_model).__name__,
                "parent": scope.name,
                "calls": calls,
                "shared": calls > 1,
            }
        return child

    # --------------------------------------------------------------- vertices
    def _add_layer_vertices(self) -> None:
        stack: list[tuple[_Scope, Iterator]] = [(self.top, iter(self.top.model._layers))]
        while stack:
            scope, layers = stack[-1]
            layer = next(layers, None)
            if layer is None:
                stack.pop()
                continue
            if self.expands(layer):
                child = self.child_scope(scope, layer)
                stack.append((child, iter(layer._layers)))
                continue
            node = scope.first_nodes.get(layer)
            self.graph.add_node(
                scope.key(layer, 0, "layer"),
                **self._attributes(scope, layer, node, scope.layer_depths.get(layer, 0)),
            )

    def _add_node_vertices(self) -> None:
        for scope, node in self._walk_nodes():
            layer = node.outbound_layer
            if self.expands(layer):
                continue  # its inner nodes follow, each a vertex of its own
            attributes = self._attributes(scope, layer, node, scope.model._node_depths[node])
            self.graph.add_node(scope.key(layer, scope.index_of(node), "node"), **attributes)

    def count_params(self, layer) -> int:
        count = self.params.get(id(layer))
        if count is None:
            count = self.params[id(layer)] = count_params(layer)
        return count

    def _attributes(self, scope: _Scope, layer, node, depth: int) -> dict:
        outputs = node.output_tensors if node is not None else []
        attributes = {
            "layer": layer,
            "class_name": type(layer).__name__,
            "output_shapes": [tuple(tensor.shape) for tensor in outputs],
            "dtypes": [str(tensor.dtype) for tensor in outputs],
            "params": self.count_params(layer),
            "trainable": bool(layer.trainable),
            "shared": scope.calls.get(layer, 0) > 1,
            # Every Network (functional, Sequential or subclassed) sets this flag.
            "is_model": hasattr(layer, "_is_graph_network"),
            "depth": depth,
            "parent": scope.parent,
            "scope": scope.name,
        }
        if self.level == "node":
            attributes["node"] = node
        return attributes

    # ------------------------------------------------------------------ edges
    def _add_edges(self) -> None:
        for scope, node in self._walk_nodes():
            if node.is_own_node:
                continue  # an InputLayer's own node reads no other layer
            layer = node.outbound_layer
            consumer_index = scope.index_of(node)
            for position, tensor in enumerate(node.input_tensors):
                source, node_index, tensor_index = tensor._keras_history
                source_key, node_index, tensor_index, through_out = self._resolve_source(
                    scope, source, node_index, tensor_index
                )
                target_key, target_index, through_in = self._resolve_target(
                    scope, layer, consumer_index, position
                )
                self.graph.add_edge(
                    source_key,
                    target_key,
                    node_index=node_index,
                    tensor_index=tensor_index,
                    consumer_node_index=target_index,
                    through=through_out + through_in,
                )

    def _resolve_source(self, scope: _Scope, layer, node_index: int, tensor_index: int) -> tuple:
        """The vertex that really produces output ``tensor_index`` of ``layer``'s node."""
        through = []
        while self.expands(layer):
            through.append(scope.prefix + node_key(layer, node_index))
            scope = self.child_scope(scope, layer)
            layer, node_index, tensor_index = layer._output_coordinates[tensor_index]
        return scope.key(layer, node_index, self.level), node_index, tensor_index, through

    def _resolve_target(self, scope: _Scope, layer, node_index: int, position: int) -> tuple:
        """The vertex that really reads input ``position`` of ``layer``'s node ``node_index``."""
        through = []
        while self.expands(layer):
            through.append(scope.prefix + node_key(layer, node_index))
            scope = self.child_scope(scope, layer)
            # A tensor passed beside the model's inputs (a mask keyword) has no
            # InputLayer of its own: it is drawn into the first one.
            inputs = layer.inputs
            history = inputs[min(position, len(inputs) - 1)]._keras_history
            layer, node_index, position = history.layer, history.node_index, 0
        return scope.key(layer, node_index, self.level), node_index, through


def count_params(layer) -> int:
    """The number of scalars in ``layer``'s weights (0 while it is not built)."""
    if not layer.built:
        return 0
    return int(sum(K.count_params(weight) for weight in layer.weights))
