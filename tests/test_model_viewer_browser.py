"""The viewer page in a real headless browser: what it draws, selects, opens, finds and exports.

Each test writes a page with ``gk.utils.view_model``, opens it from
``file://`` in chromium (see ``browser_tools.py``; the tests skip, saying
why, when no browser can be started) and reads ``window.gkViewer`` and the
DOM. What the page shows is compared with what the model itself records:
``to_networkx``'s vertices and edges, each node's Keras triples and shapes,
each layer's ``count_params`` and weights.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ElementTree
from collections import Counter

import numpy as np
import pytest
from browser_tools import (  # noqa: F401  (browser_fixture: the ``browser`` fixture)
    browser_fixture,
    decode_png,
    open_viewer,
    pixel_spread,
    viewer_call,
)

import graphkeras as gk
from graphkeras import layers
from graphkeras.demo import build_siamese
from graphkeras.utils import to_networkx

NOT_BLANK_SPREAD = 5.0
"""Least standard deviation of colour values a drawn graph shows (a blank page shows 0)."""


def shared_three_times() -> gk.Model:
    """A Dense layer called three times: on tensors 1 and 2 of an LSTM, then on a Dense's output."""
    sequence = gk.Input(shape=(5, 2), name="sequence")
    outputs, state_h, state_c = layers.LSTM(4, return_state=True, name="lstm")(sequence)
    shared = layers.Dense(3, name="shared")
    first, second = shared(state_h), shared(state_c)
    widened = layers.Dense(4, name="widen")(layers.Add(name="total")([first, second]))
    return gk.Model(sequence, [outputs, shared(widened)], name="shared_three_times")


def open_model(browser, model, tmp_path, name: str = "model.html") -> str:
    """Write ``model``'s page into ``tmp_path`` and open it; returns the file's path."""
    view = gk.utils.view_model(model, tmp_path / name)
    open_viewer(browser, view.path)
    return view.path


def click_at(browser, position: dict) -> None:
    """A real mouse click at ``position`` (CSS pixels of the viewport)."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(round(position["x"]), round(position["y"])).click()
    actions.perform()


def click_box(browser, box_id: str) -> None:
    """Click the centre of box ``box_id`` as drawn now."""
    position = viewer_call(browser, "screenPosition", box_id)
    assert position is not None, f"no box {box_id!r} on the page"
    click_at(browser, position)


def edge_multiset(graph) -> Counter:
    """``(from, to, "layer[node][tensor]")`` of every edge of a ``to_networkx`` graph, counted."""
    return Counter(
        (
            source,
            target,
            f"{graph.nodes[source]['layer'].name}[{data['node_index']}][{data['tensor_index']}]",
        )
        for source, target, data in graph.edges(data=True)
    )


def page_edges(browser) -> Counter:
    """``(from, to, label)`` of every edge the page draws now, counted."""
    return Counter(
        (edge["from"], edge["to"], edge["label"]) for edge in viewer_call(browser, "edges")
    )


def keras_triples(layer) -> list[list[str]]:
    """For each call of ``layer``: the ``"layer[node][tensor]"`` triples of the tensors it read."""
    return [
        [
            f"{tensor._keras_history[0].name}[{tensor._keras_history[1]}]"
            f"[{tensor._keras_history[2]}]"
            for tensor in node.input_tensors
        ]
        for node in layer._inbound_nodes
    ]


def shapes(tensor_shapes) -> list[list]:
    """Shapes as the page's JSON gives them: lists, ``None`` for an unknown size."""
    return [list(shape) for shape in tensor_shapes]


# ------------------------------------------------------------------ what is drawn
def test_layer_level_boxes_and_edges_match_to_networkx(browser, tmp_path):
    model = build_siamese()
    open_model(browser, model, tmp_path)
    graph = to_networkx(model)

    assert viewer_call(browser, "level") == "layers"
    boxes = viewer_call(browser, "boxes")
    assert sorted(box["id"] for box in boxes) == sorted(graph.nodes)
    assert len(boxes) == graph.number_of_nodes() == 8
    for box in boxes:
        vertex = graph.nodes[box["id"]]
        assert box["name"] == vertex["layer"].name
        assert box["className"] == vertex["class_name"]
        assert box["kind"] == ("model" if vertex["is_model"] else "layer")
        assert box["nodeIndex"] is None
    calls = {box["id"]: box["calls"] for box in boxes}
    assert calls["encoder"] == 2 and calls["head"] == 1 and calls["cosine"] == 1
    assert page_edges(browser) == edge_multiset(graph)
    assert sum(page_edges(browser).values()) == graph.number_of_edges() == 10


def test_node_level_boxes_and_edges_match_to_networkx(browser, tmp_path):
    model = build_siamese()
    open_model(browser, model, tmp_path)
    browser.find_element("id", "gk-level").click()  # the visible toggle
    assert viewer_call(browser, "level") == "nodes"
    graph = to_networkx(model, level="node")

    boxes = viewer_call(browser, "boxes")
    assert sorted(f"{box['name']}[{box['nodeIndex']}]" for box in boxes) == sorted(graph.nodes)
    assert sorted(box["id"] for box in boxes) == sorted(graph.nodes)
    encoder_calls = sorted(box["nodeIndex"] for box in boxes if box["name"] == "encoder")
    assert encoder_calls == [1, 2]  # node 0 is the encoder's own graph
    assert page_edges(browser) == edge_multiset(graph)
    assert ("encoder[2]", "cosine[0]", "encoder[2][0]") in page_edges(browser)


def test_expanding_every_nested_model_matches_to_networkx_expanded(browser, tmp_path):
    model = build_siamese()
    open_model(browser, model, tmp_path)
    collapsed = sorted(box["id"] for box in viewer_call(browser, "boxes"))

    assert viewer_call(browser, "expand", "encoder") is True
    ids = {box["id"] for box in viewer_call(browser, "boxes")}
    encoder_layers = {f"encoder/{layer.name}" for layer in model.get_layer("encoder").layers}
    assert encoder_layers <= ids and "encoder" not in ids and "head" in ids

    viewer_call(browser, "expand", "head")
    expanded = to_networkx(model, expand_nested=True)
    assert sorted(box["id"] for box in viewer_call(browser, "boxes")) == sorted(expanded.nodes)
    page = Counter((edge["from"], edge["to"]) for edge in viewer_call(browser, "edges"))
    assert page == Counter(expanded.edges(keys=False))

    viewer_call(browser, "collapse", "encoder")
    viewer_call(browser, "collapse", "head")
    assert sorted(box["id"] for box in viewer_call(browser, "boxes")) == collapsed


def test_clicking_a_closed_nested_model_opens_it_in_place(browser, tmp_path):
    model = build_siamese()
    open_model(browser, model, tmp_path)
    click_box(browser, "head")
    names = {box["name"] for box in viewer_call(browser, "boxes")}
    assert {layer.name for layer in model.get_layer("head").layers} <= names
    assert viewer_call(browser, "selected")["id"] == "head"


# ------------------------------------------------------------ selection and panel
def test_clicking_a_shared_layer_lists_its_three_calls(browser, tmp_path):
    model = shared_three_times()
    shared = model.get_layer("shared")
    expected_inbound = [["lstm[0][1]"], ["lstm[0][2]"], ["widen[0][0]"]]
    assert keras_triples(shared) == expected_inbound
    open_model(browser, model, tmp_path)

    shared_box = next(box for box in viewer_call(browser, "boxes") if box["name"] == "shared")
    assert shared_box["calls"] == 3
    click_box(browser, shared_box["id"])

    selected = viewer_call(browser, "selected")
    assert selected["id"] == shared_box["id"] and selected["className"] == "Dense"
    assert [call["nodeIndex"] for call in selected["calls"]] == [0, 1, 2]
    assert [call["inbound"] for call in selected["calls"]] == expected_inbound
    panel = browser.find_element("id", "gk-panel").text
    for triple in ("lstm[0][1]", "lstm[0][2]", "widen[0][0]"):
        assert triple in panel


def test_selecting_one_call_highlights_every_call_of_the_shared_layer(browser, tmp_path):
    open_model(browser, shared_three_times(), tmp_path)
    viewer_call(browser, "setLevel", "nodes")
    click_box(browser, "shared[1]")
    assert viewer_call(browser, "selected")["id"] == "shared[1]"
    assert sorted(viewer_call(browser, "highlighted")) == ["shared[0]", "shared[1]", "shared[2]"]
    inbound = {(edge["from"], edge["label"]) for edge in viewer_call(browser, "edges")}
    assert ("lstm[0]", "lstm[0][2]") in inbound


def test_side_panel_shows_shapes_and_parameter_count(browser, tmp_path):
    model = shared_three_times()
    shared = model.get_layer("shared")
    open_model(browser, model, tmp_path)
    viewer_call(browser, "select", "shared")

    selected = viewer_call(browser, "selected")
    assert selected["params"] == shared.count_params() == 4 * 3 + 3
    assert [call["inputShapes"] for call in selected["calls"]] == [
        shapes(node.input_shapes) for node in shared._inbound_nodes
    ]
    assert [call["outputShapes"] for call in selected["calls"]] == [
        shapes(node.output_shapes) for node in shared._inbound_nodes
    ]
    assert selected["config"]["units"] == 3
    assert [(w["name"], w["shape"]) for w in selected["weights"]] == [
        ("shared/kernel", [4, 3]),
        ("shared/bias", [3]),
    ]
    kernel = gk.backend.get_value(shared.kernel)
    statistics = [selected["weights"][0][key] for key in ("min", "mean", "max", "std")]
    expected = [kernel.min(), kernel.mean(), kernel.max(), kernel.std()]
    np.testing.assert_allclose(statistics, expected, rtol=1e-4, atol=1e-6)  # 6 digits shown

    panel = browser.find_element("id", "gk-panel").text
    assert "Dense" in panel and "Parameters: 15" in panel
    assert "(None, 4)" in panel and "(None, 3)" in panel
    assert "×3" in panel

    viewer_call(browser, "select", "lstm")
    lstm = viewer_call(browser, "selected")
    assert lstm["params"] == model.get_layer("lstm").count_params() == 4 * 4 * (2 + 4 + 1)
    assert lstm["calls"][0]["outputShapes"] == [[None, 4], [None, 4], [None, 4]]


def test_panel_links_select_the_box_they_name(browser, tmp_path):
    open_model(browser, shared_three_times(), tmp_path)
    viewer_call(browser, "select", "shared")
    link = browser.find_element("css selector", '#gk-panel a[data-box-id="widen"]')
    link.click()
    assert viewer_call(browser, "selected")["id"] == "widen"
    outbound = browser.find_elements("css selector", "#gk-panel a[data-box-id]")
    assert {element.get_attribute("data-box-id") for element in outbound} == {"total", "shared"}


def test_tab_moves_the_selection_and_enter_opens_a_model(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    open_model(browser, build_siamese(), tmp_path)
    order = [box["id"] for box in viewer_call(browser, "boxes")]
    canvas = browser.find_element("css selector", "canvas")
    canvas.send_keys(Keys.TAB)
    first = viewer_call(browser, "selected")["id"]
    canvas.send_keys(Keys.TAB)
    second = viewer_call(browser, "selected")["id"]
    canvas.send_keys(Keys.SHIFT, Keys.TAB)
    assert viewer_call(browser, "selected")["id"] == first != second
    assert first in order and second in order

    viewer_call(browser, "select", "encoder")
    canvas.send_keys(Keys.ENTER)
    assert "encoder/encoder_hidden" in {box["id"] for box in viewer_call(browser, "boxes")}


def test_wheel_zooms_and_fit_restores_the_view(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.wheel_input import ScrollOrigin

    open_model(browser, build_siamese(), tmp_path)
    fitted = viewer_call(browser, "view")
    canvas = browser.find_element("css selector", "canvas")
    ActionChains(browser).scroll_from_origin(ScrollOrigin.from_element(canvas), 0, -300).perform()
    zoomed = viewer_call(browser, "view")
    assert zoomed["scale"] > fitted["scale"]
    viewer_call(browser, "fit")
    np.testing.assert_allclose(
        [viewer_call(browser, "view")[key] for key in ("scale", "tx", "ty")],
        [fitted[key] for key in ("scale", "tx", "ty")],
        rtol=1e-9,
        atol=1e-6,
    )


def test_a_thousand_layer_chain_is_drawn_whole_and_search_centres_its_far_end(browser, tmp_path):
    inputs = gk.Input(shape=(2,), name="start")
    tensor = inputs
    for index in range(1_000):
        tensor = layers.Dense(2, name=f"step_{index:04d}")(tensor)
    model = gk.Model(inputs, tensor, name="long_chain")
    open_model(browser, model, tmp_path)

    boxes = viewer_call(browser, "boxes")
    assert len(boxes) == len(to_networkx(model)) == 1_001
    assert len(viewer_call(browser, "edges")) == 1_000
    assert viewer_call(browser, "search", "step_0999") == ["step_0999"]
    viewer_call(browser, "next")
    position = viewer_call(browser, "screenPosition", "step_0999")
    canvas = browser.find_element("css selector", "canvas").rect
    assert canvas["x"] <= position["x"] <= canvas["x"] + canvas["width"]
    assert canvas["y"] <= position["y"] <= canvas["y"] + canvas["height"]


def test_the_notebook_frame_runs_the_page(browser, tmp_path):
    view = gk.utils.view_model(build_siamese(), path=None)
    assert view.path is None
    notebook = tmp_path / "notebook.html"
    notebook.write_text(f"<!DOCTYPE html><html><body>{view._repr_html_()}</body></html>")
    browser.get(notebook.as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(browser, 30).until(
            lambda d: d.execute_script("return Boolean(window.gkViewer && gkViewer.ready);")
        )
        assert len(viewer_call(browser, "boxes")) == 8
    finally:
        browser.switch_to.default_content()


def test_graphkeras_view_serves_a_saved_model_the_browser_draws(browser, tmp_path):
    import threading

    from graphkeras.cli import build_parser
    from graphkeras.cli_view import run

    model = build_siamese()
    model.save(tmp_path / "siamese.gk")
    arguments = build_parser().parse_args(["view", str(tmp_path / "siamese.gk"), "--no-browser"])
    served = {}
    started = threading.Event()

    def keep_server(server) -> None:
        served["server"] = server
        started.set()

    command = threading.Thread(target=run, args=(arguments, keep_server), daemon=True)
    command.start()
    assert started.wait(60), "graphkeras view did not start serving"
    try:
        assert served["server"].url.startswith("http://127.0.0.1:")
        open_viewer(browser, served["server"].url)
        boxes = viewer_call(browser, "boxes")
        assert sorted(box["id"] for box in boxes) == sorted(to_networkx(model).nodes)
    finally:
        served["server"].shutdown()
        command.join(60)
    assert not command.is_alive()


def test_drag_pans_and_keys_zoom_and_pan(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_model(browser, build_siamese(), tmp_path)
    canvas = browser.find_element("css selector", "canvas")
    start = viewer_call(browser, "view")
    # Press on empty canvas near its left edge, drag 80 right and 50 down.
    ActionChains(browser).move_to_element_with_offset(
        canvas, -canvas.rect["width"] // 2 + 10, 0
    ).click_and_hold().move_by_offset(40, 25).move_by_offset(40, 25).release().perform()
    dragged = viewer_call(browser, "view")
    np.testing.assert_allclose(
        [dragged["tx"] - start["tx"], dragged["ty"] - start["ty"]], [80, 50], atol=1.0
    )
    assert dragged["scale"] == start["scale"]

    canvas.send_keys("+")
    assert viewer_call(browser, "view")["scale"] > dragged["scale"]
    before = viewer_call(browser, "view")
    canvas.send_keys(Keys.ARROW_LEFT)
    after = viewer_call(browser, "view")
    assert after["tx"] > before["tx"] and after["ty"] == before["ty"]
    canvas.send_keys("0")
    np.testing.assert_allclose(viewer_call(browser, "view")["scale"], start["scale"], rtol=1e-9)


# -------------------------------------------------------------------------- search
def test_search_finds_a_layer_and_moves_between_matches(browser, tmp_path):
    open_model(browser, build_siamese(), tmp_path)
    assert viewer_call(browser, "search", "DOT") == ["cosine"]  # class Dot, any case
    viewer_call(browser, "setLevel", "nodes")
    matches = viewer_call(browser, "search", "encoder")
    assert sorted(matches) == ["encoder[1]", "encoder[2]"]
    assert sorted(viewer_call(browser, "highlighted")) == sorted(matches)

    first = viewer_call(browser, "next")
    second = viewer_call(browser, "next")
    assert [first, second] == matches
    assert viewer_call(browser, "selected")["id"] == second
    assert viewer_call(browser, "next") == first  # wraps around
    assert viewer_call(browser, "previous") == second
    assert viewer_call(browser, "search", "no such layer") == []


def test_typing_in_the_search_box_selects_the_match(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    open_model(browser, build_siamese(), tmp_path)
    box = browser.find_element("id", "gk-search")
    box.send_keys("featu")
    assert viewer_call(browser, "highlighted") == ["features"]
    box.send_keys(Keys.ENTER)
    assert viewer_call(browser, "selected")["name"] == "features"


# -------------------------------------------------------------------------- export
def test_export_svg_returns_svg_of_the_boxes_drawn(browser, tmp_path):
    open_model(browser, build_siamese(), tmp_path)
    svg = viewer_call(browser, "exportSvg")
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    drawn = {
        group.get("data-box-id")
        for group in root.iter("{http://www.w3.org/2000/svg}g")
        if group.get("class") == "box"
    }
    assert drawn == {box["id"] for box in viewer_call(browser, "boxes")}


@pytest.mark.parametrize("level", ["layers", "nodes"])
def test_screenshots_of_the_demo_model_are_not_blank(browser, tmp_path, level):
    open_model(browser, build_siamese(), tmp_path)
    viewer_call(browser, "setLevel", level)
    viewer_call(browser, "fit")

    exported = viewer_call(browser, "exportPng")
    assert exported.startswith("data:image/png;base64,")
    exported_png = base64.b64decode(exported.split(",", 1)[1])
    screenshot_png = browser.get_screenshot_as_png()
    (tmp_path / f"demo-{level}-export.png").write_bytes(exported_png)
    (tmp_path / f"demo-{level}-screenshot.png").write_bytes(screenshot_png)

    for png in (exported_png, screenshot_png):
        pixels = decode_png(png)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100
        assert pixel_spread(pixels) > NOT_BLANK_SPREAD

    browser.get("about:blank")  # the check can fail: an empty page has no spread
    assert pixel_spread(decode_png(browser.get_screenshot_as_png())) < 1.0


def luminance(pixels: np.ndarray) -> np.ndarray:
    """Relative brightness 0..255 of each pixel (Rec. 709 weights on the colour values)."""
    return pixels[..., :3].astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_graph_follows_the_colour_scheme_with_readable_contrast(browser, tmp_path, scheme):
    emulate = "Emulation.setEmulatedMedia"
    browser.execute_cdp_cmd(
        emulate, {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )
    try:
        open_model(browser, build_siamese(), tmp_path)
        exported = viewer_call(browser, "exportPng")
    finally:
        browser.execute_cdp_cmd(emulate, {"features": []})
    brightness = luminance(decode_png(base64.b64decode(exported.split(",", 1)[1])))
    background = float(np.median(brightness))
    if scheme == "light":
        assert background > 200
    else:
        assert background < 60
    # Text and borders stand well apart from the background.
    assert np.percentile(np.abs(brightness - background), 99.5) > 120


# ------------------------------------------------------------------- the PNG reader
def encode_png_rows(pixels: np.ndarray, filters: list[int]) -> bytes:
    """An RGBA PNG of ``pixels`` with row ``y`` written using filter ``filters[y]``."""
    import struct
    import zlib

    height, width, channels = pixels.shape
    flat = pixels.reshape(height, width * channels).astype(np.int32)
    body = bytearray()
    for y, kind in enumerate(filters):
        row, up = flat[y], flat[y - 1] if y else np.zeros_like(flat[0])
        left = np.concatenate([np.zeros(channels, np.int32), row[:-channels]])
        upper_left = np.concatenate([np.zeros(channels, np.int32), up[:-channels]])
        estimate = left + up - upper_left
        paeth = np.where(
            (abs(estimate - left) <= abs(estimate - up))
            & (abs(estimate - left) <= abs(estimate - upper_left)),
            left,
            np.where(abs(estimate - up) <= abs(estimate - upper_left), up, upper_left),
        )
        predictor = [0, left, up, (left + up) // 2, paeth][kind]
        body += bytes([kind]) + ((row - predictor) & 0xFF).astype(np.uint8).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(body)))
        + chunk(b"IEND", b"")
    )


def test_png_reader_undoes_every_row_filter():
    pixels = np.random.default_rng(0).integers(0, 256, size=(10, 7, 4), dtype=np.uint8)
    filters = [0, 1, 2, 3, 4, 4, 3, 2, 1, 0]
    # Exact: PNG filters are integer byte arithmetic, undone exactly by the reader.
    np.testing.assert_array_equal(decode_png(encode_png_rows(pixels, filters)), pixels)
    with pytest.raises(ValueError, match="not a PNG"):
        decode_png(b"GIF89a")
