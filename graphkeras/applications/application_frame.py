"""The frame every classic ImageNet application shares: checked input, classifier top, model.

ResNet, VGG, DenseNet, Inception and Xception differ only in their body.
Before it, each checks ``weights`` and settles the input shape the same
way; after it, each ends either in a ``"predictions"`` Dense layer or in
optional global pooling of the features, then becomes a model that loads
its weights. These functions hold those shared steps so a family module
reads as its own architecture and nothing else.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications.application_inputs import image_input, model_inputs
from graphkeras.applications.imagenet_utils import obtain_input_shape, validate_activation
from graphkeras.applications.imagenet_utils import preprocess_input as imagenet_preprocess_input
from graphkeras.applications.pretrained_weights import (
    check_weights_argument,
    load_application_weights,
)
from graphkeras.engine.training import Model


def checked_image_input(
    input_tensor,
    input_shape,
    *,
    weights,
    include_top: bool,
    classes: int,
    default_size: int,
    min_size: int,
):
    """The tensor the body starts from, after Keras's checks of ``weights`` and the shape.

    ``default_size`` is the side of the images the published weights were
    trained on (needed when the top flattens or ImageNet weights are asked
    for); ``min_size`` the smallest side the body's strides allow.
    """
    check_weights_argument(weights, include_top, classes)
    input_shape = obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=min_size,
        data_format=K.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    return image_input(input_tensor, input_shape)


def channel_axis() -> int:
    """The axis of an image batch holding channels, under the current data format."""
    return 1 if K.image_data_format() == "channels_first" else 3


def imagenet_predictions(x, classes: int, classifier_activation, weights):
    """The final ``"predictions"`` Dense layer; pretrained weights allow only softmax or none."""
    validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)


def pooled_features(x, pooling, named: bool = False):
    """Global average or max pooling of the features for ``pooling="avg"``/``"max"``, else ``x``.

    Families that name these layers (``named=True``) call them ``avg_pool``
    and ``max_pool``; the others leave Keras's automatic names.
    """
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool" if named else None)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool" if named else None)(x)
    return x


def averaged_classifier_or_features(
    x, *, include_top: bool, pooling, classes: int, classifier_activation, weights, named: bool
):
    """The common top: average pooling into ``"predictions"``, or the (pooled) features."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        return imagenet_predictions(x, classes, classifier_activation, weights)
    return pooled_features(x, pooling, named=named)


def application_model(
    input_tensor,
    image,
    outputs,
    *,
    name: str,
    weights,
    file_name: str | None,
    origin: str | None,
) -> Model:
    """The model from the input's sources to ``outputs``, with its weights loaded.

    ``file_name`` and ``origin`` name the ImageNet weights file Keras
    publishes for this architecture and top, read by ``weights="imagenet"``.
    """
    model = Model(model_inputs(input_tensor, image), outputs, name=name)
    load_application_weights(model, weights, file_name, origin)
    return model


def imagenet_file_name(stem: str, include_top: bool) -> str:
    """The name Keras gives a published ImageNet weights file, with or without the top."""
    suffix = "" if include_top else "_notop"
    return f"{stem}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"


def preprocessing_for(mode: str, module_name: str):
    """A family module's ``preprocess_input(x, data_format=None)``: preprocessing in ``mode``.

    Each family was trained on images prepared one way (``"caffe"``, ``"tf"``
    or ``"torch"``, see ``imagenet_utils.preprocess_input``); its module
    (``module_name``, usually the caller's ``__name__``) exposes that choice
    under Keras's name.
    """

    def preprocess_input(x, data_format: str | None = None):
        return imagenet_preprocess_input(x, data_format=data_format, mode=mode)

    preprocess_input.__doc__ = (
        "Prepare a batch of RGB images in [0, 255] as this family was trained: "
        f"``imagenet_utils.preprocess_input`` with ``mode={mode!r}``."
    )
    preprocess_input.__module__ = module_name
    preprocess_input.__qualname__ = "preprocess_input"
    return preprocess_input
