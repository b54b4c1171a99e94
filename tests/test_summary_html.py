"""model.summary_html(): the summary as HTML tables for Jupyter, text elsewhere."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from inspection_models import shared_pair

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers


@pytest.fixture
def shared_model() -> gk.Model:
    return shared_pair()


def tables(summary) -> list[ElementTree.Element]:
    return ElementTree.fromstring(summary._repr_html_()).findall("table")


def cell_text(cell: ElementTree.Element) -> str:
    return "\n".join(cell.itertext())


def test_html_summary_has_one_row_per_layer_with_the_text_summarys_columns(shared_model):
    (table,) = tables(shared_model.summary_html())
    headers = [cell_text(th) for th in table.find("thead").iter("th")]
    assert headers == ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    rows = [[cell_text(td) for td in tr] for tr in table.find("tbody")]
    assert [row[0] for row in rows] == [
        "a (InputLayer)",
        "b (InputLayer)",
        "shared (Dense)",
        "sum (Add)",
    ]
    assert rows[2][1:] == ["(None, 3)", "15", "a[0][0]\nb[0][0]"]


def test_html_summary_footer_gives_the_parameter_totals(shared_model):
    (table,) = tables(shared_model.summary_html())
    footer = [[cell_text(cell) for cell in tr] for tr in table.find("tfoot")]
    assert footer == [
        ["Total params", "15"],
        ["Trainable params", "15"],
        ["Non-trainable params", "0"],
    ]


def test_html_summary_with_show_nodes_adds_the_node_table(shared_model):
    layer_table, node_table = tables(shared_model.summary_html(show_nodes=True))
    first_cells = [cell_text(tr[0]) for tr in node_table.find("tbody")]
    assert first_cells == ["a[0]", "shared[0]", "b[0]", "shared[1]", "sum[0]"]


def test_html_summary_escapes_markup_in_names():
    K.clear_session()
    x = gk.Input((2,), name="x")
    model = gk.Model(x, layers.Dense(1, name="out")(x), name="a<b>&c")
    text = model.summary_html()._repr_html_()
    assert "a&lt;b&gt;&amp;c" in text and "a<b>" not in text


def test_html_summary_prints_as_the_text_summary(shared_model):
    lines: list[str] = []
    shared_model.summary(print_fn=lines.append)
    assert str(shared_model.summary_html()) == "\n".join(lines)
