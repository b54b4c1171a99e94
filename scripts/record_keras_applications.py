"""Record what graphkeras's application tests compare against, from ``keras.applications``.

Run by hand with Keras 3 and JAX (never by the tests):

    KERAS_BACKEND=jax python scripts/record_keras_applications.py tests/data/keras_applications \
        [--samples tests/fixtures/keras/applications] [--only ResNet50,MobileNet]

For every application it writes ``<Name>.json.gz`` holding:

* ``default``: the model built as ``Name(weights=None)``: its name, and per
  layer its name, class and parameter count, and the shapes of its weights
  in order; the total and trainable parameter counts.
* ``notop``: the same for ``include_top=False, pooling="avg"``.
* ``small``: the model at a small input size with logits out
  (``classifier_activation=None``), every variable set by
  ``tests/application_reference_weights.py``; the Keras model file's config
  (``config.json`` of its ``.keras`` archive) and the module's
  ``preprocess_input`` applied to a corner of the reference images, and the
  model's outputs on the preprocessed images.

With ``--files DIR`` it also saves each small model (with those weights)
as Keras-made ``DIR/<Name>.keras``, ``.h5`` and ``.weights.h5`` with
``<Name>.npz`` (preprocessed images and Keras's outputs): too large to
commit (up to 0.6 GB each), they are checked by hand with
``scripts/check_keras_application_files.py DIR``.

With ``--samples`` it also writes, for the few small models listed in
``SAMPLES``, Keras-made ``.keras``, ``.h5`` and/or ``.weights.h5`` files with
Keras's own random weights (batch-norm statistics made non-trivial), and
``<stem>.npz`` with inputs and outputs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from application_reference_weights import reference_inputs, reference_value  # noqa: E402

# Name: (module under keras.applications, small input size)
APPLICATIONS = {
    "ResNet50": ("resnet", 32),
    "ResNet101": ("resnet", 32),
    "ResNet152": ("resnet", 32),
    "ResNet50V2": ("resnet_v2", 32),
    "ResNet101V2": ("resnet_v2", 32),
    "ResNet152V2": ("resnet_v2", 32),
    "MobileNet": ("mobilenet", 32),
    "MobileNetV2": ("mobilenet_v2", 32),
    "MobileNetV3Small": ("mobilenet_v3", 32),
    "MobileNetV3Large": ("mobilenet_v3", 32),
    **{f"EfficientNetB{i}": ("efficientnet", 32) for i in range(8)},
    **{f"EfficientNetV2B{i}": ("efficientnet_v2", 32) for i in range(4)},
    "EfficientNetV2S": ("efficientnet_v2", 32),
    "EfficientNetV2M": ("efficientnet_v2", 32),
    "EfficientNetV2L": ("efficientnet_v2", 32),
    "DenseNet121": ("densenet", 32),
    "DenseNet169": ("densenet", 32),
    "DenseNet201": ("densenet", 32),
    "InceptionV3": ("inception_v3", 75),
    "InceptionResNetV2": ("inception_resnet_v2", 75),
    "Xception": ("xception", 71),
    "VGG16": ("vgg16", 32),
    "VGG19": ("vgg19", 32),
    "NASNetMobile": ("nasnet", 32),
    "ConvNeXtTiny": ("convnext", 32),
    "ConvNeXtSmall": ("convnext", 32),
}

# File stem: (application, keyword arguments, files written). Small enough to commit.
SAMPLES = {
    "mobilenet_a025": (
        "MobileNet",
        dict(alpha=0.25, input_shape=(32, 32, 3), classes=10),
        (".keras", ".h5", ".weights.h5"),
    ),
    "mobilenet_v3_small_min": (
        "MobileNetV3Small",
        dict(alpha=0.75, minimalistic=True, input_shape=(32, 32, 3), include_top=False),
        (".weights.h5",),
    ),
}


def describe(model) -> dict:
    """Names, classes, parameter counts and weight shapes, layer by layer."""
    return {
        "name": model.name,
        "layers": [
            [
                layer.name,
                layer.__class__.__name__,
                int(layer.count_params()) if layer.built else 0,
                [list(map(int, w.shape)) for w in layer.weights],
            ]
            for layer in model.layers
        ],
        "params": int(model.count_params()),
        "trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
    }


def archive_config(model, path: Path) -> dict:
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def record(keras, name: str, directory: Path, scratch: Path, files: Path | None = None) -> None:
    module_name, size = APPLICATIONS[name]
    module = getattr(keras.applications, module_name)
    build = getattr(keras.applications, name)
    entry = {"module": module_name, "size": size}
    entry["default"] = describe(build(weights=None))
    keras.backend.clear_session()
    entry["notop"] = describe(build(weights=None, include_top=False, pooling="avg"))
    keras.backend.clear_session()

    model = build(weights=None, input_shape=(size, size, 3), classifier_activation=None)
    for index, variable in enumerate(model.weights):
        if np.dtype(variable.dtype).kind == "f" and len(variable.shape) > 0:
            variable.assign(reference_value(index, variable.name, tuple(variable.shape)))
    images = reference_inputs((2, size, size, 3))
    outputs = np.asarray(model.predict(module.preprocess_input(images.copy()), verbose=0))
    corner = images[:1, :2, :2, :]
    entry["small"] = {
        "describe": describe(model),
        "config": archive_config(model, scratch / f"{name}.keras"),
        "preprocess_corner": np.asarray(module.preprocess_input(corner.copy())).tolist(),
        "outputs": outputs.tolist(),
    }
    if files is not None:
        model.save(files / f"{name}.keras")
        model.save(files / f"{name}.h5")
        model.save_weights(files / f"{name}.weights.h5")
        np.savez(files / f"{name}.npz", x=module.preprocess_input(images.copy()), y=outputs)
    keras.backend.clear_session()
    with gzip.open(directory / f"{name}.json.gz", "wt") as handle:
        json.dump(entry, handle)
    print(f"{name}: {entry['default']['params']} params, outputs {outputs.shape}", flush=True)


def write_samples(keras, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stem, (name, kwargs, suffixes) in SAMPLES.items():
        keras.utils.set_random_seed(1234)
        model = getattr(keras.applications, name)(weights=None, **kwargs)
        for variable in model.non_trainable_weights:  # non-trivial batch-norm statistics
            if np.dtype(variable.dtype).kind == "f":
                rng = np.random.default_rng(zlib.crc32(variable.path.encode()))
                low = 0.5 if "variance" in variable.path else -0.1
                variable.assign(rng.uniform(low, low + 1.0, variable.shape).astype(np.float32))
        images = reference_inputs((2,) + tuple(kwargs["input_shape"]))
        outputs = np.asarray(model.predict(images, verbose=0))
        for suffix in suffixes:
            path = directory / f"{stem}{suffix}"
            model.save_weights(path) if suffix == ".weights.h5" else model.save(path)
        np.savez(directory / f"{stem}.npz", x=images, y=outputs)
        sizes = [os.path.getsize(directory / f"{stem}{suffix}") for suffix in suffixes]
        print(f"sample {stem}: {model.count_params()} params, files {sizes} bytes", flush=True)
        keras.backend.clear_session()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--samples", type=Path)
    parser.add_argument("--only", default="")
    parser.add_argument("--files", type=Path, help="also save each small model's files here")
    arguments = parser.parse_args()
    import keras

    arguments.directory.mkdir(parents=True, exist_ok=True)
    names = [n for n in arguments.only.split(",") if n] or list(APPLICATIONS)
    if arguments.files:
        arguments.files.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:  # the large .keras files, never kept
        for name in names:
            record(keras, name, arguments.directory, Path(scratch), arguments.files)
    if arguments.samples:
        write_samples(keras, arguments.samples)


if __name__ == "__main__":
    main()
