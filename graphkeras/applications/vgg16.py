"""``gk.applications.vgg16``: VGG16 as Keras builds it (``vgg_architecture.py``).

>>> import graphkeras as gk
>>> model = gk.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
"""

from __future__ import annotations

from graphkeras.applications.application_frame import preprocessing_for
from graphkeras.applications.imagenet_utils import decode_predictions
from graphkeras.applications.vgg_architecture import build_vgg

preprocess_input = preprocessing_for("caffe", __name__)


def VGG16(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "vgg16",
):
    """VGG16: 13 convolutions in five blocks and three dense layers, 138 million parameters.

    ``include_top`` adds the flatten / fc1 / fc2 / ``classes``-way top (the
    image size then fixed, 224x224 with ImageNet weights); without it,
    ``pooling`` (None, "avg", "max") shapes the feature output. ``weights``
    is None, "imagenet" (from Keras's cache folder) or a weights file's
    path; ``input_tensor`` builds the network on an existing tensor.
    """
    # Every argument goes on to the shared builder under the same name.
    return build_vgg(16, **locals())


__all__ = ["VGG16", "decode_predictions", "preprocess_input"]
