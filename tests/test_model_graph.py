"""to_networkx: the model graph as a networkx MultiDiGraph, at layer and at node level."""

from __future__ import annotations

import networkx as nx
import pytest
from inspection_models import dense_chain, models_nested_twice, shared_pair

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.utils import to_networkx


@pytest.fixture
def chain() -> gk.Model:
    return dense_chain()


@pytest.fixture
def shared_model() -> gk.Model:
    """A Dense shared by two inputs: its node 1 reads ``a``, node 0 reads ``b``."""
    return shared_pair(dropped=True)


@pytest.fixture
def nested_model() -> gk.Model:
    """An encoder sub-model called on two inputs, inside an outer model."""
    K.clear_session()
    pixels = gk.Input((6,), name="pixels")
    code = layers.Dense(2, name="code")(layers.Dense(4, name="hidden")(pixels))
    encoder = gk.Model(pixels, code, name="encoder")
    left = gk.Input((6,), name="left")
    right = gk.Input((6,), name="right")
    joined = layers.concatenate([encoder(left), encoder(right)], name="joined")
    return gk.Model([left, right], layers.Dense(1, name="score")(joined), name="siamese")


# ------------------------------------------------------------- layer level


def test_layer_level_has_one_vertex_per_layer_in_model_layers_order(chain):
    graph = to_networkx(chain)
    assert isinstance(graph, nx.MultiDiGraph)
    assert list(graph.nodes) == ["x", "hidden", "out"]
    assert list(graph.nodes) == [layer.name for layer in chain.layers]


def test_layer_level_vertices_carry_layer_facts(chain):
    graph = to_networkx(chain)
    hidden = graph.nodes["hidden"]
    assert hidden["layer"] is chain.get_layer("hidden")
    assert hidden["class_name"] == "Dense"
    assert hidden["output_shapes"] == [(None, 3)]
    assert hidden["dtypes"] == ["float32"]
    assert hidden["params"] == 4 * 3 + 3
    assert hidden["trainable"] is True
    assert hidden["shared"] is False
    assert hidden["is_model"] is False
    assert hidden["parent"] is None
    assert "node" not in hidden
    assert [graph.nodes[name]["depth"] for name in graph] == [2, 1, 0]


def test_layer_level_edges_carry_node_and_tensor_indices(chain):
    graph = to_networkx(chain)
    assert sorted((u, v) for u, v in graph.edges()) == [("hidden", "out"), ("x", "hidden")]
    data = graph.get_edge_data("x", "hidden")[0]
    assert data["node_index"] == 0
    assert data["tensor_index"] == 0
    assert data["consumer_node_index"] == 0
    assert data["through"] == []


def test_frozen_layer_is_not_trainable(chain):
    chain.get_layer("hidden").trainable = False
    assert to_networkx(chain).nodes["hidden"]["trainable"] is False


def test_shared_layer_is_one_vertex_with_an_edge_per_call(shared_model):
    graph = to_networkx(shared_model)
    assert sorted(graph.nodes) == ["a", "b", "drop", "shared", "sum"]
    assert graph.nodes["shared"]["shared"] is True
    assert graph.nodes["drop"]["shared"] is False
    into_shared = {
        source: data["consumer_node_index"]
        for source, _, data in graph.in_edges("shared", data=True)
    }
    assert into_shared == {"a": 1, "b": 0}
    out_of_shared = sorted(
        (target, data["node_index"]) for _, target, data in graph.out_edges("shared", data=True)
    )
    assert out_of_shared == [("drop", 0), ("sum", 1)]


def test_a_tensor_read_twice_gives_two_parallel_edges():
    K.clear_session()
    x = gk.Input((3,), name="x")
    model = gk.Model(x, layers.add([x, x], name="double"))
    graph = to_networkx(model)
    assert graph.number_of_edges("x", "double") == 2


def test_each_output_of_a_multi_output_layer_has_its_tensor_index():
    K.clear_session()
    sequence = gk.Input((5, 3), name="sequence")
    _, hidden, cell = layers.LSTM(4, return_state=True, name="lstm")(sequence)
    model = gk.Model(sequence, layers.concatenate([cell, hidden], name="states"))
    graph = to_networkx(model)
    indices = [data["tensor_index"] for _, _, data in graph.in_edges("states", data=True)]
    assert indices == [2, 1]
    assert graph.nodes["lstm"]["output_shapes"] == [(None, 4), (None, 4), (None, 4)]


def test_sequential_graph_includes_its_input_layer():
    K.clear_session()
    model = gk.Sequential(
        [gk.Input((3,), name="features"), layers.Dense(2, name="dense")], name="seq"
    )
    graph = to_networkx(model)
    assert list(graph.nodes) == ["features", "dense"]
    assert list(graph.edges()) == [("features", "dense")]


def test_nested_model_is_one_vertex_when_not_expanded(nested_model):
    graph = to_networkx(nested_model)
    encoder = graph.nodes["encoder"]
    assert encoder["is_model"] is True
    assert encoder["shared"] is True
    assert encoder["params"] == (6 * 4 + 4) + (4 * 2 + 2)
    assert {data["consumer_node_index"] for _, _, data in graph.in_edges("encoder", data=True)} == {
        1,
        2,
    }
    assert sorted(data["node_index"] for _, _, data in graph.in_edges("joined", data=True)) == [
        1,
        2,
    ]


# -------------------------------------------------------------- node level


def test_node_level_has_one_vertex_per_call_in_execution_order(shared_model):
    graph = to_networkx(shared_model, level="node")
    assert list(graph.nodes) == ["a[0]", "shared[1]", "b[0]", "shared[0]", "drop[0]", "sum[0]"]
    assert [graph.nodes[key]["node"] for key in graph] == shared_model._execution_order


def test_node_level_vertices_carry_node_depths(shared_model):
    graph = to_networkx(shared_model, level="node")
    depths = {key: graph.nodes[key]["depth"] for key in graph}
    # A shared layer's calls are never shallower than its deepest one (Keras 2.2.4).
    assert depths == {
        "a[0]": 3,
        "shared[1]": 2,
        "b[0]": 3,
        "shared[0]": 2,
        "drop[0]": 1,
        "sum[0]": 0,
    }


def test_node_level_shared_calls_are_separate_vertices(shared_model):
    graph = to_networkx(shared_model, level="node")
    assert graph.nodes["shared[0]"]["shared"] and graph.nodes["shared[1]"]["shared"]
    assert graph.nodes["shared[1]"]["layer"] is graph.nodes["shared[0]"]["layer"]
    assert list(graph.predecessors("shared[1]")) == ["a[0]"]
    assert list(graph.predecessors("shared[0]")) == ["b[0]"]
    assert list(graph.successors("shared[0]")) == ["drop[0]"]


def test_node_level_edges_name_the_producing_and_consuming_calls(shared_model):
    graph = to_networkx(shared_model, level="node")
    data = graph.get_edge_data("shared[1]", "sum[0]")[0]
    assert (data["node_index"], data["tensor_index"], data["consumer_node_index"]) == (1, 0, 0)
    assert graph.number_of_edges() == 5


def test_node_level_edges_follow_execution_order(shared_model):
    graph = to_networkx(shared_model, level="node")
    targets = [target for _, target in graph.edges()]
    assert set(targets) == {"shared[1]", "shared[0]", "drop[0]", "sum[0]"}
    assert nx.is_directed_acyclic_graph(graph)
    assert list(nx.topological_sort(graph))[-1] == "sum[0]"


# ---------------------------------------------------------- expand_nested


def test_expanded_nested_model_is_replaced_by_its_layers(nested_model):
    graph = to_networkx(nested_model, expand_nested=True)
    assert list(graph.nodes) == [
        "left",
        "right",
        "encoder/pixels",
        "encoder/hidden",
        "encoder/code",
        "joined",
        "score",
    ]
    assert graph.nodes["encoder/hidden"]["parent"] == "encoder"
    assert graph.nodes["encoder/hidden"]["scope"] == "encoder"
    assert graph.nodes["joined"]["parent"] is None
    assert graph.graph["groups"]["encoder"]["layer"] is nested_model.get_layer("encoder")


def test_expanded_edges_are_rewired_through_the_nested_inputs_and_outputs(nested_model):
    graph = to_networkx(nested_model, expand_nested=True)
    into = sorted(
        (source, data["through"]) for source, _, data in graph.in_edges("encoder/pixels", data=True)
    )
    assert into == [("left", ["encoder[1]"]), ("right", ["encoder[2]"])]
    out = sorted(
        (target, data["node_index"], data["through"])
        for _, target, data in graph.out_edges("encoder/code", data=True)
    )
    assert out == [("joined", 0, ["encoder[1]"]), ("joined", 0, ["encoder[2]"])]


def test_expanded_nested_model_edges_appear_once(nested_model):
    graph = to_networkx(nested_model, expand_nested=True)
    assert graph.number_of_edges("encoder/pixels", "encoder/hidden") == 1
    assert graph.number_of_edges("encoder/hidden", "encoder/code") == 1
    assert "encoder" not in graph


def test_node_level_expansion_keys_inner_nodes_under_the_model(nested_model):
    graph = to_networkx(nested_model, level="node", expand_nested=True)
    assert list(graph.nodes) == [
        "left[0]",
        "encoder/pixels[0]",
        "encoder/hidden[0]",
        "encoder/code[0]",
        "right[0]",
        "joined[0]",
        "score[0]",
    ]
    assert graph.number_of_edges("encoder/code[0]", "joined[0]") == 2


def test_expansion_recurses_into_models_nested_twice():
    graph = to_networkx(models_nested_twice(), expand_nested=True)
    assert "middle/inner/core" in graph
    assert graph.nodes["middle/inner/core"]["parent"] == "inner"
    assert graph.nodes["middle/inner/core"]["scope"] == "middle/inner"
    assert graph.graph["groups"]["middle/inner"]["parent"] == "middle"
    assert list(graph.predecessors("middle/inner/inner_input")) == ["middle/middle_input"]
    edge = graph.get_edge_data("middle/inner/core", "head")[0]
    assert edge["through"] == ["middle[1]", "middle/inner[1]"]


# ------------------------------------------------------------------ errors


def test_unknown_level_is_refused(chain):
    with pytest.raises(ValueError, match="level"):
        to_networkx(chain, level="tensor")


def test_a_model_without_a_graph_is_refused():
    K.clear_session()
    model = gk.Sequential([layers.Dense(2)], name="unbuilt")
    with pytest.raises(ValueError, match="unbuilt"):
        to_networkx(model)
