"""The frame every classic ImageNet application shares: checked input, body, top, model.

ResNet, VGG, DenseNet, Inception and Xception differ only in their body
(and VGG in the layers before its classifier). Before the body, each
checks ``weights`` and settles the input shape the same way; after it,
each ends either in a ``"predictions"`` Dense layer or in optional global
pooling of the features, then becomes a model that loads its weights.
An :class:`ImageNetArchitecture` describes what differs;
:func:`imagenet_application` makes from it a builder with Keras's
signature, so a family module reads as its own architecture and nothing
else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.applications.application_ends import channel_axis, pooled_features
from graphkeras.applications.application_inputs import image_input, model_inputs
from graphkeras.applications.imagenet_utils import obtain_input_shape, validate_activation
from graphkeras.applications.imagenet_utils import preprocess_input as imagenet_preprocess_input
from graphkeras.applications.pretrained_weights import (
    KERAS_WEIGHTS_ROOT,
    check_weights_argument,
    load_application_weights,
)
from graphkeras.engine.training import Model


def global_average(features):
    """The vector most families classify: the feature map averaged over space (``avg_pool``)."""
    return layers.GlobalAveragePooling2D(name="avg_pool")(features)


@dataclass(frozen=True)
class ImageNetArchitecture:
    """What one ImageNet application adds to the shared frame.

    ``features`` builds the body from the input image to the last feature
    map. ``weights_folder`` and ``weights_stem`` place the published
    weights file (``{KERAS_WEIGHTS_ROOT}{folder}/{stem}_weights_tf_...``).
    ``default_size`` is the side the weights were trained at, ``min_size``
    the smallest side the body's strides allow. ``classifier_input`` turns
    the feature map into the vector the ``"predictions"`` layer reads;
    ``named_pooling`` gives the feature pooling of a model without top the
    names ``avg_pool``/``max_pool`` (else Keras's automatic names).
    """

    features: Callable
    weights_folder: str
    weights_stem: str
    default_size: int = 224
    min_size: int = 32
    classifier_input: Callable = global_average
    named_pooling: bool = False

    def weights_file(self, include_top: bool) -> tuple[str, str]:
        """The published weights file's name for this top, and where Keras publishes it."""
        suffix = "" if include_top else "_notop"
        file_name = f"{self.weights_stem}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        return file_name, f"{KERAS_WEIGHTS_ROOT}{self.weights_folder}/{file_name}"


def build_application(
    architecture: ImageNetArchitecture,
    *,
    include_top: bool,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes: int,
    classifier_activation,
    name: str,
) -> Model:
    """The model ``architecture`` describes, built, checked and given its weights as Keras does."""
    check_weights_argument(weights, include_top, classes)
    input_shape = obtain_input_shape(
        input_shape,
        default_size=architecture.default_size,
        min_size=architecture.min_size,
        data_format=K.image_data_format(),
        require_flatten=include_top,
        weights=weights,
    )
    image = image_input(input_tensor, input_shape)
    x = architecture.features(image)
    if include_top:
        x = architecture.classifier_input(x)
        validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled_features(x, pooling, named=architecture.named_pooling)
    model = Model(model_inputs(input_tensor, image), x, name=name)
    file_name, origin = architecture.weights_file(include_top)
    load_application_weights(model, weights, file_name, origin)
    return model


def imagenet_application(
    architecture: ImageNetArchitecture,
    public_name: str,
    default_name: str,
    module_name: str,
    summary: str,
) -> Callable:
    """A builder with Keras's signature, ``public_name(include_top=True, weights="imagenet", ...)``.

    ``default_name`` is the model's name unless the caller gives one;
    ``module_name`` the module that exports the builder; ``summary`` the
    first line of its docstring.
    """

    def application(
        include_top: bool = True,
        weights="imagenet",
        input_tensor=None,
        input_shape: tuple | None = None,
        pooling: str | None = None,
        classes: int = 1000,
        classifier_activation="softmax",
        name: str = default_name,
    ) -> Model:
        return build_application(
            architecture,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            name=name,
        )

    application.__name__ = application.__qualname__ = public_name
    application.__module__ = module_name
    application.__doc__ = f"{public_name}: {summary}\n\n{APPLICATION_ARGUMENTS}"
    return application


APPLICATION_ARGUMENTS = """Arguments, as in ``keras.applications``:

    include_top: end in global pooling and a ``classes``-way Dense layer
        named ``"predictions"``; the image size is then fixed (the default
        size with ImageNet weights).
    weights: None (initializers' values), ``"imagenet"`` (the file Keras
        publishes, read from ``$KERAS_HOME/models`` or ``~/.keras/models``;
        never downloaded) or the path of a weights file.
    input_tensor: a symbolic tensor to build the network on; the model then
        starts at that tensor's sources.
    input_shape: the image shape without batch, channels last or first as
        the image data format says; 3 channels with ImageNet weights.
    pooling: without top, None (the last feature map), ``"avg"`` or
        ``"max"`` (its global pooling).
    classes: the number of classes of the top.
    classifier_activation: the top's activation (None for logits); only
        softmax or None with pretrained weights.
    name: the model's name.
"""


def batch_norm(x, name: str | None, epsilon: float = 1e-3, axis: int | None = None):
    """A batch norm over the channel axis (or ``axis``), named ``name`` (None: automatic)."""
    axis = channel_axis() if axis is None else axis
    return layers.BatchNormalization(axis=axis, epsilon=epsilon, name=name)(x)


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
