"""Keras-made application files: loaded, summarised, drawn and rebuilt here, with Keras's outputs.

``tests/fixtures/keras/applications`` holds files Keras 3 wrote
(``scripts/record_keras_applications.py --samples``) with Keras's own random
weights: ``mobilenet_a025`` (MobileNet, alpha 0.25, 32x32, 10 classes) as a
``.keras`` archive, a whole-model ``.h5`` and a ``.weights.h5``, and
``mobilenet_v3_small_min`` (MobileNetV3Small, alpha 0.75, minimalistic,
32x32, no top) as a ``.weights.h5``; each ``<stem>.npz`` holds the images
``x`` and Keras's outputs ``y``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import h5py
import numpy as np
import pytest

import graphkeras as gk

SAMPLES = Path(__file__).parent / "fixtures" / "keras" / "applications"
MOBILENET = SAMPLES / "mobilenet_a025"
MOBILENET_V3 = SAMPLES / "mobilenet_v3_small_min"
MOBILENET_KWARGS = dict(alpha=0.25, input_shape=(32, 32, 3), classes=10)
MOBILENET_V3_KWARGS = dict(
    alpha=0.75, minimalistic=True, input_shape=(32, 32, 3), include_top=False
)
RTOL = 1e-5
# A layer as summary rows and drawn boxes show it: "name (Class)", the class maybe cut short.
LABEL = re.compile(r"^([^\s:]+) \([A-Z][a-z]")


def keras_outputs(stem: Path) -> tuple[np.ndarray, np.ndarray]:
    """The images and the outputs Keras computed on them."""
    with np.load(stem.with_suffix(".npz")) as arrays:
        return arrays["x"], arrays["y"]


def assert_keras_outputs(model, stem: Path) -> None:
    images, expected = keras_outputs(stem)
    np.testing.assert_allclose(model.predict(images, verbose=0), expected, rtol=RTOL, atol=1e-6)


def keras_h5_facts(path: Path) -> tuple[list[str], int]:
    """Layer names and total parameter count as Keras wrote them into a whole-model ``.h5``."""
    with h5py.File(path, "r") as handle:
        config = json.loads(handle.attrs["model_config"])
        sizes = []
        handle["model_weights"].visititems(
            lambda _, item: sizes.append(item.size) if isinstance(item, h5py.Dataset) else None
        )
    return [layer["config"]["name"] for layer in config["config"]["layers"]], int(sum(sizes))


@pytest.fixture(scope="module")
def loaded_models():
    """The MobileNet sample as read from Keras's ``.keras`` and ``.h5`` files."""
    return {
        suffix: gk.models.load_model(MOBILENET.with_name(MOBILENET.name + suffix))
        for suffix in (".keras", ".h5")
    }


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_a_keras_made_model_file_loads_and_gives_keras_outputs(loaded_models, suffix):
    model = loaded_models[suffix]
    assert model.name == "mobilenet_0.25_32"
    assert_keras_outputs(model, MOBILENET)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_summary_shows_keras_layer_count_and_parameter_count(loaded_models, suffix):
    names, params = keras_h5_facts(MOBILENET.with_name(MOBILENET.name + ".h5"))
    lines = []
    loaded_models[suffix].summary(print_fn=lines.append)
    text = "\n".join(lines)
    rows = [match.group(1) for match in map(LABEL.match, text.splitlines()) if match]
    assert rows == names
    assert len(rows) == len(names) == 91
    assert f"Total params: {params:,}" in text


def drawn_layer_names(svg: str) -> list[str]:
    """The layer names of the boxes' labels (``"name (Class)"``) in a drawing."""
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return [match.group(1) for match in map(LABEL.match, labels) if match]


def test_the_drawing_holds_every_layer_name(loaded_models, tmp_path):
    model = loaded_models[".keras"]
    names, _ = keras_h5_facts(MOBILENET.with_name(MOBILENET.name + ".h5"))
    assert drawn_layer_names(gk.utils.model_to_svg(model, show_shapes=True)) == names
    path = tmp_path / "mobilenet.svg"
    gk.utils.plot_model(model, to_file=path)
    assert drawn_layer_names(path.read_text(encoding="utf-8")) == names


@pytest.mark.parametrize(
    ("builder", "kwargs", "stem"),
    [
        (gk.applications.MobileNet, MOBILENET_KWARGS, MOBILENET),
        (gk.applications.MobileNetV3Small, MOBILENET_V3_KWARGS, MOBILENET_V3),
    ],
)
def test_the_builder_reads_a_keras_weights_file_and_gives_keras_outputs(builder, kwargs, stem):
    weights = stem.with_name(stem.name + ".weights.h5")
    model = builder(weights=None, **kwargs)
    model.load_weights(weights)
    assert_keras_outputs(model, stem)
    gk.backend.clear_session()
    assert_keras_outputs(builder(weights=str(weights), **kwargs), stem)
