"""Record what Keras 3 computes for the numeric and image preprocessing layers.

Run by hand, never in CI. Three commands::

    KERAS_BACKEND=jax keras-venv/bin/python scripts/record_keras_preprocessing_values.py record
    PYTHONPATH=. python scripts/record_keras_preprocessing_values.py write-graphkeras DIR
    KERAS_BACKEND=jax keras-venv/bin/python scripts/record_keras_preprocessing_values.py \
        check-in-keras DIR

``record`` (with Keras 3 and JAX) builds ``Rescaling``, ``Normalization``,
``Resizing``, ``CenterCrop`` and ``Discretization`` with fixed settings and
inputs, and writes ``tests/data/keras_preprocessing_values.json``: for each
case the layer's class and constructor arguments, its input, any data it
was adapted on (and how: one array, a generator of batches, a PyDataset),
the adapted state and Keras's output. It also saves a small functional
model holding every one of these layers as
``tests/fixtures/keras/preprocessing.keras`` with its input and outputs in
``preprocessing.keras.npz``. ``tests/test_keras_preprocessing_values.py``
reads both and never imports Keras.

``write-graphkeras`` builds the same model in graphkeras and saves it as
``DIR/preprocessing.gk.keras`` (with its outputs); ``check-in-keras`` loads
that file with Keras and prints the largest difference between the two.

Inputs come from a seeded generator, so running again gives the same file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
VALUES = ROOT / "tests" / "data" / "keras_preprocessing_values.json"
FIXTURE = ROOT / "tests" / "fixtures" / "keras" / "preprocessing.keras"
SEED = 20260611


def compact(x: Any) -> Any:
    """A JSON-ready copy of ``x`` with floats kept to 9 significant digits (file size)."""
    if x is None or isinstance(x, (bool, int, str)):
        return x
    if isinstance(x, float):
        return float(f"{x:.9g}")
    if isinstance(x, (list, tuple)):
        return [compact(item) for item in x]
    if isinstance(x, dict):
        return {key: compact(value) for key, value in x.items()}
    array = np.asarray(x)
    if array.dtype.kind in "iub":
        return array.tolist()
    return compact(np.asarray(array, dtype="float64").tolist())


def _cases(rng: np.random.Generator) -> list[dict]:
    """Every recorded case: ``{"layer", "arguments", "input", "adapt"?}`` before Keras runs it."""
    image = rng.uniform(0, 1, size=(1, 5, 7, 2)).astype("float32")
    tall = rng.uniform(0, 1, size=(1, 7, 4, 1)).astype("float32")
    table = rng.normal(2.0, 3.0, size=(4, 3)).astype("float32")
    adapt_rows = rng.normal([1.0, -2.0, 5.0], [0.5, 2.0, 4.0], size=(24, 3)).astype("float32")
    adapt_cube = rng.normal(0.0, 2.0, size=(6, 4, 3)).astype("float32")
    values = rng.uniform(-1, 4, size=(3, 4)).astype("float32")
    spread = rng.exponential(2.0, size=(100,)).astype("float32")
    cases: list[dict] = []

    def case(layer: str, arguments: dict, inputs: np.ndarray, adapt: dict | None = None) -> None:
        cases.append({"layer": layer, "arguments": arguments, "input": inputs, "adapt": adapt})

    case("Rescaling", {"scale": 1 / 255}, (image * 255).round())
    case("Rescaling", {"scale": 2.0, "offset": -1.0}, image)
    case("Rescaling", {"scale": [1.0, 0.5], "offset": 0.25}, image)

    case("Normalization", {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 0.25]}, table)
    case("Normalization", {"mean": 2.0, "variance": 9.0}, table)
    case(
        "Normalization",
        {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 0.25], "invert": True},
        table,
    )
    case("Normalization", {}, table, {"data": adapt_rows, "kind": "array"})
    case("Normalization", {}, table, {"data": adapt_rows, "kind": "generator", "batch_size": 5})
    case("Normalization", {}, table, {"data": adapt_rows, "kind": "py_dataset", "batch_size": 7})
    case("Normalization", {"axis": None}, table, {"data": adapt_rows, "kind": "array"})
    case("Normalization", {"invert": True}, table, {"data": adapt_rows, "kind": "array"})
    case(
        "Normalization",
        {"axis": (1, 2)},
        adapt_cube[:2] * 0.5,
        {"data": adapt_cube, "kind": "generator", "batch_size": 4},
    )
    case("Normalization", {"axis": 1}, adapt_cube[:2], {"data": adapt_cube, "kind": "array"})

    for interpolation in ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"):
        for height, width in ((8, 9), (3, 4), (5, 7)):
            arguments = {"height": height, "width": width, "interpolation": interpolation}
            case("Resizing", arguments, image)
    for interpolation in ("bilinear", "bicubic", "lanczos3"):
        case(
            "Resizing",
            {"height": 2, "width": 3, "interpolation": interpolation, "antialias": True},
            image,
        )
    for source in (image, tall):
        case("Resizing", {"height": 4, "width": 4, "crop_to_aspect_ratio": True}, source)
        case(
            "Resizing",
            {"height": 4, "width": 4, "pad_to_aspect_ratio": True, "fill_value": 0.5},
            source,
        )
    case(
        "Resizing",
        {"height": 3, "width": 6, "interpolation": "bicubic", "data_format": "channels_first"},
        np.moveaxis(image, -1, 1),
    )
    case(
        "Resizing",
        {"height": 5, "width": 3, "pad_to_aspect_ratio": True, "data_format": "channels_first"},
        np.moveaxis(image, -1, 1),
    )
    case("Resizing", {"height": 4, "width": 3, "crop_to_aspect_ratio": True}, image[0])

    case("CenterCrop", {"height": 3, "width": 4}, image)
    case("CenterCrop", {"height": 5, "width": 5}, image[0])
    case("CenterCrop", {"height": 8, "width": 6}, image)
    case("CenterCrop", {"height": 6, "width": 3}, image)
    case(
        "CenterCrop",
        {"height": 2, "width": 3, "data_format": "channels_first"},
        np.moveaxis(image, -1, 1),
    )

    boundaries = [0.0, 1.0, 2.5]
    for mode, inputs in (
        ("int", values),
        ("one_hot", values[:, :1]),
        ("one_hot", values[0]),
        ("multi_hot", values),
        ("multi_hot", values[0]),
        ("count", values),
    ):
        case("Discretization", {"bin_boundaries": boundaries, "output_mode": mode}, inputs)
    case("Discretization", {"num_bins": 4}, values, {"data": spread, "kind": "array"})
    case(
        "Discretization",
        {"num_bins": 5, "epsilon": 0.05},
        values,
        {"data": spread.reshape(20, 5), "kind": "generator", "batch_size": 6},
    )
    case(
        "Discretization",
        {"num_bins": 3, "output_mode": "one_hot"},
        values[:, :1],
        {"data": spread[:30].reshape(30, 1), "kind": "array"},
    )
    return cases


def _batches(data: np.ndarray, batch_size: int) -> list[np.ndarray]:
    return [data[start : start + batch_size] for start in range(0, len(data), batch_size)]


def _adapt_source(keras, adapt: dict):
    """What ``adapt`` is given: the array, a generator of batches, or a PyDataset of (x, y)."""
    data = adapt["data"]
    if adapt["kind"] == "array":
        return data
    batches = _batches(data, adapt["batch_size"])
    if adapt["kind"] == "generator":
        return (batch for batch in batches)

    class Batches(keras.utils.PyDataset):
        def __len__(self) -> int:
            return len(batches)

        def __getitem__(self, index: int):
            return batches[index], np.zeros(len(batches[index]))

    return Batches()


def _state(layer) -> dict:
    """The adapted state Keras keeps: Normalization's mean and variance, the bin boundaries."""
    if type(layer).__name__ == "Normalization" and hasattr(layer, "adapt_mean"):
        return {
            "mean": np.asarray(layer.adapt_mean),
            "variance": np.asarray(layer.adapt_variance),
        }
    if type(layer).__name__ == "Discretization":
        return {"bin_boundaries": list(layer.bin_boundaries)}
    return {}


def _without_tensorflow() -> None:
    """Let ``adapt`` take generators and PyDatasets where TensorFlow is not installed.

    Keras 3's ``adapt`` first asks whether the data is a ``tf.data.Dataset``,
    which imports TensorFlow; a stand-in module whose ``Dataset`` nothing is
    an instance of answers no, and the rest of ``adapt`` runs as shipped.
    """
    import types

    from keras.src.layers.preprocessing import discretization, normalization

    class NoDataset:
        pass

    stand_in = types.SimpleNamespace(
        data=types.SimpleNamespace(Dataset=NoDataset), is_tensor=lambda value: False
    )
    for module in (discretization, normalization):
        module.tf = stand_in


def record() -> None:
    import json

    import keras

    _without_tensorflow()

    rng = np.random.default_rng(SEED)
    recorded = []
    for case in _cases(rng):
        layer = getattr(keras.layers, case["layer"])(**case["arguments"])
        if case["adapt"] is not None:
            layer.adapt(_adapt_source(keras, case["adapt"]))
        output = np.asarray(layer(case["input"]))
        entry = {
            "layer": case["layer"],
            "arguments": case["arguments"],
            "input": case["input"],
            "adapt": case["adapt"],
            "state": _state(layer),
            "output": output,
            "output_dtype": str(output.dtype),
            "config": {k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")},
        }
        recorded.append(compact(entry))
    VALUES.write_text(
        json.dumps({"keras_version": keras.__version__, "cases": recorded}, separators=(",", ":"))
        + "\n"
    )
    print(f"wrote {len(recorded)} cases to {VALUES} ({VALUES.stat().st_size} bytes)")
    model, inputs, outputs = preprocessing_model(keras, np.random.default_rng(SEED))
    model.save(FIXTURE)
    np.savez(str(FIXTURE) + ".npz", input_0=inputs, output_0=outputs[0], output_1=outputs[1])
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size} bytes)")


def preprocessing_model(keras, rng: np.random.Generator):
    """Every layer in one functional model: images to a crop (floats) and its bins (ints).

    Works with Keras 3 and with graphkeras (``keras`` is either module).
    """
    layers = keras.layers
    images = rng.uniform(0, 255, size=(3, 6, 9, 3)).round().astype("float32")
    normalization = layers.Normalization(name="normalize")
    normalization.adapt(images / 255.0)
    inputs = keras.Input((6, 9, 3), name="pixels")
    x = layers.Rescaling(1 / 255, name="rescale")(inputs)
    x = normalization(x)
    x = layers.Resizing(5, 5, interpolation="bicubic", crop_to_aspect_ratio=True, name="resize")(x)
    crop = layers.CenterCrop(3, 4, name="crop")(x)
    bins = layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.0], name="bins")(crop)
    model = keras.Model(inputs, [crop, bins], name="preprocessing")
    outputs = [np.asarray(output) for output in model.predict(images, verbose=0)]
    return model, images, outputs


def write_with_graphkeras(directory: str) -> None:
    import graphkeras as gk

    model, inputs, outputs = preprocessing_model(gk, np.random.default_rng(SEED))
    path = os.path.join(directory, "preprocessing.gk.keras")
    model.save(path)
    np.savez(path + ".npz", input_0=inputs, output_0=outputs[0], output_1=outputs[1])
    print(f"wrote {path}")


def check_in_keras(directory: str) -> None:
    import keras

    path = os.path.join(directory, "preprocessing.gk.keras")
    expected = np.load(path + ".npz")
    model = keras.saving.load_model(path)
    got = model.predict(expected["input_0"], verbose=0)
    float_gap = float(np.max(np.abs(np.asarray(got[0]) - expected["output_0"])))
    bins_equal = bool(np.array_equal(np.asarray(got[1]), expected["output_1"]))
    print(
        f"Keras {keras.__version__} loaded {os.path.basename(path)}: "
        f"layers {[type(layer).__name__ for layer in model.layers]}, "
        f"max |keras - graphkeras| on the crop = {float_gap:.3g}, bins equal: {bins_equal}"
    )


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[1] == "record":
        record()
    elif len(argv) == 3 and argv[1] == "write-graphkeras":
        os.makedirs(argv[2], exist_ok=True)
        write_with_graphkeras(argv[2])
    elif len(argv) == 3 and argv[1] == "check-in-keras":
        check_in_keras(argv[2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
