"""Draw a 1,000-layer model: ``plot_model`` to SVG end to end, and the layout alone.

The model is a chain of Dense layers with a residual ``add`` every other
layer and one Dense layer shared at eight depths (at layer level a shared
layer is one box with edges from all over the graph: the hard case for a
layered layout). It times, best of interleaved rounds:

* ``plot_model(model, "model.svg")``: graph, layout, SVG text, file;
* the layout alone (``layered_layout`` on the same graph and box sizes);
* a reference doing no layout: ``to_networkx`` on the same model, a
  networkx topological order of it (reverse depth-first post-order, as the
  layer graph has cycles), and an SVG of the same boxes stacked in that
  order (what any drawing must pay at least).

Target: the full SVG in under one second.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import networkx as nx
from _timing import compare

import graphkeras as gk
from graphkeras import layers
from graphkeras.utils import plot_model, to_networkx
from graphkeras.utils.layered_layout import layered_layout
from graphkeras.utils.plot_model import box_content
from graphkeras.utils.svg_drawing import box_size

LAYERS = 1_000
SHARED_CALLS = 8
OPTIONS = {
    "show_shapes": False,
    "show_dtype": False,
    "show_layer_names": True,
    "show_trainable": False,
    "show_layer_activations": False,
}


def build_model(layer_count: int = LAYERS) -> gk.Model:
    """A residual Dense chain of ``layer_count`` layers with one layer shared at several depths."""
    gk.backend.clear_session()
    inputs = gk.Input(shape=(16,), name="features")
    shared = layers.Dense(16, name="shared")
    x = inputs
    created = 1
    share_every = layer_count // (SHARED_CALLS + 1)
    while created < layer_count - 1:
        skip = x
        x = layers.Dense(16)(x)
        x = layers.add([x, skip])
        created += 2
        if created // share_every > (created - 2) // share_every:
            x = shared(x)
    model = gk.Model(inputs, layers.Dense(4, name="out")(x))
    return model


def reference_drawing(model, path: Path) -> None:
    """No layout: the graph, a topological order, and the same boxes stacked in that order."""
    graph = to_networkx(model)
    # The layer graph has cycles (the shared layer): reverse depth-first
    # post-order is its topological order up to them.
    order = list(reversed(list(nx.dfs_postorder_nodes(graph))))
    rows = [
        f'<rect x="10" y="{10 + 40 * index}" width="200" height="30"/>'
        f'<text x="15" y="{30 + 40 * index}">{key}</text>'
        for index, key in enumerate(order)
    ]
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>')


def main() -> None:
    model = build_model()
    graph = to_networkx(model)
    sizes = {key: box_size(box_content(graph, key, OPTIONS)) for key in graph.nodes}
    shared = sum(1 for _, data in graph.nodes(data=True) if data["shared"])
    print(
        f"model: {len(model.layers):,} layers, {graph.number_of_edges():,} edges at layer "
        f"level, {shared} shared layer called {SHARED_CALLS} times"
    )
    with tempfile.TemporaryDirectory() as folder:
        svg_path = Path(folder) / "model.svg"
        reference_path = Path(folder) / "reference.svg"
        plot_model(model, svg_path)  # warm-up
        seconds = compare(
            {
                "plot_model": lambda: plot_model(model, svg_path),
                "layout": lambda: layered_layout(graph, sizes),
                "reference": lambda: reference_drawing(model, reference_path),
            },
            rounds=7,
        )
        svg_size = svg_path.stat().st_size
    reference = seconds["reference"]
    print(
        f"plot_model(model, 'model.svg'): {seconds['plot_model']:.3f} s "
        f"({svg_size / 1e6:.2f} MB of SVG), {seconds['plot_model'] / reference:.1f}x the reference"
    )
    print(
        f"layered_layout alone:          {seconds['layout']:.3f} s, "
        f"{seconds['layout'] / reference:.1f}x the reference"
    )
    print(f"reference (graph, depth-first order, stacked boxes): {reference:.3f} s")
    print("(best of 7 interleaved rounds each)")
    verdict = "met" if seconds["plot_model"] < 1.0 else "NOT met"
    print(f"target: full SVG of {LAYERS:,} layers under 1 s: {verdict}")


if __name__ == "__main__":
    main()
