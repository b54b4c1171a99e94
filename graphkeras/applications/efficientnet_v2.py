"""EfficientNetV2 B0..B3, S, M and L: faster-training EfficientNets, as ``keras.applications``.

Tan and Le, 2021, "EfficientNetV2: Smaller Models and Faster Training".
The early stages use Fused-MBConv blocks (one full 3x3 convolution in place
of the 1x1 expansion and the depthwise filter), the later ones MBConv
blocks with squeeze-and-excitation; all convolutions pad "same" and batch
norm uses momentum 0.9. Residual branches are dropped per sample in
training (stochastic depth), more so deeper in.

With ``include_preprocessing`` (the default) the model takes images in
``[0, 255]``: the B variants rescale to ``[0, 1]`` and normalise with the
ImageNet channel means and deviations (fixed, not weights), S/M/L rescale
to ``[-1, 1]``. ``preprocess_input`` passes images through unchanged.
"""

from __future__ import annotations

import math

from graphkeras import layers
from graphkeras.applications.application_ends import (
    application_model,
    channel_axis,
    checked_image_input,
    decode_predictions,
)
from graphkeras.applications.application_ends import pass_through as preprocess_input
from graphkeras.applications.efficientnet import (
    CONV_KERNEL_INITIALIZER,
    dense_top_or_features,
    residual_with_drop,
    squeeze_and_excite,
)
from graphkeras.applications.pretrained_weights import KERAS_WEIGHTS_ROOT

WEIGHTS_ROOT = KERAS_WEIGHTS_ROOT + "efficientnet_v2/"
IMAGENET_MEAN_RGB = (0.485, 0.456, 0.406)
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)
FUSED, MBCONV = "fused", "mbconv"

# Stages: (block type, repeats, filters in, filters out, expansion, squeeze ratio, stride);
# every kernel is 3x3.
B_STAGES = (
    (FUSED, 1, 32, 16, 1, 0.0, 1),
    (FUSED, 2, 16, 32, 4, 0.0, 2),
    (FUSED, 2, 32, 48, 4, 0.0, 2),
    (MBCONV, 3, 48, 96, 4, 0.25, 2),
    (MBCONV, 5, 96, 112, 6, 0.25, 1),
    (MBCONV, 8, 112, 192, 6, 0.25, 2),
)
S_STAGES = (
    (FUSED, 2, 24, 24, 1, 0.0, 1),
    (FUSED, 4, 24, 48, 4, 0.0, 2),
    (FUSED, 4, 48, 64, 4, 0.0, 2),
    (MBCONV, 6, 64, 128, 4, 0.25, 2),
    (MBCONV, 9, 128, 160, 6, 0.25, 1),
    (MBCONV, 15, 160, 256, 6, 0.25, 2),
)
M_STAGES = (
    (FUSED, 3, 24, 24, 1, 0.0, 1),
    (FUSED, 5, 24, 48, 4, 0.0, 2),
    (FUSED, 5, 48, 80, 4, 0.0, 2),
    (MBCONV, 7, 80, 160, 4, 0.25, 2),
    (MBCONV, 14, 160, 176, 6, 0.25, 1),
    (MBCONV, 18, 176, 304, 6, 0.25, 2),
    (MBCONV, 5, 304, 512, 6, 0.25, 1),
)
L_STAGES = (
    (FUSED, 4, 32, 32, 1, 0.0, 1),
    (FUSED, 7, 32, 64, 4, 0.0, 2),
    (FUSED, 7, 64, 96, 4, 0.0, 2),
    (MBCONV, 10, 96, 192, 4, 0.25, 2),
    (MBCONV, 19, 192, 224, 6, 0.25, 1),
    (MBCONV, 25, 224, 384, 6, 0.25, 2),
    (MBCONV, 7, 384, 640, 6, 0.25, 1),
)

# Variant: (stages, width coefficient, depth coefficient, default side).
VARIANTS = {
    "b0": (B_STAGES, 1.0, 1.0, 224),
    "b1": (B_STAGES, 1.0, 1.1, 240),
    "b2": (B_STAGES, 1.1, 1.2, 260),
    "b3": (B_STAGES, 1.2, 1.4, 300),
    "s": (S_STAGES, 1.0, 1.0, 384),
    "m": (M_STAGES, 1.0, 1.0, 480),
    "l": (L_STAGES, 1.0, 1.0, 480),
}
BN_MOMENTUM = 0.9
TOP_DROPOUT = 0.2
DROP_CONNECT_RATE = 0.2
ACTIVATION = "swish"


def round_filters(filters: float, width_coefficient: float, divisor: int = 8) -> int:
    """``filters`` scaled by the width coefficient, rounded to a multiple of ``divisor``."""
    scaled = filters * width_coefficient
    return int(max(divisor, int(scaled + divisor / 2) // divisor * divisor))


def _efficientnet_v2(
    variant: str,
    *,
    include_top,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes,
    classifier_activation,
    include_preprocessing,
    name,
):
    """EfficientNetV2 ``variant``: preprocessing, stem, stages of (Fused-)MBConv blocks, top."""
    stages, width, depth, default_size = VARIANTS[variant]
    image, input_shape = checked_image_input(
        input_tensor,
        input_shape,
        weights=weights,
        include_top=include_top,
        classes=classes,
        default_size=default_size,
    )
    x = image
    if include_preprocessing:
        x = _preprocessing(x, variant, input_shape[channel_axis() - 1])
    x = layers.Conv2D(
        filters=round_filters(stages[0][2], width),
        kernel_size=3,
        strides=2,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name="stem_conv",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), momentum=BN_MOMENTUM, name="stem_bn")(x)
    x = layers.Activation(ACTIVATION, name="stem_activation")(x)

    total_blocks = float(sum(stage[1] for stage in stages))
    block_index = 0
    for stage, (kind, repeats, filters_in, filters_out, expansion, squeeze, stride) in enumerate(
        stages
    ):
        filters_in, filters_out = (
            round_filters(filters_in, width),
            round_filters(filters_out, width),
        )
        block = fused_mbconv_block if kind == FUSED else mbconv_block
        for repeat in range(int(math.ceil(depth * repeats))):
            x = block(
                x,
                input_filters=filters_in if repeat == 0 else filters_out,
                output_filters=filters_out,
                expand_ratio=expansion,
                strides=stride if repeat == 0 else 1,
                se_ratio=squeeze,
                drop_rate=DROP_CONNECT_RATE * block_index / total_blocks,
                name=f"block{stage + 1}{chr(ord('a') + repeat)}_",
            )
            block_index += 1

    x = layers.Conv2D(
        filters=round_filters(1280, width),
        kernel_size=1,
        strides=1,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name="top_conv",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), momentum=BN_MOMENTUM, name="top_bn")(x)
    x = layers.Activation(activation=ACTIVATION, name="top_activation")(x)
    x = dense_top_or_features(
        x,
        include_top=include_top,
        pooling=pooling,
        dropout_rate=TOP_DROPOUT,
        classes=classes,
        classifier_activation=classifier_activation,
        weights=weights,
        bias_initializer={"class_name": "Constant", "config": {"value": 0.0}},
    )
    file_name = f"efficientnetv2-{variant}" + (".h5" if include_top else "_notop.h5")
    return application_model(
        input_tensor,
        image,
        x,
        name=name,
        weights=weights,
        file_name=file_name,
        origin=WEIGHTS_ROOT + file_name,
    )


def _preprocessing(x, variant: str, channels):
    """B variants on 3 channels: to ``[0, 1]``, then ImageNet-normalised; others to ``[-1, 1]``."""
    if variant.startswith("b") and channels == 3:
        x = layers.Rescaling(scale=1.0 / 255)(x)
        variance = [stddev**2 for stddev in IMAGENET_STDDEV_RGB]
        return layers.Normalization(
            mean=list(IMAGENET_MEAN_RGB), variance=variance, axis=channel_axis()
        )(x)
    return layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)


def _conv_bn(x, filters: int, kernel_size: int, strides: int, name: str, activation=None):
    """A "same"-padded convolution without bias, its batch norm, and optionally an activation."""
    x = layers.Conv2D(
        filters,
        kernel_size=kernel_size,
        strides=strides,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name=f"{name}_conv",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), momentum=BN_MOMENTUM, name=f"{name}_bn")(x)
    if activation:
        x = layers.Activation(ACTIVATION, name=f"{name}_activation")(x)
    return x


def _squeeze_and_excite(x, filters: int, input_filters: int, se_ratio: float, name: str):
    if 0 < se_ratio <= 1:
        squeezed = max(1, int(input_filters * se_ratio))
        x = squeeze_and_excite(x, filters, squeezed, ACTIVATION, name)
    return x


def mbconv_block(
    inputs, *, input_filters, output_filters, expand_ratio, strides, se_ratio, drop_rate, name
):
    """Expand (1x1), depthwise 3x3, squeeze-excite, project (1x1, linear), maybe add back."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv_bn(x, filters, 1, 1, f"{name}expand", activation=True)
    x = layers.DepthwiseConv2D(
        kernel_size=3,
        strides=strides,
        depthwise_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name=f"{name}dwconv2",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), momentum=BN_MOMENTUM, name=f"{name}bn")(x)
    x = layers.Activation(ACTIVATION, name=f"{name}activation")(x)
    x = _squeeze_and_excite(x, filters, input_filters, se_ratio, name)
    x = _conv_bn(x, output_filters, 1, 1, f"{name}project")
    if strides == 1 and input_filters == output_filters:
        x = residual_with_drop(x, inputs, drop_rate, name)
    return x


def fused_mbconv_block(
    inputs, *, input_filters, output_filters, expand_ratio, strides, se_ratio, drop_rate, name
):
    """A full 3x3 convolution expanding (and striding), squeeze-excite, 1x1 projection.

    Without expansion the projection itself is the strided 3x3 convolution,
    followed by an activation.
    """
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv_bn(x, filters, 3, strides, f"{name}expand", activation=True)
    x = _squeeze_and_excite(x, filters, input_filters, se_ratio, name)
    if expand_ratio != 1:
        x = _conv_bn(x, output_filters, 1, 1, f"{name}project")
    else:
        x = _conv_bn(x, output_filters, 3, strides, f"{name}project", activation=True)
    if strides == 1 and input_filters == output_filters:
        x = residual_with_drop(x, inputs, drop_rate, name)
    return x


def _variant_builder(variant: str, public_name: str):
    """The public builder of EfficientNetV2 ``variant``, with Keras's signature and model name."""

    def build(
        include_top: bool = True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes: int = 1000,
        classifier_activation="softmax",
        include_preprocessing: bool = True,
        name: str = f"efficientnetv2-{variant}",
    ):
        return _efficientnet_v2(
            variant,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            include_preprocessing=include_preprocessing,
            name=name,
        )

    _, width, depth, side = VARIANTS[variant]
    build.__name__ = build.__qualname__ = public_name
    build.__module__ = __name__
    build.__doc__ = (
        f"EfficientNetV2-{variant.upper()}: width x{width}, depth x{depth}, {side}x{side} images "
        "by default. Takes images in [0, 255] unless include_preprocessing=False."
    )
    return build


EfficientNetV2B0 = _variant_builder("b0", "EfficientNetV2B0")
EfficientNetV2B1 = _variant_builder("b1", "EfficientNetV2B1")
EfficientNetV2B2 = _variant_builder("b2", "EfficientNetV2B2")
EfficientNetV2B3 = _variant_builder("b3", "EfficientNetV2B3")
EfficientNetV2S = _variant_builder("s", "EfficientNetV2S")
EfficientNetV2M = _variant_builder("m", "EfficientNetV2M")
EfficientNetV2L = _variant_builder("l", "EfficientNetV2L")

__all__ = [
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "decode_predictions",
    "preprocess_input",
]
