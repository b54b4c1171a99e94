"""MobileNetV2: inverted residual blocks with linear bottlenecks, as ``keras.applications``.

Sandler et al., 2018, "MobileNetV2: Inverted Residuals and Linear
Bottlenecks". Each block widens its narrow input six-fold with a 1x1
convolution, filters it with a depthwise 3x3 convolution and projects it
back down with a 1x1 convolution that has no activation (the linear
bottleneck); blocks whose input and output match add their input back.
``alpha`` scales the widths (rounded to multiples of 8). Inputs are
expected in ``[-1, 1]`` (``preprocess_input``, mode ``"tf"``).
"""

from __future__ import annotations

import warnings

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications.application_ends import (
    application_model,
    channel_axis,
    checked_image_input,
    decode_predictions,
    image_sides,
    pooled_features,
)
from graphkeras.applications.channel_rounding import make_divisible
from graphkeras.applications.imagenet_utils import correct_pad, validate_activation
from graphkeras.applications.imagenet_utils import preprocess_input as imagenet_preprocess
from graphkeras.applications.pretrained_weights import KERAS_WEIGHTS_ROOT
from graphkeras.engine.node import is_keras_tensor

WEIGHTS_ROOT = KERAS_WEIGHTS_ROOT + "mobilenet_v2/"
IMAGENET_SIDES = (96, 128, 160, 192, 224)
IMAGENET_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)

# (output filters before alpha, stride, expansion) of the seventeen inverted residual blocks.
INVERTED_RESIDUAL_BLOCKS = (
    (16, 1, 1),
    (24, 2, 6),
    (24, 1, 6),
    (32, 2, 6),
    (32, 1, 6),
    (32, 1, 6),
    (64, 2, 6),
    (64, 1, 6),
    (64, 1, 6),
    (64, 1, 6),
    (96, 1, 6),
    (96, 1, 6),
    (96, 1, 6),
    (160, 2, 6),
    (160, 1, 6),
    (160, 1, 6),
    (320, 1, 6),
)


def MobileNetV2(
    input_shape=None,
    alpha: float = 1.0,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str | None = None,
):
    """MobileNetV2 with width ``alpha``; ImageNet weights exist for the six published widths.

    The default side is that of ``input_shape`` (or of ``input_tensor`` when
    no shape is given) when square and one of 96/128/160/192/224, else 224.
    The model is named ``mobilenetv2_<alpha>_<side>`` unless ``name`` is given.
    """
    _check_tensor_against_shape(input_tensor, input_shape)
    given = input_shape
    if given is None and input_tensor is not None:
        given = tuple(input_tensor.shape)[1:]
    sides = None if given is None else image_sides(given)
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
        rows = _imagenet_side(rows, cols, alpha)

    x = layers.Conv2D(
        make_divisible(32 * alpha, 8),
        kernel_size=3,
        strides=(2, 2),
        padding="same",
        use_bias=False,
        name="Conv1",
    )(image)
    x = _batch_norm(x, "bn_Conv1")
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(INVERTED_RESIDUAL_BLOCKS):
        x = _inverted_residual_block(x, int(filters * alpha), stride, expansion, block_id)
    last_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm(x, "Conv_1_bn")
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled_features(x, pooling, named=False)

    top = "" if include_top else "_no_top"
    file_name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{top}.h5"
    return application_model(
        input_tensor,
        image,
        x,
        name=name or f"mobilenetv2_{alpha:0.2f}_{rows}",
        weights=weights,
        file_name=file_name,
        origin=WEIGHTS_ROOT + file_name,
    )


def _check_tensor_against_shape(input_tensor, input_shape) -> None:
    """Refuse an ``input_tensor`` that is not symbolic, or whose width differs from the shape's."""
    if input_tensor is None:
        return
    if not is_keras_tensor(input_tensor):
        raise ValueError(
            "input_tensor must be a symbolic tensor (the output of `gk.Input()` or of a layer). "
            f"Received `input_tensor={input_tensor!r}` of type {type(input_tensor).__name__}"
        )
    if input_shape is None:
        return
    if K.image_data_format() == "channels_first":
        mine, theirs = tuple(input_tensor.shape)[1], input_shape[1]
        where = "input_tensor.shape[1] must equal input_shape[1]"
    else:
        mine, theirs = tuple(input_tensor.shape)[2], input_shape[1]
        where = "input_tensor.shape[2] must equal input_shape[1]"
    if mine != theirs:
        raise ValueError(
            f"{where}; Received `input_tensor.shape={tuple(input_tensor.shape)}`, "
            f"`input_shape={input_shape}`"
        )


def _imagenet_side(rows, cols, alpha) -> int:
    """The side of the ImageNet weights to read; refuses widths no weights exist for."""
    if alpha not in IMAGENET_ALPHAS:
        raise ValueError(
            "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, "
            f"`1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
        )
    if rows != cols or rows not in IMAGENET_SIDES:
        warnings.warn(
            "`input_shape` is undefined or non-square, or `rows` is not in "
            "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be loaded as the "
            "default.",
            stacklevel=3,
        )
        return 224
    return rows


def _batch_norm(x, name: str):
    """Batch normalisation with the published weights' epsilon and momentum."""
    return layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=name)(
        x
    )


def _inverted_residual_block(inputs, filters: int, stride: int, expansion: int, block_id: int):
    """Expand (1x1, ReLU6), filter (depthwise 3x3, ReLU6), project (1x1, linear), maybe add.

    The first block has no expansion and its layers are named
    ``expanded_conv_*``; the others ``block_<id>_*``.
    """
    in_channels = inputs.shape[channel_axis()]
    out_channels = make_divisible(filters, 8)
    x = inputs
    prefix = f"block_{block_id}_" if block_id else "expanded_conv_"
    if block_id:
        x = layers.Conv2D(
            expansion * in_channels,
            kernel_size=1,
            padding="same",
            use_bias=False,
            activation=None,
            name=f"{prefix}expand",
        )(x)
        x = _batch_norm(x, f"{prefix}expand_BN")
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size=3,
        strides=stride,
        activation=None,
        use_bias=False,
        padding="same" if stride == 1 else "valid",
        name=f"{prefix}depthwise",
    )(x)
    x = _batch_norm(x, f"{prefix}depthwise_BN")
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(
        out_channels,
        kernel_size=1,
        padding="same",
        use_bias=False,
        activation=None,
        name=f"{prefix}project",
    )(x)
    x = _batch_norm(x, f"{prefix}project_BN")
    if in_channels == out_channels and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def preprocess_input(x, data_format: str | None = None):
    """Images in ``[0, 255]`` scaled to ``[-1, 1]``, as MobileNetV2 was trained."""
    return imagenet_preprocess(x, data_format=data_format, mode="tf")


__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]
