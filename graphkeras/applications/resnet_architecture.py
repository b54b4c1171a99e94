"""The residual network shared by ResNet (v1) and ResNetV2: stem, stacks of bottlenecks, top.

Both versions start with a 7x7 stride-2 convolution and a 3x3 max pool,
run four stacks of bottleneck blocks (1x1 reduce, 3x3, 1x1 expand to
``4 * filters``, added to a shortcut) and end in average pooling. They
differ in where normalisation sits: v1 normalises after each convolution
and applies ReLU after the addition; v2 ("pre-activation") normalises and
activates each block's input instead, and one final batch norm follows the
last stack. v1 stacks downsample in their first block, v2 stacks in their
last. Layer names follow Keras's (``conv3_block2_1_conv``, ...), so Keras's
weights files load by name or by order.
"""

from __future__ import annotations

from functools import partial

from graphkeras import layers
from graphkeras.applications.application_frame import (
    ImageNetArchitecture,
    batch_norm,
    imagenet_application,
)

BATCH_NORM_EPSILON = 1.001e-5

# Blocks per stack for the three published depths.
STACK_DEPTHS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}
STACK_FILTERS = (64, 128, 256, 512)


def _batch_norm(x, name: str):
    return batch_norm(x, name, epsilon=BATCH_NORM_EPSILON)


def bottleneck_block_v1(x, filters: int, stride: int = 1, projection: bool = True, name: str = ""):
    """A post-activation bottleneck: conv-BN-ReLU twice, conv-BN, add the shortcut, ReLU.

    The first 1x1 convolution carries the block's stride. ``projection``
    gives the shortcut its own strided 1x1 convolution and batch norm (the
    first block of a stack, where the width changes); otherwise the input
    is added as it is.
    """
    if projection:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(shortcut, f"{name}_0_bn")
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(x, f"{name}_1_bn")
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = _batch_norm(x, f"{name}_2_bn")
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(x, f"{name}_3_bn")
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def bottleneck_block_v2(x, filters: int, stride: int = 1, projection: bool = False, name: str = ""):
    """A pre-activation bottleneck: BN-ReLU of the input feeds the convolutions and a projection.

    The 3x3 convolution carries the stride (after explicit zero padding).
    ``projection`` gives the shortcut a 1x1 convolution of the activated
    input; otherwise the shortcut is the raw input, subsampled by a 1x1
    max pool when the block strides.
    """
    activated = _batch_norm(x, f"{name}_preact_bn")
    activated = layers.Activation("relu", name=f"{name}_preact_relu")(activated)
    if projection:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(activated)
    elif stride > 1:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_1_conv")(activated)
    x = _batch_norm(x, f"{name}_1_bn")
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = _batch_norm(x, f"{name}_2_bn")
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_v1(x, filters: int, blocks: int, stride: int, name: str):
    """``blocks`` v1 bottlenecks; the first projects the shortcut and carries ``stride``."""
    x = bottleneck_block_v1(x, filters, stride=stride, name=f"{name}_block1")
    for index in range(2, blocks + 1):
        x = bottleneck_block_v1(x, filters, projection=False, name=f"{name}_block{index}")
    return x


def stack_v2(x, filters: int, blocks: int, stride: int, name: str):
    """``blocks`` v2 bottlenecks; the first projects the shortcut, the last carries ``stride``."""
    x = bottleneck_block_v2(x, filters, projection=True, name=f"{name}_block1")
    for index in range(2, blocks):
        x = bottleneck_block_v2(x, filters, name=f"{name}_block{index}")
    return bottleneck_block_v2(x, filters, stride=stride, name=f"{name}_block{blocks}")


def resnet_body(x, depth: int, preactivation: bool):
    """The four stacks of ResNet-``depth``, named ``conv2`` to ``conv5``.

    v1 keeps the stem's resolution in the first stack and halves it in the
    others; v2 halves it at the end of each stack but the last.
    """
    stack, strides = (stack_v2, (2, 2, 2, 1)) if preactivation else (stack_v1, (1, 2, 2, 2))
    stacks = zip(STACK_FILTERS, STACK_DEPTHS[depth], strides, strict=True)
    for number, (filters, blocks, stride) in enumerate(stacks, start=2):
        x = stack(x, filters, blocks, stride, name=f"conv{number}")
    return x


def resnet_features(image, depth: int, preactivation: bool):
    """The feature map of ResNet-``depth``: stem, four stacks, and v2's closing batch norm.

    ``preactivation`` selects v2's layout: no batch norm in the stem, one
    after the stacks.
    """
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(image)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    if not preactivation:
        x = _batch_norm(x, "conv1_bn")
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = resnet_body(x, depth, preactivation)
    if preactivation:
        x = _batch_norm(x, "post_bn")
        x = layers.Activation("relu", name="post_relu")(x)
    return x


def resnet_application(depth: int, *, preactivation: bool, module_name: str, summary: str):
    """The builder ``ResNet{depth}`` (``ResNet{depth}V2`` with ``preactivation``) of a module."""
    version = "v2" if preactivation else ""
    architecture = ImageNetArchitecture(
        features=partial(resnet_features, depth=depth, preactivation=preactivation),
        weights_folder="resnet",
        weights_stem=f"resnet{depth}{version}",
        named_pooling=True,
    )
    return imagenet_application(
        architecture,
        f"ResNet{depth}{version.upper()}",
        f"resnet{depth}{version}",
        module_name,
        summary,
    )
