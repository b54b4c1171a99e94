"""``gk.applications.vgg19``: VGG19 as Keras builds it (``vgg_architecture.py``).

>>> import graphkeras as gk
>>> model = gk.applications.VGG19(weights=None, include_top=False, input_shape=(32, 32, 3))
"""

from __future__ import annotations

from graphkeras.applications.application_frame import preprocessing_for
from graphkeras.applications.imagenet_utils import decode_predictions
from graphkeras.applications.vgg_architecture import build_vgg

preprocess_input = preprocessing_for("caffe", __name__)


def VGG19(
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape: tuple | None = None,
    pooling: str | None = None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "vgg19",
):
    """VGG19: 16 convolutions in five blocks and three dense layers; arguments as ``VGG16``."""
    # Every argument goes on to the shared builder under the same name.
    return build_vgg(19, **locals())


__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
