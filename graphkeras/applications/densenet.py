"""``gk.applications.densenet``: DenseNet-121, -169 and -201 (Huang et al., 2016), as in Keras.

A densely connected network: inside a dense block every layer adds 32
new channels ("growth rate") concatenated to all the channels before it;
transition blocks between dense blocks halve both the channels and the
resolution. The depths differ in how many layers their four dense blocks
hold. DenseNet expects images in "torch" mode (scaled to [0, 1], then
standardised per channel) and supports only the channels-last format.

>>> import graphkeras as gk
>>> model = gk.applications.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
"""

from __future__ import annotations

from functools import partial

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications.application_frame import (
    ImageNetArchitecture,
    batch_norm,
    imagenet_application,
    preprocessing_for,
)
from graphkeras.applications.imagenet_utils import decode_predictions

preprocess_input = preprocessing_for("torch", __name__)

BATCH_NORM_EPSILON = 1.001e-5
GROWTH_RATE = 32
# Layers per dense block for the three published depths.
DENSE_BLOCK_SIZES = {121: (6, 12, 24, 16), 169: (6, 12, 32, 32), 201: (6, 12, 48, 32)}
CHANNEL_AXIS = 3


def _batch_norm_relu(x, name: str):
    x = batch_norm(x, f"{name}_bn", epsilon=BATCH_NORM_EPSILON)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def dense_layer(x, name: str):
    """One layer of a dense block: BN-ReLU-1x1 conv (4x growth), BN-ReLU-3x3 conv, concatenated.

    The 1x1 "bottleneck" keeps the 3x3 convolution cheap however many
    channels have accumulated; its ``GROWTH_RATE`` outputs join the input.
    """
    new = _batch_norm_relu(x, f"{name}_0")
    new = layers.Conv2D(4 * GROWTH_RATE, 1, use_bias=False, name=f"{name}_1_conv")(new)
    new = _batch_norm_relu(new, f"{name}_1")
    new = layers.Conv2D(GROWTH_RATE, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(new)
    return layers.Concatenate(axis=CHANNEL_AXIS, name=f"{name}_concat")([x, new])


def dense_block(x, size: int, name: str):
    """``size`` dense layers, named ``{name}_block1`` onwards."""
    for index in range(1, size + 1):
        x = dense_layer(x, name=f"{name}_block{index}")
    return x


def transition_block(x, name: str):
    """BN-ReLU, a 1x1 convolution halving the channels, and 2x2 average pooling."""
    x = _batch_norm_relu(x, name)
    channels = int(x.shape[CHANNEL_AXIS])
    x = layers.Conv2D(int(channels * 0.5), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def densenet_features(image, depth: int):
    """DenseNet-``depth``'s feature map: stem, dense blocks joined by transitions, BN-ReLU.

    Refuses the channels-first format, as Keras's DenseNet does.
    """
    if K.image_data_format() == "channels_first":
        raise ValueError(
            "DenseNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` (gk.backend.set_image_data_format('channels_last'))."
        )
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(image)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _batch_norm_relu(x, "conv1")
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    *inner_sizes, last_size = DENSE_BLOCK_SIZES[depth]
    for number, size in enumerate(inner_sizes, start=2):
        x = dense_block(x, size, name=f"conv{number}")
        x = transition_block(x, name=f"pool{number}")
    x = dense_block(x, last_size, name="conv5")
    x = batch_norm(x, "bn", epsilon=BATCH_NORM_EPSILON)
    return layers.Activation("relu", name="relu")(x)


def densenet_application(depth: int, summary: str):
    """The builder ``DenseNet{depth}``, with its model name and weights file."""
    architecture = ImageNetArchitecture(
        features=partial(densenet_features, depth=depth),
        weights_folder="densenet",
        weights_stem=f"densenet{depth}",
        named_pooling=True,
    )
    return imagenet_application(
        architecture, f"DenseNet{depth}", f"densenet{depth}", __name__, summary
    )


DenseNet121 = densenet_application(
    121, "dense blocks of 6, 12, 24 and 16 layers; 8 million parameters with the top."
)
DenseNet169 = densenet_application(
    169, "dense blocks of 6, 12, 32 and 32 layers; 14.3 million parameters with the top."
)
DenseNet201 = densenet_application(
    201, "dense blocks of 6, 12, 48 and 32 layers; 20.2 million parameters with the top."
)

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "decode_predictions", "preprocess_input"]
