"""model_to_dot: a model's layer graph as Graphviz DOT text, with no dependency.

The arguments are Keras's ``model_to_dot`` arguments (``show_shapes``,
``show_dtype``, ``show_layer_names``, ``rankdir``, ``expand_nested``, ``dpi``,
``subgraph``, ``show_layer_activations``, ``show_trainable``), but the result
is the DOT text itself, a ``str``: write it to a ``.dot`` file, paste it into
any Graphviz viewer, or read it; nothing needs pydot or Graphviz.

What is drawn comes from :func:`graphkeras.utils.to_networkx` at layer level:

* one DOT node per layer, keyed by the vertex key (``"encoder/hidden"`` when
  expanded), with a record label: ``name (Class)``, then the optional rows;
* one DOT edge per tensor read, so a layer called twice on one producer gets
  two edges;
* a shared layer (more than one call in its model) is drawn double-bordered
  and filled, and each edge touching it is labelled with the calls it joins:
  ``shared[1][0]`` for the tensor out of call 1, ``call 0`` for the call that
  reads it, ``via encoder[2]`` for an edge rewired through a nested model's call;
* a nested model is a rounded box, or with ``expand_nested`` a
  ``subgraph "cluster_<scope>"`` holding its layers (nested clusters for
  models nested deeper), bold and labelled with its number of calls when
  the model is called more than once.

The text is one statement per line, so it diffs well and is easy to parse.
The words of a label (:func:`layer_text`) are also those of ``plot_model``'s
SVG boxes, so both drawings say the same of each layer.
"""

from __future__ import annotations

from typing import NamedTuple

import networkx as nx

from graphkeras.utils.gc_pause import gc_paused
from graphkeras.utils.model_graph import require_built, to_networkx, vertex_input_shapes

SHARED_COLOR = "#fde9c9"
MODEL_COLOR = "#dde8f6"
RANKDIRS = ("TB", "BT", "LR", "RL")


def model_to_dot(
    model,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 96,
    subgraph: bool = False,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
) -> str:
    """The DOT text of ``model``'s layer graph (a ``digraph``, or a cluster with ``subgraph``).

    >>> print(model_to_dot(model))  # doctest: +SKIP
    digraph "mlp" {
      ...
      "features" -> "hidden";
    }
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {list(RANKDIRS)}; received rankdir={rankdir!r}.")
    require_built(model)
    options = {
        "show_shapes": show_shapes,
        "show_dtype": show_dtype,
        "show_layer_names": show_layer_names,
        "show_layer_activations": show_layer_activations,
        "show_trainable": show_trainable,
        "vertical": rankdir in ("TB", "BT"),
    }
    if subgraph:
        lines = [
            f"subgraph {quote('cluster_' + model.name)} {{",
            f"  label={quote(model.name)};",
            '  style="dashed";',
            '  labeljust="l";',
        ]
    else:
        lines = [
            f"digraph {quote(model.name)} {{",
            f"  graph [rankdir={quote(rankdir)}, dpi={int(dpi)}];",
            '  node [shape="record", fontname="Helvetica"];',
            '  edge [fontname="Helvetica", fontsize=10];',
        ]
    if not getattr(model, "_is_graph_network", False):
        # A subclassed model has no graph of layers: it is one box, as in Keras.
        label = record_label(model, {}, [], options)
        style = f'style="filled,rounded", fillcolor={quote(MODEL_COLOR)}'
        lines.append(f"  {quote(model.name)} [label={quote(label)}, {style}];")
        lines.append("}")
        return "\n".join(lines) + "\n"

    graph = to_networkx(model, level="layer", expand_nested=expand_nested)
    with gc_paused():
        lines.extend(_vertex_lines(graph, options))
        lines.extend(_edge_lines(graph))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _vertex_lines(graph: nx.MultiDiGraph, options: dict) -> list[str]:
    """Node statements, each expanded nested model's inside its (nested) cluster."""
    members: dict = {}
    for key, data in graph.nodes(data=True):
        members.setdefault(data["scope"], []).append(key)
    groups = graph.graph["groups"]
    children: dict = {}
    for scope, group in groups.items():
        children.setdefault(group["parent"], []).append(scope)

    lines: list[str] = []
    # Explicit stack of (scope, opening) entries: open a cluster, list its
    # vertices and child clusters, close it.
    stack: list[tuple] = [(None, True)]
    while stack:
        scope, opening = stack.pop()
        indent = "  " * _depth(scope)
        if not opening:
            lines.append(indent + "}")
            continue
        if scope is not None:
            group = groups[scope]
            title = f"{group['name']} ({group['class_name']})"
            style = "dashed,rounded"
            if group["shared"]:
                title += f", {group['calls']} calls"
                style += ",bold"
            lines.append(f"{indent}subgraph {quote('cluster_' + scope)} {{")
            lines.append(f"{indent}  label={quote(title)};")
            lines.append(f"{indent}  style={quote(style)};")
            lines.append(f'{indent}  labeljust="l";')
            stack.append((scope, False))
        indent += "  "
        for key in members.get(scope, []):
            lines.append(indent + _vertex_statement(graph, key, options))
        for child in reversed(children.get(scope, [])):
            stack.append((child, True))
    return lines


def _depth(scope: str | None) -> int:
    """How deep a cluster is nested: 0 for the top level, 1 for ``"encoder"``, ..."""
    return 0 if scope is None else scope.count("/") + 1


def _vertex_statement(graph: nx.MultiDiGraph, key: str, options: dict) -> str:
    data = graph.nodes[key]
    label = record_label(data["layer"], data, vertex_input_shapes(graph, key), options)
    attributes = [f"label={quote(label)}"]
    if data["shared"] or data["is_model"]:
        style = ["filled"] + ["rounded"] * data["is_model"] + ["bold"] * data["shared"]
        color = SHARED_COLOR if data["shared"] else MODEL_COLOR
        attributes.append(f"style={quote(','.join(style))}, fillcolor={quote(color)}")
    if data["shared"]:
        attributes.append("peripheries=2")
    return f"{quote(key)} [{', '.join(attributes)}];"


class LayerText(NamedTuple):
    """What a drawing says of one layer, the same in a DOT record and an SVG box.

    ``title`` is ``"name (Class)"`` (or the class alone without
    ``show_layer_names``); ``activation`` the ``"activation: relu"`` line, or
    ``None`` when not asked for or the layer has none; ``details`` the input,
    output and dtype lines asked for.
    """

    title: str
    activation: str | None
    details: list[str]


def layer_text(layer, data: dict, input_shapes: list, options: dict) -> LayerText:
    """The text of ``layer``'s vertex (attributes ``data``) under the drawing ``options``."""
    class_name = data.get("class_name", type(layer).__name__)
    title = f"{layer.name} ({class_name})" if options["show_layer_names"] else class_name
    activation_line = None
    if options["show_layer_activations"]:
        activation = getattr(layer, "activation", None)
        if activation is not None:
            name = getattr(activation, "__name__", None) or getattr(activation, "name", None)
            activation_line = f"activation: {name or activation}"
    details = []
    if options["show_shapes"]:
        if class_name != "InputLayer":
            details.append(f"input: {shapes_text(input_shapes)}")
        details.append(f"output: {shapes_text(data.get('output_shapes', []))}")
    if options["show_dtype"]:
        dtypes = data.get("dtypes") or ["?"]
        details.append(f"dtype: {', '.join(dtypes)}")
    return LayerText(title, activation_line, details)


def record_label(layer, data: dict, input_shapes: list, options: dict) -> str:
    """A record label: the title, then one row per option asked for."""
    text = layer_text(layer, data, input_shapes, options)
    rows = [escape_record(text.title)]
    if text.activation is not None:
        rows.append(escape_record(text.activation))
    details = list(text.details)
    if options["show_trainable"] and getattr(layer, "weights", None):
        details.append("trainable" if layer.trainable else "non-trainable")
    if details:
        cells = "|".join(escape_record(detail) for detail in details)
        rows.append("{" + cells + "}")
    body = "|".join(rows)
    # A record's fields run across the rank direction: braces turn them back
    # so the title sits above its details in a top-to-bottom drawing.
    return "{" + body + "}" if options["vertical"] else body


def shapes_text(shapes: list) -> str:
    """Shapes as a drawing shows them: one as itself, several as a list, none as ``?``."""
    if not shapes:
        return "?"
    texts = ["?" if shape is None else str(shape) for shape in shapes]
    return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"


def _edge_lines(graph: nx.MultiDiGraph) -> list[str]:
    """One edge statement per tensor read, labelled where it touches a shared layer."""
    lines = []
    for source, target, data in graph.edges(data=True):
        labels = []
        if graph.nodes[source]["shared"]:
            labels.append(
                f"{graph.nodes[source]['layer'].name}[{data['node_index']}][{data['tensor_index']}]"
            )
        if graph.nodes[target]["shared"]:
            labels.append(f"call {data['consumer_node_index']}")
        labels.extend(f"via {call}" for call in data["through"])
        statement = f"  {quote(source)} -> {quote(target)}"
        if labels:
            statement += f" [label={quote(', '.join(labels))}]"
        lines.append(statement + ";")
    return lines


def quote(text: str) -> str:
    """A DOT double-quoted string: quotes escaped, newlines as ``\\n``.

    DOT unescapes nothing else in a quoted string (backslashes reach the label
    parser as they are), so record escapes made by :func:`escape_record` survive.
    """
    escaped = str(text).replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def escape_record(text: str) -> str:
    """Text safe inside a record label: the record metacharacters get a backslash."""
    for character in "\\{}|<>":
        text = text.replace(character, "\\" + character)
    return text
