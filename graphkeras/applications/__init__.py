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

from graphkeras.applications import imagenet_utils

# Family modules and the builders they export, one block per family.

__all__ = ["imagenet_utils"]
