"""The VGG network shared by VGG16 and VGG19 (Simonyan & Zisserman, 2014).

Five blocks of 3x3 ReLU convolutions ("same" padding), each closed by a
2x2 max pool; the blocks have 64, 128, 256, 512 and 512 filters. The two
depths differ only in how many convolutions the last three blocks hold
(three for VGG16, four for VGG19). The top flattens the last feature map
into two 4096-wide ReLU layers before the classifier, so a model with the
top needs a fixed image size. VGG expects images in "caffe" mode.
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.applications.application_frame import (
    application_model,
    checked_image_input,
    imagenet_file_name,
    imagenet_predictions,
    pooled_features,
)
from graphkeras.applications.pretrained_weights import KERAS_WEIGHTS_ROOT

BLOCK_FILTERS = (64, 128, 256, 512, 512)


def convolution_block(x, filters: int, convolutions: int, number: int):
    """``convolutions`` 3x3 ReLU convolutions then a 2x2 max pool, named ``block{number}_...``."""
    for index in range(1, convolutions + 1):
        x = layers.Conv2D(
            filters, (3, 3), activation="relu", padding="same", name=f"block{number}_conv{index}"
        )(x)
    return layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{number}_pool")(x)


def build_vgg(
    depth: int,
    *,
    include_top: bool,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes: int,
    classifier_activation,
    name: str,
):
    """A VGG-``depth`` model (16 or 19 weight layers) with Keras's names and weights file."""
    image = checked_image_input(
        input_tensor,
        input_shape,
        weights=weights,
        include_top=include_top,
        classes=classes,
        default_size=224,
        min_size=32,
    )
    deep_convolutions = {16: 3, 19: 4}[depth]
    convolutions = (2, 2, deep_convolutions, deep_convolutions, deep_convolutions)
    x = image
    blocks = zip(BLOCK_FILTERS, convolutions, strict=True)
    for number, (filters, count) in enumerate(blocks, start=1):
        x = convolution_block(x, filters, count, number)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = imagenet_predictions(x, classes, classifier_activation, weights)
    else:
        x = pooled_features(x, pooling)
    stem = f"vgg{depth}"
    file_name = imagenet_file_name(stem, include_top)
    return application_model(
        input_tensor,
        image,
        x,
        name=name,
        weights=weights,
        file_name=file_name,
        origin=f"{KERAS_WEIGHTS_ROOT}{stem}/{file_name}",
    )
