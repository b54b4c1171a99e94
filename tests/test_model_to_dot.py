"""model_to_dot: DOT text with no dependency, read back here by a small DOT parser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from inspection_models import dense_chain, models_nested_twice, shared_pair

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.utils import model_to_dot

ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\]\s]+)')
QUOTED = r'"((?:[^"\\]|\\.)*)"'


@dataclass
class Dot:
    """What the DOT text declares: its header, vertices, edges and clusters."""

    kind: str = ""
    name: str = ""
    defaults: dict = field(default_factory=dict)
    nodes: dict = field(default_factory=dict)
    node_clusters: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)
    clusters: dict = field(default_factory=dict)


def attributes(text: str) -> dict:
    return {key: value.strip('"') for key, value in ATTRIBUTE.findall(text)}


def parse(text: str) -> Dot:
    """Parse the statement-per-line DOT that model_to_dot writes; fail on anything else."""
    dot = Dot()
    open_clusters: list[str] = []
    depth = 0
    for line in text.strip().splitlines():
        line = line.strip()
        if match := re.fullmatch(rf"(digraph|subgraph) {QUOTED} \{{", line):
            if depth == 0:
                dot.kind, dot.name = match.groups()
            else:
                open_clusters.append(match.group(2))
                dot.clusters[match.group(2)] = {"parent": (open_clusters[-2:-1] or [None])[0]}
            depth += 1
        elif line == "}":
            depth -= 1
            if open_clusters and depth >= 1:
                open_clusters.pop()
        elif match := re.fullmatch(r"(graph|node|edge) \[(.*)\];", line):
            dot.defaults[match.group(1)] = attributes(match.group(2))
        elif match := re.fullmatch(rf"{QUOTED} -> {QUOTED}(?: \[(.*)\])?;", line):
            dot.edges.append((match.group(1), match.group(2), attributes(match.group(3) or "")))
        elif match := re.fullmatch(rf"{QUOTED} \[(.*)\];", line):
            dot.nodes[match.group(1)] = attributes(match.group(2))
            dot.node_clusters[match.group(1)] = open_clusters[-1] if open_clusters else None
        elif match := re.fullmatch(r"(\w+)=(.*);", line):
            scope = open_clusters[-1] if open_clusters else None
            dot.clusters.setdefault(scope, {})[match.group(1)] = match.group(2).strip('"')
        else:
            raise AssertionError(f"unexpected DOT line: {line!r}")
    assert depth == 0, "unbalanced braces"
    return dot


@pytest.fixture
def chain() -> gk.Model:
    return dense_chain()


@pytest.fixture
def shared_model() -> gk.Model:
    return shared_pair()


@pytest.fixture
def nested_model() -> gk.Model:
    K.clear_session()
    pixels = gk.Input((6,), name="pixels")
    encoder = gk.Model(pixels, layers.Dense(2, name="code")(pixels), name="encoder")
    left = gk.Input((6,), name="left")
    right = gk.Input((6,), name="right")
    joined = layers.concatenate([encoder(left), encoder(right)], name="joined")
    return gk.Model([left, right], joined, name="siamese")


def test_dot_is_a_digraph_named_for_the_model_with_the_options(chain):
    dot = parse(model_to_dot(chain, rankdir="LR", dpi=120))
    assert (dot.kind, dot.name) == ("digraph", "chain")
    assert dot.defaults["graph"] == {"rankdir": "LR", "dpi": "120"}
    assert dot.defaults["node"]["shape"] == "record"


def test_dot_has_one_node_per_layer_and_one_edge_per_tensor_read(chain):
    dot = parse(model_to_dot(chain))
    assert list(dot.nodes) == ["x", "hidden", "out"]
    assert [(source, target) for source, target, _ in dot.edges] == [
        ("x", "hidden"),
        ("hidden", "out"),
    ]


def test_default_label_is_name_and_class(chain):
    dot = parse(model_to_dot(chain))
    assert dot.nodes["hidden"]["label"] == "{hidden (Dense)}"


def test_label_without_layer_names_is_the_class(chain):
    dot = parse(model_to_dot(chain, show_layer_names=False))
    assert dot.nodes["hidden"]["label"] == "{Dense}"


def test_show_shapes_adds_input_and_output_shapes(chain):
    dot = parse(model_to_dot(chain, show_shapes=True))
    assert dot.nodes["hidden"]["label"] == "{hidden (Dense)|{input: (None, 4)|output: (None, 3)}}"
    assert dot.nodes["x"]["label"] == "{x (InputLayer)|{output: (None, 4)}}"


def test_dtype_activation_and_trainable_rows(chain):
    chain.get_layer("out").trainable = False
    dot = parse(
        model_to_dot(chain, show_dtype=True, show_layer_activations=True, show_trainable=True)
    )
    assert dot.nodes["hidden"]["label"] == (
        "{hidden (Dense)|activation: relu|{dtype: float32|trainable}}"
    )
    assert dot.nodes["out"]["label"].endswith("|{dtype: float32|non-trainable}}")


def test_left_to_right_labels_drop_the_outer_braces(chain):
    dot = parse(model_to_dot(chain, rankdir="LR", show_shapes=True))
    assert dot.nodes["out"]["label"] == "out (Dense)|{input: (None, 3)|output: (None, 2)}"


def test_shared_layer_is_styled_and_its_edges_name_the_calls(shared_model):
    dot = parse(model_to_dot(shared_model))
    assert dot.nodes["shared"]["peripheries"] == "2"
    assert "peripheries" not in dot.nodes["sum"]
    into = sorted(
        (source, edge["label"]) for source, target, edge in dot.edges if target == "shared"
    )
    assert into == [("a", "call 0"), ("b", "call 1")]
    out = sorted(edge["label"] for source, target, edge in dot.edges if source == "shared")
    assert out == ["shared[0][0]", "shared[1][0]"]


def test_nested_model_is_one_rounded_node_when_not_expanded(nested_model):
    dot = parse(model_to_dot(nested_model))
    assert "encoder" in dot.nodes and "rounded" in dot.nodes["encoder"]["style"]
    assert dot.clusters == {}


def test_expanded_nested_model_is_a_cluster_of_its_layers(nested_model):
    dot = parse(model_to_dot(nested_model, expand_nested=True))
    assert "encoder" not in dot.nodes
    assert dot.clusters["cluster_encoder"]["label"] == "encoder (Model), 2 calls"
    inside = sorted(key for key, cluster in dot.node_clusters.items() if cluster)
    assert inside == ["encoder/code", "encoder/pixels"]
    rewired = sorted((s, t, e["label"]) for s, t, e in dot.edges if t == "encoder/pixels")
    assert rewired == [
        ("left", "encoder/pixels", "via encoder[1]"),
        ("right", "encoder/pixels", "via encoder[2]"),
    ]


def test_models_nested_twice_give_nested_clusters():
    dot = parse(model_to_dot(models_nested_twice(), expand_nested=True))
    assert dot.clusters["cluster_middle/inner"]["parent"] == "cluster_middle"
    assert dot.node_clusters["middle/inner/core"] == "cluster_middle/inner"
    assert dot.node_clusters["middle/middle_input"] == "cluster_middle"


def test_subgraph_gives_a_dashed_cluster(chain):
    dot = parse(model_to_dot(chain, subgraph=True))
    assert (dot.kind, dot.name) == ("subgraph", "cluster_chain")
    assert dot.clusters[None]["style"] == "dashed"


def test_quotes_and_record_characters_are_escaped():
    K.clear_session()
    x = gk.Input((2,), name='in"put')
    model = gk.Model(x, layers.Dense(1, name="a|b")(x), name="odd")
    text = model_to_dot(model)
    assert '"in\\"put" -> "a|b";' in text
    assert 'label="{a\\|b (Dense)}"' in text


def test_unknown_rankdir_is_refused(chain):
    with pytest.raises(ValueError, match="rankdir"):
        model_to_dot(chain, rankdir="diagonal")
