"""The two ends the MobileNet and EfficientNet families share around their bodies.

Before the body: ``weights`` checked and the image shape settled as Keras
settles it, then the input tensor. After it: global pooling of the
features for ``pooling="avg"``/``"max"`` when there is no top, and the
model from the input's sources, with its pretrained weights read. The
modules keep only what makes each architecture itself.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications.application_inputs import image_input, model_inputs
from graphkeras.applications.imagenet_utils import decode_predictions as imagenet_decode
from graphkeras.applications.imagenet_utils import obtain_input_shape
from graphkeras.applications.pretrained_weights import (
    check_weights_argument,
    load_application_weights,
)
from graphkeras.engine.training import Model


def channel_axis() -> int:
    """The channel axis of an image batch (3 or 1) under the current data format."""
    return 1 if K.image_data_format() == "channels_first" else 3


def image_sides(shape) -> tuple:
    """``(rows, cols)`` of an image shape without its batch axis."""
    return tuple(shape[1:3]) if K.image_data_format() == "channels_first" else tuple(shape[:2])


def checked_image_input(
    input_tensor,
    input_shape,
    *,
    weights,
    include_top: bool,
    classes: int,
    default_size: int,
    min_size: int = 32,
):
    """``weights`` checked, the image shape settled (Keras's rules), and the input tensor.

    Returns ``(image, input_shape)``: the tensor the body starts from and the
    shape (batch excluded) it was settled to.
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
    return image_input(input_tensor, input_shape), input_shape


def pooled_features(x, pooling, named: bool = False):
    """Global average (``"avg"``) or max (``"max"``) pooling of the features, else ``x`` as is.

    ``named`` families call the layers ``avg_pool``/``max_pool``; the others
    leave Keras's automatic names.
    """
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool" if named else None)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool" if named else None)(x)
    return x


def application_model(
    input_tensor, image, outputs, *, name: str, weights, file_name: str, origin: str
) -> Model:
    """The model from the input's sources to ``outputs``, its pretrained weights loaded.

    ``file_name``/``origin``: the ImageNet weights file Keras publishes for
    this configuration, read from Keras's cache folder by ``weights="imagenet"``.
    """
    model = Model(model_inputs(input_tensor, image), outputs, name=name)
    load_application_weights(model, weights, file_name, origin)
    return model


def decode_predictions(preds, top: int = 5, class_index_path=None):
    """The ``top`` ImageNet classes of each row of ``preds`` (see ``imagenet_utils``)."""
    return imagenet_decode(preds, top=top, class_index_path=class_index_path)


def pass_through(x, data_format: str | None = None):
    """Images unchanged: these models rescale their inputs themselves, in their first layers.

    ``data_format`` is accepted for Keras's signature and not used.
    """
    return x
