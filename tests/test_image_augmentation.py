"""RandomFlip, RandomRotation, RandomZoom, RandomTranslation, RandomContrast, RandomBrightness,
RandomCrop against numbers recorded from Keras 3 (JAX backend).

Random draws cannot match JAX's streams, so the layers are checked where
they are deterministic: ``transform_images`` for transformations written by
hand (every fill mode, interpolation, ``fill_value``, layout), the identity
at inference, the centred crop, the configs, and a ``.keras`` file saved by
Keras. The draws themselves are checked by seeding (the same twice) and by
their ranges over many draws. The values come from
``scripts/record_keras_augmentation_values.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers
from graphkeras.layers.image_augmentation.random_rotation import rotation_matrix

pytestmark = pytest.mark.usefixtures("backend")

DATA = Path(__file__).resolve().parent / "data"
RECORDED = json.loads((DATA / "keras_augmentation_values.json").read_text())
IMAGES = {name: np.asarray(value, "float32") for name, value in RECORDED["images"].items()}
X = IMAGES["batch"]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}

LAYERS = {name: entry["arguments"] for name, entry in RECORDED["configs"].items()}


def make(layer_class: str, **overrides):
    return getattr(layers, layer_class)(**{**LAYERS[layer_class], **overrides})


def as_json(value):
    """``value`` as JSON gives it back (tuples become lists)."""
    return json.loads(json.dumps(value))


def transformation_from(case: dict):
    """The recorded transformation as the layer takes it: arrays in a dict, or a crop tuple."""
    given = case["transformation"]
    if not isinstance(given, dict):
        return tuple(given)
    arrays = {}
    for key, value in given.items():
        if key == "flips":
            arrays[key] = np.asarray(value, bool)
        elif key in ("input_shape", "image_height", "image_width", "batch_size"):
            arrays[key] = value
        else:
            arrays[key] = np.asarray(value, "float32")
    return arrays


def case_id(case: dict) -> str:
    config = case["config"]
    parts = [case["layer"], case["images"], config.get("fill_mode"), config.get("interpolation")]
    parts.append(config.get("mode"))
    return "-".join(str(part) for part in parts if part is not None)


CASES = RECORDED["cases"]


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{case_id(c)}" for i, c in enumerate(CASES)])
def test_transform_images_matches_keras_for_a_fixed_transformation(case):
    layer = getattr(layers, case["layer"])(**case["config"])
    output = layer.transform_images(IMAGES[case["images"]], transformation_from(case))
    np.testing.assert_allclose(output, np.asarray(case["output"]), **TOLERANCE)


def test_rotation_matrix_matches_kerass_for_given_angles():
    recorded = RECORDED["rotation_matrices"]
    matrix = rotation_matrix(np.asarray(recorded["angles"]), recorded["height"], recorded["width"])
    np.testing.assert_allclose(matrix, recorded["matrix"], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(set(LAYERS) - {"RandomCrop"}))
def test_inference_is_the_identity_as_in_keras(name):
    recorded = RECORDED["inference"][name]
    output = make(name)(X, training=False)
    np.testing.assert_array_equal(output, np.asarray(recorded["output"], "float32"))
    assert output.dtype == np.float32


@pytest.mark.parametrize("window", RECORDED["crop_windows"], ids=lambda w: str(w["transformation"]))
def test_random_crop_cuts_the_centred_aspect_window_where_keras_places_it(window):
    # Keras 3.16 computes these places but returns images uncropped at inference;
    # graphkeras cuts and resizes the window, as Keras documents (values from Keras's ops).
    layer = layers.RandomCrop(window["height"], window["width"])
    transformation = layer.get_random_transformation(X, training=window["training"])
    assert list(transformation) == window["transformation"]
    output = layer.transform_images(X, transformation, training=window["training"])
    np.testing.assert_allclose(output, np.asarray(window["output"]), **TOLERANCE)


def test_random_crop_at_inference_has_the_shape_its_graph_declares():
    inputs = gk.Input((5, 7, 2))
    model = gk.Model(inputs, layers.RandomCrop(3, 4, seed=0)(inputs))
    assert model.output_shape == (None, 3, 4, 2)
    assert model.predict(X, verbose=0).shape == (2, 3, 4, 2)


# ------------------------------------------------------------------ randomness


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_a_seeded_layer_draws_the_same_sequence_in_every_instance(name):
    first, second = make(name, seed=11), make(name, seed=11)
    for _ in range(2):
        np.testing.assert_array_equal(first(X, training=True), second(X, training=True))


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_a_layer_draws_anew_on_each_call(name):
    layer = make(name, seed=3)
    draws = [layer(X, training=True) for _ in range(4)]
    assert any(not np.array_equal(draws[0], other) for other in draws[1:])


def test_unseeded_layers_repeat_with_set_random_seed():
    outputs = []
    for _ in range(2):
        gk.utils.set_random_seed(5)
        outputs.append(layers.RandomRotation(0.3)(X, training=True))
    np.testing.assert_array_equal(outputs[0], outputs[1])


def draws(name: str, config: dict, images: np.ndarray) -> dict:
    return getattr(layers, name)(**config).get_random_transformation(images, training=True)


MANY = np.zeros((4000, 4, 6, 1), "float32")


def assert_spans(values, documented: tuple, recorded: list) -> None:
    """Draws lie in the documented range and reach as near its ends as Keras's did."""
    values = np.asarray(values, "float64")
    low, high = documented
    assert low <= values.min() and values.max() <= high
    width = high - low
    assert values.min() - low < 0.01 * width and high - values.max() < 0.01 * width
    np.testing.assert_allclose(recorded, documented, atol=0.01 * width)


def test_drawn_parameters_cover_the_ranges_keras_documents():
    ranges = RECORDED["draw_ranges"]
    flips = draws("RandomFlip", {"seed": 2}, MANY)["flips"]
    assert (
        abs(np.mean(flips) - 0.5) < 0.03
        and abs(ranges["RandomFlip"]["flipped_fraction"] - 0.5) < 0.03
    )
    angle = draws("RandomRotation", LAYERS["RandomRotation"], MANY)["angle"]
    assert_spans(angle, (-72.0, 72.0), ranges["RandomRotation"]["angle"])
    zoom = draws("RandomZoom", LAYERS["RandomZoom"], MANY)
    assert_spans(zoom["height_zoom"], (0.7, 1.3), ranges["RandomZoom"]["height_zoom"])
    assert_spans(zoom["width_zoom"], (0.8, 1.4), ranges["RandomZoom"]["width_zoom"])
    shifts = np.asarray(
        draws("RandomTranslation", LAYERS["RandomTranslation"], MANY)["translations"]
    )
    translation = ranges["RandomTranslation"]
    assert_spans(shifts[:, 1] / 4, (-0.2, 0.2), translation["height_fraction"])
    assert_spans(shifts[:, 0] / 6, (-0.1, 0.3), translation["width_fraction"])
    contrast = ranges["RandomContrast"]
    factor = draws("RandomContrast", {"factor": 0.3}, MANY)["contrast_factor"]
    assert_spans(factor, (1.0, 1.3), contrast["contrast_factor"])
    pair = draws("RandomContrast", {"factor": (0.2, 0.5)}, MANY)["contrast_factor"]
    assert_spans(pair, (0.8, 1.5), contrast["contrast_factor_pair"])
    delta = draws("RandomBrightness", {"factor": 0.2}, MANY)["rgb_delta"]
    assert_spans(delta, (-51.0, 51.0), ranges["RandomBrightness"]["rgb_delta"])


def test_random_crop_places_cover_every_start():
    layer = layers.RandomCrop(3, 4, seed=2)
    image = np.zeros((1, 6, 8, 1), "float32")
    starts = np.asarray([layer.get_random_transformation(image) for _ in range(400)])
    recorded = RECORDED["draw_ranges"]["RandomCrop"]
    assert sorted(set(starts[:, 0])) == list(range(4)) and recorded["top"] == [0, 3]
    assert sorted(set(starts[:, 1])) == list(range(5)) and recorded["left"] == [0, 4]


def test_horizontal_and_vertical_flips_either_keep_or_turn_an_image_half_round():
    flipped = layers.RandomFlip(seed=0)(np.repeat(X, 10, axis=0), training=True)
    for index, image in enumerate(flipped):
        original = X[index // 10]
        assert np.array_equal(image, original) or np.array_equal(image, original[::-1, ::-1])


# ------------------------------------------------------- training modes, dtypes


def test_layers_augment_when_called_alone_or_in_a_model_but_not_in_predict():
    # As Keras 3: call() defaults to training=True; predict runs with training=False.
    inputs = gk.Input((5, 7, 2))
    model = gk.Model(inputs, layers.RandomRotation(0.2, seed=1)(inputs))
    assert not np.array_equal(model(X), X)
    assert not np.array_equal(layers.RandomZoom(0.2, seed=1)(X), X)
    np.testing.assert_array_equal(model.predict(X, verbose=0), X)


def test_integer_images_dtypes_follow_keras():
    images = np.arange(2 * 5 * 7 * 2).reshape(2, 5, 7, 2).astype("uint8")
    assert layers.RandomFlip()(images, training=False).dtype == np.float32
    assert layers.RandomRotation(0.1)(images, training=False).dtype == np.float32
    assert layers.RandomContrast(0.1)(images, training=False).dtype == np.uint8
    assert layers.RandomContrast(0.1)(images, training=True).dtype == np.float32
    assert layers.RandomBrightness(0.1)(images, training=False).dtype == np.uint8
    assert layers.RandomBrightness(0.1)(images, training=True).dtype == np.uint8


def test_single_images_are_augmented_like_a_batch_of_one():
    image = X[0]
    for name in sorted(LAYERS):
        first, second = make(name, seed=4), make(name, seed=4)
        single = first(image, training=True)
        batch = second(image[None], training=True)
        np.testing.assert_allclose(single, batch[0], rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------- configs, files


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_config_matches_kerass_and_loads_from_it(name):
    recorded = RECORDED["configs"][name]["config"]
    ours = as_json(make(name, name=recorded["name"]).get_config())
    for key, value in recorded.items():
        if key != "dtype":
            assert ours[key] == value, key
    rebuilt = getattr(layers, name).from_config(ours)
    assert as_json(rebuilt.get_config()) == ours


def test_a_keras_saved_augmentation_model_loads_and_predicts_as_keras():
    model = gk.models.load_model(DATA / "keras_augmentation_model.keras")
    recorded = RECORDED["model"]
    augmented, cropped = model.predict(np.asarray(recorded["inputs"], "float32"), verbose=0)
    np.testing.assert_array_equal(augmented, np.asarray(recorded["augmented"], "float32"))
    crop = model.get_layer("randomcrop")
    assert (crop.height, crop.width, crop.seed) == (3, 4, 5)
    np.testing.assert_allclose(
        cropped, crop.transform_images(augmented, (0, 0), training=False), rtol=1e-6
    )
    assert model.get_layer("randomzoom").width_factor == [-0.2, 0.4]


@pytest.mark.parametrize("extension", [".gk", ".keras"])
def test_an_augmentation_model_round_trips_through_files(tmp_path, extension):
    def build():
        inputs = gk.Input((5, 7, 2), name="images")
        x = inputs
        for name in sorted(LAYERS):
            x = make(name, seed=9, name=name.lower())(x)
        return gk.Model(inputs, x, name="augment")

    path = tmp_path / f"augment{extension}"
    build().save(path)
    loaded = gk.models.load_model(path)
    assert as_json(loaded.get_config()) == as_json(build().get_config())
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0), build().predict(X, verbose=0), rtol=1e-6, atol=1e-7
    )
    # A seeded layer starts its sequence afresh when loaded.
    np.testing.assert_allclose(
        loaded(X, training=True), build()(X, training=True), rtol=1e-6, atol=1e-7
    )


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("make_layer", "message"),
    [
        (lambda: layers.RandomRotation(0.2, fill_mode="edge"), "fill_mode must be one of"),
        (lambda: layers.RandomZoom(0.2, interpolation="cubic"), "interpolation must be one of"),
        (lambda: layers.RandomRotation(1.5), r"factor must be a number .* received factor=1.5"),
        (lambda: layers.RandomZoom(-1.0), r"height_factor must be .*\(-1.0, 1.0\]"),
        (lambda: layers.RandomTranslation(0.1, "wide"), "width_factor must be"),
        (lambda: layers.RandomContrast(0.2, value_range=(1, 0)), "value_range must be"),
        (lambda: layers.RandomBrightness(0.2, value_range=5), "value_range must be"),
        (lambda: layers.RandomFlip(mode="diagonal"), "mode must be one of"),
        (lambda: layers.RandomCrop(0, 4), "height must be a positive int"),
        (lambda: layers.RandomFlip(seed=-1), "seed must be a non-negative int"),
    ],
)
def test_bad_arguments_are_refused_naming_the_layer_and_argument(make_layer, message):
    with pytest.raises(ValueError, match=message) as raised:
        make_layer()
    assert "'random_" in str(raised.value)


def test_an_input_that_is_not_an_image_is_refused():
    with pytest.raises(ValueError, match="random_flip.*min_ndim=3"):
        layers.RandomFlip()(np.zeros((3, 4), "float32"))
