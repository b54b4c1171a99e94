"""``gk.applications.resnet50``: Keras's older module name for ResNet-50 and its preprocessing."""

from graphkeras.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
