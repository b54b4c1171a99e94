"""NASNet-A (Zoph et al., 2018): image networks whose cells were found by architecture search.

A NASNet stacks two kinds of searched cell. A *normal* cell keeps the
spatial size; a *reduction* cell halves it. Each cell reads the two
previous cells' outputs (``x``, the last, and ``p``, the one before) and
sums pairs of separable convolutions and poolings over them in five
fixed "blocks", then concatenates the results. The network is a stem
(a strided convolution and two reduction cells), then three stacks of
``num_blocks`` normal cells with a reduction cell between stacks.

:func:`NASNetMobile` (4 @ 1056, 224x224) and :func:`NASNetLarge`
(6 @ 4032, 331x331) build Keras's two published configurations with its
layer names, so their ImageNet files and Keras-made weights files load.
"""

from __future__ import annotations

import warnings

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

WEIGHTS_ROOT = KERAS_WEIGHTS_ROOT + "nasnet/"
# default image side: (file with top, its origin, file without top, its origin)
IMAGENET_FILES = {
    224: (
        "nasnet_mobile.h5",
        WEIGHTS_ROOT + "NASNet-mobile.h5",
        "nasnet_mobile_no_top.h5",
        WEIGHTS_ROOT + "NASNet-mobile-no-top.h5",
    ),
    331: (
        "nasnet_large.h5",
        WEIGHTS_ROOT + "NASNet-large.h5",
        "nasnet_large_no_top.h5",
        WEIGHTS_ROOT + "NASNet-large-no-top.h5",
    ),
}
BN_MOMENTUM = 0.9997
BN_EPSILON = 1e-3


def NASNet(
    input_shape=None,
    penultimate_filters: int = 4032,
    num_blocks: int = 6,
    stem_block_filters: int = 96,
    skip_reduction: bool = True,
    filter_multiplier: int = 2,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling: str | None = None,
    classes: int = 1000,
    default_size: int | None = None,
    classifier_activation="softmax",
    name: str = "NASNet",
):
    """A NASNet-A of ``num_blocks`` normal cells per stack, ``penultimate_filters`` wide at the end.

    ``penultimate_filters`` must divide by ``24 * filter_multiplier**2``:
    the last stack's cells have ``penultimate_filters / 24`` filters per
    branch, the stacks before it ``filter_multiplier`` times fewer each.
    The first normal cell after a reduction cell reads as its ``p`` the
    reduction cell's input, or, with ``skip_reduction`` (NASNetLarge), the
    ``p`` the reduction cell itself read. ImageNet weights exist only for the
    two published configurations (``default_size`` 224 or 331).
    """
    if K.image_data_format() == "channels_first":
        raise ValueError(
            "NASNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` with `gk.backend.set_image_data_format('channels_last')` or in "
            "~/.keras/keras.json."
        )
    check_weights_argument(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            "When specifying the input shape of a NASNet and loading `ImageNet` weights, the "
            f"input_shape argument must be static (no None entries). Got: "
            f"`input_shape={input_shape}`."
        )
    if default_size is None:
        default_size = 331
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=32,
        data_format=K.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    if K.image_data_format() != "channels_last":
        warnings.warn(
            "The NASNet family of models is only available for the input data format "
            '"channels_last" (height, width, channels).',
            stacklevel=2,
        )
    image = image_input(input_tensor, input_shape)
    if penultimate_filters % (24 * filter_multiplier**2) != 0:
        raise ValueError(
            "For NASNet-A models, the `penultimate_filters` must be a multiple of "
            f"24 * (`filter_multiplier` ** 2). Current value: {penultimate_filters}"
        )
    filters = penultimate_filters // 24

    x = layers.Conv2D(
        stem_block_filters,
        (3, 3),
        strides=(2, 2),
        padding="valid",
        use_bias=False,
        kernel_initializer="he_normal",
        name="stem_conv1",
    )(image)
    x = _batch_norm("stem_bn1")(x)
    x, p = _reduction_cell(x, None, filters // filter_multiplier**2, "stem_1")
    x, p = _reduction_cell(x, p, filters // filter_multiplier, "stem_2")
    for stack in range(3):
        stack_filters = filters * filter_multiplier**stack
        first_id = stack * num_blocks
        if stack > 0:
            x, reduction_input = _reduction_cell(x, p, stack_filters, f"reduce_{first_id}")
            if not skip_reduction:
                p = reduction_input
            first_id += 1
        for index in range(num_blocks):
            x, p = _normal_cell(x, p, stack_filters, f"{first_id + index}")
    x = layers.Activation("relu")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Model(model_inputs(input_tensor, image), x, name=name)

    if weights == "imagenet" and default_size not in IMAGENET_FILES:
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile")
    file_name = origin = None
    if default_size in IMAGENET_FILES:
        with_top, top_origin, no_top, no_top_origin = IMAGENET_FILES[default_size]
        file_name, origin = (with_top, top_origin) if include_top else (no_top, no_top_origin)
    load_application_weights(model, weights, file_name, origin)
    return model


def NASNetMobile(
    input_shape=None,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "nasnet_mobile",
):
    """NASNet-A (4 @ 1056) for 224x224 images, as ``keras.applications.NASNetMobile``.

    Without the top and without ``input_shape`` it is built for 224x224
    images, as in Keras.
    """
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(
        input_shape,
        penultimate_filters=1056,
        num_blocks=4,
        stem_block_filters=32,
        skip_reduction=False,
        filter_multiplier=2,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        pooling=pooling,
        classes=classes,
        default_size=224,
        classifier_activation=classifier_activation,
        name=name,
    )


def NASNetLarge(
    input_shape=None,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "nasnet_large",
):
    """NASNet-A (6 @ 4032) for 331x331 images, as ``keras.applications.NASNetLarge``."""
    return NASNet(
        input_shape,
        penultimate_filters=4032,
        num_blocks=6,
        stem_block_filters=96,
        skip_reduction=True,
        filter_multiplier=2,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        pooling=pooling,
        classes=classes,
        default_size=331,
        classifier_activation=classifier_activation,
        name=name,
    )


def _batch_norm(name: str | None):
    return layers.BatchNormalization(axis=-1, momentum=BN_MOMENTUM, epsilon=BN_EPSILON, name=name)


def _pointwise_conv(filters: int, name: str):
    return layers.Conv2D(
        filters,
        (1, 1),
        strides=(1, 1),
        padding="same",
        use_bias=False,
        kernel_initializer="he_normal",
        name=name,
    )


def _separable_branch(x, filters: int, kernel_size: tuple, strides: tuple, block_id: str):
    """Two rounds of ReLU, separable convolution, batch norm; the first may stride by 2.

    A strided first convolution pads the input so that its 'valid' window
    centres as a 'same' one would (``correct_pad``).
    """
    x = layers.Activation("relu")(x)
    padding = "same"
    if strides == (2, 2):
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size),
            name=f"separable_conv_1_pad_{block_id}",
        )(x)
        padding = "valid"
    x = layers.SeparableConv2D(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=False,
        name=f"separable_conv_1_{block_id}",
    )(x)
    x = _batch_norm(f"separable_conv_1_bn_{block_id}")(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(
        filters,
        kernel_size,
        padding="same",
        use_bias=False,
        name=f"separable_conv_2_{block_id}",
    )(x)
    return _batch_norm(f"separable_conv_2_bn_{block_id}")(x)


def _matched_previous(p, x, filters: int, block_id: str):
    """The previous cell's output ``p`` brought to ``x``'s size and to ``filters`` channels.

    The first cell has no previous one and reads ``x`` twice. After a
    reduction, ``p`` is twice ``x``'s size: it is halved along two paths,
    one sampling even pixels and one sampling odd pixels (shifted by a pad
    and a crop), each a 1x1 convolution to half the filters, concatenated.
    Otherwise a 1x1 convolution only changes its width, where it differs.
    """
    if p is None:
        return x
    if p.shape[-2] != x.shape[-2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        even = layers.AveragePooling2D(
            (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{block_id}"
        )(p)
        even = _pointwise_conv(filters // 2, f"adjust_conv_1_{block_id}")(even)
        odd = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        odd = layers.Cropping2D(cropping=((1, 0), (1, 0)))(odd)
        odd = layers.AveragePooling2D(
            (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{block_id}"
        )(odd)
        odd = _pointwise_conv(filters // 2, f"adjust_conv_2_{block_id}")(odd)
        p = layers.concatenate([even, odd], axis=-1)
        return _batch_norm(f"adjust_bn_{block_id}")(p)
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = _pointwise_conv(filters, f"adjust_conv_projection_{block_id}")(p)
        return _batch_norm(f"adjust_bn_{block_id}")(p)
    return p


def _cell_input(x, kind: str, filters: int, block_id: str):
    """ReLU, 1x1 convolution to ``filters`` and batch norm of the cell's input ``x``."""
    h = layers.Activation("relu")(x)
    h = _pointwise_conv(filters, f"{kind}_conv_1_{block_id}")(h)
    return _batch_norm(f"{kind}_bn_1_{block_id}")(h)


def _same_pool(name: str):
    return layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same", name=name)


def _normal_cell(x, p, filters: int, block_id: str):
    """A normal cell: five sums over ``h`` (``x`` projected) and ``p``, concatenated with ``p``.

    Returns the cell's output and ``x``, the next cell's ``p``.
    """
    p = _matched_previous(p, x, filters, block_id)
    h = _cell_input(x, "normal", filters, block_id)
    one = _separable_branch(h, filters, (5, 5), (1, 1), f"normal_left1_{block_id}")
    one = layers.add(
        [one, _separable_branch(p, filters, (3, 3), (1, 1), f"normal_right1_{block_id}")],
        name=f"normal_add_1_{block_id}",
    )
    two = _separable_branch(p, filters, (5, 5), (1, 1), f"normal_left2_{block_id}")
    two = layers.add(
        [two, _separable_branch(p, filters, (3, 3), (1, 1), f"normal_right2_{block_id}")],
        name=f"normal_add_2_{block_id}",
    )
    three = _same_pool(f"normal_left3_{block_id}")(h)
    three = layers.add([three, p], name=f"normal_add_3_{block_id}")
    four_left = _same_pool(f"normal_left4_{block_id}")(p)
    four_right = _same_pool(f"normal_right4_{block_id}")(p)
    four = layers.add([four_left, four_right], name=f"normal_add_4_{block_id}")
    five = _separable_branch(h, filters, (3, 3), (1, 1), f"normal_left5_{block_id}")
    five = layers.add([five, h], name=f"normal_add_5_{block_id}")
    out = layers.concatenate(
        [p, one, two, three, four, five], axis=-1, name=f"normal_concat_{block_id}"
    )
    return out, x


def _reduction_cell(x, p, filters: int, block_id: str):
    """A reduction cell: four sums of strided branches over ``h`` and ``p``, concatenated.

    Every output is half the input's size. Returns the cell's output and
    ``x``, the next cell's ``p`` (or, with ``skip_reduction``, discarded).
    """
    p = _matched_previous(p, x, filters, block_id)
    h = _cell_input(x, "reduction", filters, block_id)
    h_padded = layers.ZeroPadding2D(
        padding=imagenet_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block_id}"
    )(h)
    halve = (2, 2)
    one = _separable_branch(h, filters, (5, 5), halve, f"reduction_left1_{block_id}")
    one = layers.add(
        [one, _separable_branch(p, filters, (7, 7), halve, f"reduction_right1_{block_id}")],
        name=f"reduction_add_1_{block_id}",
    )
    two = layers.MaxPooling2D(
        (3, 3), strides=halve, padding="valid", name=f"reduction_left2_{block_id}"
    )(h_padded)
    two = layers.add(
        [two, _separable_branch(p, filters, (7, 7), halve, f"reduction_right2_{block_id}")],
        name=f"reduction_add_2_{block_id}",
    )
    three = layers.AveragePooling2D(
        (3, 3), strides=halve, padding="valid", name=f"reduction_left3_{block_id}"
    )(h_padded)
    three = layers.add(
        [three, _separable_branch(p, filters, (5, 5), halve, f"reduction_right3_{block_id}")],
        name=f"reduction_add3_{block_id}",
    )
    four = _same_pool(f"reduction_left4_{block_id}")(one)
    four = layers.add([two, four])
    five = _separable_branch(one, filters, (3, 3), (1, 1), f"reduction_left4_{block_id}")
    five_pool = layers.MaxPooling2D(
        (3, 3), strides=halve, padding="valid", name=f"reduction_right5_{block_id}"
    )(h_padded)
    five = layers.add([five, five_pool], name=f"reduction_add4_{block_id}")
    out = layers.concatenate([two, three, four, five], axis=-1, name=f"reduction_concat_{block_id}")
    return out, x


def preprocess_input(x, data_format: str | None = None):
    """Scale RGB pixels in ``[0, 255]`` to ``[-1, 1]`` (``imagenet_utils`` mode 'tf')."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top: int = 5, class_index_path=None):
    """The ``top`` ImageNet classes of each row of ``preds`` (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index_path=class_index_path)


__all__ = ["NASNetLarge", "NASNetMobile", "decode_predictions", "preprocess_input"]
