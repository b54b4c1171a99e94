"""``gk.applications.resnet_v2``: pre-activation ResNets (He et al., 2016), as Keras builds them.

The same stacks as ``resnet`` with batch norm and ReLU moved before each
block's convolutions (``resnet_architecture.py``). They expect images
scaled to [-1, 1] ("tf" mode).

>>> import graphkeras as gk
>>> model = gk.applications.ResNet50V2(weights=None, include_top=False, input_shape=(64, 64, 3))
"""

from __future__ import annotations

from graphkeras.applications.application_frame import preprocessing_for
from graphkeras.applications.imagenet_utils import decode_predictions
from graphkeras.applications.resnet_architecture import build_resnet

preprocess_input = preprocessing_for("tf", __name__)


def ResNet50V2(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "resnet50v2",
):
    """ResNet-50 v2: stacks of 3, 4, 6 and 3 pre-activation bottlenecks.

    Arguments as ``gk.applications.ResNet50``: ``include_top`` adds average
    pooling and a ``classes``-way Dense layer, else ``pooling`` (None,
    "avg", "max") shapes the feature output; ``weights`` is None,
    "imagenet" (from Keras's cache folder) or a weights file's path.
    """
    # Every argument goes on to the shared builder under the same name.
    return build_resnet(50, preactivation=True, **locals())


def ResNet101V2(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "resnet101v2",
):
    """ResNet-101 v2: stacks of 3, 4, 23 and 3 pre-activation bottlenecks; as ``ResNet50V2``."""
    return build_resnet(101, preactivation=True, **locals())


def ResNet152V2(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "resnet152v2",
):
    """ResNet-152 v2: stacks of 3, 8, 36 and 3 pre-activation bottlenecks; as ``ResNet50V2``."""
    return build_resnet(152, preactivation=True, **locals())


__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "decode_predictions", "preprocess_input"]
