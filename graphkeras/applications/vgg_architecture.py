"""The VGG network shared by VGG16 and VGG19 (Simonyan & Zisserman, 2014).

Five blocks of 3x3 ReLU convolutions ("same" padding), each closed by a
2x2 max pool; the blocks have 64, 128, 256, 512 and 512 filters. The two
depths differ only in how many convolutions the last three blocks hold
(three for VGG16, four for VGG19). The top flattens the last feature map
into two 4096-wide ReLU layers before the classifier, so a model with the
top needs a fixed image size. VGG expects images in "caffe" mode.
"""

from __future__ import annotations

from functools import partial

from graphkeras import layers
from graphkeras.applications.application_frame import ImageNetArchitecture

BLOCK_FILTERS = (64, 128, 256, 512, 512)


def convolution_block(x, filters: int, convolutions: int, number: int):
    """``convolutions`` 3x3 ReLU convolutions then a 2x2 max pool, named ``block{number}_...``."""
    for index in range(1, convolutions + 1):
        x = layers.Conv2D(
            filters, (3, 3), activation="relu", padding="same", name=f"block{number}_conv{index}"
        )(x)
    return layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{number}_pool")(x)


def vgg_features(image, depth: int):
    """The five convolution blocks of VGG-``depth`` (16 or 19 weight layers)."""
    deep_convolutions = {16: 3, 19: 4}[depth]
    convolutions = (2, 2, deep_convolutions, deep_convolutions, deep_convolutions)
    x = image
    blocks = zip(BLOCK_FILTERS, convolutions, strict=True)
    for number, (filters, count) in enumerate(blocks, start=1):
        x = convolution_block(x, filters, count, number)
    return x


def flattened_dense_layers(features):
    """VGG's classifier input: the flattened feature map through two 4096-wide ReLU layers."""
    x = layers.Flatten(name="flatten")(features)
    x = layers.Dense(4096, activation="relu", name="fc1")(x)
    return layers.Dense(4096, activation="relu", name="fc2")(x)


def vgg_architecture(depth: int) -> ImageNetArchitecture:
    """VGG-``depth`` in the shared frame, with its weights file."""
    return ImageNetArchitecture(
        features=partial(vgg_features, depth=depth),
        weights_folder=f"vgg{depth}",
        weights_stem=f"vgg{depth}",
        classifier_input=flattened_dense_layers,
    )
