"""Layered layout: boxes of a directed graph placed in ranks, edges routed between them.

This is the Sugiyama method (Sugiyama, Tagawa and Toda, 1981), the one
Graphviz's ``dot`` uses, written on networkx so that drawing a model needs no
system install:

1. **Ranks.** Edges that close a cycle (a layer shared at two depths makes one
   at layer level) are turned around, found by one depth-first walk; every
   vertex then takes the longest path from the sources as its rank, and a
   source with successors moves down to sit just above its first one.
2. **Long edges** are split by dummy vertices, one per rank crossed, so every
   drawn segment joins two adjacent ranks.
3. **Crossing reduction.** A few barycenter sweeps down and up reorder each
   rank; the order with the fewest crossings is kept.
4. **Coordinates.** Each sweep moves every vertex towards the mean position
   of its neighbours in the previous rank, then projects the rank back to
   the closest non-overlapping placement (weighted isotonic regression, solved
   exactly by pool-adjacent-violators), so boxes never overlap and long edges
   stay straight.
5. **Routes.** An edge leaves its box through the bottom border, runs
   straight down to the end of its rank's band, crosses each gap between
   ranks diagonally and each rank at its dummy's position, and enters the
   target through the top border. The gaps hold no boxes and a dummy's slot
   in its rank is kept free, so no edge crosses a box.

Clusters (nested models drawn as frames) are laid out inside-out: a
cluster's content is laid out alone, with one port vertex on its frame for
each edge that enters or leaves it, then stands as one box in the level
above. A frame therefore never overlaps a box it does not contain.

Everything is computed with ranks going down ("TB"); ``rankdir="LR"`` swaps
the axes on the way out, and "BT" and "RL" mirror "TB" and "LR". Every pass
is linear in the vertices and edges but the crossing count (quadratic in one
rank's edges only), so a 1,000-layer model lays out in a small fraction of a
second.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import networkx as nx
import numpy as np

Rect = tuple[float, float, float, float]
"""``(x, y, width, height)``, ``(x, y)`` the top-left corner."""
Point = tuple[float, float]

RANKDIRS = ("TB", "BT", "LR", "RL")

_BOX, _CLUSTER, _ENTRY, _EXIT, _DUMMY = range(5)
_SWEEPS = 6
_PLACEMENT_ROUNDS = 4
_EXACT_PLACEMENT_LIMIT = 48


@dataclass(frozen=True)
class Spacing:
    """Distances of a layout, in drawing units (pixels in an SVG)."""

    rank_gap: float = 36.0
    """Between two ranks, along the flow (room for the diagonal edge segments)."""
    box_gap: float = 28.0
    """Between two neighbouring boxes of a rank."""
    edge_gap: float = 12.0
    """Between an edge passing through a rank and its neighbours."""
    frame_padding: float = 12.0
    """Inside a cluster's frame, around its content."""
    loop_size: float = 14.0
    """How far a self-loop reaches out of its box."""
    margin: float = 12.0
    """Around the whole drawing."""


@dataclass
class Layout:
    """Where everything goes: boxes and frames as rectangles, edges as polylines.

    ``routes`` is keyed like the graph's edges (``(u, v, key)`` for a
    multigraph, ``(u, v)`` otherwise); each route runs from a point on the
    source's border to a point on the target's border.
    """

    boxes: dict[Hashable, Rect]
    frames: dict[Hashable, Rect]
    routes: dict[tuple, list[Point]]
    width: float
    height: float
    rankdir: str


def layered_layout(
    graph: nx.DiGraph,
    sizes: Mapping[Hashable, tuple[float, float]],
    rankdir: str = "TB",
    clusters: Mapping[Hashable, Hashable] | None = None,
    cluster_parents: Mapping[Hashable, Hashable] | None = None,
    cluster_labels: Mapping[Hashable, tuple[float, float]] | None = None,
    spacing: Spacing | None = None,
) -> Layout:
    """Lay out ``graph`` (a DiGraph or MultiDiGraph, cycles and self-loops allowed).

    ``sizes`` gives each vertex's ``(width, height)``. ``clusters`` maps a
    vertex to the cluster that directly holds it (absent or ``None``: top
    level); ``cluster_parents`` maps a cluster to the cluster around it;
    ``cluster_labels`` gives the ``(width, height)`` of the label each frame
    keeps room for in its top-left corner.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {list(RANKDIRS)}; received rankdir={rankdir!r}.")
    tree = _ClusterTree(spacing or Spacing(), rankdir, cluster_parents or {}, cluster_labels or {})
    clusters = clusters or {}
    for vertex in graph.nodes:
        tree.add_box(clusters.get(vertex), vertex, sizes[vertex])
    edges = list(graph.edges(keys=True)) if graph.is_multigraph() else list(graph.edges())
    pieces = [
        tree.add_edge(index, edge[0], clusters.get(edge[0]), edge[1], clusters.get(edge[1]))
        for index, edge in enumerate(edges)
    ]
    tree.solve()
    return tree.assemble(edges, pieces)


class _ClusterTree:
    """The levels of a layout, one per cluster plus the top level (``None``).

    A cluster is a box in its parent's level; an edge between levels is cut
    into pieces at each frame it crosses, joined by port vertices.
    """

    def __init__(self, spacing: Spacing, rankdir: str, parents: Mapping, labels: Mapping) -> None:
        self.spacing = spacing
        self.rankdir = rankdir
        self.swap = rankdir in ("LR", "RL")
        self.mirror = rankdir in ("BT", "RL")
        self.parents = parents
        self.labels = labels
        self.levels: dict = {}
        self.level_of(None)

    def oriented(self, size: tuple[float, float]) -> tuple[float, float]:
        """A screen ``(width, height)`` as ``(cross, flow)``."""
        width, height = float(size[0]), float(size[1])
        return (height, width) if self.swap else (width, height)

    def ancestors(self, cluster) -> list:
        """``cluster`` and every cluster around it, innermost first, then ``None``."""
        chain = []
        seen = set()
        while cluster is not None:
            if cluster in seen:
                raise ValueError(f"Cluster {cluster!r} contains itself.")
            seen.add(cluster)
            chain.append(cluster)
            cluster = self.parents.get(cluster)
        chain.append(None)
        return chain

    def level_of(self, cluster) -> _Level:
        """The level of ``cluster``, made (with the levels around it) on first use."""
        for member in reversed(self.ancestors(cluster)):
            if member in self.levels:
                continue
            label = self.oriented(self.labels.get(member, (0.0, 0.0)))
            self.levels[member] = _Level(self.spacing, member is not None, label, self.swap)
            if member is not None:
                parent = self.levels[self.parents.get(member)]
                parent.add_vertex(("cluster", member), _CLUSTER, (0.0, 0.0))
        return self.levels[cluster]

    def add_box(self, cluster, vertex, size: tuple[float, float]) -> None:
        self.level_of(cluster).add_vertex(("box", vertex), _BOX, self.oriented(size))

    def add_edge(self, index: int, source, source_cluster, target, target_cluster) -> list:
        """Cut edge ``index`` at the frames it crosses; the cluster of each piece, in order.

        Out of the source's clusters through one exit port each, across the
        lowest level holding both ends, into the target's clusters through
        one entry port each.
        """
        source_chain = self.ancestors(source_cluster)
        target_chain = self.ancestors(target_cluster)
        inside_target = set(target_chain)
        common = next(cluster for cluster in source_chain if cluster in inside_target)
        pieces: list = []
        end, port = ("box", source), None
        for cluster in source_chain[: source_chain.index(common)]:
            exit_key = ("exit", index)
            level = self.level_of(cluster)
            level.add_vertex(exit_key, _EXIT, (0.0, 0.0))
            level.add_edge((index, len(pieces)), end, exit_key, port, None)
            pieces.append(cluster)
            end, port = ("cluster", cluster), (cluster, exit_key)
        # From the common level inwards, each piece enters by the port the
        # next cluster inside gives it.
        inward = []
        target_end, target_port = ("box", target), None
        for cluster in target_chain[: target_chain.index(common)]:
            inward.append((cluster, ("entry", index), target_end, target_port))
            target_end, target_port = ("cluster", cluster), (cluster, ("entry", index))
        self.level_of(common).add_edge((index, len(pieces)), end, target_end, port, target_port)
        pieces.append(common)
        for cluster, entry_key, inner_end, inner_port in reversed(inward):
            level = self.level_of(cluster)
            level.add_vertex(entry_key, _ENTRY, (0.0, 0.0))
            level.add_edge((index, len(pieces)), entry_key, inner_end, None, inner_port)
            pieces.append(cluster)
        return pieces

    def solve(self) -> None:
        """Lay out every level inside-out, so each cluster's size is known to its parent."""
        depth = {cluster: len(self.ancestors(cluster)) for cluster in self.levels}
        for cluster in sorted(self.levels, key=lambda c: -depth[c]):
            level = self.levels[cluster]
            level.solve(self.levels)
            if cluster is not None:
                left, top, right, bottom = level.frame
                parent = self.levels[self.parents.get(cluster)]
                parent.set_size(("cluster", cluster), (right - left, bottom - top))

    def assemble(self, edges: list, pieces: list[list]) -> Layout:
        """Every level's positions shifted into one drawing, outside-in, on screen axes."""
        margin = self.spacing.margin
        left, top, right, bottom = self.levels[None].frame
        offsets = {None: (margin - left, margin - top)}
        self.flow_total = bottom - top + 2 * margin
        depth = {cluster: len(self.ancestors(cluster)) for cluster in self.levels}
        for cluster in sorted((c for c in self.levels if c is not None), key=lambda c: depth[c]):
            parent = self.parents.get(cluster)
            parent_offset = offsets[parent]
            box_left, box_top = self.levels[parent].corner(("cluster", cluster))
            frame_left, frame_top, _, _ = self.levels[cluster].frame
            offsets[cluster] = (
                parent_offset[0] + box_left - frame_left,
                parent_offset[1] + box_top - frame_top,
            )

        boxes: dict = {}
        frames: dict = {}
        for cluster, level in self.levels.items():
            dx, dy = offsets[cluster]
            for index, key in enumerate(level.keys):
                if level.kind[index] not in (_BOX, _CLUSTER):
                    continue
                corner_cross, corner_flow = level.corner(key)
                rect = self.screen_rect(
                    corner_cross + dx, corner_flow + dy, level.cross[index], level.flow[index]
                )
                (boxes if level.kind[index] == _BOX else frames)[key[1]] = rect

        routes: dict = {}
        for index, edge in enumerate(edges):
            points: list[Point] = []
            for piece, cluster in enumerate(pieces[index]):
                dx, dy = offsets[cluster]
                for cross, flow in self.levels[cluster].routes[(index, piece)]:
                    point = self.screen_point(round(cross + dx, 2), round(flow + dy, 2))
                    if not points or points[-1] != point:
                        points.append(point)
            routes[edge] = points
        size = (right - left + 2 * margin, self.flow_total)
        width, height = (size[1], size[0]) if self.swap else size
        return Layout(boxes, frames, routes, round(width, 2), round(height, 2), self.rankdir)

    def screen_rect(self, cross: float, flow: float, cross_size: float, flow_size: float) -> Rect:
        if self.mirror:
            flow = self.flow_total - flow - flow_size
        cross, flow = round(cross, 2), round(flow, 2)
        if self.swap:
            return (flow, cross, flow_size, cross_size)
        return (cross, flow, cross_size, flow_size)

    def screen_point(self, cross: float, flow: float) -> Point:
        if self.mirror:
            flow = self.flow_total - flow
        return (flow, cross) if self.swap else (cross, flow)


class _Segments(NamedTuple):
    """The segments between two adjacent ranks, as parallel arrays.

    ``head`` / ``tail``: the segment starts / ends its chain at a real
    vertex; the offsets are where it attaches, from that vertex's centre.
    """

    upper: np.ndarray
    lower: np.ndarray
    weight: np.ndarray
    chain: np.ndarray
    head: np.ndarray
    tail: np.ndarray
    upper_offset: np.ndarray
    lower_offset: np.ndarray


class _Level:
    """One level of the cluster tree: its vertices, laid out as one layered graph.

    Coordinates are "cross" (along a rank) and "flow" (across ranks). A
    framed level (a cluster's content) also places its port vertices on its
    frame: entries on the top border, exits on the bottom one.
    """

    def __init__(self, spacing: Spacing, framed: bool, label: tuple, swap: bool) -> None:
        self.spacing = spacing
        self.framed = framed
        # A frame keeps its label's room in its top-left corner: in "TB" a
        # strip along the flow above the content, the frame at least as wide
        # as the label; in "LR" a strip along the cross axis.
        label_cross, label_flow = label
        padding = spacing.frame_padding
        if swap:
            self.header_cross, self.header_flow = label_cross, 0.0
            self.min_cross, self.min_flow = 0.0, label_flow + 2 * padding
        else:
            self.header_cross, self.header_flow = 0.0, label_flow
            self.min_cross, self.min_flow = label_cross + 2 * padding, 0.0
        self.keys: list = []
        self.index: dict = {}
        self.kind: list[int] = []
        self.cross: list[float] = []
        self.flow: list[float] = []
        self.edges: list[tuple] = []
        self.routes: dict = {}
        # (left, top, right, bottom) of the frame, or of everything at the top level.
        self.frame: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    # ------------------------------------------------------------- building
    def add_vertex(self, key, kind: int, size: tuple[float, float]) -> None:
        if key in self.index:
            return
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.kind.append(kind)
        self.cross.append(size[0])
        self.flow.append(size[1])

    def set_size(self, key, size: tuple[float, float]) -> None:
        index = self.index[key]
        self.cross[index], self.flow[index] = size

    def add_edge(self, piece, source, target, source_port, target_port) -> None:
        """An edge piece; a port names the ``(cluster, port key)`` it must leave or enter by."""
        self.edges.append((piece, self.index[source], self.index[target], source_port, target_port))

    def corner(self, key) -> tuple[float, float]:
        """The top-left (cross, flow) corner of a vertex, in this level's coordinates."""
        index = self.index[key]
        return (
            self.x[index] - self.cross[index] / 2,
            self.y[index] - self.flow[index] / 2,
        )

    # -------------------------------------------------------------- solving
    def solve(self, levels: dict) -> None:
        """Ranks, dummies, order, coordinates and routes, in that order."""
        self._resolve_ports(levels)
        self._orient()
        self._rank()
        self._split_long_edges()
        self._order()
        self._attach()
        self._place()
        self._route()

    def _resolve_ports(self, levels: dict) -> None:
        """Fixed attachment offsets (from the centre) of edges that enter or leave a cluster."""
        self.source_offsets: dict[int, float] = {}
        self.target_offsets: dict[int, float] = {}
        for edge_number, (_, source, target, source_port, target_port) in enumerate(self.edges):
            if source_port is not None:
                cluster, port_key = source_port
                offset = levels[cluster].port_offset(port_key)
                self.source_offsets[edge_number] = offset - self.cross[source] / 2
            if target_port is not None:
                cluster, port_key = target_port
                offset = levels[cluster].port_offset(port_key)
                self.target_offsets[edge_number] = offset - self.cross[target] / 2

    def port_offset(self, port_key) -> float:
        """A port's position along the frame's cross axis, from the frame's start."""
        return self.x[self.index[port_key]] - self.frame[0]

    def _orient(self) -> None:
        """Turn around the edges that close cycles; set self-loops apart."""
        count = len(self.keys)
        walk = nx.DiGraph()
        # Entries first, so every walk starts at the frame's top.
        walk.add_nodes_from(sorted(range(count), key=lambda v: self.kind[v] != _ENTRY))
        self.loops: dict[int, list[int]] = {}
        for edge_number, (_, source, target, _, _) in enumerate(self.edges):
            if source == target:
                self.loops.setdefault(source, []).append(edge_number)
            else:
                walk.add_edge(source, target)
        self.topological = list(reversed(list(nx.dfs_postorder_nodes(walk))))
        position = np.empty(count, dtype=np.int64)
        position[self.topological] = np.arange(count)
        # (upper, lower, edge number, turned around)
        self.oriented: list[tuple[int, int, int, bool]] = []
        for edge_number, (_, source, target, _, _) in enumerate(self.edges):
            if source == target:
                continue
            if position[source] < position[target]:
                self.oriented.append((source, target, edge_number, False))
            else:
                self.oriented.append((target, source, edge_number, True))
        self.walk = walk

    def _rank(self) -> None:
        """Longest path from the sources; sources pulled down; ports on the frame."""
        count = len(self.keys)
        successors: list[list[int]] = [[] for _ in range(count)]
        has_predecessor = [False] * count
        for upper, lower, _, _ in self.oriented:
            # Ports take no part: entries sit on the top border, exits on the bottom.
            if self.kind[upper] == _ENTRY or self.kind[lower] == _EXIT:
                continue
            successors[upper].append(lower)
            has_predecessor[lower] = True
        rank = [0] * count
        for vertex in self.topological:
            next_rank = rank[vertex] + 1
            for successor in successors[vertex]:
                if rank[successor] < next_rank:
                    rank[successor] = next_rank
        for vertex in range(count):
            if not has_predecessor[vertex] and successors[vertex]:
                rank[vertex] = min(rank[successor] for successor in successors[vertex]) - 1
        inner = [v for v in range(count) if self.kind[v] not in (_ENTRY, _EXIT)]
        has_entries = any(kind == _ENTRY for kind in self.kind)
        shift = 1 if has_entries else 0
        lowest = max((rank[v] for v in inner), default=-1) + shift
        for vertex in range(count):
            if self.kind[vertex] == _ENTRY:
                rank[vertex] = 0
            elif self.kind[vertex] == _EXIT:
                rank[vertex] = lowest + 1
            else:
                rank[vertex] += shift
        self.rank = rank
        self.has_entries = has_entries
        self.has_exits = any(kind == _EXIT for kind in self.kind)

    def _split_long_edges(self) -> None:
        """One dummy vertex per rank an edge crosses; the segments between adjacent ranks."""
        self.chains: list[list[int]] = []
        for upper, lower, _, _ in self.oriented:
            chain = [upper]
            for rank in range(self.rank[upper] + 1, self.rank[lower]):
                dummy = len(self.keys)
                self.keys.append(("dummy", dummy))
                self.kind.append(_DUMMY)
                self.cross.append(0.0)
                self.flow.append(0.0)
                self.rank.append(rank)
                chain.append(dummy)
            chain.append(lower)
            self.chains.append(chain)
        self.rank_count = max(self.rank, default=0) + 1
        # Per pair of ranks (r, r + 1): its segments' upper and lower vertices,
        # their weights (long edges pull harder, to stay straight), and which
        # chain each belongs to, to attach it to its box's port once the
        # order is known (see ``_attach``).
        columns: list[list[list]] = [[[], [], [], [], [], []] for _ in range(self.rank_count)]
        for chain_number, chain in enumerate(self.chains):
            last = len(chain) - 2
            for step in range(last + 1):
                upper, lower = chain[step], chain[step + 1]
                dummies = (self.kind[upper] == _DUMMY) + (self.kind[lower] == _DUMMY)
                column = columns[self.rank[upper]]
                column[0].append(upper)
                column[1].append(lower)
                column[2].append((1.0, 2.0, 8.0)[dummies])
                column[3].append(chain_number)
                column[4].append(step == 0)
                column[5].append(step == last)
        self.segments = [
            _Segments(
                upper=np.array(upper, dtype=np.int64),
                lower=np.array(lower, dtype=np.int64),
                weight=np.array(weight),
                chain=np.array(chain, dtype=np.int64),
                head=np.array(head, dtype=bool),
                tail=np.array(tail, dtype=bool),
                upper_offset=np.zeros(len(upper)),
                lower_offset=np.zeros(len(upper)),
            )
            for upper, lower, weight, chain, head, tail in columns
        ]

    # ----------------------------------------------------- crossing reduction
    def _order(self) -> None:
        """Barycenter sweeps; keep the order with the fewest crossings."""
        count = len(self.keys)
        initial_key = np.zeros(count)
        discovered = list(nx.dfs_preorder_nodes(self.walk))
        initial_key[discovered] = np.arange(len(discovered))
        for chain in self.chains:
            for step, dummy in enumerate(chain[1:-1], start=1):
                initial_key[dummy] = initial_key[chain[0]] + step / len(chain)
        rank = np.array(self.rank, dtype=np.int64)
        by_rank = np.lexsort((initial_key, rank))
        bounds = np.searchsorted(rank[by_rank], np.arange(self.rank_count + 1))
        ranks = [by_rank[bounds[r] : bounds[r + 1]] for r in range(self.rank_count)]
        position = np.zeros(count, dtype=np.int64)
        for members in ranks:
            position[members] = np.arange(len(members))
        best = [members.copy() for members in ranks]
        fewest = self._crossings(position)
        for sweep in range(_SWEEPS):
            if fewest == 0:
                break
            downward = sweep % 2 == 0
            if downward:
                rank_numbers = range(1, self.rank_count)
            else:
                rank_numbers = range(self.rank_count - 2, -1, -1)
            for rank_number in rank_numbers:
                members = ranks[rank_number]
                if len(members) < 2:
                    continue
                if downward:
                    segments = self.segments[rank_number - 1]
                    mine, theirs = segments.lower, segments.upper
                else:
                    segments = self.segments[rank_number]
                    mine, theirs = segments.upper, segments.lower
                size = len(members)
                local = position[mine]
                totals = np.bincount(local, weights=position[theirs], minlength=size)
                counts = np.bincount(local, minlength=size)
                current = position[members]
                keys = current.astype(float)
                # ``members`` is in position order, so local index i is members[i].
                linked = counts > 0
                keys[linked] = totals[linked] / counts[linked]
                members = members[np.lexsort((current, keys))]
                ranks[rank_number] = members
                position[members] = np.arange(size)
            crossings = self._crossings(position)
            if crossings < fewest:
                fewest = crossings
                best = [members.copy() for members in ranks]
        self.ranks = best
        self.position = np.zeros(count, dtype=np.int64)
        for members in best:
            self.position[members] = np.arange(len(members))
        self.crossing_count = fewest

    def _crossings(self, position: np.ndarray) -> int:
        """How many pairs of segments cross, over every pair of adjacent ranks."""
        total = 0
        for segments in self.segments:
            size = len(segments.upper)
            if size < 2:
                continue
            upper = position[segments.upper]
            lower = position[segments.lower]
            if size <= 2048:
                upper_order = np.sign(upper[:, None] - upper[None, :])
                lower_order = np.sign(lower[:, None] - lower[None, :])
                total += int(np.count_nonzero(upper_order * lower_order < 0)) // 2
            else:
                total += _inversions(upper, lower)
        return total

    # ---------------------------------------------------------------- ports
    def _attach(self) -> None:
        """Where each edge meets its box, as offsets from the box's centre.

        An edge into or out of a cluster uses the port its frame gave it. The
        other edges on one side of a box are spread evenly along that border,
        in the order of their other ends, so they leave without crossing;
        self-loops take the right-most places. Known before placement, the
        offsets let a long edge run straight down from its port.
        """
        count = len(self.keys)
        position = self.position
        bottom: list[list] = [[] for _ in range(count)]
        top: list[list] = [[] for _ in range(count)]
        for chain_number, chain in enumerate(self.chains):
            _, _, edge_number, turned = self.oriented[chain_number]
            upper_port, lower_port = self._fixed_ports(edge_number, turned)
            bottom[chain[0]].append(
                ((position[chain[1]], chain_number), ("head", chain_number), upper_port)
            )
            top[chain[-1]].append(
                ((position[chain[-2]], chain_number), ("tail", chain_number), lower_port)
            )
        for vertex, edge_numbers in self.loops.items():
            for order, edge_number in enumerate(edge_numbers):
                sort_key = (count, order)
                bottom[vertex].append(
                    (sort_key, ("loop out", edge_number), self.source_offsets.get(edge_number))
                )
                top[vertex].append(
                    (sort_key, ("loop in", edge_number), self.target_offsets.get(edge_number))
                )
        offsets: dict = {}
        for vertex in range(count):
            width = self.cross[vertex]
            for side in (bottom[vertex], top[vertex]):
                free = sorted((item for item in side if item[2] is None), key=lambda a: a[0])
                for index, (_, key, _) in enumerate(free):
                    offsets[key] = width * ((index + 1) / (len(free) + 1) - 0.5)
                for _, key, fixed in side:
                    if fixed is not None:
                        offsets[key] = fixed
        chains = len(self.chains)
        self.head_offset = np.array([offsets[("head", c)] for c in range(chains)])
        self.tail_offset = np.array([offsets[("tail", c)] for c in range(chains)])
        self.loop_offsets = {
            edge_number: (offsets[("loop out", edge_number)], offsets[("loop in", edge_number)])
            for edge_numbers in self.loops.values()
            for edge_number in edge_numbers
        }
        self.segments = [
            segments._replace(
                upper_offset=np.where(segments.head, self.head_offset[segments.chain], 0.0)
                if len(segments.chain)
                else segments.upper_offset,
                lower_offset=np.where(segments.tail, self.tail_offset[segments.chain], 0.0)
                if len(segments.chain)
                else segments.lower_offset,
            )
            for segments in self.segments
        ]

    def _fixed_ports(self, edge_number: int, turned: bool) -> tuple:
        """The fixed offsets of an oriented edge's upper and lower ends (``None``: free)."""
        source = self.source_offsets.get(edge_number)
        target = self.target_offsets.get(edge_number)
        return (target, source) if turned else (source, target)

    # ------------------------------------------------------------ coordinates
    def _place(self) -> None:
        """Cross coordinates by sweeps of weighted isotonic regression; flow by bands."""
        count = len(self.keys)
        spacing = self.spacing
        loop_reach = np.array(
            [spacing.loop_size * len(self.loops.get(v, ())) for v in range(count)]
        )
        half = np.array(self.cross) / 2
        is_box = np.isin(np.array(self.kind), (_BOX, _CLUSTER))
        x = np.zeros(count)
        separations: list[np.ndarray] = []
        for members in self.ranks:
            left, right = members[:-1], members[1:]
            gap = np.where(is_box[left] & is_box[right], spacing.box_gap, spacing.edge_gap)
            separation = half[left] + loop_reach[left] + gap + half[right]
            separations.append(separation)
            x[members] = np.concatenate(([0.0], np.cumsum(separation)))

        position = self.position

        def settle(rank: int, use_up: bool, use_down: bool) -> None:
            members = self.ranks[rank]
            size = len(members)
            weights = np.zeros(size)
            totals = np.zeros(size)
            sides = []
            if use_up and rank > 0:
                segments = self.segments[rank - 1]
                sides.append(
                    (
                        segments.lower,
                        segments.upper,
                        segments.weight,
                        segments.lower_offset,
                        segments.upper_offset,
                    )
                )
            if use_down:
                segments = self.segments[rank]
                sides.append(
                    (
                        segments.upper,
                        segments.lower,
                        segments.weight,
                        segments.upper_offset,
                        segments.lower_offset,
                    )
                )
            for mine, theirs, weight, own_offset, their_offset in sides:
                if not len(mine):
                    continue
                local = position[mine]
                weights += np.bincount(local, weights=weight, minlength=size)
                pulled = weight * (x[theirs] + their_offset - own_offset)
                totals += np.bincount(local, weights=pulled, minlength=size)
            current = x[members]
            targets = np.where(weights > 0, totals / np.where(weights > 0, weights, 1.0), current)
            weights = np.where(weights > 0, weights, 1e-3)
            x[members] = _isotonic_placement(targets, weights, separations[rank])

        for _ in range(_PLACEMENT_ROUNDS):
            for rank in range(1, self.rank_count):
                settle(rank, use_up=True, use_down=False)
            for rank in range(self.rank_count - 2, -1, -1):
                settle(rank, use_up=False, use_down=True)
        for rank in range(self.rank_count):
            settle(rank, use_up=True, use_down=True)
        self.x = self._straighten(x.tolist(), separations)
        self.loop_reach = loop_reach.tolist()
        self._place_bands()

    def _straighten(self, x: list[float], separations: list[np.ndarray]) -> list[float]:
        """Put each long edge's dummies on one vertical line where their ranks leave room.

        The line is the edge's port on its source if it fits, else its port on
        the target, else the dummies' median, kept within every rank's free slot.
        """
        position = self.position
        gaps = [separation.tolist() for separation in separations]
        members_of = [members.tolist() for members in self.ranks]
        for chain_number, chain in enumerate(self.chains):
            dummies = chain[1:-1]
            if len(dummies) < 2:
                continue
            low, high = -np.inf, np.inf
            for dummy in dummies:
                members = members_of[self.rank[dummy]]
                index = int(position[dummy])
                if index > 0:
                    low = max(low, x[members[index - 1]] + gaps[self.rank[dummy]][index - 1])
                if index + 1 < len(members):
                    high = min(high, x[members[index + 1]] - gaps[self.rank[dummy]][index])
            if low > high:
                continue
            candidates = (
                x[chain[0]] + self.head_offset[chain_number],
                x[chain[-1]] + self.tail_offset[chain_number],
            )
            line = next(
                (value for value in candidates if low <= value <= high),
                min(max(float(np.median([x[dummy] for dummy in dummies])), low), high),
            )
            for dummy in dummies:
                x[dummy] = line
        return x

    def _loop_rise(self, vertex: int) -> float:
        """How far the outermost self-loop of ``vertex`` reaches past its top and bottom."""
        loops = len(self.loops.get(vertex, ()))
        return self.spacing.loop_size * (0.6 + 0.5 * (loops - 1)) if loops else 0.0

    def _place_bands(self) -> None:
        """Flow coordinates: each rank is a band as tall as its tallest box."""
        spacing = self.spacing
        count = len(self.keys)
        band_height = [0.0] * self.rank_count
        rise = [0.0] * self.rank_count
        for vertex in range(count):
            rank = self.rank[vertex]
            band_height[rank] = max(band_height[rank], self.flow[vertex])
        for vertex in self.loops:
            rank = self.rank[vertex]
            rise[rank] = max(rise[rank], self._loop_rise(vertex))
        # Between the frame and its content: room for the label, and for the
        # edges' diagonal segments where ports sit on that border.
        entry_gap = spacing.frame_padding + self.header_flow
        entry_gap += spacing.rank_gap * 0.75 if self.has_entries else 0.0
        exit_gap = spacing.frame_padding + (spacing.rank_gap * 0.75 if self.has_exits else 0.0)
        band_top = [0.0] * self.rank_count
        position = entry_gap if self.framed and not self.has_entries else 0.0
        for rank in range(self.rank_count):
            band_top[rank] = position
            if rank + 1 == self.rank_count:
                break
            # Loops of both ranks share the gap; keep them apart.
            gap = max(spacing.rank_gap, rise[rank] + rise[rank + 1] + spacing.edge_gap)
            if self.framed and rank == 0 and self.has_entries:
                gap = max(gap, entry_gap)
            if self.framed and rank + 2 == self.rank_count and self.has_exits:
                gap = max(gap, exit_gap)
            position += band_height[rank] + gap
        self.band_top = band_top
        self.band_bottom = [top + height for top, height in zip(band_top, band_height, strict=True)]
        self.y = [band_top[self.rank[v]] + band_height[self.rank[v]] / 2 for v in range(count)]

        cross_low = min((self.x[v] - self.cross[v] / 2 for v in range(count)), default=0.0)
        cross_high = max(
            (self.x[v] + self.cross[v] / 2 + self.loop_reach[v] for v in range(count)),
            default=0.0,
        )
        inner = [v for v in range(count) if self.kind[v] not in (_ENTRY, _EXIT)]
        if not self.framed:
            flow_low = min(
                (self.y[v] - self.flow[v] / 2 - self._loop_rise(v) for v in inner), default=0.0
            )
            flow_high = max(
                (self.y[v] + self.flow[v] / 2 + self._loop_rise(v) for v in inner), default=0.0
            )
            self.frame = (cross_low, flow_low, cross_high, flow_high)
            return
        padding = spacing.frame_padding
        last_inner = self.rank_count - (2 if self.has_exits else 1)
        left = cross_low - padding - self.header_cross
        right = max(cross_high + padding, left + self.min_cross)
        top = 0.0
        bottom = max(self.band_bottom[last_inner] + exit_gap, top + self.min_flow)
        if self.has_exits:
            # The exits' band is the frame's bottom border.
            self.band_top[-1] = self.band_bottom[-1] = bottom
            for vertex in range(count):
                if self.kind[vertex] == _EXIT:
                    self.y[vertex] = bottom
        self.frame = (left, top, right, bottom)

    # ---------------------------------------------------------------- routes
    def _route(self) -> None:
        """Polylines for every edge piece, through its dummies, border to border."""
        for chain_number, chain in enumerate(self.chains):
            upper, lower = chain[0], chain[-1]
            _, _, edge_number, turned = self.oriented[chain_number]
            start_x = self.x[upper] + self.head_offset[chain_number]
            end_x = self.x[lower] + self.tail_offset[chain_number]
            points = [
                (start_x, self.y[upper] + self.flow[upper] / 2),
                (start_x, self.band_bottom[self.rank[upper]]),
            ]
            for dummy in chain[1:-1]:
                rank = self.rank[dummy]
                points.append((self.x[dummy], self.band_top[rank]))
                points.append((self.x[dummy], self.band_bottom[rank]))
            points.append((end_x, self.band_top[self.rank[lower]]))
            points.append((end_x, self.y[lower] - self.flow[lower] / 2))
            if turned:
                points.reverse()
            self.routes[self.edges[edge_number][0]] = _without_repeats(points)

        # A self-loop leaves through the bottom border, goes round the right
        # side (room kept by the placement) and comes back in through the top.
        for vertex, edge_numbers in self.loops.items():
            right = self.x[vertex] + self.cross[vertex] / 2
            bottom = self.y[vertex] + self.flow[vertex] / 2
            top = self.y[vertex] - self.flow[vertex] / 2
            for order, edge_number in enumerate(edge_numbers):
                reach = self.spacing.loop_size * (order + 1)
                rise = self.spacing.loop_size * (0.6 + 0.5 * order)
                out_offset, in_offset = self.loop_offsets[edge_number]
                out_x, in_x = self.x[vertex] + out_offset, self.x[vertex] + in_offset
                self.routes[self.edges[edge_number][0]] = _without_repeats(
                    [
                        (out_x, bottom),
                        (out_x, bottom + rise),
                        (right + reach, bottom + rise),
                        (right + reach, top - rise),
                        (in_x, top - rise),
                        (in_x, top),
                    ]
                )


def _isotonic_placement(
    targets: np.ndarray, weights: np.ndarray, separations: np.ndarray
) -> np.ndarray:
    """Positions closest to ``targets`` (weighted least squares) that keep every separation.

    With ``offset[i]`` the running sum of separations, ``x[i] - offset[i]``
    must not decrease: a weighted isotonic regression, solved exactly in one
    pass by pooling adjacent violators (approximately, vectorised, for ranks
    wider than ``_EXACT_PLACEMENT_LIMIT``).
    """
    offsets = np.concatenate(([0.0], np.cumsum(separations)))
    shifted = targets - offsets
    if len(shifted) < 2 or np.all(np.diff(shifted) >= 0):
        return targets
    if len(shifted) > _EXACT_PLACEMENT_LIMIT:
        # A rank this wide is mostly edges passing through: the mean of the
        # placements pushed from the left and from the right is feasible, close
        # enough, and vectorised.
        from_left = np.maximum.accumulate(shifted)
        from_right = np.minimum.accumulate(shifted[::-1])[::-1]
        return (from_left + from_right) / 2 + offsets
    # Each block: [total weight, weighted sum, number of members]
    blocks: list[list[float]] = []
    for target, weight in zip(shifted.tolist(), weights.tolist(), strict=True):
        blocks.append([weight, weight * target, 1])
        while len(blocks) > 1 and (blocks[-2][1] * blocks[-1][0] >= blocks[-1][1] * blocks[-2][0]):
            weight_last, total_last, size_last = blocks.pop()
            blocks[-1][0] += weight_last
            blocks[-1][1] += total_last
            blocks[-1][2] += size_last
    means = np.array([total / weight for weight, total, _ in blocks])
    sizes = np.array([size for _, _, size in blocks], dtype=np.int64)
    return np.repeat(means, sizes) + offsets


def _inversions(upper: np.ndarray, lower: np.ndarray) -> int:
    """Crossing pairs among many segments: inversions of ``lower`` once sorted by ``upper``.

    Segments sharing an end do not cross; a merge sort counts the strict
    inversions in O(n log n).
    """
    order = np.lexsort((lower, upper))
    values = lower[order].tolist()
    total = 0
    width = 1
    while width < len(values):
        merged = []
        for start in range(0, len(values), 2 * width):
            left = values[start : start + width]
            right = values[start + width : start + 2 * width]
            i = j = 0
            while i < len(left) and j < len(right):
                if right[j] < left[i]:
                    total += len(left) - i
                    merged.append(right[j])
                    j += 1
                else:
                    merged.append(left[i])
                    i += 1
            merged.extend(left[i:])
            merged.extend(right[j:])
        values = merged
        width *= 2
    return total


def _without_repeats(points: list[Point]) -> list[Point]:
    kept: list[Point] = []
    for point in points:
        if not kept or kept[-1] != point:
            kept.append(point)
    return kept
