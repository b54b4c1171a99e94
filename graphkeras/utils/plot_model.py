"""plot_model: draw a model's layer graph, with no Graphviz and no pydot.

Keras's ``plot_model`` needs pydot and a system Graphviz install, and fails
without them. graphkeras draws the graph itself: the model's layer graph
(:func:`graphkeras.utils.to_networkx`) goes through a layered layout
(``layered_layout.py``) and comes out as SVG (``svg_drawing.py``). The file
extension chooses the output:

* ``.svg``: graphkeras's own drawing, nothing to install;
* ``.dot``: the DOT text of :func:`graphkeras.utils.model_to_dot`, for
  Graphviz users;
* ``.png``: the same SVG rasterised by the optional ``cairosvg`` package
  (``pip install 'graphkeras[plot]'``).

Shared layers get an orange border and a "×N calls" badge; nested models a
double border, or with ``expand_nested=True`` a labelled frame around their
own layers. The returned :class:`ModelDiagram` displays as SVG in Jupyter,
as does a model itself (``Model._repr_svg_``, through :func:`notebook_svg`).
"""

from __future__ import annotations

import os

import networkx as nx

from graphkeras.utils.atomic_write import atomic_write
from graphkeras.utils.layered_layout import layered_layout
from graphkeras.utils.model_graph import require_built, to_networkx, vertex_input_shapes
from graphkeras.utils.model_to_dot import layer_text, model_to_dot, shapes_text
from graphkeras.utils.svg_drawing import BoxContent, box_size, frame_label_size, render_svg

EXTENSIONS = (".svg", ".dot", ".png")
NOTEBOOK_LAYER_LIMIT = 500
"""Above this many layers, ``Model._repr_svg_`` gives ``None`` (the notebook shows
the text repr): a drawing that large is megabytes of SVG in the notebook file.
``plot_model`` has no limit."""

_TRAINABLE_COLOR = "#2e7d32"
_FROZEN_COLOR = "#b3261e"


class ModelDiagram:
    """What :func:`plot_model` returns: the SVG text and the file written.

    Jupyter displays it as the drawing (``_repr_svg_``), as Keras's
    ``plot_model`` returns an image to display.
    """

    def __init__(self, svg: str, path: str | None = None) -> None:
        self.svg = svg
        self.path = path

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"<ModelDiagram path={self.path!r}, {len(self.svg):,} characters of SVG>"


def plot_model(
    model,
    to_file: str | os.PathLike = "model.svg",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    show_trainable: bool = False,
    dpi: int = 96,
    show_layer_activations: bool = False,
) -> ModelDiagram:
    """Draw ``model``'s layer graph into ``to_file`` (``.svg``, ``.dot`` or ``.png``).

    ``rankdir`` is ``"TB"`` (top to bottom), ``"LR"`` (left to right), ``"BT"``
    or ``"RL"``; ``dpi`` scales the drawing (96: one unit per pixel). Returns a
    :class:`ModelDiagram` that Jupyter shows inline.

    >>> plot_model(model, "model.svg", show_shapes=True)  # doctest: +SKIP
    <ModelDiagram path='model.svg', 5,120 characters of SVG>
    """
    path = os.fspath(to_file)
    extension = os.path.splitext(path)[1].lower()
    if extension not in EXTENSIONS:
        raise ValueError(
            f"plot_model writes {', '.join(EXTENSIONS)} files; received to_file={path!r}. "
            "Use .svg for graphkeras's own drawing (no dependency), .dot for Graphviz, "
            "or .png with the 'plot' extra."
        )
    options = {
        "show_shapes": show_shapes,
        "show_dtype": show_dtype,
        "show_layer_names": show_layer_names,
        "rankdir": rankdir,
        "expand_nested": expand_nested,
        "show_trainable": show_trainable,
        "dpi": dpi,
        "show_layer_activations": show_layer_activations,
    }
    svg = model_to_svg(model, **options)
    if extension == ".svg":
        _write_bytes(path, svg.encode("utf-8"))
    elif extension == ".dot":
        _write_bytes(path, model_to_dot(model, **options).encode("utf-8"))
    else:
        _write_bytes(path, svg_to_png(svg))
    return ModelDiagram(svg, path)


def model_to_svg(
    model,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = True,
    rankdir: str = "TB",
    expand_nested: bool = False,
    show_trainable: bool = False,
    dpi: int = 96,
    show_layer_activations: bool = False,
) -> str:
    """The SVG text :func:`plot_model` writes, as a string."""
    require_built(model)
    options = {
        "show_shapes": show_shapes,
        "show_dtype": show_dtype,
        "show_layer_names": show_layer_names,
        "show_trainable": show_trainable,
        "show_layer_activations": show_layer_activations,
    }
    if getattr(model, "_is_graph_network", False):
        graph = to_networkx(model, level="layer", expand_nested=expand_nested)
    else:
        # A subclassed model has no graph of layers: it is one box, as in Keras.
        graph = nx.MultiDiGraph(groups={})
        graph.add_node(model.name, layer=model, class_name=type(model).__name__, is_model=True)
    contents = {key: box_content(graph, key, options) for key in graph.nodes}
    groups = graph.graph["groups"]
    frame_labels = {scope: _frame_label(group) for scope, group in groups.items()}
    layout = layered_layout(
        graph,
        {key: box_size(content) for key, content in contents.items()},
        rankdir=rankdir,
        clusters={key: data.get("scope") for key, data in graph.nodes(data=True)},
        cluster_parents={scope: group["parent"] for scope, group in groups.items()},
        cluster_labels={scope: frame_label_size(label) for scope, label in frame_labels.items()},
    )
    return render_svg(layout, contents, frame_labels, title=model.name, dpi=dpi)


def notebook_svg(model) -> str | None:
    """The SVG a notebook shows for ``model``, or ``None`` for the text repr.

    ``None`` for a model that is not built or has no graph of layers, and
    above :data:`NOTEBOOK_LAYER_LIMIT` layers.
    """
    if not getattr(model, "built", False) or not getattr(model, "_is_graph_network", False):
        return None
    if len(model.layers) > NOTEBOOK_LAYER_LIMIT:
        return None
    return model_to_svg(model)


def svg_to_png(svg: str) -> bytes:
    """Rasterise SVG text through the optional ``cairosvg`` package."""
    try:
        import cairosvg
    except (ImportError, OSError) as error:
        # OSError: cairosvg is installed but its cairo library cannot be loaded.
        raise ImportError(
            "plot_model writes .png through the optional 'cairosvg' package, which could not "
            f"be imported ({error}). Install it with: pip install 'graphkeras[plot]'; "
            "or write .svg, which needs nothing."
        ) from error
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"))


def box_content(graph: nx.MultiDiGraph, key, options: dict) -> BoxContent:
    """What the box of vertex ``key`` shows, from its attributes and the plot options.

    The title and detail lines are those of the DOT record (:func:`layer_text`);
    trainability is a coloured note rather than a line.
    """
    data = graph.nodes[key]
    layer = data["layer"]
    class_name = data.get("class_name", type(layer).__name__)
    # The input shapes are read from the edges only when a line shows them.
    input_shapes = vertex_input_shapes(graph, key) if options["show_shapes"] else []
    text = layer_text(layer, data, input_shapes, options)
    details = [text.activation, *text.details] if text.activation is not None else text.details
    output_shapes = data.get("output_shapes", [])
    notes = []
    params = data.get("params", 0)
    if options["show_trainable"] and params:
        if data.get("trainable", True):
            notes.append(("trainable", _TRAINABLE_COLOR))
        else:
            notes.append(("non-trainable", _FROZEN_COLOR))

    calls = _calls(graph, key) if data.get("shared") else 1
    if data.get("is_model"):
        kind = "model"
    elif data.get("shared"):
        kind = "shared"
    elif class_name == "InputLayer":
        kind = "input"
    else:
        kind = "layer"
    tooltip = [f"{key} ({class_name})"]
    if output_shapes:
        tooltip.append(f"output: {shapes_text(output_shapes)}")
    tooltip.append(f"params: {params:,}")
    if calls > 1:
        tooltip.append(f"shared: called {calls} times in this model")
    return BoxContent(
        title=text.title,
        details=details,
        kind=kind,
        badge=f"×{calls} calls" if calls > 1 else None,
        notes=notes,
        tooltip="\n".join(tooltip),
    )


def _calls(graph: nx.MultiDiGraph, key) -> int:
    """How many calls of a shared layer the model holds: the calls its edges read into."""
    calls = {data["consumer_node_index"] for _, _, data in graph.in_edges(key, data=True)}
    return max(len(calls), 2)


def _frame_label(group: dict) -> str:
    label = f"{group['name']} ({group['class_name']})"
    if group.get("shared"):
        label += f" · ×{group['calls']} calls"
    return label


def _write_bytes(path: str, payload: bytes) -> None:
    atomic_write(path, lambda handle: handle.write(payload))
