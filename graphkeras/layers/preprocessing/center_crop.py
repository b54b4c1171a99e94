"""CenterCrop: the centred ``height`` by ``width`` window of each image.

An image at least as large as the target on both axes is cut, its offset
``(size - target) // 2``. A smaller one (on either axis) is first cut to
the target's aspect ratio and then resized bilinearly to the target, as
Keras 3's ``smart_resize`` does, so the output always has the target size.
Outputs are in the layer's float dtype.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing.image_sizes import (
    height_width_axes,
    positive_size,
    resized_shape,
)
from graphkeras.layers.spatial_arguments import data_format_argument
from graphkeras.utils import image_utils


@register_layer
class CenterCrop(Layer):
    """The centred ``(height, width)`` window; smaller images are fitted by a resize."""

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.height = positive_size(height, "height", self)
        self.width = positive_size(width, "width", self)
        self.data_format = data_format_argument(data_format, self)

    def call(self, inputs):
        images = K.cast(inputs, self.compute_dtype)
        shape = K.int_shape(images)
        height_axis, width_axis = height_width_axes(shape, self.data_format, self)
        height, width = shape[height_axis], shape[width_axis]
        if height >= self.height and width >= self.width:
            key = [slice(None)] * len(shape)
            top, left = (height - self.height) // 2, (width - self.width) // 2
            key[height_axis] = slice(top, top + self.height)
            key[width_axis] = slice(left, left + self.width)
            return K.getitem(images, tuple(key))
        size = (self.height, self.width)
        images = image_utils.crop_to_aspect_ratio(images, size, self.data_format)
        return K.resize(images, size, interpolation="bilinear", data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        return resized_shape(input_shape, self.height, self.width, self.data_format, self)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "data_format": self.data_format,
            "height": self.height,
            "width": self.width,
        }
