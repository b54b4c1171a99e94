"""plot_model and model_to_svg: the drawing read back as XML, and the file formats."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from drawing_geometry import contains, layout_problems, overlap, read_svg

import graphkeras as gk
from graphkeras import layers
from graphkeras.demo import build_siamese
from graphkeras.utils import ModelDiagram, model_to_dot, model_to_svg, plot_model
from graphkeras.utils.svg_drawing import BoxContent, render_svg


@pytest.fixture
def siamese() -> gk.Model:
    return build_siamese()


@pytest.fixture
def reused() -> gk.Model:
    """A layer shared at two depths, and a sub-model called twice."""
    x = gk.Input(shape=(8,), name="x")
    shared = layers.Dense(8, name="shared")
    first = shared(x)
    again = shared(layers.Dense(8, name="middle")(first))
    inner = gk.Input(shape=(8,), name="inner_in")
    block = gk.Model(inner, layers.Dense(8, name="inner_dense")(inner), name="block")
    total = layers.add([block(again), block(first)], name="total")
    return gk.Model(x, total, name="reused")


def drawing_of(model, **options) -> dict:
    return read_svg(model_to_svg(model, **options))


def edge_routes(drawing: dict) -> dict:
    return {
        (source, target, index): points
        for index, (source, target, points) in enumerate(drawing["edges"])
    }


def test_every_layer_has_a_box_with_its_name(siamese):
    drawing = drawing_of(siamese)
    assert set(drawing["boxes"]) == {layer.name for layer in siamese.layers}
    for layer in siamese.layers:
        assert drawing["texts"][layer.name][0] == f"{layer.name} ({type(layer).__name__})"


def test_one_edge_per_tensor_read(siamese):
    drawing = drawing_of(siamese)
    pairs = sorted((source, target) for source, target, _ in drawing["edges"])
    assert pairs.count(("encoder", "cosine")) == 2
    assert ("features", "head") in pairs
    assert len(pairs) == 10


def test_boxes_do_not_overlap_and_edges_join_box_borders_without_crossing_boxes(reused):
    drawing = drawing_of(reused, show_shapes=True, show_dtype=True)
    assert layout_problems(drawing["boxes"], edge_routes(drawing)) == []


def test_shared_layer_is_drawn_with_a_badge_and_its_own_border(reused):
    drawing = drawing_of(reused)
    assert drawing["kinds"]["shared"] == "shared"
    assert drawing["badges"]["shared"] == "×2 calls"
    assert drawing["kinds"]["middle"] == "layer"
    assert drawing["badges"]["middle"] is None
    root = drawing["root"]
    strokes = {
        rect.get("data-layer"): rect.get("stroke")
        for rect in root.iter("{http://www.w3.org/2000/svg}rect")
        if rect.get("class") == "box"
    }
    assert strokes["shared"] != strokes["middle"]


def test_nested_model_is_drawn_with_a_double_border(siamese):
    root = drawing_of(siamese)["root"]
    groups = {
        group.get("data-layer"): group
        for group in root.iter("{http://www.w3.org/2000/svg}g")
        if group.get("data-layer")
    }
    for name in ("encoder", "head"):
        assert "model" in groups[name].get("class").split()
        borders = [
            rect.get("class") for rect in groups[name].iter("{http://www.w3.org/2000/svg}rect")
        ]
        assert borders[:2] == ["box", "inner-border"]
    assert not any(
        rect.get("class") == "inner-border"
        for rect in groups["cosine"].iter("{http://www.w3.org/2000/svg}rect")
    )


def test_input_layers_are_drawn_as_inputs(siamese):
    kinds = drawing_of(siamese)["kinds"]
    assert kinds["left"] == kinds["right"] == "input"


def test_expand_nested_frames_each_sub_model_around_its_own_layers(siamese):
    drawing = drawing_of(siamese, expand_nested=True)
    assert set(drawing["frames"]) == {"encoder", "head"}
    assert "encoder/encoder_hidden" in drawing["boxes"]
    for scope, frame in drawing["frames"].items():
        for key, box in drawing["boxes"].items():
            member = key.startswith(scope + "/")
            assert contains(frame, box) == member, (scope, key)
            assert member or not overlap(frame, box)
    assert not overlap(drawing["frames"]["encoder"], drawing["frames"]["head"])
    assert layout_problems(drawing["boxes"], edge_routes(drawing)) == []


def test_frame_label_names_the_model_and_its_calls(siamese):
    root = drawing_of(siamese, expand_nested=True)["root"]
    labels = {
        element.text
        for element in root.iter("{http://www.w3.org/2000/svg}text")
        if element.get("class") == "frame-label"
    }
    assert labels == {"encoder (Model) · ×2 calls", "head (Model)"}


def test_show_shapes_adds_input_and_output_lines(siamese):
    texts = drawing_of(siamese, show_shapes=True)["texts"]
    assert texts["cosine"][1:] == ["input: [(None, 16), (None, 16)]", "output: (None, 1)"]
    assert texts["left"][1:] == ["output: (None, 8, 8)"]


def test_show_dtype_trainable_and_activations_add_their_lines(siamese):
    siamese.get_layer("head").trainable = False
    texts = drawing_of(siamese, show_dtype=True, show_trainable=True, show_layer_activations=True)[
        "texts"
    ]
    assert texts["cosine"][1:] == ["dtype: float32"]
    assert texts["head"][-1] == "non-trainable"
    assert texts["encoder"][-1] == "trainable"
    x = gk.Input(shape=(3,), name="x")
    dense = gk.Model(x, layers.Dense(2, activation="relu", name="dense")(x))
    assert drawing_of(dense, show_layer_activations=True)["texts"]["dense"][1] == (
        "activation: relu"
    )


def test_without_layer_names_boxes_show_the_class(siamese):
    texts = drawing_of(siamese, show_layer_names=False)["texts"]
    assert texts["features"][0] == "Concatenate"


def test_left_to_right_puts_inputs_left_of_outputs(siamese):
    boxes = drawing_of(siamese, rankdir="LR")["boxes"]
    assert boxes["left"][0] < boxes["encoder"][0] < boxes["features"][0] < boxes["head"][0]


def test_dpi_scales_the_drawing_not_its_coordinates(siamese):
    normal = drawing_of(siamese)["root"]
    large = drawing_of(siamese, dpi=192)["root"]
    assert float(large.get("width")) == pytest.approx(2 * float(normal.get("width")), abs=0.02)
    assert large.get("viewBox") == normal.get("viewBox")


def test_text_is_escaped():
    from graphkeras.utils.layered_layout import Layout

    layout = Layout({"a": (0, 0, 50, 20)}, {}, {}, 60, 30, "TB")
    svg = render_svg(layout, {"a": BoxContent('<b> & "c"', details=["x < y"])}, title="t&t")
    drawing = read_svg(svg)
    assert drawing["texts"]["a"] == ['<b> & "c"', "x < y"]


def test_plot_model_writes_svg_and_returns_a_diagram_jupyter_shows(siamese, tmp_path):
    path = tmp_path / "model.svg"
    diagram = plot_model(siamese, to_file=path, show_shapes=True)
    assert isinstance(diagram, ModelDiagram)
    assert path.read_text(encoding="utf-8") == diagram.svg
    assert diagram._repr_svg_() == model_to_svg(siamese, show_shapes=True)
    assert diagram.path == str(path)


def test_dot_extension_writes_model_to_dot_text(siamese, tmp_path):
    path = tmp_path / "model.dot"
    plot_model(siamese, to_file=path, show_shapes=True, rankdir="LR")
    assert path.read_text(encoding="utf-8") == model_to_dot(siamese, show_shapes=True, rankdir="LR")


def test_png_without_the_extra_names_it(siamese, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "cairosvg", None)
    with pytest.raises(ImportError, match=r"pip install 'graphkeras\[plot\]'"):
        plot_model(siamese, to_file=tmp_path / "model.png")
    assert not (tmp_path / "model.png").exists()


def test_png_with_the_extra_writes_a_png(siamese, tmp_path):
    pytest.importorskip("cairosvg")
    path = tmp_path / "model.png"
    plot_model(siamese, to_file=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_other_extensions_are_refused_naming_the_accepted_ones(siamese, tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.dot, \.png"):
        plot_model(siamese, to_file=tmp_path / "model.pdf")
    assert list(tmp_path.iterdir()) == []


def test_unbuilt_model_is_refused():
    model = gk.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not been built"):
        model_to_svg(model)


def test_model_displays_as_its_drawing_in_jupyter(siamese):
    assert siamese._repr_svg_() == model_to_svg(siamese)


def test_model_past_the_notebook_limit_falls_back_to_text(siamese, monkeypatch):
    # ``graphkeras.utils.plot_model`` is the function; its module is in sys.modules.
    module = sys.modules["graphkeras.utils.plot_model"]
    monkeypatch.setattr(module, "NOTEBOOK_LAYER_LIMIT", len(siamese.layers) - 1)
    assert siamese._repr_svg_() is None


def random_model(layer_count: int, seed: int) -> gk.Model:
    """A random functional model: Dense layers, adds, and five layers shared at many depths.

    Every tensor no layer reads is an output, so every layer belongs to the model.
    """
    generator = random.Random(seed)
    tensors = [gk.Input(shape=(4,), name="features")]
    read: set[int] = set()
    pool = [layers.Dense(4, name=f"shared_{index}") for index in range(5)]

    def pick(window: int):
        tensor = generator.choice(tensors[-window:])
        read.add(id(tensor))
        return tensor

    created = 1
    while created < layer_count:
        if len(tensors) > 2 and generator.random() < 0.25:
            tensors.append(layers.add([pick(12), pick(12)]))
            created += 1
        elif generator.random() < 0.15:
            tensors.append(generator.choice(pool)(pick(6)))
        else:
            tensors.append(layers.Dense(4)(pick(4)))
            created += 1
    outputs = [tensor for tensor in tensors if id(tensor) not in read]
    return gk.Model(tensors[0], outputs)


def test_300_layer_random_model_with_shared_layers_stays_overlap_free():
    model = random_model(300, seed=11)
    drawing = drawing_of(model, show_shapes=True)
    assert len(drawing["boxes"]) == len(model.layers) >= 250
    assert any(kind == "shared" for kind in drawing["kinds"].values())
    assert layout_problems(drawing["boxes"], edge_routes(drawing)) == []


@pytest.mark.parametrize("name", ["demo_model", "demo_model_expanded", "resnet_100"])
def test_committed_drawings_are_clean(name):
    path = Path(__file__).resolve().parent.parent / "docs" / f"{name}.svg"
    drawing = read_svg(path.read_text(encoding="utf-8"))
    assert len(drawing["boxes"]) >= 8
    assert layout_problems(drawing["boxes"], edge_routes(drawing)) == []


def test_committed_demo_drawing_shows_every_layer_of_the_demo_model(siamese):
    path = Path(__file__).resolve().parent.parent / "docs" / "demo_model.svg"
    drawing = read_svg(path.read_text(encoding="utf-8"))
    assert set(drawing["boxes"]) == {layer.name for layer in siamese.layers}
