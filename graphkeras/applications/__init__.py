"""``gk.applications``: Keras's ImageNet architectures, built by name with Keras's layer names.

Each family module (``resnet``, ``mobilenet_v2``, ...) builds its models
with the same signature, layer names, parameter counts and weight order as
``keras.applications``, so a Keras-made weights file loads into them and a
Keras script's ``keras.applications.X(...)`` line runs unchanged.
``weights="imagenet"`` reads the file Keras publishes from a local path or
Keras's cache folder; nothing is ever downloaded (``pretrained_weights.py``).

>>> import graphkeras as gk
>>> model = gk.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3))
"""

# Family modules and the builders they export, one block per family.
# MobileNet and EfficientNet families.
from graphkeras.applications import (
    efficientnet,
    efficientnet_v2,
    imagenet_utils,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
)
from graphkeras.applications.efficientnet import (
    EfficientNetB0,
    EfficientNetB1,
    EfficientNetB2,
    EfficientNetB3,
    EfficientNetB4,
    EfficientNetB5,
    EfficientNetB6,
    EfficientNetB7,
)
from graphkeras.applications.efficientnet_v2 import (
    EfficientNetV2B0,
    EfficientNetV2B1,
    EfficientNetV2B2,
    EfficientNetV2B3,
    EfficientNetV2L,
    EfficientNetV2M,
    EfficientNetV2S,
)
from graphkeras.applications.mobilenet import MobileNet
from graphkeras.applications.mobilenet_v2 import MobileNetV2
from graphkeras.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small

MOBILE_AND_EFFICIENT_EXPORTS = [
    "efficientnet",
    "efficientnet_v2",
    "mobilenet",
    "mobilenet_v2",
    "mobilenet_v3",
    "EfficientNetB0",
    "EfficientNetB1",
    "EfficientNetB2",
    "EfficientNetB3",
    "EfficientNetB4",
    "EfficientNetB5",
    "EfficientNetB6",
    "EfficientNetB7",
    "EfficientNetV2B0",
    "EfficientNetV2B1",
    "EfficientNetV2B2",
    "EfficientNetV2B3",
    "EfficientNetV2L",
    "EfficientNetV2M",
    "EfficientNetV2S",
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Large",
    "MobileNetV3Small",
]

__all__ = ["imagenet_utils", *MOBILE_AND_EFFICIENT_EXPORTS]
