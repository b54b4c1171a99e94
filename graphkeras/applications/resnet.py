"""``gk.applications.resnet``: ResNet-50, -101 and -152 (He et al., 2015), as Keras builds them.

Post-activation residual networks of bottleneck blocks
(``resnet_architecture.py``). They expect images prepared in "caffe" mode:
BGR channel order, ImageNet means subtracted, no scaling.

>>> import graphkeras as gk
>>> model = gk.applications.resnet.ResNet101(weights=None, input_shape=(64, 64, 3), classes=10)
"""

from __future__ import annotations

from graphkeras.applications.application_frame import preprocessing_for
from graphkeras.applications.imagenet_utils import decode_predictions
from graphkeras.applications.resnet_architecture import build_resnet

preprocess_input = preprocessing_for("caffe", __name__)


def ResNet50(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "resnet50",
):
    """ResNet-50: stacks of 3, 4, 6 and 3 bottleneck blocks, 25.6 million parameters with the top.

    ``include_top`` adds average pooling and a ``classes``-way Dense layer;
    without it, ``pooling`` (None, "avg", "max") decides whether the output
    is the last feature map or its global pooling. ``weights`` is None,
    "imagenet" (the file Keras publishes, read from Keras's cache folder) or
    a weights file's path. ``input_tensor`` builds the network on an
    existing tensor; ``input_shape`` sets the image size (at least 32x32).
    """
    # Every argument goes on to the shared builder under the same name.
    return build_resnet(50, preactivation=False, **locals())


def ResNet101(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "resnet101",
):
    """ResNet-101: stacks of 3, 4, 23 and 3 bottleneck blocks; arguments as ``ResNet50``."""
    return build_resnet(101, preactivation=False, **locals())


def ResNet152(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "resnet152",
):
    """ResNet-152: stacks of 3, 8, 36 and 3 bottleneck blocks; arguments as ``ResNet50``."""
    return build_resnet(152, preactivation=False, **locals())


__all__ = ["ResNet50", "ResNet101", "ResNet152", "decode_predictions", "preprocess_input"]
