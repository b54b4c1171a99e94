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

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications.application_frame import (
    application_model,
    averaged_classifier_or_features,
    checked_image_input,
    imagenet_file_name,
    preprocessing_for,
)
from graphkeras.applications.imagenet_utils import decode_predictions
from graphkeras.applications.pretrained_weights import KERAS_WEIGHTS_ROOT

preprocess_input = preprocessing_for("torch", __name__)

BATCH_NORM_EPSILON = 1.001e-5
GROWTH_RATE = 32
# Layers per dense block for the three published depths.
DENSE_BLOCK_SIZES = {121: (6, 12, 24, 16), 169: (6, 12, 32, 32), 201: (6, 12, 48, 32)}
CHANNEL_AXIS = 3


def _batch_norm_relu(x, name: str):
    x = layers.BatchNormalization(axis=CHANNEL_AXIS, epsilon=BATCH_NORM_EPSILON, name=f"{name}_bn")(
        x
    )
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


def build_densenet(
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
    """A DenseNet-``depth`` model: stem, four dense blocks joined by transitions, BN-ReLU, top."""
    if K.image_data_format() == "channels_first":
        raise ValueError(
            "DenseNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` (gk.backend.set_image_data_format('channels_last'))."
        )
    image = checked_image_input(
        input_tensor,
        input_shape,
        weights=weights,
        include_top=include_top,
        classes=classes,
        default_size=224,
        min_size=32,
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
    x = layers.BatchNormalization(axis=CHANNEL_AXIS, epsilon=BATCH_NORM_EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = averaged_classifier_or_features(
        x,
        include_top=include_top,
        pooling=pooling,
        classes=classes,
        classifier_activation=classifier_activation,
        weights=weights,
        named=True,
    )
    file_name = imagenet_file_name(f"densenet{depth}", include_top)
    return application_model(
        input_tensor,
        image,
        x,
        name=name,
        weights=weights,
        file_name=file_name,
        origin=f"{KERAS_WEIGHTS_ROOT}densenet/{file_name}",
    )


def DenseNet121(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "densenet121",
):
    """DenseNet-121: dense blocks of 6, 12, 24 and 16 layers, 8 million parameters with the top.

    ``include_top`` adds average pooling and a ``classes``-way Dense layer;
    without it, ``pooling`` (None, "avg", "max") shapes the feature output.
    ``weights`` is None, "imagenet" (from Keras's cache folder) or a weights
    file's path; ``input_tensor`` builds the network on an existing tensor.
    """
    # Every argument goes on to the shared builder under the same name.
    return build_densenet(121, **locals())


def DenseNet169(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "densenet169",
):
    """DenseNet-169: dense blocks of 6, 12, 32 and 32 layers; arguments as ``DenseNet121``."""
    return build_densenet(169, **locals())


def DenseNet201(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "densenet201",
):
    """DenseNet-201: dense blocks of 6, 12, 48 and 32 layers; arguments as ``DenseNet121``."""
    return build_densenet(201, **locals())


__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "decode_predictions", "preprocess_input"]
