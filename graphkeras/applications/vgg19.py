"""``gk.applications.vgg19``: VGG19 as Keras builds it (``vgg_architecture.py``).

>>> import graphkeras as gk
>>> model = gk.applications.VGG19(weights=None, include_top=False, input_shape=(32, 32, 3))
"""

from __future__ import annotations

from graphkeras.applications.application_frame import imagenet_application, preprocessing_for
from graphkeras.applications.imagenet_utils import decode_predictions
from graphkeras.applications.vgg_architecture import vgg_architecture

preprocess_input = preprocessing_for("caffe", __name__)

VGG19 = imagenet_application(
    vgg_architecture(19),
    "VGG19",
    "vgg19",
    __name__,
    "16 convolutions in five blocks and three dense layers; 144 million parameters.",
)

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
