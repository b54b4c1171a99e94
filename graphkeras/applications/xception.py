"""``gk.applications.xception``: Xception (Chollet, 2016), as Keras builds it.

Inception's parallel branches taken to the limit: every convolution after
the stem is depthwise separable. An entry flow of three downsampling
blocks (``block2``-``block4``), a middle flow of eight identical residual
blocks at 728 channels (``block5``-``block12``), an exit flow of one more
downsampling block (``block13``) and two wide separable convolutions
(``block14``). The downsampling blocks add a strided 1x1 projection of
their input, whose layers keep Keras's automatic names (``conv2d``,
``batch_normalization``, ``add``, ...). Images are expected in "tf" mode.

>>> import graphkeras as gk
>>> model = gk.applications.Xception(weights=None, include_top=False, input_shape=(71, 71, 3))
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications.application_frame import (
    ImageNetArchitecture,
    batch_norm,
    imagenet_application,
    preprocessing_for,
)
from graphkeras.applications.imagenet_utils import decode_predictions

preprocess_input = preprocessing_for("tf", __name__)

MIDDLE_FLOW_WIDTH = 728


def _channel_axis() -> int:
    # Keras's Xception counts the channel axis from the end in channels-last.
    return 1 if K.image_data_format() == "channels_first" else -1


def stem_convolution(x, filters: int, name: str, strides=(1, 1)):
    """A bias-free, unpadded 3x3 convolution ``name`` with its batch norm and ReLU."""
    x = layers.Conv2D(filters, (3, 3), strides=strides, use_bias=False, name=name)(x)
    x = batch_norm(x, f"{name}_bn", axis=_channel_axis())
    return layers.Activation("relu", name=f"{name}_act")(x)


def separable_bn(x, filters: int, name: str):
    """A bias-free 3x3 separable convolution ``name`` and its batch norm ``{name}_bn``."""
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return batch_norm(x, f"{name}_bn", axis=_channel_axis())


def downsampling_block(x, filters: tuple[int, int], number: int, activate_input: bool = True):
    """Two separable convolutions and a strided 3x3 max pool, plus a strided 1x1 projection.

    ``filters`` are the widths of the two separable convolutions (the
    projection matches the second). The first block of the entry flow
    follows the stem's ReLU, so it skips the leading activation.
    """
    prefix = f"block{number}"
    shortcut = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    shortcut = batch_norm(shortcut, None, axis=_channel_axis())
    if activate_input:
        x = layers.Activation("relu", name=f"{prefix}_sepconv1_act")(x)
    x = separable_bn(x, filters[0], f"{prefix}_sepconv1")
    x = layers.Activation("relu", name=f"{prefix}_sepconv2_act")(x)
    x = separable_bn(x, filters[1], f"{prefix}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"{prefix}_pool")(x)
    return layers.add([x, shortcut])


def middle_block(x, number: int):
    """Three ReLU-separable-BN steps at 728 channels, added to the block's input."""
    shortcut = x
    for step in (1, 2, 3):
        name = f"block{number}_sepconv{step}"
        x = layers.Activation("relu", name=f"{name}_act")(x)
        x = separable_bn(x, MIDDLE_FLOW_WIDTH, name)
    return layers.add([x, shortcut])


def xception_features(image):
    """Xception's feature map: stem, entry, middle and exit flows."""
    x = stem_convolution(image, 32, "block1_conv1", strides=(2, 2))
    x = stem_convolution(x, 64, "block1_conv2")
    x = downsampling_block(x, (128, 128), 2, activate_input=False)
    x = downsampling_block(x, (256, 256), 3)
    x = downsampling_block(x, (MIDDLE_FLOW_WIDTH, MIDDLE_FLOW_WIDTH), 4)
    for number in range(5, 13):
        x = middle_block(x, number)
    x = downsampling_block(x, (MIDDLE_FLOW_WIDTH, 1024), 13)
    for filters, step in ((1536, 1), (2048, 2)):
        x = separable_bn(x, filters, f"block14_sepconv{step}")
        x = layers.Activation("relu", name=f"block14_sepconv{step}_act")(x)
    return x


Xception = imagenet_application(
    ImageNetArchitecture(
        features=xception_features,
        weights_folder="xception",
        weights_stem="xception",
        default_size=299,
        min_size=71,
    ),
    "Xception",
    "xception",
    __name__,
    "22.9 million parameters with the top; images of 299x299 by default, 71x71 at least.",
)

__all__ = ["Xception", "decode_predictions", "preprocess_input"]
