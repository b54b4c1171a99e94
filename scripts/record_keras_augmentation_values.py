"""Record what Keras 3 computes for the image augmentation layers, to test graphkeras on.

Run it by hand, never in CI, in an environment that has Keras 3 and JAX
(not the project's own), for example::

    python -m venv keras-venv
    keras-venv/bin/pip install keras jax
    KERAS_BACKEND=jax keras-venv/bin/python scripts/record_keras_augmentation_values.py

Random draws cannot match JAX's streams, so what is recorded is what does
not depend on them:

- ``cases``: ``layer.transform_images(images, transformation)`` for
  transformations written here by hand (flip flags, angles, zooms, shifts,
  contrast factors, brightness offsets, crop places), over every fill mode
  and interpolation, ``fill_value``, ``channels_first`` and single images.
- ``rotation_matrices``: the transform rows Keras builds for given angles.
- ``crop_windows``: the deterministic (centred) crop places, and the
  documented centred crop-and-resize computed with Keras's own ops.
- ``inference``: each layer's output with ``training=False``.
- ``draw_ranges``: the smallest and largest parameter drawn over many
  draws, to check the ranges the documentation gives.
- ``configs``: each layer's ``get_config()``.
- ``model``: the inputs and ``predict`` outputs of a functional model saved
  beside the values as ``keras_augmentation_model.keras``.

It writes ``tests/data/keras_augmentation_values.json`` and that model;
``tests/test_image_augmentation.py`` reads them and never imports Keras.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
OUTPUT = DATA / "keras_augmentation_values.json"
MODEL = DATA / "keras_augmentation_model.keras"
RNG = np.random.default_rng(20260821)
FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


def as_list(x: Any) -> Any:
    """A JSON-ready copy of ``x``: arrays become nested lists, tuples lists."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {key: as_list(value) for key, value in x.items()}
    if isinstance(x, (list, tuple)):
        return [as_list(item) for item in x]
    if isinstance(x, (bool, int, float, str)):
        return x
    array = np.asarray(x)
    if array.dtype.kind in "iub":
        return array.tolist()
    return np.asarray(array, dtype="float64").tolist()


IMAGES = {"batch": RNG.uniform(0.0, 10.0, size=(2, 5, 7, 2)).astype("float32")}
IMAGES["single"] = IMAGES["batch"][0]
IMAGES["channels_first"] = np.ascontiguousarray(np.moveaxis(IMAGES["batch"], -1, 1))


def case(layer_name: str, config: dict, transformation: Any, images: str = "batch") -> dict:
    """One ``transform_images`` call, made through Keras and recorded with its inputs."""
    if images == "channels_first":
        config = {**config, "data_format": "channels_first"}
    layer = getattr(keras.layers, layer_name)(**config)
    if isinstance(transformation, dict):
        given = {key: np.asarray(value) for key, value in transformation.items()}
    else:
        given = transformation
    output = layer.transform_images(IMAGES[images], given, training=True)
    return {
        "layer": layer_name,
        "config": config,
        "transformation": as_list(transformation),
        "images": images,
        "output": as_list(output),
    }


def affine_cases(layer_name: str, config: dict, transformation: dict, add_input_shape) -> list:
    cases = []
    for fill_mode in FILL_MODES:
        for interpolation in INTERPOLATIONS:
            arguments = {**config, "fill_mode": fill_mode, "interpolation": interpolation}
            if fill_mode == "constant":
                arguments["fill_value"] = 3.5
            cases.append(case(layer_name, arguments, add_input_shape(transformation, "batch")))
    for images in ("single", "channels_first"):
        cases.append(case(layer_name, config, add_input_shape(transformation, images), images))
    return cases


def with_shape(transformation: dict, images: str) -> dict:
    shape = IMAGES[images].shape
    if images == "single":
        transformation = {
            key: np.asarray(value)[:1] if key != "rotation_matrix" else np.asarray(value)[0]
            for key, value in transformation.items()
        }
    return {**transformation, "input_shape": list(shape)}


def rotation_transformation(images: str) -> dict:
    """Keras's rotation transformation for fixed angles, built with its own matrix code."""
    layer = keras.layers.RandomRotation(0.1)
    angles = np.asarray([30.0, -100.0], "float32")
    if images == "single":
        angles = angles[:1]
    height, width = (5, 7)
    matrix = layer._compute_affine_matrix(
        center_x=0.5,
        center_y=0.5,
        angle=angles,
        translate_x=np.zeros(len(angles), "float32"),
        translate_y=np.zeros(len(angles), "float32"),
        scale=np.ones(len(angles), "float32"),
        shear_x=np.zeros(len(angles), "float32"),
        shear_y=np.zeros(len(angles), "float32"),
        height=height,
        width=width,
    )
    matrix = np.asarray(matrix)
    return {
        "angle": angles,
        "rotation_matrix": matrix[0] if images == "single" else matrix,
        "image_height": height,
        "image_width": width,
        "batch_size": len(angles),
    }


def rotation_cases() -> list:
    cases = []
    for fill_mode in FILL_MODES:
        for interpolation in INTERPOLATIONS:
            config = {"factor": 0.1, "fill_mode": fill_mode, "interpolation": interpolation}
            if fill_mode == "constant":
                config["fill_value"] = 3.5
            cases.append(case("RandomRotation", config, rotation_transformation("batch")))
    for images in ("single", "channels_first"):
        cases.append(
            case("RandomRotation", {"factor": 0.1}, rotation_transformation(images), images)
        )
    return cases


def flip_cases() -> list:
    cases = []
    flags = np.asarray([True, False]).reshape(2, 1, 1, 1)
    for mode in ("horizontal", "vertical", "horizontal_and_vertical"):
        cases.append(case("RandomFlip", {"mode": mode}, {"flips": flags}))
    cases.append(case("RandomFlip", {}, {"flips": np.ones((1, 1, 1), bool)}, "single"))
    cases.append(case("RandomFlip", {"mode": "horizontal"}, {"flips": flags}, "channels_first"))
    return cases


def color_cases() -> list:
    contrast = {"contrast_factor": np.asarray([0.6, 1.7], "float32").reshape(2, 1, 1, 1)}
    delta = {"rgb_delta": np.asarray([2.5, -3.0], "float32").reshape(2, 1, 1, 1)}
    single_contrast = {"contrast_factor": np.full((1, 1, 1), 1.4, "float32")}
    return [
        case("RandomContrast", {"factor": 0.5, "value_range": (0, 8)}, contrast),
        case("RandomContrast", {"factor": 0.5}, contrast),
        case("RandomContrast", {"factor": 0.5, "value_range": (0, 8)}, contrast, "channels_first"),
        case("RandomContrast", {"factor": 0.5, "value_range": (0, 8)}, single_contrast, "single"),
        case("RandomBrightness", {"factor": 0.5, "value_range": (1, 9)}, delta),
        case("RandomBrightness", {"factor": 0.5, "value_range": (9, 1)}, delta, "channels_first"),
    ]


def crop_cases() -> list:
    return [
        case("RandomCrop", {"height": 3, "width": 4}, (1, 2)),
        case("RandomCrop", {"height": 3, "width": 4}, (2, 3), "single"),
        case("RandomCrop", {"height": 2, "width": 5}, (3, 1), "channels_first"),
    ]


def crop_windows() -> list:
    """Keras's centred crop places, and the documented centred crop resized with Keras's ops."""
    windows = []
    for height, width, training in ((3, 4, False), (2, 6, False), (6, 6, True), (5, 9, True)):
        layer = keras.layers.RandomCrop(height, width)
        images = IMAGES["batch"]
        top, left = layer.get_random_transformation(images, training=training)
        rows = max(min(5, int(float(7 * height) / width)), 1)
        columns = max(min(7, int(float(5 * width) / height)), 1)
        window = images[:, int(top) : int(top) + rows, int(left) : int(left) + columns]
        resized = keras.ops.image.resize(window, (height, width), interpolation="bilinear")
        windows.append(
            {
                "height": height,
                "width": width,
                "training": training,
                "transformation": [int(top), int(left)],
                "window": [rows, columns],
                "output": as_list(resized),
            }
        )
    return windows


LAYERS = {
    "RandomFlip": {"seed": 1},
    "RandomRotation": {"factor": 0.2, "seed": 1},
    "RandomZoom": {"height_factor": 0.3, "width_factor": (-0.2, 0.4), "seed": 1},
    "RandomTranslation": {"height_factor": 0.2, "width_factor": (-0.1, 0.3), "seed": 1},
    "RandomContrast": {"factor": 0.3, "seed": 1},
    "RandomBrightness": {"factor": 0.2, "seed": 1},
    "RandomCrop": {"height": 3, "width": 4, "seed": 1},
}


def inference() -> dict:
    outputs = {}
    for name, config in LAYERS.items():
        output = getattr(keras.layers, name)(**config)(IMAGES["batch"], training=False)
        outputs[name] = {"shape": list(output.shape), "output": as_list(output)}
    return outputs


def draw_ranges() -> dict:
    """Smallest and largest drawn parameter per layer over 4,000 images (or 400 crop calls)."""
    many = np.zeros((4000, 4, 6, 1), "float32")

    def draw(name: str, config: dict) -> dict:
        return getattr(keras.layers, name)(**config).get_random_transformation(many, training=True)

    def span(values) -> list:
        values = np.asarray(values, "float64")
        return [float(values.min()), float(values.max())]

    flips = draw("RandomFlip", {"seed": 2})["flips"]
    zoom = draw("RandomZoom", LAYERS["RandomZoom"])
    shifts = np.asarray(draw("RandomTranslation", LAYERS["RandomTranslation"])["translations"])
    crop = keras.layers.RandomCrop(3, 4, seed=2)
    starts = np.asarray(
        [crop.get_random_transformation(np.zeros((1, 6, 8, 1)), training=True) for _ in range(400)]
    )
    return {
        "RandomFlip": {"flipped_fraction": float(np.mean(flips))},
        "RandomRotation": {
            "angle": span(draw("RandomRotation", LAYERS["RandomRotation"])["angle"])
        },
        "RandomZoom": {
            "height_zoom": span(zoom["height_zoom"]),
            "width_zoom": span(zoom["width_zoom"]),
        },
        "RandomTranslation": {
            "height_fraction": span(shifts[:, 1] / 4),
            "width_fraction": span(shifts[:, 0] / 6),
        },
        "RandomContrast": {
            "contrast_factor": span(draw("RandomContrast", {"factor": 0.3})["contrast_factor"]),
            "contrast_factor_pair": span(
                draw("RandomContrast", {"factor": (0.2, 0.5)})["contrast_factor"]
            ),
        },
        "RandomBrightness": {
            "rgb_delta": span(draw("RandomBrightness", {"factor": 0.2})["rgb_delta"])
        },
        "RandomCrop": {"top": span(starts[:, 0]), "left": span(starts[:, 1])},
    }


def configs() -> dict:
    result = {}
    for name, config in LAYERS.items():
        recorded = getattr(keras.layers, name)(
            **config, name=f"recorded_{name.lower()}"
        ).get_config()
        result[name] = {"arguments": config, "config": as_list(recorded)}
    return result


def saved_model() -> dict:
    """A functional model of every augmentation, saved as .keras, with its predict outputs."""
    inputs = keras.Input((5, 7, 2), name="images")
    x = inputs
    for name, config in LAYERS.items():
        if name != "RandomCrop":
            x = getattr(keras.layers, name)(**config, name=name.lower())(x)
    cropped = keras.layers.RandomCrop(3, 4, seed=5, name="randomcrop")(x)
    model = keras.Model(inputs, [x, cropped], name="augmentation")
    model.save(MODEL)
    augmented, _ = model.predict(IMAGES["batch"], verbose=0)
    return {"inputs": as_list(IMAGES["batch"]), "augmented": as_list(augmented)}


def main() -> None:
    cases = flip_cases() + rotation_cases()
    zoom = {"height_zoom": [[1.3], [0.6]], "width_zoom": [[0.8], [1.45]]}
    cases += affine_cases("RandomZoom", {"height_factor": 0.2}, zoom, with_shape)
    shifts = {"translations": [[1.5, -2.25], [-3.4, 0.7]]}
    cases += affine_cases(
        "RandomTranslation", {"height_factor": 0.2, "width_factor": 0.2}, shifts, with_shape
    )
    cases += color_cases() + crop_cases()
    values = {
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "images": as_list(IMAGES),
        "cases": cases,
        "rotation_matrices": {
            "angles": [30.0, -100.0],
            "height": 5,
            "width": 7,
            "matrix": as_list(rotation_transformation("batch")["rotation_matrix"]),
        },
        "crop_windows": crop_windows(),
        "inference": inference(),
        "draw_ranges": draw_ranges(),
        "configs": configs(),
        "model": saved_model(),
    }
    OUTPUT.write_text(json.dumps(values, separators=(",", ":")) + "\n")
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes) and {MODEL.name}")


if __name__ == "__main__":
    main()
