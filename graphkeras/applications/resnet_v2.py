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
from graphkeras.applications.resnet_architecture import resnet_application

preprocess_input = preprocessing_for("tf", __name__)

ResNet50V2 = resnet_application(
    50,
    preactivation=True,
    module_name=__name__,
    summary="stacks of 3, 4, 6 and 3 pre-activation bottlenecks; "
    "25.6 million parameters with the top.",
)
ResNet101V2 = resnet_application(
    101,
    preactivation=True,
    module_name=__name__,
    summary="stacks of 3, 4, 23 and 3 pre-activation bottlenecks; "
    "44.7 million parameters with the top.",
)
ResNet152V2 = resnet_application(
    152,
    preactivation=True,
    module_name=__name__,
    summary="stacks of 3, 8, 36 and 3 pre-activation bottlenecks; "
    "60.4 million parameters with the top.",
)

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "decode_predictions", "preprocess_input"]
