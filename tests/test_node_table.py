"""The node table: one row per call event, in execution order."""

from __future__ import annotations

import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.utils import node_rows, node_table


@pytest.fixture
def shared_model() -> gk.Model:
    K.clear_session()
    a = gk.Input((4,), name="a")
    b = gk.Input((4,), name="b")
    shared = layers.Dense(3, name="shared")
    dropped = layers.Dropout(0.5, name="drop")(shared(b), training=True)
    return gk.Model([a, b], layers.add([shared(a), dropped], name="sum"))


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
    assert lines[0].split() == [
        "node",
        "class",
        "inbound",
        "arguments",
        "output",
        "shapes",
        "depth",
    ]
    assert set(lines[1]) <= {"-", " "}
    assert any("drop[0]" in line and "training=True" in line for line in lines)
    # sum[0] reads two tensors: its second input is on a continuation line.
    at = next(i for i, line in enumerate(lines) if line.startswith("sum[0]"))
    assert "shared[1][0]" in lines[at] and lines[at + 1].strip() == "drop[0][0]"
