"""Inception-ResNet-v2 (Szegedy et al., 2017): Inception modules with scaled residual sums.

The network is a stem of plain convolutions, an Inception-A module
(``mixed_5b``), then three stages of residual Inception blocks (10
``block35``, 20 ``block17``, 10 ``block8``) separated by the reduction
modules ``mixed_6a`` and ``mixed_7a``, and a final 1x1 convolution. In each
residual block the concatenated branches are projected back to the input's
width and added to the input after being scaled down (``CustomScaleLayer``).
Every convolution but those projections is followed by a batch norm
without scale and a ReLU.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications import imagenet_utils
from graphkeras.applications.application_inputs import image_input, model_inputs
from graphkeras.applications.pretrained_weights import (
    KERAS_WEIGHTS_ROOT,
    check_weights_argument,
    load_application_weights,
)
from graphkeras.engine.training import Model

WEIGHTS_ROOT = KERAS_WEIGHTS_ROOT + "inception_resnet_v2/"
WEIGHTS_FILE = "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_FILE_NO_TOP = "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5"

# block type: (residual scale, (filters, kernel size) of each branch's convolutions in order)
RESIDUAL_BLOCKS = {
    "block35": (
        0.17,
        (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3))),
    ),
    "block17": (0.1, (((192, 1),), ((128, 1), (160, (1, 7)), (192, (7, 1))))),
    "block8": (0.2, (((192, 1),), ((192, 1), (224, (1, 3)), (256, (3, 1))))),
}


def InceptionResNetV2(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "inception_resnet_v2",
):
    """Inception-ResNet-v2 for 299x299 images, as ``keras.applications.InceptionResNetV2``.

    Images must be at least 75x75; ``weights="imagenet"`` reads
    ``inception_resnet_v2_weights_tf_dim_ordering_tf_kernels[_notop].h5``
    from Keras's cache folder.
    """
    check_weights_argument(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=299,
        min_size=75,
        data_format=K.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    image = image_input(input_tensor, input_shape)
    channel_axis = _channel_axis()

    x = conv2d_bn(image, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    x = _inception_a(x, channel_axis)
    for index in range(1, 11):
        x = inception_resnet_block(x, RESIDUAL_BLOCKS["block35"][0], "block35", index)
    x = _reduction_a(x, channel_axis)
    for index in range(1, 21):
        x = inception_resnet_block(x, RESIDUAL_BLOCKS["block17"][0], "block17", index)
    x = _reduction_b(x, channel_axis)
    for index in range(1, 10):
        x = inception_resnet_block(x, RESIDUAL_BLOCKS["block8"][0], "block8", index)
    x = inception_resnet_block(x, 1.0, "block8", 10, activation=None)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Model(model_inputs(input_tensor, image), x, name=name)

    file_name = WEIGHTS_FILE if include_top else WEIGHTS_FILE_NO_TOP
    load_application_weights(model, weights, file_name, WEIGHTS_ROOT + file_name)
    return model


def conv2d_bn(
    x,
    filters: int,
    kernel_size,
    strides=1,
    padding: str = "same",
    activation="relu",
    use_bias: bool = False,
    name: str | None = None,
):
    """A convolution, then (without bias) a batch norm without scale, then ``activation``.

    ``name`` names the convolution; the batch norm and activation get
    ``name + "_bn"`` and ``name + "_ac"`` (all automatic names when None).
    """
    x = layers.Conv2D(
        filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name
    )(x)
    if not use_bias:
        x = layers.BatchNormalization(
            axis=_channel_axis(), scale=False, name=None if name is None else f"{name}_bn"
        )(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def inception_resnet_block(x, scale: float, block_type: str, block_idx: int, activation="relu"):
    """``activation(x + scale * project(concat(branches(x))))``, its layers named ``type_idx_*``.

    ``block_type`` is ``"block35"`` (Inception-ResNet-A, 35x35 at the
    default size), ``"block17"`` (-B, 17x17) or ``"block8"`` (-C, 8x8); the
    projection is a biased 1x1 convolution back to ``x``'s channels.
    """
    if block_type not in RESIDUAL_BLOCKS:
        raise ValueError(
            'Unknown Inception-ResNet block type. Expects "block35", "block17" or "block8", '
            f"but got: {block_type}"
        )
    branches = []
    for convolutions in RESIDUAL_BLOCKS[block_type][1]:
        branch = x
        for filters, kernel_size in convolutions:
            branch = conv2d_bn(branch, filters, kernel_size)
        branches.append(branch)
    block_name = f"{block_type}_{block_idx}"
    channel_axis = _channel_axis()
    mixed = layers.Concatenate(axis=channel_axis, name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(
        mixed,
        x.shape[channel_axis],
        1,
        activation=None,
        use_bias=True,
        name=f"{block_name}_conv",
    )
    x = layers.CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def _inception_a(x, channel_axis: int):
    """``mixed_5b``: 1x1, 5x5, double 3x3 and pooled branches side by side (320 channels)."""
    branch_0 = conv2d_bn(x, 96, 1)
    branch_1 = conv2d_bn(x, 48, 1)
    branch_1 = conv2d_bn(branch_1, 64, 5)
    branch_2 = conv2d_bn(x, 64, 1)
    branch_2 = conv2d_bn(branch_2, 96, 3)
    branch_2 = conv2d_bn(branch_2, 96, 3)
    branch_pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    branch_pool = conv2d_bn(branch_pool, 64, 1)
    branches = [branch_0, branch_1, branch_2, branch_pool]
    return layers.Concatenate(axis=channel_axis, name="mixed_5b")(branches)


def _reduction_a(x, channel_axis: int):
    """``mixed_6a``: halves the size with a strided 3x3, a strided double 3x3 and a max pool."""
    branch_0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(x, 256, 1)
    branch_1 = conv2d_bn(branch_1, 256, 3)
    branch_1 = conv2d_bn(branch_1, 384, 3, strides=2, padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    return layers.Concatenate(axis=channel_axis, name="mixed_6a")([branch_0, branch_1, branch_pool])


def _reduction_b(x, channel_axis: int):
    """``mixed_7a``: halves the size with three strided convolution branches and a max pool."""
    branch_0 = conv2d_bn(x, 256, 1)
    branch_0 = conv2d_bn(branch_0, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(x, 256, 1)
    branch_1 = conv2d_bn(branch_1, 288, 3, strides=2, padding="valid")
    branch_2 = conv2d_bn(x, 256, 1)
    branch_2 = conv2d_bn(branch_2, 288, 3)
    branch_2 = conv2d_bn(branch_2, 320, 3, strides=2, padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    branches = [branch_0, branch_1, branch_2, branch_pool]
    return layers.Concatenate(axis=channel_axis, name="mixed_7a")(branches)


def _channel_axis() -> int:
    return 1 if K.image_data_format() == "channels_first" else 3


def preprocess_input(x, data_format: str | None = None):
    """Scale RGB pixels in ``[0, 255]`` to ``[-1, 1]`` (``imagenet_utils`` mode 'tf')."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top: int = 5, class_index_path=None):
    """The ``top`` ImageNet classes of each row of ``preds`` (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index_path=class_index_path)


__all__ = [
    "InceptionResNetV2",
    "conv2d_bn",
    "decode_predictions",
    "inception_resnet_block",
    "preprocess_input",
]
