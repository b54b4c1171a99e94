"""Record Keras-made weights files of small ConvNeXt, NASNet and Inception-ResNet-v2 models.

Run by hand with Keras 3 and JAX (never by the tests):

    KERAS_BACKEND=jax python scripts/record_keras_application_blocks.py \
        tests/fixtures/keras/applications

The published architectures are too large to commit a weights file of, so
this builds narrow ones from the builders Keras keeps in its application
modules (``convnext.ConvNeXt``, ``nasnet.NASNet``, and Inception-ResNet-v2's
``conv2d_bn`` / ``inception_resnet_block``), gives every variable the
value ``tests/application_reference_weights.py`` makes for it (scaled so
activations stay of order one), and writes for each ``<stem>.weights.h5``
(Keras 3's writer) and ``<stem>.npz`` with the inputs ``x`` and Keras's
outputs ``y``. The tests
build the same models with graphkeras, load the files and compare outputs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from application_reference_weights import reference_value  # noqa: E402


def narrow_convnext(keras):
    from keras.src.applications import convnext

    return convnext.ConvNeXt(
        depths=[1, 1, 1, 1],
        projection_dims=[8, 16, 24, 32],
        drop_path_rate=0.2,
        layer_scale_init_value=0.5,
        name="narrow",
        include_top=True,
        classes=5,
        weights=None,
        input_shape=(32, 32, 3),
    )


def narrow_nasnet(keras):
    from keras.src.applications import nasnet

    return nasnet.NASNet(
        (32, 32, 3),
        penultimate_filters=96,
        num_blocks=1,
        stem_block_filters=8,
        skip_reduction=False,
        include_top=False,
        pooling="avg",
        weights=None,
        default_size=224,
    )


def inception_resnet_blocks(keras):
    from keras.src.applications import inception_resnet_v2 as irv2

    inputs = keras.Input((9, 9, 3))
    x = irv2.conv2d_bn(inputs, 24, 3, name="stem")
    x = irv2.inception_resnet_block(x, 0.17, "block35", 1)
    x = irv2.inception_resnet_block(x, 1.0, "block35", 2, activation=None)
    return keras.Model(inputs, x, name="blocks")


MODELS = {
    "narrow_convnext": (narrow_convnext, (2, 32, 32, 3)),
    "narrow_nasnet": (narrow_nasnet, (2, 32, 32, 3)),
    "inception_resnet_blocks": (inception_resnet_blocks, (2, 9, 9, 3)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    arguments = parser.parse_args()
    import keras

    arguments.directory.mkdir(parents=True, exist_ok=True)
    for stem, (build, input_shape) in MODELS.items():
        keras.backend.clear_session()
        model = build(keras)
        rng = np.random.default_rng(sum(map(ord, stem)))
        for index, variable in enumerate(model.weights):
            variable.assign(reference_value(index, variable.name, tuple(variable.shape)))
        x = rng.uniform(-1.0, 1.0, input_shape).astype("float32")
        if stem == "narrow_convnext":
            x = (x + 1.0) * 127.5  # ConvNeXt normalises [0, 255] pixels itself
        y = np.asarray(model.predict(x, verbose=0))
        model.save_weights(arguments.directory / f"{stem}.weights.h5")
        np.savez(arguments.directory / f"{stem}.npz", x=x, y=y)
        print(f"{stem}: {model.count_params()} params, outputs {y.shape}", flush=True)


if __name__ == "__main__":
    main()
