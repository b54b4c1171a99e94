"""Resizing: images stretched (or fitted) to a fixed ``height`` and ``width``.

The interpolation is ``K.resize``'s: ``"bilinear"`` (default),
``"nearest"``, ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"`` as Keras 3 on
JAX, or ``"area"`` as Keras 3 on TensorFlow; ``antialias`` widens the
kernel when shrinking. By default the aspect ratio may change;
``crop_to_aspect_ratio=True`` first cuts the largest centred window with
the target's ratio, and ``pad_to_aspect_ratio=True`` first pads the short
side evenly with ``fill_value``. Integer images keep their dtype (the
result rounded and clipped), as in Keras 3.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing.image_sizes import (
    positive_size,
    resized_shape,
    saturate_to,
)
from graphkeras.layers.spatial_arguments import data_format_argument
from graphkeras.layers.value_checks import describe, number
from graphkeras.utils import image_utils

_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area")


@register_layer
class Resizing(Layer):
    """Images resized to ``(height, width)``, optionally cropped or padded to its aspect ratio."""

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.height = positive_size(height, "height", self)
        self.width = positive_size(width, "width", self)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"{describe(self)}: interpolation must be one of {_INTERPOLATIONS}, "
                f"received interpolation={interpolation!r}."
            )
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                f"{describe(self)}: only one of crop_to_aspect_ratio and pad_to_aspect_ratio "
                "can be True."
            )
        if fill_mode != "constant":
            raise ValueError(
                f"{describe(self)}: fill_mode must be 'constant' (the only mode Keras 3 "
                f"supports), received fill_mode={fill_mode!r}."
            )
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = number(fill_value, "fill_value", self)
        self.antialias = bool(antialias)
        self.data_format = data_format_argument(data_format, self)

    def call(self, inputs):
        dtype = K.dtype(inputs)
        images = inputs if K.is_float_dtype(dtype) else K.cast(inputs, self.compute_dtype)
        size = (self.height, self.width)
        if self.crop_to_aspect_ratio:
            images = image_utils.crop_to_aspect_ratio(images, size, self.data_format)
        elif self.pad_to_aspect_ratio:
            images = image_utils.pad_to_aspect_ratio(
                images, size, self.fill_value, self.data_format
            )
        resized = K.resize(
            images,
            size,
            interpolation=self.interpolation,
            antialias=self.antialias,
            data_format=self.data_format,
        )
        return resized if K.is_float_dtype(dtype) else saturate_to(resized, dtype)

    def compute_output_shape(self, input_shape):
        return resized_shape(input_shape, self.height, self.width, self.data_format, self)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "data_format": self.data_format,
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
        }
