"""EfficientNet B0 to B7: compound-scaled MBConv networks, as ``keras.applications``.

Tan and Le, 2019, "EfficientNet: Rethinking Model Scaling for Convolutional
Neural Networks". One baseline (B0) of seven stages of MBConv blocks
(MobileNetV2's inverted residuals with squeeze-and-excitation and swish),
scaled together in width, depth and input side for B1..B7. Residual
branches are dropped whole per sample in training (stochastic depth, a
``Dropout`` whose noise is shared across the image), more so deeper in.

The model prepares its own inputs: a ``Rescaling(1/255)`` and a
``Normalization`` whose mean and variance are weights (they come with the
published weights file), and, when ImageNet weights are asked for, one
more per-channel ``Rescaling`` the published weights were made with. So
``preprocess_input`` passes images in ``[0, 255]`` through unchanged.
"""

from __future__ import annotations

import math

from graphkeras import layers
from graphkeras.applications.application_ends import (
    application_model,
    channel_axis,
    checked_image_input,
    decode_predictions,
    pooled_features,
)
from graphkeras.applications.application_ends import pass_through as preprocess_input
from graphkeras.applications.channel_rounding import make_divisible
from graphkeras.applications.imagenet_utils import correct_pad, validate_activation

WEIGHTS_ROOT = "https://storage.googleapis.com/keras-applications/"
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)

# Initializers of the published models: He-like for convolutions, a narrow uniform for the top.
CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}

# The B0 stages: (kernel, repeats, filters in, filters out, expansion, stride); every block
# keeps its identity shortcut where shapes allow and squeezes to a quarter of its input width.
BASELINE_STAGES = (
    (3, 1, 32, 16, 1, 1),
    (3, 2, 16, 24, 6, 2),
    (5, 2, 24, 40, 6, 2),
    (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1),
    (5, 4, 112, 192, 6, 2),
    (3, 1, 192, 320, 6, 1),
)
SQUEEZE_RATIO = 0.25

# Variant: (width coefficient, depth coefficient, default side, top dropout rate).
SCALINGS = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}


def _efficientnet(
    variant: str,
    *,
    include_top,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes,
    classifier_activation,
    name,
    drop_connect_rate: float = 0.2,
    activation: str = "swish",
):
    """EfficientNet ``variant`` (``"b0"``..``"b7"``): stem, scaled stages, top."""
    width, depth, default_size, dropout_rate = SCALINGS[variant]
    image, _ = checked_image_input(
        input_tensor,
        input_shape,
        weights=weights,
        include_top=include_top,
        classes=classes,
        default_size=default_size,
    )

    def scaled_filters(filters: int) -> int:
        return make_divisible(filters * width, 8)

    x = layers.Rescaling(1.0 / 255.0)(image)
    x = layers.Normalization(axis=channel_axis())(x)
    if weights == "imagenet":
        # The published weights expect this extra per-channel scale (as Keras applies it).
        x = layers.Rescaling([1.0 / math.sqrt(stddev) for stddev in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(
        scaled_filters(32),
        3,
        strides=2,
        padding="valid",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name="stem_conv",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)

    stage_repeats = [int(math.ceil(depth * stage[1])) for stage in BASELINE_STAGES]
    total_blocks = float(sum(stage_repeats))
    block_index = 0
    for stage, (kernel, _, filters_in, filters_out, expansion, stride) in enumerate(
        BASELINE_STAGES
    ):
        filters_in, filters_out = scaled_filters(filters_in), scaled_filters(filters_out)
        for repeat in range(stage_repeats[stage]):
            x = mbconv_block(
                x,
                activation=activation,
                drop_rate=drop_connect_rate * block_index / total_blocks,
                name=f"block{stage + 1}{chr(ord('a') + repeat)}_",
                filters_in=filters_in if repeat == 0 else filters_out,
                filters_out=filters_out,
                kernel_size=kernel,
                strides=stride if repeat == 0 else 1,
                expand_ratio=expansion,
            )
            block_index += 1

    x = layers.Conv2D(
        scaled_filters(1280),
        1,
        padding="same",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name="top_conv",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    x = dense_top_or_features(
        x,
        include_top=include_top,
        pooling=pooling,
        dropout_rate=dropout_rate,
        classes=classes,
        classifier_activation=classifier_activation,
        weights=weights,
    )
    file_name = f"efficientnet{variant}" + (".h5" if include_top else "_notop.h5")
    return application_model(
        input_tensor,
        image,
        x,
        name=name,
        weights=weights,
        file_name=file_name,
        origin=WEIGHTS_ROOT + file_name,
    )


def dense_top_or_features(
    x,
    *,
    include_top: bool,
    pooling,
    dropout_rate: float,
    classes: int,
    classifier_activation,
    weights,
    bias_initializer="zeros",
):
    """The EfficientNet top (average pool, dropout, Dense), or the optionally pooled features."""
    if not include_top:
        return pooled_features(x, pooling, named=True)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
    validate_activation(classifier_activation, weights)
    return layers.Dense(
        classes,
        activation=classifier_activation,
        kernel_initializer=DENSE_KERNEL_INITIALIZER,
        bias_initializer=bias_initializer,
        name="predictions",
    )(x)


def squeeze_and_excite(x, filters: int, squeezed: int, activation: str, name: str):
    """Channels of ``x`` reweighted by a sigmoid gate computed from their spatial averages."""
    gate = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    shape = (filters, 1, 1) if channel_axis() == 1 else (1, 1, filters)
    gate = layers.Reshape(shape, name=f"{name}se_reshape")(gate)
    gate = layers.Conv2D(
        squeezed,
        1,
        padding="same",
        activation=activation,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}se_reduce",
    )(gate)
    gate = layers.Conv2D(
        filters,
        1,
        padding="same",
        activation="sigmoid",
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}se_expand",
    )(gate)
    return layers.multiply([x, gate], name=f"{name}se_excite")


def residual_with_drop(x, shortcut, drop_rate: float, name: str):
    """``x + shortcut``, the branch ``x`` dropped whole per sample at ``drop_rate`` in training."""
    if drop_rate > 0:
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
    return layers.add([x, shortcut], name=f"{name}add")


def mbconv_block(
    inputs,
    *,
    activation: str,
    drop_rate: float,
    name: str,
    filters_in: int,
    filters_out: int,
    kernel_size: int,
    strides: int,
    expand_ratio: int,
):
    """One MBConv block: expand (1x1), depthwise filter, squeeze-excite, project (1x1), add.

    A strided block pads explicitly (``correct_pad``) and convolves without
    padding; a block keeping its shape adds its input back.
    """
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(
            filters,
            1,
            padding="same",
            use_bias=False,
            kernel_initializer=CONV_KERNEL_INITIALIZER,
            name=f"{name}expand_conv",
        )(x)
        x = layers.BatchNormalization(axis=channel_axis(), name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    padding = "same"
    if strides == 2:
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size), name=f"{name}dwconv_pad")(x)
        padding = "valid"
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=False,
        depthwise_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}dwconv",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    squeezed = max(1, int(filters_in * SQUEEZE_RATIO))
    x = squeeze_and_excite(x, filters, squeezed, activation, name)
    x = layers.Conv2D(
        filters_out,
        1,
        padding="same",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}project_conv",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"{name}project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        x = residual_with_drop(x, inputs, drop_rate, name)
    return x


def _variant_builder(variant: str):
    """The public builder of EfficientNet ``variant``, with Keras's signature and model name."""

    def build(
        include_top: bool = True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes: int = 1000,
        classifier_activation="softmax",
        name: str = f"efficientnet{variant}",
    ):
        return _efficientnet(
            variant,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            name=name,
        )

    width, depth, side, dropout_rate = SCALINGS[variant]
    build.__name__ = build.__qualname__ = f"EfficientNet{variant.upper()}"
    build.__module__ = __name__
    build.__doc__ = (
        f"EfficientNet-{variant.upper()}: width x{width}, depth x{depth}, {side}x{side} images "
        f"by default, top dropout {dropout_rate}. Takes images in [0, 255]."
    )
    return build


EfficientNetB0 = _variant_builder("b0")
EfficientNetB1 = _variant_builder("b1")
EfficientNetB2 = _variant_builder("b2")
EfficientNetB3 = _variant_builder("b3")
EfficientNetB4 = _variant_builder("b4")
EfficientNetB5 = _variant_builder("b5")
EfficientNetB6 = _variant_builder("b6")
EfficientNetB7 = _variant_builder("b7")

__all__ = [
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "decode_predictions",
    "preprocess_input",
]
