"""ConvNeXt (Liu et al., 2022): a convolutional network modernised along a Transformer's lines.

The image is normalised inside the model (``include_preprocessing``), cut
into 4x4 patches by a strided convolution (the stem), and run through four
stages of ConvNeXt blocks, each stage after the first entered through a
2x2 strided "downsampling" convolution. A block is a 7x7 depthwise
convolution, a LayerNormalization, a pointwise MLP four times as wide with
GELU (``Dense`` layers on the channel axis), a per-channel
:class:`~graphkeras.layers.LayerScale`, and a residual sum, the branch
optionally dropped per sample in training
(:class:`~graphkeras.layers.StochasticDepth`). The head pools, normalises
and classifies.

:func:`ConvNeXtTiny` ... :func:`ConvNeXtXLarge` are Keras 3.15's five
variants with its layer names; the residual sums are Python ``+`` on
tensors, as in Keras, so they are op layers here (``model.layers`` lists
them; Keras's lists only layers).
"""

from __future__ import annotations

import numpy as np

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications import imagenet_utils
from graphkeras.applications.application_inputs import image_input, model_inputs
from graphkeras.applications.pretrained_weights import (
    KERAS_WEIGHTS_ROOT,
    check_weights_argument,
    load_application_weights,
)
from graphkeras.engine.sequential import Sequential
from graphkeras.engine.training import Model

WEIGHTS_ROOT = KERAS_WEIGHTS_ROOT + "convnext/"
LAYER_NORM_EPSILON = 1e-6
# variant: (blocks per stage, channels per stage)
MODEL_CONFIGS = {
    "tiny": ([3, 3, 9, 3], [96, 192, 384, 768]),
    "small": ([3, 3, 27, 3], [96, 192, 384, 768]),
    "base": ([3, 3, 27, 3], [128, 256, 512, 1024]),
    "large": ([3, 3, 27, 3], [192, 384, 768, 1536]),
    "xlarge": ([3, 3, 27, 3], [256, 512, 1024, 2048]),
}
DEFAULT_SIZE = 224
# The ImageNet-1k mean and variance of each RGB channel, in pixels of [0, 255].
IMAGENET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255]
IMAGENET_VARIANCE = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]


def ConvNeXt(
    depths,
    projection_dims,
    drop_path_rate: float = 0.0,
    layer_scale_init_value: float | None = 1e-6,
    default_size: int = DEFAULT_SIZE,
    name: str = "convnext",
    include_preprocessing: bool = True,
    include_top: bool = True,
    weights=None,
    input_tensor=None,
    input_shape=None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    weights_name: str | None = None,
):
    """A ConvNeXt of ``depths[i]`` blocks of ``projection_dims[i]`` channels in stage ``i``.

    ``drop_path_rate`` is the last block's stochastic-depth rate; the rate
    rises linearly from 0 at the first block (a block of rate 0 has an
    identity in its place). ``layer_scale_init_value=None`` leaves the
    LayerScale out. ``weights="imagenet"`` needs ``weights_name`` (e.g.
    ``"convnext_tiny"``), the architecture of that variant and a ``name``
    containing it; the file read is ``name + ".h5"`` (or ``"_notop.h5"``).
    """
    if K.image_data_format() == "channels_first":
        raise ValueError(
            "ConvNeXt does not support the `channels_first` image data format. Switch to "
            "`channels_last` with `gk.backend.set_image_data_format('channels_last')` or in "
            "~/.keras/keras.json."
        )
    check_weights_argument(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=32,
        data_format=K.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    x = image_input(input_tensor, input_shape)
    inputs = model_inputs(input_tensor, x)
    if input_tensor is not None:
        inputs = inputs[0]
    if include_preprocessing and input_shape[-1] == 3:
        x = layers.Normalization(
            mean=IMAGENET_MEAN, variance=IMAGENET_VARIANCE, name=f"{name}_prestem_normalization"
        )(x)

    stages_entries = [_stem(projection_dims[0], name)] + [
        _downsampling(projection_dims[i + 1], i, name) for i in range(3)
    ]
    drop_rates = [float(rate) for rate in np.linspace(0.0, drop_path_rate, sum(depths))]
    first_block = 0
    for stage, entry in enumerate(stages_entries):
        x = entry(x)
        for block in range(depths[stage]):
            x = convnext_block(
                x,
                projection_dims[stage],
                drop_rates[first_block + block],
                layer_scale_init_value,
                f"{name}_stage_{stage}_block_{block}",
            )
        first_block += depths[stage]

    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=LAYER_NORM_EPSILON, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(classes, activation=classifier_activation, name=f"{name}_head_dense")(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=LAYER_NORM_EPSILON)(x)
    model = Model(inputs=inputs, outputs=x, name=name)

    file_name = origin = None
    if weights == "imagenet":
        _check_imagenet_variant(weights_name, depths, projection_dims, name)
        file_name = name + (".h5" if include_top else "_notop.h5")
        origin = WEIGHTS_ROOT + file_name
    load_application_weights(model, weights, file_name, origin)
    return model


def convnext_block(
    x,
    projection_dim: int,
    drop_path_rate: float,
    layer_scale_init_value: float | None,
    name: str,
):
    """``x + drop(scale(MLP(norm(depthwise7x7(x)))))``: one ConvNeXt block, layers named ``name_*``.

    The 7x7 convolution has one group per channel (depthwise, with bias);
    the MLP is ``Dense(4 * projection_dim)``, GELU, ``Dense(projection_dim)``.
    """
    branch = layers.Conv2D(
        filters=projection_dim,
        kernel_size=7,
        padding="same",
        groups=projection_dim,
        name=f"{name}_depthwise_conv",
    )(x)
    branch = layers.LayerNormalization(epsilon=LAYER_NORM_EPSILON, name=f"{name}_layernorm")(branch)
    branch = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(branch)
    branch = layers.Activation("gelu", name=f"{name}_gelu")(branch)
    branch = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(branch)
    if layer_scale_init_value is not None:
        branch = layers.LayerScale(
            layer_scale_init_value, projection_dim, name=f"{name}_layer_scale"
        )(branch)
    if drop_path_rate:
        last = layers.StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
    else:
        last = layers.Activation("linear", name=f"{name}_identity")
    return x + last(branch)


def _stem(filters: int, name: str) -> Sequential:
    """4x4 patches, stride 4, to ``filters`` channels, then a LayerNormalization."""
    return Sequential(
        [
            layers.Conv2D(filters, kernel_size=4, strides=4, name=f"{name}_stem_conv"),
            layers.LayerNormalization(epsilon=LAYER_NORM_EPSILON, name=f"{name}_stem_layernorm"),
        ],
        name=f"{name}_stem",
    )


def _downsampling(filters: int, index: int, name: str) -> Sequential:
    """The entry of stage ``index + 1``: a LayerNormalization, then a 2x2 stride-2 convolution."""
    return Sequential(
        [
            layers.LayerNormalization(
                epsilon=LAYER_NORM_EPSILON, name=f"{name}_downsampling_layernorm_{index}"
            ),
            layers.Conv2D(
                filters, kernel_size=2, strides=2, name=f"{name}_downsampling_conv_{index}"
            ),
        ],
        name=f"{name}_downsampling_block_{index}",
    )


def _check_imagenet_variant(weights_name, depths, projection_dims, name: str) -> None:
    """Refuse ImageNet weights for an architecture or a name other than ``weights_name``'s."""
    variant = str(weights_name).split("convnext_")[-1]
    if variant not in MODEL_CONFIGS:
        raise ValueError(
            f"ImageNet weights exist only for the variants {sorted(MODEL_CONFIGS)}; received "
            f"weights_name={weights_name!r}."
        )
    expected_depths, expected_dims = MODEL_CONFIGS[variant]
    if list(depths) != expected_depths or list(projection_dims) != expected_dims:
        raise ValueError(
            f"Architecture configuration does not match {weights_name} variant. When using "
            "pre-trained weights, the model architecture must match the pre-trained "
            f"configuration exactly. Expected depths: {expected_depths}, got: {depths}. "
            f"Expected projection_dims: {expected_dims}, got: {projection_dims}."
        )
    if weights_name not in name:
        raise ValueError(
            f'Model name "{name}" does not match weights variant "{weights_name}". When using '
            'imagenet weights, model name must contain the weights variant (e.g., "convnext_'
            f'{variant}").'
        )


def _variant(variant: str, variant_name: str):
    """The builder of one published variant: Keras's signature with that variant's shape."""
    depths, projection_dims = MODEL_CONFIGS[variant]

    def build(
        include_top: bool = True,
        include_preprocessing: bool = True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling: str | None = None,
        classes: int = 1000,
        classifier_activation="softmax",
        name: str = f"convnext_{variant}",
    ):
        return ConvNeXt(
            depths=list(depths),
            projection_dims=list(projection_dims),
            drop_path_rate=0.0,
            layer_scale_init_value=1e-6,
            default_size=DEFAULT_SIZE,
            name=name,
            include_preprocessing=include_preprocessing,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            weights_name=f"convnext_{variant}",
        )

    build.__name__ = build.__qualname__ = variant_name
    build.__doc__ = (
        f"ConvNeXt-{variant.capitalize()} (blocks {depths}, channels {projection_dims}) for "
        f"224x224 images, as ``keras.applications.{variant_name}``.\n\n"
        "The model normalises [0, 255] RGB pixels itself (``include_preprocessing``), so\n"
        "``preprocess_input`` is the identity. ``weights='imagenet'`` reads\n"
        f"``convnext_{variant}.h5`` (``convnext_{variant}_notop.h5`` without the top) from\n"
        "Keras's cache folder."
    )
    return build


ConvNeXtTiny = _variant("tiny", "ConvNeXtTiny")
ConvNeXtSmall = _variant("small", "ConvNeXtSmall")
ConvNeXtBase = _variant("base", "ConvNeXtBase")
ConvNeXtLarge = _variant("large", "ConvNeXtLarge")
ConvNeXtXLarge = _variant("xlarge", "ConvNeXtXLarge")


def preprocess_input(x, data_format: str | None = None):
    """``x`` unchanged: ConvNeXt normalises its input inside the model (kept for Keras's API)."""
    return x


def decode_predictions(preds, top: int = 5, class_index_path=None):
    """The ``top`` ImageNet classes of each row of ``preds`` (see ``imagenet_utils``)."""
    return imagenet_utils.decode_predictions(preds, top=top, class_index_path=class_index_path)


__all__ = [
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "decode_predictions",
    "preprocess_input",
]
