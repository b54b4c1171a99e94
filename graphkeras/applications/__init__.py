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
# ResNet, ResNetV2, VGG, DenseNet, Inception v3, Xception:
from graphkeras.applications import (
    densenet,
    imagenet_utils,
    inception_v3,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
from graphkeras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from graphkeras.applications.inception_v3 import InceptionV3
from graphkeras.applications.resnet import ResNet50, ResNet101, ResNet152
from graphkeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from graphkeras.applications.vgg16 import VGG16
from graphkeras.applications.vgg19 import VGG19
from graphkeras.applications.xception import Xception

_CLASSIC_FAMILIES = [
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
    "InceptionV3",
    "ResNet50",
    "ResNet101",
    "ResNet152",
    "ResNet50V2",
    "ResNet101V2",
    "ResNet152V2",
    "VGG16",
    "VGG19",
    "Xception",
    "densenet",
    "inception_v3",
    "resnet",
    "resnet50",
    "resnet_v2",
    "vgg16",
    "vgg19",
    "xception",
]

__all__ = ["imagenet_utils", *_CLASSIC_FAMILIES]
