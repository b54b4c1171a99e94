"""Regenerate the drawings in this folder: ``python docs/make_figures.py``.

* ``demo_model.svg``: the Siamese model ``graphkeras demo`` builds, with shapes
  (the shared encoder is one box with a "×2 calls" badge);
* ``demo_model_expanded.svg``: the same with ``expand_nested=True`` (each
  sub-model framed around its own layers);
* ``resnet_100.svg``: a ResNet-style functional model of about 100 layers
  (convolution, batch normalisation, activation and residual ``Add`` blocks).

Nothing here needs Graphviz: ``plot_model`` lays the graph out and writes
the SVG itself.
"""

from __future__ import annotations

from pathlib import Path

import graphkeras as gk
from graphkeras import layers
from graphkeras.demo import build_siamese

FOLDER = Path(__file__).resolve().parent


def build_resnet(stages: tuple[int, ...] = (3, 4, 3, 3), width: int = 16) -> gk.Model:
    """A small ResNet (basic blocks) for 32x32 colour images, named as Keras names ResNets."""
    gk.backend.clear_session()
    image = gk.Input(shape=(32, 32, 3), name="image")
    x = layers.Conv2D(width, 3, padding="same", name="conv1_conv")(image)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.MaxPooling2D(2, name="pool1_pool")(x)
    for stage, blocks in enumerate(stages, start=2):
        filters = width * 2 ** (stage - 2)
        for block in range(1, blocks + 1):
            # Each stage after the first halves the image and doubles the filters.
            downsample = block == 1 and stage > 2
            x = residual_block(x, filters, f"conv{stage}_block{block}", downsample)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    return gk.Model(
        image, layers.Dense(10, activation="softmax", name="predictions")(x), name="resnet"
    )


def residual_block(x, filters: int, name: str, downsample: bool):
    """conv-bn-relu-conv-bn plus the shortcut (projected when the shape changes), added."""
    strides = 2 if downsample else 1
    shortcut = x
    if downsample:
        shortcut = layers.Conv2D(filters, 1, strides=strides, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(name=f"{name}_0_bn")(shortcut)
    x = layers.Conv2D(filters, 3, strides=strides, padding="same", name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_2_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def main() -> None:
    siamese = build_siamese()
    gk.utils.plot_model(siamese, FOLDER / "demo_model.svg", show_shapes=True)
    gk.utils.plot_model(
        siamese, FOLDER / "demo_model_expanded.svg", show_shapes=True, expand_nested=True
    )
    resnet = build_resnet()
    gk.utils.plot_model(resnet, FOLDER / "resnet_100.svg", show_shapes=True)
    print(f"demo model: {len(siamese.layers)} layers; resnet: {len(resnet.layers)} layers")
    print(f"wrote demo_model.svg, demo_model_expanded.svg and resnet_100.svg in {FOLDER.name}/")


if __name__ == "__main__":
    main()
