"""Random image augmentation: layers that vary images while training and leave them at inference.

Each layer draws a transformation (``get_random_transformation``) and then
applies it (``transform_images``), with Keras 3's names and transformation
dicts, so a transformation chosen by hand gives Keras's numbers.
"""

from graphkeras.layers.image_augmentation.base import ImageAugmentationLayer
from graphkeras.layers.image_augmentation.random_brightness import RandomBrightness
from graphkeras.layers.image_augmentation.random_contrast import RandomContrast
from graphkeras.layers.image_augmentation.random_crop import RandomCrop
from graphkeras.layers.image_augmentation.random_flip import RandomFlip
from graphkeras.layers.image_augmentation.random_rotation import RandomRotation
from graphkeras.layers.image_augmentation.random_translation import RandomTranslation
from graphkeras.layers.image_augmentation.random_zoom import RandomZoom

__all__ = [
    "ImageAugmentationLayer",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
]
