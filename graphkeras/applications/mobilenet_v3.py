"""MobileNetV3 Small and Large: searched inverted residual networks, as ``keras.applications``.

Howard et al., 2019, "Searching for MobileNetV3". MobileNetV2's inverted
residual blocks, some with squeeze-and-excitation (channels reweighted by
a hard-sigmoid gate computed from their averages) and 5x5 depthwise
kernels, with the hard-swish activation in the deeper half. The
``minimalistic`` variants drop all three (3x3 kernels, ReLU, no gates).
The model rescales ``[0, 255]`` pixels to ``[-1, 1]`` itself (a first
``Rescaling`` layer, unless ``include_preprocessing=False``), so
``preprocess_input`` passes images through unchanged.

Two of Keras's layers here are plain arithmetic on tensors (``x + 3`` and
``* 1/6`` in the gate); they are graph operations, not layers, in Keras's
``model.layers`` and appear as operator layers in graphkeras's.
"""

from __future__ import annotations

import warnings

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications.application_ends import (
    application_model,
    channel_axis,
    decode_predictions,
    image_sides,
    pooled_features,
)
from graphkeras.applications.application_ends import pass_through as preprocess_input
from graphkeras.applications.application_inputs import image_input
from graphkeras.applications.channel_rounding import make_divisible
from graphkeras.applications.imagenet_utils import correct_pad, validate_activation
from graphkeras.applications.pretrained_weights import KERAS_WEIGHTS_ROOT, check_weights_argument
from graphkeras.engine.node import is_keras_tensor

WEIGHTS_ROOT = KERAS_WEIGHTS_ROOT + "mobilenet_v3/"

# The blocks of each size: (expansion, filters before alpha, kernel, stride, squeeze-excite,
# activation). Kernel "k" is 5 (3 when minimalistic); squeeze-excite "se" is used unless
# minimalistic; activation "hs" is hard-swish (ReLU when minimalistic).
SMALL_BLOCKS = (
    (1, 16, 3, 2, "se", "relu"),
    (72.0 / 16, 24, 3, 2, None, "relu"),
    (88.0 / 24, 24, 3, 1, None, "relu"),
    (4, 40, "k", 2, "se", "hs"),
    (6, 40, "k", 1, "se", "hs"),
    (6, 40, "k", 1, "se", "hs"),
    (3, 48, "k", 1, "se", "hs"),
    (3, 48, "k", 1, "se", "hs"),
    (6, 96, "k", 2, "se", "hs"),
    (6, 96, "k", 1, "se", "hs"),
    (6, 96, "k", 1, "se", "hs"),
)
LARGE_BLOCKS = (
    (1, 16, 3, 1, None, "relu"),
    (4, 24, 3, 2, None, "relu"),
    (3, 24, 3, 1, None, "relu"),
    (3, 40, "k", 2, "se", "relu"),
    (3, 40, "k", 1, "se", "relu"),
    (3, 40, "k", 1, "se", "relu"),
    (6, 80, 3, 2, None, "hs"),
    (2.5, 80, 3, 1, None, "hs"),
    (2.3, 80, 3, 1, None, "hs"),
    (2.3, 80, 3, 1, None, "hs"),
    (6, 112, 3, 1, "se", "hs"),
    (6, 112, 3, 1, "se", "hs"),
    (6, 160, "k", 2, "se", "hs"),
    (6, 160, "k", 1, "se", "hs"),
    (6, 160, "k", 1, "se", "hs"),
)
SQUEEZE_RATIO = 0.25


def MobileNetV3Small(
    input_shape=None,
    alpha: float = 1.0,
    minimalistic: bool = False,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    classes: int = 1000,
    pooling=None,
    dropout_rate: float = 0.2,
    classifier_activation="softmax",
    include_preprocessing: bool = True,
    name: str = "MobileNetV3Small",
):
    """MobileNetV3-Small (eleven blocks, 1024 features before the classifier)."""
    return _mobilenet_v3(SMALL_BLOCKS, 1024, "small", **locals())


def MobileNetV3Large(
    input_shape=None,
    alpha: float = 1.0,
    minimalistic: bool = False,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    classes: int = 1000,
    pooling=None,
    dropout_rate: float = 0.2,
    classifier_activation="softmax",
    include_preprocessing: bool = True,
    name: str = "MobileNetV3Large",
):
    """MobileNetV3-Large (fifteen blocks, 1280 features before the classifier)."""
    return _mobilenet_v3(LARGE_BLOCKS, 1280, "large", **locals())


def _mobilenet_v3(
    blocks,
    last_point_channels: int,
    model_type: str,
    *,
    input_shape,
    alpha,
    minimalistic,
    include_top,
    weights,
    input_tensor,
    classes,
    pooling,
    dropout_rate,
    classifier_activation,
    include_preprocessing,
    name,
):
    """The network shared by both sizes: stem, ``blocks``, last convolution and top.

    The public builders pass their own arguments through by name (``**locals()``).
    """
    check_weights_argument(weights, include_top, classes)
    input_shape = _settled_input_shape(input_shape, input_tensor)
    rows, cols = image_sides(input_shape)
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet":
        _check_imagenet_arguments(alpha, minimalistic, rows, cols)
    image = image_input(input_tensor, input_shape)

    activation = _relu if minimalistic else _hard_swish
    x = image
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(
        16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv"
    )(x)
    x = _batch_norm(x, "conv_bn")
    x = activation(x)
    for block_id, (expansion, filters, kernel, stride, squeeze, block_activation) in enumerate(
        blocks
    ):
        x = _inverted_residual_block(
            x,
            expansion=expansion,
            filters=make_divisible(filters * alpha),
            kernel_size=(3 if minimalistic else 5) if kernel == "k" else kernel,
            stride=stride,
            squeeze_ratio=None if minimalistic or squeeze is None else SQUEEZE_RATIO,
            activation=activation if block_activation == "hs" else _relu,
            block_id=block_id,
        )
    last_conv_channels = make_divisible(x.shape[channel_axis()] * 6)
    if alpha > 1.0:
        last_point_channels = make_divisible(last_point_channels * alpha)
    x = layers.Conv2D(
        last_conv_channels, kernel_size=1, padding="same", use_bias=False, name="conv_1"
    )(x)
    x = _batch_norm(x, "conv_1_bn")
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(
            last_point_channels, kernel_size=1, padding="same", use_bias=True, name="conv_2"
        )(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled_features(x, pooling, named=True)

    variant = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    file_name = f"weights_mobilenet_v3_{variant}{'' if include_top else '_no_top_v2'}.h5"
    return application_model(
        input_tensor,
        image,
        x,
        name=name,
        weights=weights,
        file_name=file_name,
        origin=WEIGHTS_ROOT + file_name,
    )


def _settled_input_shape(input_shape, input_tensor) -> tuple:
    """The image shape: given, else the tensor's sides with 3 channels, else unknown sides.

    A shape given together with a tensor must agree with the tensor's width.
    """
    if input_tensor is not None and not is_keras_tensor(input_tensor):
        raise ValueError(
            f"input_tensor specified: {input_tensor!r} is not a symbolic tensor (the output of "
            "`gk.Input()` or of a layer)."
        )
    channels_first = K.image_data_format() == "channels_first"
    if input_shape is not None and input_tensor is not None:
        tensor_shape = tuple(input_tensor.shape)
        if tensor_shape[1 if channels_first else 2] != input_shape[1]:
            axis = 1 if channels_first else 2
            raise ValueError(
                f"input_shape[1] must equal input_tensor.shape[{axis}]. Received "
                f"input_shape={input_shape}, input_tensor.shape={tensor_shape}"
            )
    if input_shape is None and input_tensor is not None:
        tensor_shape = tuple(input_tensor.shape)
        rows, cols = tensor_shape[2:4] if channels_first else tensor_shape[1:3]
        # Keras lays the tensor's sides in this order; they agree for square images.
        return (3, cols, rows) if channels_first else (cols, rows, 3)
    if input_shape is None:
        return (3, None, None) if channels_first else (None, None, 3)
    return tuple(input_shape)


def _check_imagenet_arguments(alpha, minimalistic, rows, cols) -> None:
    """Refuse widths with no published weights; warn when the side is not 224."""
    if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
        raise ValueError(
            "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non "
            f"minimalistic or `1.0` for minimalistic only. Received alpha={alpha}, "
            f"minimalistic={minimalistic}"
        )
    if rows != cols or rows != 224:
        warnings.warn(
            "`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input "
            "shape (224, 224) will be loaded as the default.",
            stacklevel=4,
        )


def _batch_norm(x, name: str):
    """Batch normalisation with the published weights' epsilon and momentum."""
    return layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=name)(
        x
    )


def _relu(x):
    return layers.ReLU()(x)


def _hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _hard_sigmoid_gate(x):
    """``relu6(x + 3) / 6``: written as arithmetic on the tensor, as Keras builds it."""
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _squeeze_excite(inputs, filters: int, squeeze_ratio: float, prefix: str):
    """Channels reweighted by a gate in ``[0, 1]`` computed from their spatial averages."""
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(
        inputs
    )
    x = layers.Conv2D(
        make_divisible(filters * squeeze_ratio),
        kernel_size=1,
        padding="same",
        name=f"{prefix}squeeze_excite_conv",
    )(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1"
    )(x)
    x = _hard_sigmoid_gate(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_residual_block(
    x, *, expansion, filters, kernel_size, stride, squeeze_ratio, activation, block_id
):
    """Expand (1x1), filter (depthwise), optionally gate, project (1x1, linear), maybe add."""
    shortcut = x
    in_channels = x.shape[channel_axis()]
    prefix = f"expanded_conv_{block_id}_" if block_id else "expanded_conv_"
    expanded = make_divisible(in_channels * expansion)
    if block_id:
        x = layers.Conv2D(
            expanded, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}expand"
        )(x)
        x = _batch_norm(x, f"{prefix}expand_bn")
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(
            padding=correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad"
        )(x)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=stride,
        padding="same" if stride == 1 else "valid",
        use_bias=False,
        name=f"{prefix}depthwise",
    )(x)
    x = _batch_norm(x, f"{prefix}depthwise_bn")
    x = activation(x)
    if squeeze_ratio:
        x = _squeeze_excite(x, expanded, squeeze_ratio, prefix)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project"
    )(x)
    x = _batch_norm(x, f"{prefix}project_bn")
    if stride == 1 and in_channels == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


__all__ = ["MobileNetV3Large", "MobileNetV3Small", "decode_predictions", "preprocess_input"]
