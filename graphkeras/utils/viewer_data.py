"""The viewer page's data: a model's graphs, laid out, as compact JSON-ready lists.

:func:`viewer_data` reads the model once and returns a plain dict the page
embeds. Two tables carry it:

* ``layers``: one row per layer (every scope's, nested models'
  included): name, class, config (made JSON-safe), parameter count, weight
  shapes and statistics (only for built weights), and one entry per call
  the model holds: node index, input and output shapes, and the Keras
  triples ``"layer[node][tensor]"`` the call reads.
* ``levels``: ``"layers"`` and ``"nodes"``, each the vertices of every
  scope (the top model and each nested functional model, keyed as
  :func:`graphkeras.utils.to_networkx` keys them with ``expand_nested=True``),
  placed in their own scope's coordinates; the edges inside each scope, with
  their labels and, from the layered layout, their routes (flat ``[x0, y0,
  x1, y1, ...]`` polylines that pass no box; empty for the banded layout);
  and the edges that cross a nested model's border, with the nested-model
  calls they pass through, so the page can rewire them when a nested model
  opens in place.

Every row is a list, not an object, so a 10,000-layer chain stays a few
megabytes. The field order of each row is given by the ``*_FIELDS`` tuples,
which are also written into the data so the page names them once.
"""

from __future__ import annotations

import math
import re

import numpy as np

from graphkeras import backend as K
from graphkeras.utils.gc_pause import gc_paused
from graphkeras.utils.model_graph import count_params, to_networkx
from graphkeras.utils.svg_drawing import BADGE_SIZE, PADDING_X, TITLE_SIZE, text_width
from graphkeras.utils.viewer_layout import place_boxes

LEVELS = {"layers": "layer", "nodes": "node"}
"""The page's level names and the :func:`to_networkx` level each one reads."""

LAYER_FIELDS = ("name", "className", "isModel", "config", "params", "weights", "calls")
VERTEX_FIELDS = ("key", "layer", "nodeIndex", "scope", "x", "y", "w", "h", "calls", "opens")
EDGE_FIELDS = ("from", "to", "label", "route")
CROSSING_FIELDS = ("from", "to", "label", "through", "sourceLabels")
SCOPE_FIELDS = ("name", "parent", "width", "height")
WEIGHT_FIELDS = ("name", "shape", "min", "mean", "max", "std")
CALL_FIELDS = ("nodeIndex", "inputShapes", "outputShapes", "inbound")

SMALL_WEIGHT_SIZE = 4096
"""Weights up to this many values are reduced together; larger ones one at a time."""
BOX_HEIGHT = 44.0
MIN_BOX_WIDTH = 96.0
_THROUGH_KEY = re.compile(r"^(.*)\[(\d+)\]$")


def viewer_data(model, include_statistics: bool = True) -> dict:
    """The page's data for a built ``model``; see the module docstring for its shape.

    ``include_statistics=False`` leaves out weight statistics (min, mean,
    max, std), which read every weight once.
    """
    # Hundreds of thousands of small lists and dicts, all kept: the cyclic collector
    # would only rescan them.
    with gc_paused():
        return _viewer_data(model, include_statistics)


def _viewer_data(model, include_statistics: bool) -> dict:
    layers = _LayerTable(include_statistics)
    if getattr(model, "_is_graph_network", False):
        scope_models = _scope_models(model)
        for scope_model in scope_models.values():
            layers.add_calls(scope_model)
        levels = {
            name: _LevelBuilder(model, level, scope_models, layers).build()
            for name, level in LEVELS.items()
        }
    else:
        levels = {name: _single_box_level(model, layers) for name in LEVELS}
    layers.fill_statistics()
    return {
        "name": model.name,
        "className": type(model).__name__,
        "params": count_params(model),
        "fields": {
            "layer": LAYER_FIELDS,
            "vertex": VERTEX_FIELDS,
            "edge": EDGE_FIELDS,
            "crossing": CROSSING_FIELDS,
            "scope": SCOPE_FIELDS,
            "weight": WEIGHT_FIELDS,
            "call": CALL_FIELDS,
        },
        "layers": layers.records,
        "configs": layers.configs,
        "levels": levels,
    }


def json_safe(value, depth: int = 0):
    """``value`` as JSON can hold it: numbers, strings, lists, dicts; anything else as repr.

    Non-finite floats become their repr (``"nan"``, ``"inf"``); NumPy scalars
    and small arrays become numbers and lists.
    """
    if depth > 32:
        return repr(value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else repr(number)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, dict):
        return {str(key): json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item, depth + 1) for item in value]
    if isinstance(value, np.ndarray) and value.size <= 64:
        return json_safe(value.tolist(), depth + 1)
    return repr(value)


def box_size(name: str, class_name: str, calls: int) -> tuple[float, float]:
    """A box wide enough for its name (bold), its class and a ``×N`` badge."""
    badge = text_width(f"×{calls}", BADGE_SIZE) + 12 if calls > 1 else 0.0
    width = max(text_width(name, TITLE_SIZE, bold=True) + badge, text_width(class_name, 11.0))
    return max(MIN_BOX_WIDTH, round(width + 2 * PADDING_X)), BOX_HEIGHT


def tensor_label(layer_name: str, node_index: int, tensor_index: int) -> str:
    """Keras's coordinates of a tensor as the page shows them: ``"dense[1][0]"``."""
    return f"{layer_name}[{node_index}][{tensor_index}]"


def _shape(value) -> list | None:
    shape = getattr(value, "shape", None)
    return None if shape is None else [None if size is None else int(size) for size in shape]


def _scope_models(model) -> dict:
    """The top model (scope ``None``) and every nested functional model, by scope name."""
    scopes = {None: model}
    if any(getattr(layer, "_is_graph_network", False) for layer in model._layers):
        groups = to_networkx(model, level="layer", expand_nested=True).graph["groups"]
        scopes.update({name: group["layer"] for name, group in groups.items()})
    return scopes


class _LayerTable:
    """One record per layer, found by identity; each row of a level points at one."""

    def __init__(self, include_statistics: bool) -> None:
        self.include_statistics = include_statistics
        self.records: list[list] = []
        self.index: dict[int, int] = {}
        self.calls_seen: set[int] = set()
        self.pending: dict[int, tuple[object, list[list]]] = {}
        self.configs: list[dict] = []
        self.config_index: dict[str, int] = {}

    def record(self, layer) -> int:
        position = self.index.get(id(layer))
        if position is None:
            position = self.index[id(layer)] = len(self.records)
            weights = self._weights(layer)
            self.records.append(
                [
                    layer.name,
                    type(layer).__name__,
                    hasattr(layer, "_is_graph_network"),
                    self._config_number(layer),
                    sum(math.prod(row[1]) for row in weights),
                    weights,
                    [],
                ]
            )
        return position

    def _config_number(self, layer) -> int:
        """The position of ``layer``'s config, less its name, in the shared config list.

        Layers built alike (a chain of ``Dense(64)``) share one entry, which
        keeps a deep model's page small; the page puts the name back.
        """
        config = _raw_config(layer)
        config.pop("name", None)
        # Compared as written by repr, before the (slower) conversion to JSON-safe values.
        text = repr(config)
        number = self.config_index.get(text)
        if number is None:
            number = self.config_index[text] = len(self.configs)
            self.configs.append(json_safe(config))
        return number

    def add_calls(self, model) -> None:
        """Record every call ``model`` holds, on the layer that made it, in execution order."""
        indices: dict[int, dict[int, int]] = {}
        for node in model._execution_order:
            if id(node) in self.calls_seen:
                continue
            self.calls_seen.add(id(node))
            layer = node.outbound_layer
            numbering = indices.get(id(layer))
            if numbering is None:
                numbering = {id(known): i for i, known in enumerate(layer._inbound_nodes)}
                indices[id(layer)] = numbering
            inbound = []
            if not node.is_own_node:
                for tensor in node.input_tensors:
                    source, node_index, tensor_index = tensor._keras_history
                    inbound.append(tensor_label(source.name, node_index, tensor_index))
            inputs = [] if node.is_own_node else node.input_tensors
            self.records[self.record(layer)][LAYER_FIELDS.index("calls")].append(
                [
                    numbering[id(node)],
                    [_shape(tensor) for tensor in inputs],
                    [_shape(tensor) for tensor in node.output_tensors],
                    inbound,
                ]
            )

    def _weights(self, layer) -> list[list]:
        """Each weight's ``[name, shape, min, mean, max, std]``; statistics filled by
        :meth:`fill_statistics`, once per weight however many records list it (a
        nested model's record lists its layers' weights too)."""
        if not getattr(layer, "built", False):
            return []
        rows = []
        for weight in layer.weights:
            row = [getattr(weight, "path", None) or weight.name, [int(n) for n in weight.shape]]
            rows.append([*row, None, None, None, None])
            if self.include_statistics:
                # The weight itself is kept beside its rows, so its id stays its own.
                self.pending.setdefault(id(weight), (weight, []))[1].append(rows[-1])
        return rows

    def fill_statistics(self) -> None:
        """Min, mean, max and std of every pending weight.

        A large weight is reduced in place (float64 accumulators, no float64
        copy of its values); the small ones, often thousands, are joined and
        reduced together, one ``reduceat`` a statistic rather than four NumPy
        calls apiece.
        """
        small = []
        for weight, rows in self.pending.values():
            values = np.asarray(K.convert_to_numpy(weight))
            if values.size > SMALL_WEIGHT_SIZE:
                statistics = (
                    values.min(),
                    values.mean(dtype=np.float64),
                    values.max(),
                    values.std(dtype=np.float64),
                )
                for row in rows:
                    row[2:6] = [_rounded(value) for value in statistics]
            elif values.size:
                small.append((rows, values.ravel()))
        self.pending = {}
        if not small:
            return
        # One conversion to float64, after joining (the weights may mix dtypes).
        flat = np.concatenate([values for _, values in small]).astype(np.float64, copy=False)
        sizes = np.array([values.size for _, values in small])
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        means = np.add.reduceat(flat, starts) / sizes
        spread = np.add.reduceat((flat - np.repeat(means, sizes)) ** 2, starts) / sizes
        columns = (
            np.minimum.reduceat(flat, starts),
            means,
            np.maximum.reduceat(flat, starts),
            np.sqrt(spread),
        )
        for position, (rows, _) in enumerate(small):
            for row in rows:
                row[2:6] = [_rounded(column[position]) for column in columns]


def _rounded(value: float):
    """Six significant digits: what a panel shows, at a third of the characters."""
    return json_safe(float(f"{float(value):.6g}"))


def _raw_config(layer) -> dict:
    """``layer.get_config()`` (a nested model's without its layer list), or why it failed."""
    try:
        config = layer.get_config()
    except (NotImplementedError, TypeError, ValueError, AttributeError) as error:
        return {"error": f"get_config() failed: {type(error).__name__}: {error}"}
    if getattr(layer, "_is_graph_network", False):
        # The nested layers are boxes of their own; their list would repeat the graph.
        config = {key: value for key, value in config.items() if key != "layers"}
    return dict(config)


class _LevelBuilder:
    """The vertices, edges and border-crossing edges of one level, every scope laid out."""

    def __init__(self, model, level: str, scope_models: dict, layers: _LayerTable) -> None:
        self.model = model
        self.level = level
        self.scope_models = scope_models
        self.layers = layers
        self.scope_names = list(scope_models)
        self.vertices: list[list] = []
        self.vertex_index: dict[str, int] = {}
        self.edges: list[list] = []
        self.scopes: list[list] = []

    def build(self) -> dict:
        for name in self.scope_names:
            self._add_scope(name)
        for vertex in self.vertices:
            # A nested model's box opens the scope of the same key (layer level) or
            # the scope named by its key without the node index (node level).
            scope_name = vertex[0] if self.level == "layer" else _THROUGH_KEY.sub(r"\1", vertex[0])
            if scope_name in self.scope_models and scope_name is not None:
                vertex[9] = self.scope_names.index(scope_name) - 1
        crossings = self._crossings() if len(self.scope_names) > 1 else []
        return {
            "scopes": self.scopes,
            "vertices": self.vertices,
            "edges": self.edges,
            "crossings": crossings,
        }

    def _add_scope(self, name) -> None:
        model = self.scope_models[name]
        prefix = "" if name is None else f"{name}/"
        scope_number = -1 if name is None else self.scope_names.index(name) - 1
        graph = to_networkx(model, level=self.level)
        calls: dict[int, int] = {}
        for node in model._execution_order:
            calls[id(node.outbound_layer)] = calls.get(id(node.outbound_layer), 0) + 1
        sizes = {}
        rows = {}
        for key, data in graph.nodes(data=True):
            layer = data["layer"]
            count = calls.get(id(layer), 1)
            # At node level a box's title is its key: "name[node index]".
            sizes[key] = box_size(key, data["class_name"], count)
            node_index = int(key.rsplit("[", 1)[1][:-1]) if self.level == "node" else None
            rows[key] = [prefix + key, self.layers.record(layer), node_index, scope_number]
            rows[key].append(count)
        rects, routes, width, height = place_boxes(graph, sizes)
        for key, row in rows.items():
            x, y, w, h = rects[key]
            self.vertex_index[row[0]] = len(self.vertices)
            self.vertices.append([*row[:4], *map(_compact, (x, y, w, h)), row[4], None])
        for source, target, key, data in graph.edges(keys=True, data=True):
            label = tensor_label(
                graph.nodes[source]["layer"].name, data["node_index"], data["tensor_index"]
            )
            route = [
                _compact(value)
                for point in routes.get((source, target, key), ())
                for value in point
            ]
            self.edges.append(
                [
                    self.vertex_index[prefix + source],
                    self.vertex_index[prefix + target],
                    label,
                    route,
                ]
            )
        if name is not None:
            parent = self.scope_names.index(_parent_scope(name, self.scope_models)) - 1
            self.scopes.append([name, parent, _compact(width), _compact(height)])

    def _crossings(self) -> list[list]:
        """Edges of the fully expanded graph that pass through a nested model's border."""
        expanded = to_networkx(self.model, level=self.level, expand_nested=True)
        rows = []
        for source, target, data in expanded.edges(data=True):
            through = data["through"]
            if not through:
                continue
            layer = expanded.nodes[source]["layer"]
            rows.append(
                [
                    self.vertex_index[source],
                    self.vertex_index[target],
                    tensor_label(layer.name, data["node_index"], data["tensor_index"]),
                    [self.vertex_index[self._box_key(key)] for key in through],
                    self._source_labels(expanded.nodes[source], through, data),
                ]
            )
        return rows

    def _box_key(self, through_key: str) -> str:
        """The vertex key of a nested-model call named in an edge's ``through`` list."""
        return _THROUGH_KEY.sub(r"\1", through_key) if self.level == "layer" else through_key

    def _source_labels(self, source_data: dict, through: list, data: dict) -> list[list]:
        """For each nested-model call the edge leaves, the label of the tensor it leaves by.

        ``[[box vertex, "model[node][tensor]"], ...]``, outermost first: drawn
        from a collapsed nested model, the edge carries that model's output.
        """
        source_scope = source_data.get("scope") or ""
        leaving = []
        for key in through:
            scope_name = _THROUGH_KEY.sub(r"\1", key)
            if source_scope == scope_name or source_scope.startswith(scope_name + "/"):
                leaving.append(key)
        labels = []
        coordinates = (source_data["layer"], data["node_index"], data["tensor_index"])
        for key in reversed(leaving):
            scope_name, node_index = _THROUGH_KEY.match(key).groups()
            nested = self.scope_models[scope_name]
            tensor_index = next(
                (
                    position
                    for position, (layer, node, tensor) in enumerate(nested._output_coordinates)
                    if layer is coordinates[0]
                    and node == coordinates[1]
                    and tensor == coordinates[2]
                ),
                0,
            )
            coordinates = (nested, int(node_index), tensor_index)
            labels.append(
                [
                    self.vertex_index[self._box_key(key)],
                    tensor_label(nested.name, int(node_index), tensor_index),
                ]
            )
        return labels[::-1]


def _compact(coordinate: float) -> float | int:
    """A layout coordinate to a tenth of a unit, written as an int when whole ("96", not "96.0")."""
    rounded = round(float(coordinate), 1)
    return int(rounded) if rounded.is_integer() else rounded


def _parent_scope(name: str, scope_models: dict):
    parent = name.rsplit("/", 1)[0] if "/" in name else None
    return parent if parent in scope_models else None


def _single_box_level(model, layers: _LayerTable) -> dict:
    """A model with no graph of layers (subclassed): one model box, as ``plot_model`` draws it."""
    width, height = box_size(model.name, type(model).__name__, 1)
    vertex = [model.name, layers.record(model), None, -1, 12, 12, width, height, 1, None]
    return {"scopes": [], "vertices": [vertex], "edges": [], "crossings": []}
