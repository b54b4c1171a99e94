"""The layered layout on plain networkx graphs: ranks, no overlaps, clean edge routes."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
from drawing_geometry import contains, crosses_interior, layout_problems, on_border, overlap

from graphkeras.utils.layered_layout import Spacing, _isotonic_placement, layered_layout


def chain_graph(*names: str) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    nx.add_path(graph, names)
    return graph


def uniform_sizes(graph, width: float = 80.0, height: float = 30.0) -> dict:
    return dict.fromkeys(graph.nodes, (width, height))


def random_graph(vertices: int, seed: int) -> nx.MultiDiGraph:
    """A random DAG of mostly short edges, plus edges back up (cycles, as shared layers make)."""
    generator = random.Random(seed)
    graph = nx.MultiDiGraph()
    graph.add_node("v0")
    for index in range(1, vertices):
        for _ in range(generator.choice([1, 1, 1, 2, 2, 3])):
            source = max(0, index - 1 - int(generator.expovariate(0.3)))
            graph.add_edge(f"v{source}", f"v{index}")
    for _ in range(vertices // 20):
        first, second = generator.randrange(vertices), generator.randrange(vertices)
        graph.add_edge(f"v{max(first, second)}", f"v{min(first, second)}")
    return graph


def varied_sizes(graph, seed: int = 0) -> dict:
    generator = random.Random(seed)
    return {
        vertex: (generator.choice([60, 90, 140, 220]), generator.choice([24, 38, 52]))
        for vertex in graph.nodes
    }


def test_every_vertex_gets_a_box_of_its_size():
    graph = chain_graph("a", "b", "c")
    sizes = {"a": (50, 20), "b": (120, 40), "c": (70, 30)}
    layout = layered_layout(graph, sizes)
    assert {key: rect[2:] for key, rect in layout.boxes.items()} == sizes


def test_a_chain_goes_down_one_rank_per_edge():
    graph = chain_graph("a", "b", "c")
    layout = layered_layout(graph, uniform_sizes(graph))
    tops = [layout.boxes[name][1] for name in ("a", "b", "c")]
    assert tops[0] < tops[1] < tops[2]
    assert tops[1] - tops[0] == pytest.approx(30 + Spacing().rank_gap)


def test_a_chain_is_drawn_straight():
    graph = chain_graph("a", "b", "c", "d")
    layout = layered_layout(graph, uniform_sizes(graph))
    assert len({layout.boxes[name][0] for name in graph.nodes}) == 1
    assert all(len(points) == 2 for points in layout.routes.values())


def test_source_sits_just_above_its_first_successor():
    graph = chain_graph("a", "b", "c", "d")
    graph.add_edge("late", "d")
    layout = layered_layout(graph, uniform_sizes(graph))
    assert layout.boxes["late"][1] == layout.boxes["c"][1]


def test_every_route_starts_and_ends_on_its_boxes_border():
    graph = random_graph(120, seed=1)
    layout = layered_layout(graph, varied_sizes(graph))
    for (source, target, _), points in layout.routes.items():
        assert on_border(points[0], layout.boxes[source])
        assert on_border(points[-1], layout.boxes[target])


def test_300_vertices_with_cycles_lay_out_without_overlaps_or_edges_through_boxes():
    graph = random_graph(300, seed=7)
    layout = layered_layout(graph, varied_sizes(graph, seed=3))
    assert len(layout.boxes) == 300
    assert layout_problems(layout.boxes, layout.routes) == []


def test_drawing_size_covers_every_box():
    graph = random_graph(60, seed=2)
    layout = layered_layout(graph, varied_sizes(graph))
    right = max(x + width for x, _, width, _ in layout.boxes.values())
    bottom = max(y + height for _, y, _, height in layout.boxes.values())
    assert right + Spacing().margin == pytest.approx(layout.width, abs=0.01)
    assert bottom + Spacing().margin <= layout.height + 0.01
    assert min(x for x, *_ in layout.boxes.values()) >= Spacing().margin - 0.01


def test_edge_closing_a_cycle_enters_its_target_from_below():
    graph = chain_graph("a", "b", "c")
    graph.add_edge("c", "b")
    layout = layered_layout(graph, uniform_sizes(graph))
    assert layout.boxes["b"][1] < layout.boxes["c"][1]
    end = layout.routes[("c", "b", 0)][-1]
    x, y, width, height = layout.boxes["b"]
    assert end[1] == pytest.approx(y + height)


def test_self_loop_leaves_the_bottom_goes_round_and_enters_the_top():
    graph = chain_graph("a", "b")
    graph.add_edge("b", "b")
    layout = layered_layout(graph, uniform_sizes(graph))
    x, y, width, height = layout.boxes["b"]
    points = layout.routes[("b", "b", 0)]
    assert points[0][1] == pytest.approx(y + height)
    assert points[-1][1] == pytest.approx(y)
    assert max(px for px, _ in points) > x + width
    for start, end in zip(points, points[1:], strict=False):
        assert not crosses_interior(start, end, layout.boxes["b"])


def test_parallel_edges_get_routes_of_their_own():
    graph = chain_graph("a", "b")
    graph.add_edge("a", "b")
    layout = layered_layout(graph, uniform_sizes(graph))
    first, second = layout.routes[("a", "b", 0)], layout.routes[("a", "b", 1)]
    assert first[0] != second[0] and first[-1] != second[-1]


def test_edges_out_of_a_box_leave_in_the_order_of_their_targets():
    graph = nx.MultiDiGraph()
    graph.add_edges_from([("top", "right"), ("top", "left"), ("left", "end"), ("right", "end")])
    layout = layered_layout(graph, uniform_sizes(graph))
    left_of = {target: layout.routes[("top", target, 0)][0][0] for target in ("left", "right")}
    assert (left_of["left"] < left_of["right"]) == (
        layout.boxes["left"][0] < layout.boxes["right"][0]
    )


def test_crossing_reduction_untangles_two_crossed_edges():
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(["a", "b", "c", "d"])
    graph.add_edges_from([("a", "d"), ("b", "c")])
    graph.add_edges_from([("a", "x"), ("b", "y")])
    layout = layered_layout(graph, uniform_sizes(graph))
    boxes = layout.boxes
    assert (boxes["a"][0] < boxes["b"][0]) == (boxes["d"][0] < boxes["c"][0]) or (
        boxes["a"][0] < boxes["b"][0]
    ) == (boxes["x"][0] < boxes["y"][0])
    for first, second in (("d", "c"), ("x", "y")):
        assert not overlap(boxes[first], boxes[second])


def test_long_edge_bends_only_in_the_gaps_between_ranks():
    graph = chain_graph("a", "b", "c", "d")
    graph.add_edge("a", "d")
    layout = layered_layout(graph, {"a": (80, 30), "b": (300, 30), "c": (300, 30), "d": (80, 30)})
    points = layout.routes[("a", "d", 0)]
    assert len(points) >= 6  # through a dummy in each of the two ranks between
    assert layout_problems(layout.boxes, layout.routes) == []


def test_left_to_right_puts_ranks_in_columns():
    graph = chain_graph("a", "b", "c")
    layout = layered_layout(graph, uniform_sizes(graph), rankdir="LR")
    lefts = [layout.boxes[name][0] for name in ("a", "b", "c")]
    assert lefts[0] < lefts[1] < lefts[2]
    assert len({layout.boxes[name][1] for name in ("a", "b", "c")}) == 1
    start = layout.routes[("a", "b", 0)][0]
    x, _, width, _ = layout.boxes["a"]
    assert start[0] == pytest.approx(x + width)


def test_left_to_right_keeps_box_sizes_as_given():
    graph = chain_graph("a", "b")
    layout = layered_layout(graph, {"a": (120, 20), "b": (60, 40)}, rankdir="LR")
    assert layout.boxes["a"][2:] == (120, 20) and layout.boxes["b"][2:] == (60, 40)


def test_bottom_to_top_mirrors_top_to_bottom():
    graph = chain_graph("a", "b", "c")
    down = layered_layout(graph, uniform_sizes(graph))
    up = layered_layout(graph, uniform_sizes(graph), rankdir="BT")
    for name in ("a", "b", "c"):
        assert up.boxes[name][1] == pytest.approx(down.height - down.boxes[name][1] - 30)


def test_left_to_right_random_graph_is_clean_too():
    graph = random_graph(80, seed=5)
    layout = layered_layout(graph, varied_sizes(graph), rankdir="LR")
    assert layout_problems(layout.boxes, layout.routes) == []


def test_unknown_rankdir_is_refused():
    with pytest.raises(ValueError, match="rankdir"):
        layered_layout(chain_graph("a"), {"a": (10, 10)}, rankdir="up")


def nested_graph() -> tuple[nx.MultiDiGraph, dict, dict]:
    """Two inputs into cluster ``enc`` (which holds cluster ``enc/sub``), then out."""
    graph = nx.MultiDiGraph()
    graph.add_edges_from(
        [
            ("left", "enc/pixels"),
            ("right", "enc/pixels"),
            ("enc/pixels", "enc/hidden"),
            ("enc/hidden", "enc/sub/a"),
            ("enc/sub/a", "enc/sub/b"),
            ("enc/sub/b", "enc/code"),
            ("enc/hidden", "enc/code"),
            ("enc/code", "merge"),
            ("enc/code", "merge"),
            ("left", "merge"),
            ("merge", "out"),
        ]
    )
    clusters = {
        vertex: vertex.rsplit("/", 1)[0] if "/" in vertex else None for vertex in graph.nodes
    }
    return graph, clusters, {"enc": None, "enc/sub": "enc"}


@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_cluster_frames_hold_their_members_and_nothing_else(rankdir):
    graph, clusters, parents = nested_graph()
    layout = layered_layout(
        graph,
        varied_sizes(graph),
        rankdir=rankdir,
        clusters=clusters,
        cluster_parents=parents,
        cluster_labels={"enc": (90, 15), "enc/sub": (60, 15)},
    )
    assert set(layout.frames) == {"enc", "enc/sub"}
    for cluster, frame in layout.frames.items():
        for vertex, box in layout.boxes.items():
            member = vertex.startswith(cluster + "/")
            assert contains(frame, box) == member, (cluster, vertex)
            assert member or not overlap(frame, box)
    assert contains(layout.frames["enc"], layout.frames["enc/sub"])
    assert layout_problems(layout.boxes, layout.routes) == []


def test_cluster_frame_keeps_room_for_its_label():
    graph, clusters, parents = nested_graph()
    layout = layered_layout(
        graph,
        uniform_sizes(graph, width=40),
        clusters=clusters,
        cluster_parents=parents,
        cluster_labels={"enc": (500, 15)},
    )
    assert layout.frames["enc"][2] >= 500


def test_edge_into_a_cluster_ends_on_the_inner_box():
    graph, clusters, parents = nested_graph()
    layout = layered_layout(graph, uniform_sizes(graph), clusters=clusters, cluster_parents=parents)
    points = layout.routes[("left", "enc/pixels", 0)]
    assert on_border(points[0], layout.boxes["left"])
    assert on_border(points[-1], layout.boxes["enc/pixels"])
    frame = layout.frames["enc"]
    assert any(on_border(point, frame) for point in points)


def test_isotonic_placement_keeps_separations_and_is_closest():
    targets = np.array([10.0, 10.0, 10.0])
    placed = _isotonic_placement(targets, np.ones(3), np.array([20.0, 20.0]))
    assert placed.tolist() == pytest.approx([-10.0, 10.0, 30.0])
    untouched = _isotonic_placement(np.array([0.0, 50.0]), np.ones(2), np.array([20.0]))
    assert untouched.tolist() == [0.0, 50.0]
