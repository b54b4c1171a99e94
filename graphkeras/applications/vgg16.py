"""``gk.applications.vgg16``: VGG16 as Keras builds it (``vgg_architecture.py``).

>>> import graphkeras as gk
>>> model = gk.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
"""

from __future__ import annotations

from graphkeras.applications.application_frame import imagenet_application, preprocessing_for
from graphkeras.applications.imagenet_utils import decode_predictions
from graphkeras.applications.vgg_architecture import vgg_architecture

preprocess_input = preprocessing_for("caffe", __name__)

VGG16 = imagenet_application(
    vgg_architecture(16),
    "VGG16",
    "vgg16",
    __name__,
    "13 convolutions in five blocks and three dense layers; 138 million parameters.",
)

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]
