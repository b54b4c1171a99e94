"""``gk.applications.inception_v3``: Inception v3 (Szegedy et al., 2015), as Keras builds it.

After a convolutional stem, eleven "mixed" modules run parallel branches
of convolutions of different shapes over the same input and concatenate
them: three 35x35 modules (``mixed0``-``mixed2``), a grid reduction
(``mixed3``), four 17x17 modules with factorised 7x7 convolutions
(``mixed4``-``mixed7``), a second reduction (``mixed8``) and two 8x8
modules whose branches fan out again (``mixed9``, ``mixed10``). Every
convolution is followed by an unscaled batch norm and ReLU, and keeps
Keras's automatic names (``conv2d_12``, ``batch_normalization_12``, ...),
so layers must be created in Keras's order. Images are expected in "tf"
mode ([-1, 1]).

>>> import graphkeras as gk
>>> model = gk.applications.InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
"""

from __future__ import annotations

from graphkeras import layers
from graphkeras.applications.application_frame import (
    ImageNetArchitecture,
    channel_axis,
    imagenet_application,
    preprocessing_for,
)
from graphkeras.applications.imagenet_utils import decode_predictions

preprocess_input = preprocessing_for("tf", __name__)


def conv_bn(x, filters: int, rows: int, columns: int, padding: str = "same", strides=(1, 1)):
    """A bias-free ``rows x columns`` convolution, batch norm without scale, ReLU."""
    x = layers.Conv2D(filters, (rows, columns), strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(axis=channel_axis(), scale=False)(x)
    return layers.Activation("relu")(x)


def _average_pool_branch(x, filters: int):
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv_bn(x, filters, 1, 1)


def _concatenate(branches: list, name: str | None = None):
    return layers.concatenate(branches, axis=channel_axis(), name=name)


def module_35(x, pool_filters: int, name: str):
    """A 35x35 module: 1x1, 5x5 and double-3x3 branches and a pooled 1x1 branch."""
    branch_1x1 = conv_bn(x, 64, 1, 1)
    branch_5x5 = conv_bn(conv_bn(x, 48, 1, 1), 64, 5, 5)
    branch_3x3 = conv_bn(conv_bn(conv_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    branch_pool = _average_pool_branch(x, pool_filters)
    return _concatenate([branch_1x1, branch_5x5, branch_3x3, branch_pool], name)


def reduction_35_to_17(x):
    """``mixed3``: strided 3x3 and double-3x3 branches beside a max pool, halving the grid."""
    branch_3x3 = conv_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch_double = conv_bn(conv_bn(x, 64, 1, 1), 96, 3, 3)
    branch_double = conv_bn(branch_double, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    return _concatenate([branch_3x3, branch_double, branch_pool], "mixed3")


def module_17(x, width: int, name: str):
    """A 17x17 module: 7x7 convolutions factorised into 1x7 and 7x1 pairs, ``width`` inside."""
    branch_1x1 = conv_bn(x, 192, 1, 1)
    branch_7x7 = conv_bn(x, width, 1, 1)
    branch_7x7 = conv_bn(branch_7x7, width, 1, 7)
    branch_7x7 = conv_bn(branch_7x7, 192, 7, 1)
    branch_double = conv_bn(x, width, 1, 1)
    for rows, columns in ((7, 1), (1, 7), (7, 1)):
        branch_double = conv_bn(branch_double, width, rows, columns)
    branch_double = conv_bn(branch_double, 192, 1, 7)
    branch_pool = _average_pool_branch(x, 192)
    return _concatenate([branch_1x1, branch_7x7, branch_double, branch_pool], name)


def reduction_17_to_8(x):
    """``mixed8``: strided 3x3 and 7x7-then-3x3 branches beside a max pool, halving the grid."""
    branch_3x3 = conv_bn(x, 192, 1, 1)
    branch_3x3 = conv_bn(branch_3x3, 320, 3, 3, strides=(2, 2), padding="valid")
    branch_7x7 = conv_bn(x, 192, 1, 1)
    branch_7x7 = conv_bn(branch_7x7, 192, 1, 7)
    branch_7x7 = conv_bn(branch_7x7, 192, 7, 1)
    branch_7x7 = conv_bn(branch_7x7, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    return _concatenate([branch_3x3, branch_7x7, branch_pool], "mixed8")


def _split_1x3_3x1(x):
    return [conv_bn(x, 384, 1, 3), conv_bn(x, 384, 3, 1)]


def module_8(x, index: int):
    """An 8x8 module (``mixed9``/``mixed10``): 3x3 branches that split into 1x3 and 3x1 halves."""
    branch_1x1 = conv_bn(x, 320, 1, 1)
    branch_3x3 = _concatenate(_split_1x3_3x1(conv_bn(x, 384, 1, 1)), f"mixed9_{index}")
    branch_double = conv_bn(conv_bn(x, 448, 1, 1), 384, 3, 3)
    branch_double = _concatenate(_split_1x3_3x1(branch_double))
    branch_pool = _average_pool_branch(x, 192)
    return _concatenate([branch_1x1, branch_3x3, branch_double, branch_pool], f"mixed{9 + index}")


def inception_v3_features(image):
    """Inception v3's feature map: the stem and the eleven mixed modules."""
    x = conv_bn(image, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv_bn(x, 32, 3, 3, padding="valid")
    x = conv_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv_bn(x, 80, 1, 1, padding="valid")
    x = conv_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for index, pool_filters in enumerate((32, 64, 64)):
        x = module_35(x, pool_filters, name=f"mixed{index}")
    x = reduction_35_to_17(x)
    for index, width in enumerate((128, 160, 160, 192), start=4):
        x = module_17(x, width, name=f"mixed{index}")
    x = reduction_17_to_8(x)
    for index in range(2):
        x = module_8(x, index)
    return x


InceptionV3 = imagenet_application(
    ImageNetArchitecture(
        features=inception_v3_features,
        weights_folder="inception_v3",
        weights_stem="inception_v3",
        default_size=299,
        min_size=75,
    ),
    "InceptionV3",
    "inception_v3",
    __name__,
    "23.9 million parameters with the top; images of 299x299 by default, 75x75 at least.",
)

__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]
