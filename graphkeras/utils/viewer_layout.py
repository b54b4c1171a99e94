"""Where the viewer puts its boxes: one layout per graph, computed before the page opens.

The page draws; it never lays out. Each graph the viewer shows (a model's
top level, and the inside of each nested model, at layer and at node level)
is placed here once, and the page only moves whole blocks aside when a
nested model opens in place.

Up to :data:`LAYERED_LIMIT` vertices, and while edges cross few ranks
(:data:`LONG_EDGE_FACTOR`), the layout is :func:`layered_layout` (ranks,
crossing reduction, long edges routed past the boxes). Beyond that its
placement sweeps, which run once per rank, cost seconds; the viewer then
uses :func:`banded_layout`, linear in the graph: a vertex's rank is its
Keras depth counted from the inputs, and each rank is a centred row in
model order. A 10,000-layer chain places in a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx

from graphkeras.utils.layered_layout import Point, Rect, Spacing, layered_layout

LAYERED_LIMIT = 1500
"""The most vertices laid out by :func:`layered_layout`; larger graphs use :func:`banded_layout`."""
LONG_EDGE_FACTOR = 4
"""Above this many ranks crossed by edges per vertex, :func:`banded_layout` is used too.

Each rank an edge crosses is a vertex more for the layered layout and a
point more in the page: a layer shared by every block of a 1,000-layer model
has edges across the whole depth, hundreds of thousands of crossings, which
would take seconds to place and megabytes to write.
"""


def place_boxes(
    graph: nx.MultiDiGraph, sizes: Mapping[Hashable, tuple[float, float]]
) -> tuple[dict[Hashable, Rect], dict[tuple, list[Point]], float, float]:
    """Each vertex's ``(x, y, width, height)``, the edges' routes, the drawing's width and height.

    Routes (keyed ``(u, v, key)``, polylines that pass no box) come with the
    layered layout only; with the banded one the page draws each edge as a
    curve between its boxes.
    """
    if graph.number_of_nodes() <= LAYERED_LIMIT and _rank_crossings(graph) <= (
        LONG_EDGE_FACTOR * graph.number_of_nodes()
    ):
        layout = layered_layout(graph, sizes)
        return layout.boxes, layout.routes, layout.width, layout.height
    boxes, width, height = banded_layout(graph, sizes)
    return boxes, {}, width, height


def banded_layout(
    graph: nx.MultiDiGraph,
    sizes: Mapping[Hashable, tuple[float, float]],
    spacing: Spacing | None = None,
) -> tuple[dict[Hashable, Rect], float, float]:
    """Rows by depth, top to bottom from the inputs; each row centred, in vertex order.

    Reads the ``depth`` attribute :func:`graphkeras.utils.to_networkx` sets
    (Keras numbering: 0 at the outputs), so no graph walk is needed.
    """
    spacing = spacing or Spacing()
    depths = {key: int(data.get("depth", 0)) for key, data in graph.nodes(data=True)}
    deepest = max(depths.values(), default=0)
    rows: dict[int, list] = {}
    for key in graph.nodes:
        rows.setdefault(deepest - depths[key], []).append(key)
    row_widths = {
        rank: sum(sizes[key][0] for key in keys) + spacing.box_gap * (len(keys) - 1)
        for rank, keys in rows.items()
    }
    widest = max(row_widths.values(), default=0.0)
    boxes: dict[Hashable, Rect] = {}
    top = spacing.margin
    for rank in sorted(rows):
        keys = rows[rank]
        left = spacing.margin + (widest - row_widths[rank]) / 2
        height = max(sizes[key][1] for key in keys)
        for key in keys:
            width, box_height = sizes[key]
            boxes[key] = (left, top + (height - box_height) / 2, float(width), float(box_height))
            left += width + spacing.box_gap
        top += height + spacing.rank_gap
    total_height = top - spacing.rank_gap + spacing.margin if rows else 2 * spacing.margin
    return boxes, widest + 2 * spacing.margin, total_height


def _rank_crossings(graph: nx.MultiDiGraph) -> int:
    """How many ranks the edges cross in all, estimated from the vertices' Keras depths."""
    depths = graph.nodes(data="depth", default=0)
    return sum(abs(depths[source] - depths[target]) for source, target in graph.edges())
