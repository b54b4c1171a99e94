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
from graphkeras.applications import convnext, imagenet_utils, inception_resnet_v2, nasnet
from graphkeras.applications.convnext import (
    ConvNeXtBase,
    ConvNeXtLarge,
    ConvNeXtSmall,
    ConvNeXtTiny,
    ConvNeXtXLarge,
)
from graphkeras.applications.inception_resnet_v2 import InceptionResNetV2
from graphkeras.applications.nasnet import NASNetLarge, NASNetMobile

__all__ = [
    "imagenet_utils",
    # convnext, inception_resnet_v2, nasnet
    "ConvNeXtBase",
    "ConvNeXtLarge",
    "ConvNeXtSmall",
    "ConvNeXtTiny",
    "ConvNeXtXLarge",
    "InceptionResNetV2",
    "NASNetLarge",
    "NASNetMobile",
    "convnext",
    "inception_resnet_v2",
    "nasnet",
]
