"""``gk.applications.resnet``: ResNet-50, -101 and -152 (He et al., 2015), as Keras builds them.

Post-activation residual networks of bottleneck blocks
(``resnet_architecture.py``). They expect images prepared in "caffe" mode:
BGR channel order, ImageNet means subtracted, no scaling.

>>> import graphkeras as gk
>>> model = gk.applications.resnet.ResNet101(weights=None, input_shape=(64, 64, 3), classes=10)
"""

from __future__ import annotations

from graphkeras.applications.application_frame import preprocessing_for
from graphkeras.applications.imagenet_utils import decode_predictions
from graphkeras.applications.resnet_architecture import resnet_application

preprocess_input = preprocessing_for("caffe", __name__)

ResNet50 = resnet_application(
    50,
    preactivation=False,
    module_name=__name__,
    summary="stacks of 3, 4, 6 and 3 bottleneck blocks; 25.6 million parameters with the top.",
)
ResNet101 = resnet_application(
    101,
    preactivation=False,
    module_name=__name__,
    summary="stacks of 3, 4, 23 and 3 bottleneck blocks; 44.7 million parameters with the top.",
)
ResNet152 = resnet_application(
    152,
    preactivation=False,
    module_name=__name__,
    summary="stacks of 3, 8, 36 and 3 bottleneck blocks; 60.4 million parameters with the top.",
)

__all__ = ["ResNet50", "ResNet101", "ResNet152", "decode_predictions", "preprocess_input"]
