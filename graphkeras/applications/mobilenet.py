"""MobileNet (version 1): a stack of depthwise-separable convolutions, as ``keras.applications``.

Howard et al., 2017, "MobileNets: Efficient Convolutional Neural Networks
for Mobile Vision Applications". After one full 3x3 convolution, thirteen
blocks each filter every channel on its own (a depthwise 3x3 convolution)
and then mix channels (a pointwise 1x1 convolution), each followed by batch
normalisation and ReLU6. ``alpha`` scales every layer's width;
``depth_multiplier`` the depthwise convolutions' outputs per channel. The
top is a 1x1 convolution on the pooled features. Inputs are expected in
``[-1, 1]`` (``preprocess_input``, mode ``"tf"``).
"""

from __future__ import annotations

import warnings

from graphkeras import layers
from graphkeras.applications.application_ends import (
    application_model,
    channel_axis,
    checked_image_input,
    decode_predictions,
    image_sides,
    pooled_features,
)
from graphkeras.applications.imagenet_utils import preprocess_input as imagenet_preprocess
from graphkeras.applications.imagenet_utils import validate_activation
from graphkeras.applications.pretrained_weights import KERAS_WEIGHTS_ROOT

WEIGHTS_ROOT = KERAS_WEIGHTS_ROOT + "mobilenet/"
IMAGENET_SIDES = (128, 160, 192, 224)
IMAGENET_ALPHAS = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}

# (pointwise filters before alpha, strides) of the thirteen depthwise-separable blocks.
SEPARABLE_BLOCKS = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
)


def MobileNet(
    input_shape=None,
    alpha: float = 1.0,
    depth_multiplier: int = 1,
    dropout: float = 1e-3,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str | None = None,
):
    """MobileNet with width ``alpha``; ImageNet weights exist for ``alpha`` in 0.25..1.0.

    The default side is the input's when square and one of 128/160/192/224,
    else 224 (the side whose ImageNet weights are read). The model is named
    ``mobilenet_<alpha>_<side>`` unless ``name`` is given.
    """
    sides = None if input_shape is None else image_sides(input_shape)
    square = sides is not None and sides[0] == sides[1] and sides[0] in IMAGENET_SIDES
    image, input_shape = checked_image_input(
        input_tensor,
        input_shape,
        weights=weights,
        include_top=include_top,
        classes=classes,
        default_size=sides[0] if square else 224,
    )
    rows, cols = image_sides(input_shape)
    if weights == "imagenet":
        rows = _imagenet_side(rows, cols, alpha, depth_multiplier)

    x = _stem(image, int(32 * alpha))
    for block_id, (filters, strides) in enumerate(SEPARABLE_BLOCKS, start=1):
        x = _depthwise_separable_block(x, int(filters * alpha), depth_multiplier, strides, block_id)
    if include_top:
        x = _convolutional_top(x, classes, dropout, classifier_activation, weights)
    else:
        x = pooled_features(x, pooling, named=False)

    top = "" if include_top else "_no_top"
    file_name = f"mobilenet_{IMAGENET_ALPHAS.get(alpha, '2_5')}_{rows}_tf{top}.h5"
    return application_model(
        input_tensor,
        image,
        x,
        name=name or f"mobilenet_{alpha:0.2f}_{rows}",
        weights=weights,
        file_name=file_name,
        origin=WEIGHTS_ROOT + file_name,
    )


def _imagenet_side(rows, cols, alpha, depth_multiplier) -> int:
    """The side of the ImageNet weights to read; refuses widths no weights exist for."""
    if depth_multiplier != 1:
        raise ValueError(
            "If imagenet weights are being loaded, depth multiplier must be 1. "
            f"Received depth_multiplier={depth_multiplier}"
        )
    if alpha not in IMAGENET_ALPHAS:
        raise ValueError(
            "If imagenet weights are being loaded, alpha can be one of `0.25`, `0.50`, `0.75` "
            f"or `1.0` only. Received alpha={alpha}"
        )
    if rows != cols or rows not in IMAGENET_SIDES:
        warnings.warn(
            "`input_shape` is undefined or non-square, or `rows` is not in "
            "[128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as the "
            "default.",
            stacklevel=3,
        )
        return 224
    return rows


def _stem(x, filters: int):
    """The first layer: a full 3x3 convolution of stride 2, batch norm and ReLU6."""
    x = layers.Conv2D(
        filters, (3, 3), strides=(2, 2), padding="same", use_bias=False, name="conv1"
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_separable_block(x, filters: int, depth_multiplier: int, strides: int, block_id: int):
    """Depthwise 3x3 then pointwise 1x1 convolution, each with batch norm and ReLU6.

    A strided block pads one row and column at the bottom-right and
    convolves without padding, as the published weights were trained.
    """
    padding = "same"
    if strides != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
        padding = "valid"
    x = layers.DepthwiseConv2D(
        (3, 3),
        padding=padding,
        depth_multiplier=depth_multiplier,
        strides=(strides, strides),
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(
        filters, (1, 1), padding="same", use_bias=False, strides=(1, 1), name=f"conv_pw_{block_id}"
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _convolutional_top(x, classes: int, dropout: float, classifier_activation, weights):
    """Pooled features through dropout and a 1x1 convolution to ``classes`` scores."""
    x = layers.GlobalAveragePooling2D(keepdims=True)(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
    x = layers.Reshape((classes,), name="reshape_2")(x)
    validate_activation(classifier_activation, weights)
    return layers.Activation(activation=classifier_activation, name="predictions")(x)


def preprocess_input(x, data_format: str | None = None):
    """Images in ``[0, 255]`` scaled to ``[-1, 1]``, as MobileNet was trained."""
    return imagenet_preprocess(x, data_format=data_format, mode="tf")


__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]
