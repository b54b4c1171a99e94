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

from graphkeras.applications import (
    convnext,
    densenet,
    efficientnet,
    efficientnet_v2,
    imagenet_utils,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    mobilenet_v2,
    mobilenet_v3,
    nasnet,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
from graphkeras.applications.convnext import (
    ConvNeXtBase,
    ConvNeXtLarge,
    ConvNeXtSmall,
    ConvNeXtTiny,
    ConvNeXtXLarge,
)
from graphkeras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
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
from graphkeras.applications.inception_resnet_v2 import InceptionResNetV2
from graphkeras.applications.inception_v3 import InceptionV3
from graphkeras.applications.mobilenet import MobileNet
from graphkeras.applications.mobilenet_v2 import MobileNetV2
from graphkeras.applications.mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
from graphkeras.applications.nasnet import NASNetLarge, NASNetMobile
from graphkeras.applications.resnet import ResNet50, ResNet101, ResNet152
from graphkeras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from graphkeras.applications.vgg16 import VGG16
from graphkeras.applications.vgg19 import VGG19
from graphkeras.applications.xception import Xception

__all__ = [
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
    "DenseNet121",
    "DenseNet169",
    "DenseNet201",
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
    "InceptionV3",
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Large",
    "MobileNetV3Small",
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
    "efficientnet",
    "efficientnet_v2",
    "imagenet_utils",
    "inception_v3",
    "mobilenet",
    "mobilenet_v2",
    "mobilenet_v3",
    "resnet",
    "resnet50",
    "resnet_v2",
    "vgg16",
    "vgg19",
    "xception",
]
