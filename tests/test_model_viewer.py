"""gk.utils.view_model and ``graphkeras view``: the page written, its embedded data, the server.

No browser here: these tests read the written file and the JSON it embeds.
The page's behaviour in a real browser is tested through ``window.gkViewer``
by the browser tests.
"""

from __future__ import annotations

import html
import json
import math
import re
import socket
import urllib.error
import urllib.request

import numpy as np
import pytest
from child_python import HUNG_AFTER_SECONDS
from inspection_models import dense_chain, models_nested_twice, shared_pair

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import cli, cli_view, layers
from graphkeras.utils import to_networkx
from graphkeras.utils.model_viewer import embedded_json
from graphkeras.utils.viewer_data import json_safe, viewer_data
from graphkeras.utils.viewer_layout import banded_layout

DATA_ELEMENT = re.compile(r'<script id="gk-data" type="application/json">(.*?)</script>', re.S)
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def embedded(page: str) -> dict:
    """The JSON the page embeds, read back as the page's script reads it."""
    (text,) = DATA_ELEMENT.findall(page)
    return json.loads(text)


def rows(data: dict, level: str, table: str) -> list[dict]:
    kind = {"vertices": "vertex", "edges": "edge", "crossings": "crossing", "scopes": "scope"}
    fields = data["fields"][kind[table]]
    return [dict(zip(fields, row, strict=True)) for row in data["levels"][level][table]]


def top_level(data: dict, level: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The keys and ``(from, to, label)`` edges the page shows with every nested model closed."""
    vertices = rows(data, level, "vertices")
    top = [vertex["key"] for vertex in vertices if vertex["scope"] == -1]
    edges = [
        (vertices[edge["from"]]["key"], vertices[edge["to"]]["key"], edge["label"])
        for edge in rows(data, level, "edges")
        if vertices[edge["from"]]["scope"] == -1
    ]
    return top, edges


def expected_edges(graph) -> list[tuple[str, str, str]]:
    return [
        (u, v, f"{graph.nodes[u]['layer'].name}[{d['node_index']}][{d['tensor_index']}]")
        for u, v, d in graph.edges(data=True)
    ]


def layer_records(data: dict) -> list[dict]:
    return [dict(zip(data["fields"]["layer"], row, strict=True)) for row in data["layers"]]


def layer_record(data: dict, name: str) -> dict:
    (record,) = [record for record in layer_records(data) if record["name"] == name]
    return record


# ------------------------------------------------------------------ the written file


def test_view_model_writes_one_self_contained_file(tmp_path):
    path = tmp_path / "chain.html"
    view = gk.utils.view_model(dense_chain(), path)
    page = path.read_text(encoding="utf-8")
    assert view.path == str(path)
    assert page == view.html
    assert list(tmp_path.iterdir()) == [path]
    # The only URL is the SVG namespace name the export writes, which nothing fetches.
    assert set(re.findall(r"https?://[^\s\"'<>]*", page)) == {SVG_NAMESPACE}
    assert not re.search(r"<(link|iframe|img|object|embed)\b|\bsrc\s*=|@import|fetch\(", page)
    assert "default-src 'none'" in page
    for element in ("gk-canvas", "gk-level", "gk-search", "gk-panel", "gk-export-svg"):
        assert f'id="{element}"' in page
    assert "window.gkViewer = api" in page


def test_view_model_with_no_path_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    view = gk.utils.view_model(dense_chain(), path=None)
    assert view.path is None
    assert list(tmp_path.iterdir()) == []
    assert embedded(view.html)["name"] == "chain"


def test_repr_html_is_an_iframe_holding_the_whole_page():
    view = gk.utils.view_model(shared_pair(), path=None)
    markup = view._repr_html_()
    (source,) = re.findall(r'srcdoc="([^"]*)"', markup)
    assert markup.startswith("<iframe")
    assert html.unescape(source) == view.html


def test_embedded_json_cannot_close_its_script_element():
    text = embedded_json({"name": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><!-- & \u2028"}


def test_a_config_string_holding_a_script_end_tag_stays_inside_the_data():
    K.clear_session()
    x = gk.Input((2,), name="x")
    model = gk.Model(x, layers.Activation("linear", name="act")(x), name="tagged")
    page = gk.utils.view_model(model, path=None, title="</script><b>").html
    assert page.count("</script>") == 2  # the data element's and the script's own
    assert "<title>&lt;/script&gt;&lt;b&gt;</title>" in page
    assert embedded(page)["name"] == "tagged"


# ------------------------------------------------------------- the data matches the graph


@pytest.mark.parametrize("builder", [dense_chain, shared_pair, models_nested_twice])
@pytest.mark.parametrize("level", ["layers", "nodes"])
def test_boxes_and_edges_match_to_networkx(builder, level):
    model = builder()
    data = embedded(gk.utils.view_model(model, path=None).html)
    graph = to_networkx(model, level={"layers": "layer", "nodes": "node"}[level])
    keys, edges = top_level(data, level)
    assert keys == list(graph.nodes)
    assert sorted(edges) == sorted(expected_edges(graph))


def test_shared_layer_lists_every_call_with_its_node_and_tensor_indices():
    data = viewer_data(shared_pair())
    shared = layer_record(data, "shared")
    calls = [dict(zip(data["fields"]["call"], call, strict=True)) for call in shared["calls"]]
    assert [call["nodeIndex"] for call in calls] == [0, 1]
    assert [call["inbound"] for call in calls] == [["a[0][0]"], ["b[0][0]"]]
    assert [call["inputShapes"] for call in calls] == [[[None, 4]], [[None, 4]]]
    assert [call["outputShapes"] for call in calls] == [[[None, 3]], [[None, 3]]]
    nodes = {vertex["key"]: vertex for vertex in rows(data, "nodes", "vertices")}
    assert (nodes["shared[0]"]["calls"], nodes["shared[1]"]["calls"]) == (2, 2)
    assert (nodes["shared[0]"]["nodeIndex"], nodes["shared[1]"]["nodeIndex"]) == (0, 1)
    layer_boxes = {vertex["key"]: vertex for vertex in rows(data, "layers", "vertices")}
    assert layer_boxes["shared"]["calls"] == 2
    assert layer_boxes["sum"]["calls"] == 1


def test_sum_reads_both_calls_of_the_shared_layer_at_node_level():
    data = viewer_data(shared_pair())
    _, edges = top_level(data, "nodes")
    assert sorted(edge for edge in edges if edge[1] == "sum[0]") == [
        ("shared[0]", "sum[0]", "shared[0][0]"),
        ("shared[1]", "sum[0]", "shared[1][0]"),
    ]


@pytest.mark.parametrize("level", ["layers", "nodes"])
def test_nested_models_carry_their_own_laid_out_content(level):
    model = models_nested_twice()
    data = viewer_data(model)
    vertices = rows(data, level, "vertices")
    scopes = rows(data, level, "scopes")
    assert [(scope["name"], scope["parent"]) for scope in scopes] == [
        ("middle", -1),
        ("middle/inner", 0),
    ]
    networkx_level = {"layers": "layer", "nodes": "node"}[level]
    inner = model.get_layer("middle").get_layer("inner")
    inside_inner = [vertex["key"] for vertex in vertices if vertex["scope"] == 1]
    assert inside_inner == [f"middle/inner/{key}" for key in to_networkx(inner, networkx_level)]
    # With every nested model open, the boxes are the fully expanded graph's vertices.
    opening = {vertex["key"] for vertex in vertices if vertex["opens"] is not None}
    leaves = [vertex["key"] for vertex in vertices if vertex["key"] not in opening]
    expanded = to_networkx(model, networkx_level, expand_nested=True)
    assert sorted(leaves) == sorted(expanded.nodes)
    for scope_number, scope in enumerate(scopes):
        members = [vertex for vertex in vertices if vertex["scope"] == scope_number]
        assert all(v["x"] + v["w"] <= scope["width"] for v in members)
        assert all(v["y"] + v["h"] <= scope["height"] for v in members)


def test_each_call_of_a_shared_nested_model_opens_the_same_inside():
    K.clear_session()
    pixels = gk.Input((4,), name="pixels")
    encoder = gk.Model(pixels, layers.Dense(2, name="code")(pixels), name="encoder")
    left = gk.Input((4,), name="left")
    right = gk.Input((4,), name="right")
    joined = layers.add([encoder(left), encoder(right)], name="joined")
    data = viewer_data(gk.Model([left, right], joined, name="siamese"))
    vertices = rows(data, "nodes", "vertices")
    opening = {vertex["key"]: vertex["opens"] for vertex in vertices if vertex["opens"] is not None}
    assert opening == {"encoder[1]": 0, "encoder[2]": 0}
    inside = [vertex["key"] for vertex in vertices if vertex["scope"] == 0]
    assert inside == ["encoder/pixels[0]", "encoder/code[0]"]
    crossings = [
        (vertices[edge["from"]]["key"], [vertices[box]["key"] for box in edge["through"]])
        for edge in rows(data, "nodes", "crossings")
        if vertices[edge["to"]]["key"] == "encoder/pixels[0]"
    ]
    assert sorted(crossings) == [("left[0]", ["encoder[1]"]), ("right[0]", ["encoder[2]"])]


def test_an_edge_leaving_a_closed_nested_model_is_labelled_with_its_output():
    data = viewer_data(models_nested_twice())
    vertices = rows(data, "nodes", "vertices")
    (leaving,) = [edge for edge in rows(data, "nodes", "crossings") if edge["sourceLabels"]]
    assert (vertices[leaving["from"]]["key"], vertices[leaving["to"]]["key"]) == (
        "middle/inner/core[0]",
        "head[0]",
    )
    assert leaving["label"] == "core[0][0]"
    labels = [(vertices[box]["key"], label) for box, label in leaving["sourceLabels"]]
    assert labels == [("middle[1]", "middle[1][0]"), ("middle/inner[1]", "inner[1][0]")]


# --------------------------------------------------------------- weights and configs


def test_weight_statistics_match_the_weights():
    model = dense_chain()
    data = viewer_data(model)
    record = layer_record(data, "hidden")
    named = {row[0]: row for row in record["weights"]}
    kernel = K.convert_to_numpy(model.get_layer("hidden").kernel)
    _, shape, low, mean, high, spread = named["hidden/kernel"]
    assert shape == [4, 3]
    # Stored with six significant digits.
    np.testing.assert_allclose(
        [low, mean, high, spread],
        [kernel.min(), kernel.mean(), kernel.max(), kernel.std()],
        rtol=1e-5,
        atol=1e-7,
    )
    assert record["params"] == 15
    assert layer_record(data, "x")["weights"] == []


def test_a_large_weight_and_a_nested_models_copy_of_it_get_the_same_statistics():
    K.clear_session()
    inner_input = gk.Input((64,), name="inner_input")
    inner = gk.Model(inner_input, layers.Dense(100, name="wide")(inner_input), name="inner")
    x = gk.Input((64,), name="x")
    model = gk.Model(x, inner(x), name="outer")
    data = viewer_data(model)
    kernel = K.convert_to_numpy(inner.get_layer("wide").kernel)
    assert kernel.size > 4096  # reduced on its own, not with the small weights
    own = layer_record(data, "wide")["weights"][0]
    listed_by_model = layer_record(data, "inner")["weights"][0]
    assert own == listed_by_model
    np.testing.assert_allclose(
        own[2:],
        [kernel.min(), kernel.mean(), kernel.max(), kernel.std()],
        rtol=1e-5,
        atol=1e-7,
    )


def test_statistics_can_be_left_out_and_shapes_stay():
    data = viewer_data(dense_chain(), include_statistics=False)
    assert layer_record(data, "out")["weights"] == [
        ["out/kernel", [3, 2], None, None, None, None],
        ["out/bias", [2], None, None, None, None],
    ]


def test_only_built_weights_are_listed_for_a_subclassed_model():
    class Tiny(gk.Model):
        def __init__(self):
            super().__init__(name="tiny")
            self.dense = layers.Dense(2, name="dense")
            self.unused = layers.Dense(5, name="unused")

        def call(self, inputs):
            return self.dense(inputs)

    model = Tiny()
    model(np.ones((1, 3), dtype="float32"))
    data = viewer_data(model)
    assert [row["key"] for row in rows(data, "layers", "vertices")] == ["tiny"]
    record = layer_record(data, "tiny")
    assert [(row[0], row[1]) for row in record["weights"]] == [
        ("tiny/dense/kernel", [3, 2]),
        ("tiny/dense/bias", [2]),
    ]
    assert record["params"] == 8


def test_configs_are_shared_between_layers_built_alike_and_keep_no_name():
    K.clear_session()
    x = inputs = gk.Input((3,))
    for _ in range(5):
        x = layers.Dense(3)(x)
    data = viewer_data(gk.Model(inputs, x))
    dense = [record for record in layer_records(data) if record["className"] == "Dense"]
    assert len({record["config"] for record in dense}) == 1
    config = data["configs"][dense[0]["config"]]
    assert config["units"] == 3 and "name" not in config


def test_json_safe_keeps_plain_values_and_writes_others_as_repr():
    class Opaque:
        def __repr__(self):
            return "<opaque>"

    value = {
        "n": np.int64(3),
        "f": np.float32(0.5),
        "bad": math.nan,
        "t": (1, [2.0, None]),
        "o": Opaque(),
        1: True,
    }
    assert json_safe(value) == {
        "n": 3,
        "f": 0.5,
        "bad": "nan",
        "t": [1, [2.0, None]],
        "o": "<opaque>",
        "1": True,
    }


# ---------------------------------------------------------------------------- layout


def test_banded_layout_puts_each_rank_below_the_last_without_overlap():
    K.clear_session()
    a = gk.Input((2,), name="a")
    b = gk.Input((2,), name="b")
    joined = layers.add([layers.Dense(2, name="da")(a), layers.Dense(2, name="db")(b)], name="j")
    graph = to_networkx(gk.Model([a, b], joined))
    sizes = {key: (100.0, 40.0) for key in graph.nodes}
    boxes, width, height = banded_layout(graph, sizes)
    assert boxes["a"][1] == boxes["b"][1] < boxes["da"][1] == boxes["db"][1] < boxes["j"][1]
    assert boxes["a"][0] + 100.0 < boxes["b"][0]
    assert all(
        x >= 0 and y >= 0 and x + 100 <= width and y + 40 <= height for x, y, _, _ in boxes.values()
    )


def test_edges_of_a_layered_scope_carry_routes_from_box_to_box():
    data = viewer_data(shared_pair())
    vertices = rows(data, "layers", "vertices")
    for edge in rows(data, "layers", "edges"):
        source, target, route = vertices[edge["from"]], vertices[edge["to"]], edge["route"]
        assert len(route) >= 4 and len(route) % 2 == 0
        (x0, y0), (x1, y1) = route[:2], route[-2:]
        assert source["x"] <= x0 <= source["x"] + source["w"]
        assert y0 == pytest.approx(source["y"] + source["h"])
        assert target["x"] <= x1 <= target["x"] + target["w"]
        assert y1 == pytest.approx(target["y"])


def test_a_layer_shared_across_the_whole_depth_is_laid_out_in_rows_without_routes():
    # Every block calls the same Dense: at layer level its edges cross every rank,
    # which the layered layout would route point by point.
    K.clear_session()
    x = inputs = gk.Input((4,), name="x")
    shared = layers.Dense(4, name="shared")
    for _ in range(20):
        x = layers.add([x, layers.Dense(4)(shared(x))])
    data = viewer_data(gk.Model(inputs, x))
    assert all(edge["route"] == [] for edge in rows(data, "layers", "edges"))
    assert all(len(edge["route"]) >= 4 for edge in rows(data, "nodes", "edges"))


def test_a_long_chain_stays_small_and_is_laid_out_in_rows():
    K.clear_session()
    x = inputs = gk.Input((2,))
    for _ in range(1600):
        x = layers.Dense(2)(x)
    page = gk.utils.view_model(gk.Model(inputs, x), path=None).html
    data = embedded(page)
    tops = [vertex["y"] for vertex in rows(data, "layers", "vertices")]
    assert tops == sorted(tops) and len(set(tops)) == 1601
    assert len(page) < 1601 * 600


# ----------------------------------------------------------------------- bad input


def test_a_non_model_is_refused_naming_what_was_expected_and_received():
    with pytest.raises(TypeError, match=r"expects a graphkeras Model.*received model=str"):
        gk.utils.view_model("model.gk", path=None)
    with pytest.raises(TypeError, match=r"received model=Dense"):
        gk.utils.view_model(layers.Dense(2), path=None)


def test_a_path_that_is_not_a_path_is_refused():
    with pytest.raises(TypeError, match=r"path must be a file path .* received path=3 \(int\)"):
        gk.utils.view_model(dense_chain(), path=3)


def test_an_unbuilt_subclassed_model_is_refused():
    class Unbuilt(gk.Model):
        def call(self, inputs):
            return inputs

    with pytest.raises(ValueError, match=r"needs a built model; received the unbuilt Unbuilt"):
        gk.utils.view_model(Unbuilt(name="later"), path=None)


# ---------------------------------------------------------------------- the command


def serve(file, *extra: str) -> tuple[int, dict]:
    """Run ``graphkeras view FILE --no-browser --port 0``; fetch from it, then stop it."""
    arguments = cli.build_parser().parse_args(["view", str(file), "--no-browser", *extra])
    fetched: dict = {}

    def fetch(server: cli_view.PageServer) -> None:
        try:
            with urllib.request.urlopen(server.url, timeout=HUNG_AFTER_SECONDS) as response:
                fetched["page"] = response.read().decode("utf-8")
                fetched["type"] = response.headers["Content-Type"]
            try:
                urllib.request.urlopen(server.url + "etc/passwd", timeout=HUNG_AFTER_SECONDS)
            except urllib.error.HTTPError as error:
                fetched["other"] = error.code
            fetched["url"] = server.url
        finally:
            server.shutdown()

    status = cli_view.run(arguments, ready=fetch)
    return status, fetched


def test_view_command_serves_a_saved_models_page_from_localhost(tmp_path, capsys):
    path = tmp_path / "pair.gk"
    gk.models.save_model(shared_pair(), path)
    status, fetched = serve(path, "--port", "0")
    out = capsys.readouterr().out
    assert status == 0
    assert fetched["url"].startswith("http://127.0.0.1:")
    assert f"at {fetched['url']}" in out
    assert fetched["type"] == "text/html; charset=utf-8"
    assert fetched["other"] == 404
    data = embedded(fetched["page"])
    assert data["name"] == "pair"
    assert top_level(data, "nodes")[0] == ["a[0]", "shared[0]", "b[0]", "shared[1]", "sum[0]"]


def test_view_command_serves_a_written_page_as_it_is(tmp_path):
    path = tmp_path / "chain.html"
    view = gk.utils.view_model(dense_chain(), path)
    status, fetched = serve(path)
    assert status == 0
    assert fetched["page"] == view.html


def test_view_command_refuses_an_html_file_it_did_not_write(tmp_path, capsys):
    path = tmp_path / "other.html"
    path.write_text("<html></html>")
    status = cli.main(["view", str(path), "--no-browser"])
    err = capsys.readouterr().err
    assert status == 2
    assert "not a page written by gk.utils.view_model" in err


def test_view_command_reports_a_missing_file(tmp_path, capsys):
    status = cli.main(["view", str(tmp_path / "missing.gk"), "--no-browser"])
    assert status == 2
    assert "no such file" in capsys.readouterr().err


def test_the_port_is_closed_once_the_command_returns(tmp_path):
    path = tmp_path / "chain.html"
    gk.utils.view_model(dense_chain(), path)
    status, fetched = serve(path)
    assert status == 0 and "page" in fetched
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(fetched["url"], timeout=HUNG_AFTER_SECONDS)


def test_view_command_reports_a_port_it_cannot_serve_on(tmp_path, capsys):
    path = tmp_path / "chain.html"
    gk.utils.view_model(dense_chain(), path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = cli.main(["view", str(path), "--no-browser", "--port", str(port)])
    assert status == 2
    assert f"cannot serve on port {port}" in capsys.readouterr().err
