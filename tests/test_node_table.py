"""The node table: one row per call event, in execution order."""

from __future__ import annotations

import re

import pytest
from inspection_models import shared_pair

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.utils import node_rows, node_table


@pytest.fixture
def shared_model() -> gk.Model:
    return shared_pair(dropped=True)


def test_node_rows_list_each_call_of_a_shared_layer(shared_model):
    rows = node_rows(shared_model)
    assert [row["node"] for row in rows] == [
        "a[0]",
        "shared[1]",
        "b[0]",
        "shared[0]",
        "drop[0]",
        "sum[0]",
    ]
    shared_rows = [row for row in rows if row["layer"] == "shared"]
    assert [row["inbound"] for row in shared_rows] == [["a[0][0]"], ["b[0][0]"]]
    assert all(row["output_shapes"] == [(None, 3)] for row in shared_rows)


def test_node_rows_carry_depths_and_recorded_keywords(shared_model):
    rows = {row["node"]: row for row in node_rows(shared_model)}
    assert rows["sum[0]"]["depth"] == 0
    assert rows["drop[0]"]["depth"] == 1
    assert rows["shared[0]"]["depth"] == 2
    assert rows["drop[0]"]["arguments"] == {"training": True}
    assert rows["sum[0]"]["inbound"] == ["shared[1][0]", "drop[0][0]"]


def test_node_table_text_has_a_header_and_one_line_per_input(shared_model):
    lines = node_table(shared_model).splitlines()
    # The columns: node key, layer, class, inbound, call keywords, output shapes, depth.
    assert re.split(r"\s{2,}", lines[0]) == [
        "node",
        "layer",
        "class",
        "inbound",
        "call keywords",
        "output shapes",
        "depth",
    ]
    assert set(lines[1]) <= {"-", " "}
    assert any("drop[0]" in line and "training=True" in line for line in lines)
    # sum[0] reads two tensors: its second input is on a continuation line.
    at = next(i for i, line in enumerate(lines) if line.startswith("sum[0]"))
    assert "shared[1][0]" in lines[at] and lines[at + 1].strip() == "drop[0][0]"


def test_node_table_rows_show_the_layer_name_beside_the_node_key(shared_model):
    lines = node_table(shared_model).splitlines()
    row = next(line for line in lines if line.startswith("shared[1]"))
    assert row.split()[:4] == ["shared[1]", "shared", "Dense", "a[0][0]"]


def test_node_table_call_keywords_column_shows_recorded_keywords(shared_model):
    lines = node_table(shared_model).splitlines()
    column = lines[0].index("call keywords")
    drop = next(line for line in lines if line.startswith("drop[0]"))
    assert drop[column:].split()[0] == "training=True"
    plain = next(line for line in lines if line.startswith("sum[0]"))
    assert plain[column : column + len("call keywords")].strip() == ""


def test_node_table_refuses_a_model_without_a_graph():
    K.clear_session()
    unbuilt = gk.Sequential([layers.Dense(2)], name="unbuilt")
    with pytest.raises(ValueError, match="unbuilt"):
        node_rows(unbuilt)


def test_summary_with_show_nodes_prints_the_node_table_after_the_totals(shared_model):
    lines: list[str] = []
    shared_model.summary(print_fn=lines.append, show_nodes=True)
    totals = next(i for i, line in enumerate(lines) if line.startswith("Non-trainable params"))
    assert lines[totals + 2] == "Nodes, in execution order:"
    assert lines[totals + 3 :] == node_table(shared_model).splitlines()


def test_summary_without_show_nodes_has_no_node_table(shared_model):
    lines: list[str] = []
    shared_model.summary(print_fn=lines.append)
    assert not any(line.startswith("shared[1]") for line in lines)
    assert lines[-1] == "_" * len(lines[-1])
